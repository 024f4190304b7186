"""Nothing lost, nothing left: what a build killed with ``kill -9`` set aside is removed by the next one,
two builds at once never remove each other's work, and a failing write (a full disk) is one line."""

from __future__ import annotations

import contextlib
import fcntl
import multiprocessing
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import add_articles, hooked, snapshot

from techdigest import writer
from techdigest.build import build
from techdigest.config import CACHE_DIR, load_config
from techdigest.locks import ALIVE, FolderLock, owned_folder

COMMAND = [sys.executable, "-m", "techdigest.cli"]


def leftovers(project: Path) -> list[str]:
    """Everything a build sets aside, wherever it may be left: next to site/, in it, in the cache."""
    found = [*project.glob(".site-*"), *project.glob(".techdigest-view-*"), *project.glob("site/**/.*-old-*")]
    found += project.glob(f"{CACHE_DIR}/.build-*")
    return sorted(p.relative_to(project).as_posix() for p in found)


@pytest.fixture
def reference(project: Path) -> dict[str, bytes]:
    """The site the project should have: built elsewhere, from the same files."""
    return snapshot(build(load_config(project), output=project.parent / "reference").output)


def run(project: Path, *args: str, limit: int | None = None) -> subprocess.CompletedProcess[str]:
    """``techdigest`` in a process of its own; ``limit``: the largest file it may write (else EFBIG)."""

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [*COMMAND, "-C", str(project), *args],
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=limited if limit else None,
    )


def test_what_a_killed_build_left_is_removed_by_the_next(project, reference):
    assert run(project, "build").returncode == 0
    (project / ".site-new-k1ll3d" / "de").mkdir(parents=True)
    (project / ".site-new-k1ll3d" / "de" / "index.html").write_text("half")
    (project / ".site-old-k1ll3d" / "old").mkdir(parents=True)
    (project / ".site-search-k1ll3d").mkdir()
    (project / "site" / "pagefind" / ".2026-old-k1ll3d" / "old").mkdir(parents=True)  # as older versions left it
    (project / CACHE_DIR / ".build-k1ll3d").write_bytes(b"half a pickle")
    assert len(leftovers(project)) == 5
    assert run(project, "build").returncode == 0
    assert leftovers(project) == []
    assert snapshot(project / "site") == reference


@pytest.fixture
def memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where the build makes its folders of links for Pagefind (/dev/shm), here a folder of the test's."""
    folder = tmp_path / "memory"
    folder.mkdir()
    monkeypatch.setattr(writer, "MEMORY", folder)
    return folder


def indexed_pages(site: Path) -> int:
    return sum(1 for _ in site.glob("pagefind/*/*/fragment/*.pf_fragment"))


def test_views_are_made_in_memory_and_what_a_killed_build_left_there_is_removed(project, reference, memory):
    abandoned = memory / ".techdigest-view-k1ll3d"
    (abandoned / ALIVE).mkdir(parents=True)
    (abandoned / "de").symlink_to(project)
    working = memory / ".techdigest-view-w0rk1ng"  # another build's, still at work
    (working / ALIVE).mkdir(parents=True)
    made = []
    real = writer._link
    with FolderLock(working / ALIVE):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(writer, "_link", lambda folder, targets: made.append(folder) or real(folder, targets))
            build(load_config(project))
        assert sorted(p.name for p in memory.iterdir()) == [working.name]
    assert made and all(folder.parent == memory for folder in made)
    assert snapshot(project / "site") == reference and leftovers(project) == []


def test_with_the_memory_full_the_views_are_made_on_the_disk(project, reference, memory, monkeypatch):
    symlink = os.symlink

    def full(target: str, link: str) -> None:
        if Path(link).is_relative_to(memory):
            raise OSError(28, "No space left on device")
        symlink(target, link)

    monkeypatch.setattr(os, "symlink", full)
    build(load_config(project))
    assert list(memory.iterdir()) == []
    assert snapshot(project / "site") == reference and leftovers(project) == []
    assert indexed_pages(project / "site") == indexed_pages(project.parent / "reference")


