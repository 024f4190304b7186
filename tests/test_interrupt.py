"""An interrupted build (SIGINT, SIGTERM) leaves the previous site as it was and nothing half-written."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

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
            ARTICLE.format(n=n, day=n % 28 + 1, tag=n % 7, body=body), encoding="utf-8")
    command = [sys.executable, "-m", "techdigest.cli", "-C", str(project), "build"]
    started = time.monotonic()
    subprocess.run(command[:-1] + ["--help"], check=True, capture_output=True)
    startup = time.monotonic() - started  # before main() runs, Python's own Ctrl-C handling applies
    subprocess.run(command, check=True, capture_output=True)
    duration = time.monotonic() - started - startup
    site = project / "site"
    before = snapshot(site)
    (project / "content" / "artikel-0.md").write_text(
        ARTICLE.format(n="neu", day=1, tag=0, body="Geändert."), encoding="utf-8")
    outcomes = set()
    for step in range(1, 5):
        delay = startup + 0.1 + (duration - startup) * step / 5
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(delay)
        process.send_signal(signum)
        out, err = process.communicate(timeout=60)
        assert "Traceback" not in err
        leftovers = [p.name for p in project.iterdir() if p.name.startswith(".site-")]
        assert leftovers == []
        if process.returncode == 0:  # it finished before the signal: the new site is complete
            outcomes.add("finished")
            assert "Artikel neu" in (site / "de" / "2026" / "artikel-0" / "index.html").read_text()
            return
        outcomes.add("interrupted")
        assert process.returncode == 130 and err.strip() == "interrupted; nothing was changed"
        assert snapshot(site) == before
    assert "interrupted" in outcomes
