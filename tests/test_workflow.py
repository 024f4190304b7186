"""The GitHub Pages workflow: linted offline, and using the official Pages actions in order."""

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

WORKFLOW = Path(__file__).resolve().parent.parent / ".github" / "workflows" / "pages.yml"


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
        "actions/upload-pages-artifact",
    ]
    runs = [step.get("run", "") for step in build]
    assert runs.index("make test") < runs.index('make site BASE_URL="${{ steps.pages.outputs.base_url }}/"')
    assert build[-1]["with"]["path"] == "site/"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build" and deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}


def test_pull_requests_are_tested_and_never_published():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key "on" as true
    assert "pull_request" in triggers and triggers["push"] == {"branches": ["main"]}
    build = workflow["jobs"]["build"]["steps"]
    publishing = [step for step in build if "pages" in str(step.get("uses", "")) or "make site" in step.get("run", "")]
    assert len(publishing) == 3
    assert all(step["if"] == "github.event_name != 'pull_request'" for step in publishing)
    assert not [step for step in build if step.get("run") == "make test" and "if" in step]
    assert workflow["jobs"]["deploy"]["if"] == "github.event_name != 'pull_request'"