def test_when_memory_refuses_the_folder_itself_the_views_are_made_on_the_disk(project, reference, memory, monkeypatch):
    mkdtemp = tempfile.mkdtemp

    def refused(*args: object, **kwargs: object) -> str:
        if kwargs.get("dir") == memory:
            raise OSError(28, "No space left on device")  # out of inodes, or a sandbox that forbids it
        return mkdtemp(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkdtemp", refused)
    build(load_config(project))
    assert snapshot(project / "site") == reference and leftovers(project) == []
    assert indexed_pages(project / "site") == indexed_pages(project.parent / "reference")


def test_a_view_a_killed_build_left_on_the_disk_is_removed_by_the_next_build(project, reference):
    assert run(project, "build").returncode == 0
    (project / ".techdigest-view-k1ll3d" / ALIVE / "de").mkdir(parents=True)
    assert run(project, "build").returncode == 0  # a no-change build: it makes no view
    assert leftovers(project) == []


def test_what_is_not_a_folder_of_this_users_in_a_shared_folder_is_left_alone(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / ALIVE).mkdir(parents=True)
    (shared / ".techdigest-view-planted").symlink_to(elsewhere)  # someone's link to a folder that looks abandoned
    with owned_folder(shared, ".techdigest-view-") as folder:
        assert folder.is_dir()
    assert (shared / ".techdigest-view-planted").is_symlink() and (elsewhere / ALIVE).is_dir()
    assert [p.name for p in shared.iterdir()] == [".techdigest-view-planted"]


def test_a_kill_between_the_two_renames_of_a_swap_is_recovered(project, reference):
    """The old site moved aside, the new one not yet in place: there is no site/ at all."""
    assert run(project, "build").returncode == 0
    shutil.copytree(project / "site", project / ".site-new-k1ll3d")
    (project / ".site-old-k1ll3d").mkdir()
    (project / "site").rename(project / ".site-old-k1ll3d" / "old")
    assert run(project, "build").returncode == 0
    assert leftovers(project) == []
    assert snapshot(project / "site") == reference


def test_a_build_really_killed_midway_is_cleaned_up_by_the_next(project):
    add_articles(project, 60)
    expected = snapshot(build(load_config(project), output=project.parent / "reference").output)
    # killed while its two workers render: its folder is set aside, the workers are running
    killed = hooked("--while-rendering", "--send", "SIGKILL", "--workers", "2", str(project), timeout=60)
    workers = [int(pid) for pid in killed.stdout.split()[1:]]
    try:
        assert killed.returncode == -signal.SIGKILL and len(workers) == 2
        assert list(project.glob(".site-new-*"))
        # its forked workers outlive it (a kill -9 reaches only the one process): they hold no lock
        assert run(project, "build").returncode == 0
        assert leftovers(project) == []
        assert snapshot(project / "site") == expected
    finally:
        for pid in workers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def test_forked_workers_do_not_hold_the_lock_of_a_build(tmp_path):
    """Orphaned by a kill -9, they would hold it forever, and every later build would wait."""
    lock = FolderLock(tmp_path)
    with multiprocessing.get_context("fork").Pool(1) as pool:
        assert pool.apply(os.getpid) != os.getpid()  # the worker runs, forked while the lock was held
        lock.release()
        probe = os.open(tmp_path, os.O_RDONLY)
        try:
            fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)  # BlockingIOError if the worker held it
        finally:
            os.close(probe)


def test_a_writer_that_must_wait_for_the_lock_says_so_and_then_sweeps(tmp_path, capsys):
    holder = FolderLock(tmp_path)
    (tmp_path / ".x-new-1").mkdir()  # set aside by the holder: not a leftover while it works
    waiter = threading.Thread(target=lambda: FolderLock(tmp_path, (".x-new-*",)).release())
    waiter.start()
    deadline = time.monotonic() + 30
    while "waiting" not in capsys.readouterr().err and time.monotonic() < deadline:
        time.sleep(0.05)  # polling for a message, not measuring time
    assert (tmp_path / ".x-new-1").is_dir()
    holder.release()
    waiter.join(timeout=30)
    assert not waiter.is_alive() and not (tmp_path / ".x-new-1").exists()


def test_two_builds_at_once_leave_one_complete_site(project, reference):
    processes = [
        subprocess.Popen(
            [*COMMAND, "-C", str(project), "build"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(3)
    ]
    for process in processes:
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
    assert leftovers(project) == []
    assert snapshot(project / "site") == reference


def test_a_failing_write_is_one_line_and_leaves_the_site_as_it_was(project):
    assert run(project, "build").returncode == 0
    before = snapshot(project / "site")
    article = next((project / "content").glob("*.md"))
    article.write_text(article.read_text(encoding="utf-8") + "\nNoch ein Absatz.\n", encoding="utf-8")
    shutil.rmtree(project / CACHE_DIR)  # a build without a cache writes whole pages, the limit is hit at once
    result = run(project, "build", limit=2000)
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: {project}/site/") and line.endswith(": File too large")  # the file it made
    assert snapshot(project / "site") == before
    assert leftovers(project) == []


def test_a_failing_import_write_is_one_line_and_leaves_no_file(project):
    (project / "seeds").mkdir()
    (project / "seeds" / "a.txt").write_text("Ein Absatz über Chips. " * 200 + "\nSchlagwörter: Chips\n")
    before = sorted(p.name for p in (project / "content").iterdir())
    result = run(project, "import", limit=2000)
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: {project}/content/") and line.endswith(".md: File too large")
    assert sorted(p.name for p in (project / "content").iterdir()) == before


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MiB file system of its own (tmpfs: root in a container allowed to mount), removed afterwards.
    (With 3 MiB the fixture site's first build found 0.8 to 1.3 MiB free as each Pagefind run ended,
    the other one's ready-made UI files not yet removed: below the 1 MiB it keeps, now and then.)"""
    disk = tmp_path / "disk"
    disk.mkdir()
    if (
        os.geteuid() != 0
        or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(disk)], capture_output=True, check=False
        ).returncode
        != 0
    ):
        pytest.skip("mounting a tmpfs needs root with the right to mount")
    try:
        yield disk
    finally:
        subprocess.run(["umount", str(disk)], check=False)


def test_a_full_disk_while_pagefind_writes_is_one_line_and_publishes_nothing(project, small_disk):
    site_project = small_disk / "project"
    shutil.copytree(project, site_project)
    assert run(site_project, "build").returncode == 0
    before = snapshot(site_project / "site")
    shutil.rmtree(site_project / CACHE_DIR)  # the next build makes a whole staged copy and every search bundle
    free = os.statvfs(small_disk).f_bavail * os.statvfs(small_disk).f_frsize
    (small_disk / "filler").write_bytes(b"\0" * (free - 700 * 1024))  # room for the pages, not for the index
    result = run(site_project, "build")
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: ") and "search: the disk is full" in line
    assert snapshot(site_project / "site") == before
    assert leftovers(site_project) == []
