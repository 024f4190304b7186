"""Shared fixtures: a scratch project made from tests/fixtures/site plus the real
templates and locales, built once per test run."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from lxml import html

from techdigest.build import build
from techdigest.cli import main
from techdigest.config import load_config, with_base_url
from techdigest.content import parse_article
from techdigest.markup import make_markdown
from techdigest.model import Article
from techdigest.options import BuildOptions

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# techdigest in a process of its own, with a fault at a named point of its build (tests/hooked_build.py)
HOOKED = [sys.executable, str(Path(__file__).resolve().parent / "hooked_build.py")]

ARTICLE = """---
title: {{de: "Artikel {n}", en: "Article {n}"}}
date: 2026-11-{day:02d}
language: de
tags: [Tag {tag}]
summary: {{de: "Zusammenfassung {n}.", en: "Summary {n}."}}
---

{body}
"""


def add_articles(project: Path, count: int, words: int = 40) -> None:
    """``count`` more articles (``artikel-N.md``): enough of them, and the build forks its workers."""
    for n in range(count):
        body = f"Absatz {n} über Chips und Rechenzentren. " * words
        (project / "content" / f"artikel-{n}.md").write_text(
            ARTICLE.format(n=n, day=n % 28 + 1, tag=n % 7, body=body), encoding="utf-8"
        )


def article(slug: str, date: str = "2026-11-25", tags: str = "[Chips]", body: str = "Ein Absatz.") -> Article:
    """An article as the build reads it, from the text of ``content/<slug>.md``."""
    text = f"---\ntitle: {{de: Titel {slug}, en: Title {slug}}}\ndate: {date}\nlanguage: de\ntags: {tags}\n"
    text += f"summary: {{de: Kurz {slug}., en: Short {slug}.}}\n---\n\n{body}\n"
    return parse_article(f"content/{slug}.md", text, ("de", "en"), make_markdown(False), digest=f"{slug}|{text}")


def snapshot(site: Path) -> dict[str, bytes]:
    """Every file below ``site`` by its relative name (``de/index.html``), with its bytes; for the
    search indexes, what each language's search finds (their files differ as an edit is layered)."""
    files = {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file() and p.relative_to(site).parts[0] != "pagefind"
    }
    for layers in sorted(site.glob("pagefind/*/recent/layers.json")):
        found = json.dumps(searchable(layers), ensure_ascii=False, indent=1, sort_keys=True)
        files[f"{layers.parent.parent.relative_to(site).as_posix()}/ (what search finds)"] = found.encode()
    return files


def searchable(layers: Path) -> dict[str, list[str]]:
    """Page URL -> the texts a language's search holds for it, as the search page finds them: the
    pages of every bundle that ``layers.json`` lists, less the old versions it names, by id
    (``superseded``) or, for an id more bundles hold, by id and URL (``shared``: each id and URL once)."""
    listed = json.loads(layers.read_text())
    found: dict[str, list[str]] = {}
    superseded, shared, seen = set(listed["superseded"]), listed["shared"], set()
    for bundle in listed["bundles"]:
        for path in sorted((layers.parent / bundle / "fragment").iterdir()):
            page = path.name.removesuffix(".pf_fragment")
            data = json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
            if page in superseded or data["url"] in shared.get(page, ()) or (page, data["url"]) in seen:
                continue
            if page in shared:
                seen.add((page, data["url"]))
            found.setdefault(data["url"], []).append(f"{data['meta'].get('title')}|{data['content']}")
    return found


def search_results(open_tab, url: str, query: str) -> tuple[str, list[str]]:
    """What the German search page says for ``query``, and the links it shows."""
    tab = open_tab()
    tab.goto(f"{url}de/search/?q={query}")
    status = tab.locator(".search-status").filter(has_text=query)
    status.wait_for()
    return status.inner_text(), [link.get_attribute("href") for link in tab.locator(".search-results a").all()]


def fragment(bundle: Path, url: str) -> str:
    """The JSON that Pagefind wrote into ``bundle`` for the page at ``url`` (``/de/2026/slug/``)."""
    for path in (bundle / "fragment").iterdir():
        data = gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd").decode()
        if json.loads(data)["url"] == url:
            return data
    raise AssertionError(f"{url} is not in {bundle}")


