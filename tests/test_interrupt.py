"""An interrupted build (SIGINT, SIGTERM) leaves the previous site as it was and nothing half-written."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from techdigest.build import build
from techdigest.cache import CACHE_DIR
from techdigest.config import load_config

ARTICLE = """---
title: {{de: "Artikel {n}", en: "Article {n}"}}
date: 2026-11-{day:02d}
language: de
tags: [Tag {tag}]
summary: {{de: "Zusammenfassung {n}.", en: "Summary {n}."}}
---

{body}
"""


def snapshot(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_an_interrupted_build_changes_nothing(project, signum):
    for n in range(120):
        body = f"Absatz {n} über Chips und Rechenzentren. " * 40
        (project / "content" / f"artikel-{n}.md").write_text(
            ARTICLE.format(n=n, day=n % 28 + 1, tag=n % 7, body=body), encoding="utf-8"
        )
    command = [sys.executable, "-m", "techdigest.cli", "-C", str(project), "build"]
    started = time.monotonic()
    subprocess.run(command[:-1] + ["--help"], check=True, capture_output=True)
    startup = time.monotonic() - started  # before main() runs, Python's own Ctrl-C handling applies
    subprocess.run(command, check=True, capture_output=True)
    duration = time.monotonic() - started - startup
    site = project / "site"
    before = snapshot(site)
    (project / "content" / "artikel-0.md").write_text(
        ARTICLE.format(n="neu", day=1, tag=0, body="Geändert."), encoding="utf-8"
    )
    expected = snapshot(build(load_config(project), output=project.parent / "reference").output)
    interrupted = 0
    for step in range(1, 5):
        delay = startup + 0.1 + (duration - startup) * step / 5
        # without the cache each run does all the work of the measured one, so the signal lands inside it
        shutil.rmtree(project / CACHE_DIR, ignore_errors=True)
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(delay)
        process.send_signal(signum)
        _, err = process.communicate(timeout=60)
        assert "Traceback" not in err
        assert [p.name for p in project.iterdir() if p.name.startswith(".site-")] == []
        now = snapshot(site)
        assert now in (before, expected), "site/ is neither the old nor the complete new site"
        if process.returncode == 130:
            interrupted += 1
            assert err.strip() == "interrupted; nothing was changed" and now == before
        if now == expected:  # the build finished before the signal (or just as it came)
            break
    assert interrupted
