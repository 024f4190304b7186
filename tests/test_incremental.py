"""Incremental builds: the on-disk cache, edits of every kind, the parallel path.

Whatever the last build left (cache and site), the next build must write
exactly what a cold build of the same project writes; these tests compare
every byte, and check that what did not change was not touched.
"""

from __future__ import annotations

import contextlib
import json
import os
import pty
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import add_articles, hooked, make_project, searchable, snapshot, stamps

from techdigest.build import build
from techdigest.changes import classify
from techdigest.cli import main
from techdigest.config import CACHE_DIR, load_config
from techdigest.options import BuildOptions
from techdigest.parallel import MIN_PARALLEL

PREVIEW = BuildOptions.for_preview()
CLI = [sys.executable, "-m", "techdigest.cli"]


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
    "tag names": lambda p: (p / "tags.toml").write_text('["Export"]\nen = "Exports"\n', encoding="utf-8"),
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
    before, before_stamps = snapshot(site), stamps(site)
    EDITS[edit](project)
    assert main(["-C", str(project), "build"]) == 0
    after, after_stamps = snapshot(site), stamps(site)
    assert after == snapshot(cold_copy(project, tmp_path / "cold"))
    # a file with the same bytes is the same file: same inode, same mtime (a deploy skips it)
    assert [
        name
        for name in after
        if before.get(name) == after[name] and before_stamps.get(name, 0) != after_stamps.get(name, 0)
    ] == []
    assert not list(tmp_path.rglob(".site-*")), "no staging or overlay folder is left behind"
    assert not [d for d in site.rglob("*") if d.is_dir() and not any(d.iterdir())], "gone pages leave no folders"


def test_an_unchanged_cli_build_renders_and_writes_nothing(project):
    assert main(["-C", str(project), "build"]) == 0
    before = stamps(project / "site")
    # the same project, named another way: the folder it runs in
    again = subprocess.run([*CLI, "build"], cwd=project, capture_output=True, text=True, timeout=300)
    assert ": 0 rendered, 32 unchanged (from the cache), 0 files written" in again.stdout
    assert stamps(project / "site") == before


def test_a_cli_build_after_a_body_edit_renders_only_that_article_and_finds_it_in_search(project):
    assert main(["-C", str(project), "build"]) == 0
    replace_in(project / "content" / "compilers-in-rust.md", "Teams that maintain", "Teams who maintain")
    again = subprocess.run([*CLI, "build"], cwd=project, capture_output=True, text=True, timeout=300)
    assert ": 2 rendered, 30 unchanged (from the cache)" in again.stdout
    found = searchable(project / "site" / "pagefind" / "en" / "recent" / "layers.json")
    texts = found["/en/2026/compilers-in-rust/"]
    assert len(texts) == 1 and "Teams who maintain" in texts[0], "the new text, and only the new one"


def test_a_settings_change_that_changes_no_page_still_lets_the_next_edit_build_narrow(project):
    config = load_config(project)
    (project / "tags.toml").write_text('["Export"]\nen = "Exports"\n', encoding="utf-8")
    build(config)
    (project / "tags.toml").write_text('# named by the desk\n["Export"]\nen = "Exports"\n', encoding="utf-8")
    whole = build(config)  # the whole plan again (the basis changed), not one page
    assert whole.written == 0 and whole.state.plan is not None
    replace_in(project / "content" / "compilers-in-rust.md", "Teams that maintain", "Teams who maintain")
    narrow = build(config)  # reads the cache: it holds the new plan
    assert narrow.state.plan is not None and narrow.state.plan.made == whole.state.plan.made
    assert narrow.rendered == 2


def test_the_program_leaves_the_cycle_collector_on_but_for_its_own_build(project):
    script = "import gc, sys; from techdigest.cli import main; main(sys.argv[1:]); print(gc.isenabled())"
    for command, exits, enabled in (("build", False, True), ("build", True, False), ("check", True, True)):
        code = script.replace("main(sys.argv[1:])", f"main(sys.argv[1:], exits={exits})")
        done = subprocess.run(
            [sys.executable, "-c", code, "-C", str(project), command], capture_output=True, text=True, timeout=300
        )
        assert done.stdout.splitlines()[-1] == str(enabled), (command, exits, done.stderr)


