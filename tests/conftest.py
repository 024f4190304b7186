"""Shared fixtures: a scratch project made from tests/fixtures/site plus the real
templates and locales, built once per test run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lxml import html

from techdigest.build import build

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def make_project(target: Path, fixture: str = "site") -> Path:
    """A complete project folder: a fixture's config and content, the repo's templates and catalogs."""
    shutil.copytree(FIXTURES / fixture, target)
    shutil.copytree(REPO / "templates", target / "templates")
    shutil.copytree(REPO / "locales", target / "locales")
    return target


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_project(tmp_path_factory.mktemp("e2e") / "project")
    build(root)
    return root / "site"


def page(site: Path, url: str) -> html.HtmlElement:
    """The parsed HTML of a site-relative URL such as ``en/tags/``."""
    path = site / (url + "index.html" if url == "" or url.endswith("/") else url)
    return html.fromstring(path.read_bytes())
