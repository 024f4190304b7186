"""Incremental builds: the on-disk cache, edits of every kind, the parallel path.

Whatever the last build left (cache and site), the next build must write
exactly what a cold build of the same project writes; these tests compare
every byte, and check that what did not change was not touched.
"""

from __future__ import annotations

import contextlib
import os
import pty
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import make_project

from techdigest import changes as changes_module
from techdigest import parallel
from techdigest import writer as writer_module
from techdigest.build import build
from techdigest.cache import CACHE_DIR
from techdigest.changes import classify
from techdigest.cli import main
from techdigest.config import load_config
from techdigest.library import index
from techdigest.options import BuildOptions

PREVIEW = BuildOptions.for_preview()


def files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def stamps(site: Path) -> dict[str, tuple[int, int]]:
    return {
        p.relative_to(site).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns) for p in site.rglob("*") if p.is_file()
    }


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def add_article(project: Path) -> None:
    text = (project / "content" / "chip-export.md").read_text(encoding="utf-8")
    text = re.sub(r"date: .*", "date: 2027-01-05", text).replace("nvidia", "Quantum Computing")
    (project / "content" / "quantum-news.md").write_text(text, encoding="utf-8")


EDITS: dict[str, Callable[[Path], None]] = {
    "body": lambda p: replace_in(p / "content" / "compilers-in-rust.md", "Teams that maintain", "Teams who maintain"),
    "title": lambda p: replace_in(p / "content" / "chip-export.md", "de: Neue Regeln", "de: Strengere Regeln"),
    "tag spelling": lambda p: replace_in(p / "content" / "chip-export.md", "[nvidia, Export]", "[NVIDIA, Export]"),
    "date, into another year": lambda p: replace_in(
        p / "content" / "chip-export.md", "date: 2025-11-20", "date: 2024-11-20"
    ),
    "new article, new tag": add_article,
    "article removed": lambda p: (p / "content" / "chip-export.md").unlink(),
    "template": lambda p: replace_in(p / "templates" / "base.html", "<footer", "<!-- edited -->\n<footer"),
    "catalog": lambda p: replace_in(
        p / "locales" / "de" / "LC_MESSAGES" / "messages.po", 'msgstr "Alle Schlagwörter"', 'msgstr "Alle Stichwörter"'
    ),
    "config": lambda p: replace_in(p / "techdigest.toml", "[title]", "per_page = 1\n\n[title]"),
    "static asset": lambda p: (p / "templates" / "static" / "style.css").write_text(
        (p / "templates" / "static" / "style.css").read_text() + "\n/* edited */\n"
    ),
}


def cold_copy(project: Path, where: Path) -> Path:
    """The same project, never built: no cache, no site."""
    shutil.copytree(project, where, ignore=shutil.ignore_patterns("site", CACHE_DIR))
    assert main(["-C", str(where), "build"]) == 0
    return where / "site"


@pytest.mark.parametrize("edit", EDITS)
def test_after_any_edit_the_cached_build_writes_what_a_cold_build_writes(edit, tmp_path, capsys):
    project = make_project(tmp_path / "project")
    assert main(["-C", str(project), "build"]) == 0
    assert (project / CACHE_DIR / "build.pickle").is_file()
    site = project / "site"
    before, before_stamps = files(site), stamps(site)
    EDITS[edit](project)
    assert main(["-C", str(project), "build"]) == 0
    after, after_stamps = files(site), stamps(site)
    assert after == files(cold_copy(project, tmp_path / "cold"))
    # a file with the same bytes is the same file: same inode, same mtime (a deploy skips it)
    assert [
        name for name in after if before.get(name) == after[name] and before_stamps[name] != after_stamps[name]
    ] == []
    assert not list(tmp_path.rglob(".site-*")), "no staging or overlay folder is left behind"
    assert not [d for d in site.rglob("*") if d.is_dir() and not any(d.iterdir())], "gone pages leave no folders"


def test_an_unchanged_cli_build_renders_and_writes_nothing(project, capsys, monkeypatch):
    assert main(["-C", str(project), "build"]) == 0
    before = stamps(project / "site")
    capsys.readouterr()
    monkeypatch.chdir(project)  # the same project, named another way
    assert main(["build"]) == 0
    assert ": 0 rendered, 32 unchanged (from the cache), 0 files written" in capsys.readouterr().out
    assert stamps(project / "site") == before


