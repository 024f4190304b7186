"""The GitHub Pages workflow: linted offline, and using the official Pages actions in order."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from techdigest.cli import main

REPO = Path(__file__).resolve().parent.parent
WORKFLOW = REPO / ".github" / "workflows" / "pages.yml"
PUBLISH = "make check site"


def test_the_pages_workflow_passes_actionlint():
    jactionlint = shutil.which("jactionlint", path=str(Path(sys.executable).parent)) or shutil.which("jactionlint")
    assert jactionlint, "jactionlint is a test dependency (pip install -e '.[test]')"
    result = subprocess.run([jactionlint, "--profile", "correctness", str(WORKFLOW)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_workflow_tests_builds_for_the_pages_address_and_deploys():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    build = workflow["jobs"]["build"]["steps"]
    uses = [step["uses"].split("@")[0] for step in build if "uses" in step]
    assert uses == [
        "actions/checkout",
        "actions/setup-python",
        "actions/configure-pages",
        "actions/cache",
        "actions/upload-pages-artifact",
    ]
    runs = [step.get("run", "") for step in build]
    assert runs.index("make test") < runs.index(PUBLISH)
    assert build[-1]["with"]["path"] == "site/"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build" and deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}


def test_pull_requests_are_tested_and_never_published():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key "on" as true
    assert "pull_request" in triggers and triggers["push"] == {"branches": ["main"]}
    build = workflow["jobs"]["build"]["steps"]
    publishing = [step for step in build if "pages" in str(step.get("uses", "")) or step.get("run") == PUBLISH]
    assert len(publishing) == 3
    assert all(step["if"] == "github.event_name != 'pull_request'" for step in publishing)
    assert [step["if"] for step in build if step.get("run") == "make test"] == ["github.event_name != 'schedule'"]
    assert workflow["jobs"]["deploy"]["if"] == "github.event_name != 'pull_request'"


def test_an_hourly_run_publishes_what_came_due_without_the_tests():
    """Embargoed articles go live on time without a push: the schedule runs everything but the tests."""
    workflow = yaml.safe_load(WORKFLOW.read_text())
    (schedule,) = workflow[True]["schedule"]
    minute, hour, *rest = schedule["cron"].split()
    assert minute.isdigit() and hour == "*" and rest == ["*", "*", "*"]
    steps = workflow["jobs"]["build"]["steps"]
    skipped = [step for step in steps if "schedule" in step.get("if", "")]
    assert [step.get("run") for step in skipped] == ["make test"]


def test_it_checks_then_builds_with_the_pages_address_and_this_repository():
    """techdigest check stops the run on an error (the example values too) before anything is built."""
    steps = yaml.safe_load(WORKFLOW.read_text())["jobs"]["build"]["steps"]
    (publish,) = [step for step in steps if step.get("run") == PUBLISH]
    assert publish["env"] == {
        "BASE_URL": "${{ steps.pages.outputs.base_url }}/",
        "FEEDBACK_REPO": "${{ github.repository }}",
    }
    makefile = (REPO / "Makefile").read_text()
    overrides = re.search(r"^PUBLISHED_AT = (.*)$", makefile, re.M)
    assert overrides and "--base-url" in overrides.group(1) and "--feedback-repo" in overrides.group(1)
    for target, command in (("check", "check"), ("site", "build")):
        recipe = re.search(rf"^{target}:.*\n\t(.*)$", makefile, re.M)
        assert recipe and recipe.group(1) == f"$(BIN)/techdigest {command} $(PUBLISHED_AT)"


def test_the_shipped_project_passes_the_gate_as_ci_runs_it_and_not_without_the_overrides(capsys):
    assert main(["-C", str(REPO), "check"]) == 1  # the example address and repository
    published = ["--base-url", "https://owner.github.io/news/", "--feedback-repo", "owner/news"]
    assert main(["-C", str(REPO), "check", *published]) == 0
    assert " no errors; " in capsys.readouterr().out.splitlines()[-1]


def test_the_build_starts_from_the_previous_runs_state_and_site():
    """Deploys are incremental: the build step finds the last run's cache and site, restored by the
    official cache action (a new key per run, so each run saves its own; the newest is restored)."""
    steps = yaml.safe_load(WORKFLOW.read_text())["jobs"]["build"]["steps"]
    (cache,) = [step for step in steps if str(step.get("uses", "")).startswith("actions/cache@")]
    build = next(number for number, step in enumerate(steps) if "make check site" in str(step.get("run", "")))
    assert steps.index(cache) < build
    assert cache["with"]["path"].split() == [".techdigest-cache", "site"]
    assert cache["with"]["restore-keys"] == "techdigest-site-"
    assert "github.run_id" in cache["with"]["key"]
    assert cache["if"] == "github.event_name != 'pull_request'"
