"""An interrupted build (SIGINT, SIGTERM) leaves the previous site as it was and nothing half-written.

The signals are real, sent to a real ``techdigest build`` process, at named points of its build
(``BuildOptions.on_stage``, through tests/hooked_build.py): no timer guesses the moment.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ARTICLE, add_articles, hooked, snapshot

from techdigest.build import build
from techdigest.config import load_config
from techdigest.options import STAGES

INTERRUPTED = "interrupted; no file was left half-written (a build stopped before its commit changed nothing)\n"

SIGNALS = ["SIGTERM", "SIGINT"]


def set_aside(project: Path) -> list[str]:
    return sorted(p.name for p in project.parent.rglob(".site-*"))


@pytest.fixture
def edited(project: Path) -> tuple[Path, dict[str, bytes], dict[str, bytes]]:
    """A project built once and edited since: (project, its site now, the site the edit makes)."""
    add_articles(project, 60)
    assert hooked("--", "-C", str(project), "build").returncode == 0
    before = snapshot(project / "site")
    (project / "content" / "artikel-0.md").write_text(
        ARTICLE.format(n="neu", day=1, tag=0, body="Geändert."), encoding="utf-8"
    )
    expected = snapshot(build(load_config(project), output=project.parent / "reference").output)
    assert expected != before
    return project, before, expected


@pytest.mark.parametrize("signal", SIGNALS)
@pytest.mark.parametrize("stage", [stage for stage in STAGES if stage != "committing"])
def test_a_build_interrupted_before_its_commit_changes_nothing(edited, stage, signal):
    project, before, expected = edited
    result = hooked("--at", stage, "--send", signal, "--", "-C", str(project), "build")
    assert (result.returncode, result.stderr, result.stdout) == (130, INTERRUPTED, "")
    assert snapshot(project / "site") == before
    assert set_aside(project) == []
    # and the next build, which the interrupted one may not have left a cache for, is complete
    assert hooked("--", "-C", str(project), "build").returncode == 0
    assert snapshot(project / "site") == expected


@pytest.mark.parametrize("signal", SIGNALS)
def test_a_signal_during_the_commit_waits_for_it_and_the_build_completes(edited, signal):
    project, _, expected = edited
    result = hooked("--at", "committing", "--send", signal, "--", "-C", str(project), "build")
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    assert result.stdout.startswith("built ")
    assert snapshot(project / "site") == expected
    assert set_aside(project) == []


@pytest.mark.parametrize("signal", SIGNALS)
def test_a_build_interrupted_while_its_workers_render_stops_them_and_changes_nothing(edited, signal):
    project, before, _ = edited
    result = hooked("--while-rendering", "--send", signal, "--workers", "2", str(project), timeout=60)
    assert (result.returncode, result.stderr) == (130, "interrupted\n")
    workers = [int(pid) for pid in result.stdout.split()[1:]]
    assert len(workers) == 2, "two workers were rendering"
    assert [pid for pid in workers if Path(f"/proc/{pid}").exists()] == [], "no worker outlives the build"
    assert snapshot(project / "site") == before
    assert set_aside(project) == []