def test_every_build_leaves_a_search_bundle_per_year_also_previews_without_a_record(project):
    config = load_config(project)
    build(config)
    shutil.rmtree(project / CACHE_DIR)
    preview = build(config, previous=None, options=PREVIEW)  # a copy of the site is staged: it needs them all
    assert sorted(p.name for p in (project / "site" / "pagefind").iterdir()) == ["2025", "2026"]
    replace_in(project / "content" / "chip-export.md", "date: 2025-11-20", "date: 2024-11-20")
    build(config, previous=preview.state, options=PREVIEW)  # a new year gets its bundle even in a preview
    assert sorted(p.name for p in (project / "site" / "pagefind").iterdir()) == ["2024", "2026"]


def test_files_changed_or_deleted_by_hand_in_the_site_are_made_again(project, tmp_path):
    assert main(["-C", str(project), "build"]) == 0
    site = project / "site"
    (site / "de" / "index.html").write_text("vandalized")
    (site / "en" / "tags" / "index.html").unlink()
    (site / "de" / "feed.xml").unlink()
    assert main(["-C", str(project), "build"]) == 0
    assert files(site) == files(cold_copy(project, tmp_path / "cold"))


def test_a_damaged_cache_means_a_cold_build_not_an_error(project, tmp_path):
    assert main(["-C", str(project), "build"]) == 0
    (project / CACHE_DIR / "build.pickle").write_bytes(b"\x80\x05garbage")
    assert main(["-C", str(project), "build"]) == 0
    assert files(project / "site") == files(cold_copy(project, tmp_path / "cold"))


def test_bad_content_after_a_cached_build_leaves_site_and_cache_as_they_were(project, capsys):
    assert main(["-C", str(project), "build"]) == 0
    site, cache = stamps(project / "site"), (project / CACHE_DIR / "build.pickle").read_bytes()
    replace_in(project / "content" / "chip-export.md", "date: 2025-11-20", "date: 2026-13-45")
    replace_in(project / "content" / "compilers-in-rust.md", "Teams that maintain", "Teams who maintain")
    assert main(["-C", str(project), "build"]) == 1
    assert "error: content/chip-export.md:4: date: invalid ISO date" in capsys.readouterr().err
    assert stamps(project / "site") == site
    assert (project / CACHE_DIR / "build.pickle").read_bytes() == cache


@pytest.fixture
def forced_parallel(monkeypatch):
    """The fork pool even for the few pages of a test site, and even on a one-core machine."""
    monkeypatch.setattr(parallel, "MIN_PARALLEL", 1)
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    monkeypatch.setattr(parallel.threading, "active_count", lambda: 1)  # the test servers' threads aside
    pools: list[str] = []
    get_context = parallel.multiprocessing.get_context

    def counting(method: str):
        pools.append(method)
        return get_context(method)

    monkeypatch.setattr(parallel.multiprocessing, "get_context", counting)
    return pools


def test_parallel_and_serial_builds_write_the_same_bytes(project, tmp_path, forced_parallel):
    pooled = files(build(load_config(project)).output)
    assert forced_parallel == ["fork", "fork"], "articles and outputs were made in worker processes"
    parallel.MIN_PARALLEL = 10**9  # restored by monkeypatch
    assert files(build(load_config(make_project(tmp_path / "serial"))).output) == pooled