def test_every_build_leaves_a_search_bundle_per_year_also_previews_without_a_record(project):
    config = load_config(project)
    build(config)
    shutil.rmtree(project / CACHE_DIR)
    preview = build(config, previous=None, options=PREVIEW)  # a copy of the site is staged: it needs them all
    assert sorted(p.name for p in (project / "site" / "pagefind" / "de").iterdir()) == ["2025", "2026", "recent"]
    replace_in(project / "content" / "chip-export.md", "date: 2025-11-20", "date: 2024-11-20")
    build(config, previous=preview.state, options=PREVIEW)  # a new year gets its bundle even in a preview
    assert sorted(p.name for p in (project / "site" / "pagefind" / "en").iterdir()) == ["2024", "2026", "recent"]
    layers = json.loads((project / "site" / "pagefind" / "en" / "recent" / "layers.json").read_text())
    assert layers["bundles"] == ["../2026/", "../2024/"]


def test_files_changed_or_deleted_by_hand_in_the_site_are_made_again(project, tmp_path):
    assert main(["-C", str(project), "build"]) == 0
    site = project / "site"
    (site / "de" / "index.html").write_text("vandalized")
    (site / "en" / "tags" / "index.html").unlink()
    (site / "de" / "feed.xml").unlink()
    assert main(["-C", str(project), "build"]) == 0
    assert snapshot(site) == snapshot(cold_copy(project, tmp_path / "cold"))


def test_a_damaged_cache_means_a_cold_build_not_an_error(project, tmp_path):
    assert main(["-C", str(project), "build"]) == 0
    (project / CACHE_DIR / "build.pickle").write_bytes(b"\x80\x05garbage")
    assert main(["-C", str(project), "build"]) == 0
    assert snapshot(project / "site") == snapshot(cold_copy(project, tmp_path / "cold"))