def colliding(first: str, second: str, placeholder: str = "000000") -> tuple[str, str]:
    """Values for ``placeholder`` in two pages' fragments (their JSON, as :func:`fragment` reads it)
    that give both pages the same Pagefind id: the first seven hex digits of the JSON's SHA-1, each
    byte written without its leading zero (Pagefind's ``full_hash``). Pagefind tells ids apart only
    within a bundle; a birthday search over their 28 bits finds a pair in well under a second."""

    def page_id(text: str) -> str:
        return "".join(f"{byte:x}" for byte in hashlib.sha1(text.encode(), usedforsecurity=False).digest())[:7]

    values = [f"{n:06d}" for n in range(60_000)]
    ids = {page_id(first.replace(placeholder, value)): value for value in values}
    for value in values:
        if (match := ids.get(page_id(second.replace(placeholder, value)))) is not None:
            return match, value
    raise AssertionError("no two values give the same Pagefind id: has Pagefind changed how it names pages?")


def stamps(site: Path) -> dict[str, tuple[int, int]]:
    """Every file below ``site`` with its inode and mtime: a file written again, even with the same bytes, shows."""
    return {
        p.relative_to(site).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def hooked(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """``tests/hooked_build.py ARGS``: its exit status, stdout and stderr."""
    return subprocess.run([*HOOKED, *args], capture_output=True, text=True, timeout=timeout)


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
    build(load_config(root))
    return root / "site"


@pytest.fixture(scope="session")
def hostile(tmp_path_factory: pytest.TempPathFactory):
    """The hostile seed corpus (tests/fixtures/hostile/) imported and built: (project, import status, site)."""
    root = make_project(tmp_path_factory.mktemp("hostile") / "project")
    shutil.rmtree(root / "content")
    shutil.copytree(FIXTURES / "hostile", root / "seeds")
    sentence = "Ein Satz über Chips, Rechenzentren und Verträge mit vielen Wörtern darin. "
    (root / "seeds" / "sixty-paragraphs.txt").write_text(
        "\n".join(f"Absatz {n}: " + sentence * 5 for n in range(60)) + "\nSchlagwörter: Lang\n", encoding="utf-8"
    )
    (root / "seeds" / "huge-paragraph.txt").write_text(sentence * 2800 + "\nSchlagwörter: Lang\n", encoding="utf-8")
    code = main(["-C", str(root), "import", "--date", "2026-11-25"])
    return root, code, build(load_config(root), options=BuildOptions.for_cli(drafts=True)).output  # imported: drafts


def page(site: Path, url: str) -> html.HtmlElement:
    """The parsed HTML of a site-relative URL such as ``en/tags/``."""
    path = site / (url + "index.html" if url == "" or url.endswith("/") else url)
    return html.fromstring(path.read_bytes())


class _SubPathHandler(SimpleHTTPRequestHandler):
    """Serves the site only under a prefix, as GitHub Pages serves a project site."""

    prefix = "/"

    def translate_path(self, path: str) -> str:
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "\0missing")  # answered with a 404
        return super().translate_path("/" + path[len(self.prefix) :])

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass


@pytest.fixture(scope="session")
def site_url(tmp_path_factory: pytest.TempPathFactory):
    """The fixture site, built for ``/techdigest/`` and served there as GitHub Pages would."""
    root = make_project(tmp_path_factory.mktemp("served") / "project")
    site = build(with_base_url(load_config(root), "https://example.org/techdigest/")).output
    handler = type("Handler", (_SubPathHandler,), {"prefix": "/techdigest/"})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/techdigest/"
    server.shutdown()


CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; never a downloaded browser."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def open_tab(browser, request: pytest.FixtureRequest):
    """Opens pages in fresh browser contexts (``open_tab(locale="de-DE")``), all closed afterwards."""
    if request.node.get_closest_marker("browser") is None:
        pytest.fail("a test that drives Chromium is marked @pytest.mark.browser (make test-fast leaves it out)")
    contexts = []

    def open_(**options):
        contexts.append(browser.new_context(**options))
        return contexts[-1].new_page()

    yield open_
    for context in contexts:
        context.close()
