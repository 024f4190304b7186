"""Every page of every built site is valid HTML5, checked by the Nu HTML checker (vnu.jar, offline)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import REPO

from techdigest.build import build
from techdigest.config import load_config

VNU = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def vnu(*args: str) -> list[dict]:
    if not VNU.is_file() or not shutil.which("java"):
        if os.environ.get("CI"):
            pytest.fail("vnu.jar or java is missing: run `npm ci` (make test does)")
        pytest.skip("vnu.jar or java is missing: run `npm ci` (make test does)")
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--exit-zero-always", *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return [
        m
        for m in json.loads(result.stderr)["messages"]
        if m["type"] in ("error", "non-document-error") or m.get("subType") == "warning"
    ]


def pages(site: Path) -> list[str]:
    return [str(p) for p in sorted(site.rglob("*.html")) if "pagefind" not in p.parts]


def test_the_fixture_site_is_valid_html(built_site):
    assert vnu(*pages(built_site)) == []


def test_the_hostile_site_is_valid_html(hostile):
    assert vnu(*pages(hostile[2])) == []


def test_the_committed_site_is_valid_html(tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    shutil.copy(REPO / "techdigest.toml", root)
    for folder in ("content", "templates", "locales"):
        shutil.copytree(REPO / folder, root / folder)
    assert vnu(*pages(build(load_config(root)).output)) == []


def test_the_stylesheet_is_valid_css():
    assert vnu("--css", str(REPO / "templates" / "static" / "style.css")) == []