def test_damaged_compiled_templates_are_compiled_anew(project, tmp_path):
    assert main(["-C", str(project), "build"]) == 0
    compiled = list((project / CACHE_DIR / "templates").rglob("*.cache"))
    assert compiled, "the templates are kept compiled"
    for path in compiled:
        path.write_bytes(path.read_bytes()[:40] + b"garbage")
    replace_in(project / "content" / "compilers-in-rust.md", "Teams that maintain", "Teams who maintain")
    again = subprocess.run([*CLI, "build"], cwd=project, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert snapshot(project / "site") == snapshot(cold_copy(project, tmp_path / "cold"))


def test_bad_content_after_a_cached_build_leaves_site_and_cache_as_they_were(project, capsys):
    assert main(["-C", str(project), "build"]) == 0
    site, cache = stamps(project / "site"), (project / CACHE_DIR / "build.pickle").read_bytes()
    replace_in(project / "content" / "chip-export.md", "date: 2025-11-20", "date: 2026-13-45")
    replace_in(project / "content" / "compilers-in-rust.md", "Teams that maintain", "Teams who maintain")
    assert main(["-C", str(project), "build"]) == 1
    assert "error: content/chip-export.md:4: date: invalid date" in capsys.readouterr().err
    assert stamps(project / "site") == site
    assert (project / CACHE_DIR / "build.pickle").read_bytes() == cache


def forks(result: subprocess.CompletedProcess[str]) -> int:
    """How many processes a ``hooked_build.py --count-forks`` run forked (its last line)."""
    last = result.stdout.splitlines()[-1]
    assert last.startswith("forks: "), result.stdout
    return int(last.removeprefix("forks: "))


def test_parallel_and_serial_builds_write_the_same_bytes(project, tmp_path):
    add_articles(project, MIN_PARALLEL)  # enough articles, and pages, to be worth forking for
    serial = make_project(tmp_path / "serial")
    add_articles(serial, MIN_PARALLEL)
    pooled = hooked("--count-forks", "--", "-C", str(project), "build", "--jobs", "2")
    assert forks(pooled) == 4, "articles and outputs were made in two pools of two workers"
    alone = hooked("--count-forks", "--", "-C", str(serial), "build", "-j", "1")
    assert forks(alone) == 0
    assert snapshot(serial / "site") == snapshot(project / "site")


def test_a_template_error_in_a_worker_names_the_template_line(project):
    add_articles(project, MIN_PARALLEL)
    assert hooked("--", "-C", str(project), "build").returncode == 0
    before = stamps(project / "site")
    replace_in(project / "templates" / "article.html", "{{ article.title.value }}", "{{ article.title.value.nope() }}")
    result = hooked("--count-forks", "--", "-C", str(project), "build", "-j", "2")
    assert result.returncode == 1
    assert forks(result) == 2, "the articles were read from the cache; the pages rendered in two workers"
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: templates/article.html:20: template error while rendering "), line
    assert stamps(project / "site") == before


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
    assert snapshot(project / "site") == snapshot(cold_copy(project, tmp_path / "cold"))


PREVIEW_EDITS = {  # serve's saves: (file, old text, new text); the last two move the article in its lists
    "body": ("compilers-in-rust.md", "Teams that maintain", "Teams who maintain"),
    "title": ("chip-export.md", "de: Neue Regeln", "de: Strengere Regeln"),
    "summary": ("chip-export.md", "werden verschärft.", "werden deutlich verschärft."),
    "date": ("chip-export.md", "date: 2025-11-20", "date: 2026-11-27"),
    "tags": ("chip-export.md", "[nvidia, Export]", "[nvidia]"),
}


@pytest.mark.parametrize("edit", PREVIEW_EDITS)
def test_a_preview_rebuild_told_which_articles_changed_equals_a_full_build(edit, project, tmp_path):
    config = load_config(project)
    first = build(config, output=tmp_path / "preview", options=PREVIEW)
    name, old, new = PREVIEW_EDITS[edit]
    replace_in(project / "content" / name, old, new)
    told = build(
        config,
        output=tmp_path / "preview",
        previous=first.state,
        options=PREVIEW,
        changes=classify(config, {project / "content" / name}, first.state.parsed),
    )
    # the site is indexed (and every page planned) again only when an article moved in its lists
    narrow = told.state.plan is not None and first.state.plan is not None
    narrow = narrow and told.state.plan.site.tags is first.state.plan.site.tags
    assert narrow == (edit not in ("date", "tags"))
    full = build(config, output=tmp_path / "full", options=PREVIEW)
    assert (told.pages, told.articles) == (full.pages, full.articles)
    if edit == "body":  # only the article's two pages were planned and rendered, not the listings
        assert told.rendered == 2
    without_search = {n: data for n, data in snapshot(told.output).items() if not n.startswith("pagefind/")}
    assert without_search == {n: data for n, data in snapshot(full.output).items() if not n.startswith("pagefind/")}
    again = build(config, output=tmp_path / "preview", previous=told.state, options=PREVIEW)
    assert (again.rendered, again.written) == (0, 0), "the record of a told rebuild covers the whole site"


def test_a_signal_during_a_commit_waits_for_it_also_with_other_threads(project):
    """serve has a watcher and a server thread: the kernel may hand SIGTERM to one of them."""
    config = load_config(project)
    build(config)
    replace_in(project / "content" / "compilers-in-rust.md", "Teams that maintain", "Teams who maintain")
    article = project / "site" / "en" / "2026" / "compilers-in-rust" / "index.html"
    busy = threading.Event()
    other = threading.Thread(target=busy.wait, daemon=True)
    other.start()
    seen: list[str] = []

    def handler(*_: object) -> None:
        seen.append("handled after the commit" if "Teams who maintain" in article.read_text() else "handled before")

    def on_stage(stage: str) -> None:
        if stage == "committing":
            os.kill(os.getpid(), signal.SIGTERM)  # the main thread is sent it, its handler would run at once
            seen.append("sent")

    previous = signal.signal(signal.SIGTERM, handler)
    try:  # as serve builds: the signal takes effect after the commit
        build(config, previous=None, options=replace(PREVIEW, on_stage=on_stage))
    finally:
        signal.signal(signal.SIGTERM, previous)
        busy.set()
    assert seen == ["sent", "handled after the commit"]