def test_a_template_error_in_a_worker_names_the_template_line(project, forced_parallel, monkeypatch, capsys):
    monkeypatch.chdir(project)  # the usual way: in the project folder, paths relative to it
    assert main(["build"]) == 0
    before = stamps(project / "site")
    replace_in(project / "templates" / "article.html", "{{ article.title.value }}", "{{ article.title.value.nope() }}")
    capsys.readouterr()
    assert main(["build"]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("error: templates/article.html:14: template error while rendering "), line
    assert stamps(project / "site") == before


def test_a_process_with_other_threads_is_never_forked(forced_parallel, monkeypatch):
    monkeypatch.setattr(parallel.threading, "active_count", lambda: 2)  # as in serve: watcher, server
    assert parallel.fork_map(lambda n: n * n, range(5)) == [0, 1, 4, 9, 16]
    assert forced_parallel == []


def test_a_terminal_shows_progress_a_pipe_only_the_summary(project):
    leader, follower = pty.openpty()
    command = [sys.executable, "-m", "techdigest.cli", "-C", str(project), "build"]
    on_terminal = subprocess.run(command, stdout=subprocess.PIPE, stderr=follower, timeout=300)
    os.close(follower)
    shown = b""
    with contextlib.suppress(OSError):  # EIO once everything written was read
        while chunk := os.read(leader, 65536):
            shown += chunk
    os.close(leader)
    assert on_terminal.returncode == 0
    assert re.search(rb"\r\x1b\[Krendering 57/57 \xc2\xb7 \d+\.\d s", shown), shown
    assert b"\r\x1b[Kindexing for search" in shown
    assert shown.endswith(b"\r\x1b[K"), "the status line is cleared before the summary"
    piped = subprocess.run(command, capture_output=True, timeout=300)
    assert piped.stderr == b""
    assert re.fullmatch(
        rb"built 32 pages from 3 articles into \S+ in \d+\.\d\d s: 0 rendered, 32 unchanged "
        rb"\(from the cache\), 0 files written\n",
        piped.stdout,
    )


def test_a_cache_that_cannot_be_written_is_no_error(project, tmp_path):
    (project / CACHE_DIR).write_text("not a folder")  # so the cache cannot be saved
    assert main(["-C", str(project), "build"]) == 0
    replace_in(project / "content" / "compilers-in-rust.md", "Teams that maintain", "Teams who maintain")
    assert main(["-C", str(project), "build"]) == 0
    (project / CACHE_DIR).unlink()
    assert files(project / "site") == files(cold_copy(project, tmp_path / "cold"))


PREVIEW_EDITS = {  # serve's saves: (file, old text, new text); the last two move the article in its lists
    "body": ("compilers-in-rust.md", "Teams that maintain", "Teams who maintain"),
    "title": ("chip-export.md", "de: Neue Regeln", "de: Strengere Regeln"),
    "summary": ("chip-export.md", "werden verschärft.", "werden deutlich verschärft."),
    "date": ("chip-export.md", "date: 2025-11-20", "date: 2026-11-27"),
    "tags": ("chip-export.md", "[nvidia, Export]", "[nvidia]"),
}


@pytest.mark.parametrize("edit", PREVIEW_EDITS)
def test_a_preview_rebuild_told_which_articles_changed_equals_a_full_build(edit, project, tmp_path, monkeypatch):
    config = load_config(project)
    first = build(config, output=tmp_path / "preview", options=PREVIEW)
    name, old, new = PREVIEW_EDITS[edit]
    replace_in(project / "content" / name, old, new)
    indexed = []
    monkeypatch.setattr(changes_module, "index", lambda articles: indexed.append(1) or index(articles))
    told = build(
        config,
        output=tmp_path / "preview",
        previous=first.state,
        options=PREVIEW,
        changes=classify(config, {project / "content" / name}, first.state.parsed),
    )
    # the site is indexed (and every page planned) again only when an article moved in its lists
    assert indexed == ([1] if edit in ("date", "tags") else [])
    full = build(config, output=tmp_path / "full", options=PREVIEW)
    assert (told.pages, told.articles) == (full.pages, full.articles)
    if edit == "body":  # only the article's two pages were planned and rendered, not the listings
        assert told.rendered == 2
    without_search = {n: data for n, data in files(told.output).items() if not n.startswith("pagefind/")}
    assert without_search == {n: data for n, data in files(full.output).items() if not n.startswith("pagefind/")}
    again = build(config, output=tmp_path / "preview", previous=told.state, options=PREVIEW)
    assert (again.rendered, again.written) == (0, 0), "the record of a told rebuild covers the whole site"


def test_a_signal_during_a_commit_waits_for_it_also_with_other_threads(project, monkeypatch):
    """serve has a watcher and a server thread: the kernel may hand SIGTERM to one of them."""
    config = load_config(project)
    build(config)
    replace_in(project / "content" / "compilers-in-rust.md", "Teams that maintain", "Teams who maintain")
    busy = threading.Event()
    other = threading.Thread(target=busy.wait, daemon=True)
    other.start()
    seen: list[str] = []
    previous = signal.signal(signal.SIGTERM, lambda *_: seen.append("handled after the commit"))
    move_in = writer_module._move_in

    def interrupted_move_in(*args):
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(0.05)  # time enough for a handler to run, were it not deferred
        seen.append("moved in")
        return move_in(*args)

    monkeypatch.setattr(writer_module, "_move_in", interrupted_move_in)
    try:
        build(config, previous=None, options=PREVIEW)  # serve: the signal takes effect after the commit
    finally:
        signal.signal(signal.SIGTERM, previous)
        busy.set()
    assert seen == ["moved in", "handled after the commit"]
