"""Search follows each build at once: an edit goes to the small recent layer, and the search page
leaves out the old version that a settled bundle still holds (search.py). Driven in Chromium on the
search page, as a reader uses it, after real builds of the fixture project."""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import add_articles, colliding, fragment, make_project, search_results
from playwright.sync_api import expect

from techdigest.cli import main

pytestmark = pytest.mark.browser
ARTICLE = "content/openai-cerebras.md"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serving(site: Path, handler: type[SimpleHTTPRequestHandler] = _Quiet) -> Iterator[str]:
    """The address ``site`` is served at meanwhile."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()


@pytest.fixture
def project(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """The fixture project, built, and the address its site is served at."""
    root = make_project(tmp_path / "project")
    assert main(["-C", str(root), "build"]) == 0
    with serving(root / "site") as url:
        yield root, url


def edit(root: Path, old: str, new: str) -> None:
    path = root / ARTICLE
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    assert main(["-C", str(root), "build"]) == 0


def test_an_edited_word_is_found_and_the_word_it_replaced_is_not(project, open_tab):
    root, url = project
    assert search_results(open_tab, url, "Vertrag")[1] == ["/de/2026/openai-cerebras/"]
    edit(root, "Hardware-Vertrag", "Rechenzentrumsabkommen")
    layers = json.loads((root / "site/pagefind/de/recent/layers.json").read_text())
    assert layers["bundles"][0] == "./" and len(layers["superseded"]) == 1, "the edit went to the recent layer"
    assert search_results(open_tab, url, "Rechenzentrumsabkommen") == (
        "1 Ergebnis für „Rechenzentrumsabkommen“",
        ["/de/2026/openai-cerebras/"],
    )
    assert search_results(open_tab, url, "Vertrag") == ("Keine Ergebnisse für „Vertrag“", [])
    # a word both versions hold: the article once, not once per version
    assert search_results(open_tab, url, "Cerebras")[1] == ["/de/2026/openai-cerebras/"]


def test_a_removed_article_is_no_longer_found(project, open_tab):
    root, url = project
    (root / ARTICLE).unlink()
    assert main(["-C", str(root), "build"]) == 0
    assert search_results(open_tab, url, "Cerebras") == ("Keine Ergebnisse für „Cerebras“", [])


def test_the_search_page_shows_more_results_on_request_and_keeps_the_query_in_its_address(project, open_tab):
    root, url = project
    add_articles(root, 7)  # seven new articles, "Absatz N über Chips ...": in the recent layer
    assert main(["-C", str(root), "build"]) == 0
    tab = open_tab()
    tab.goto(f"{url}de/search/")
    tab.locator("input[name=q]").fill("Absatz")  # typed: searched once the typing pauses
    expect(tab.locator(".search-status")).to_have_text("7 Ergebnisse für „Absatz“")
    expect(tab.locator(".search-results li")).to_have_count(5)
    assert tab.url.endswith("/de/search/?q=Absatz")
    tab.locator(".search-more").click()
    expect(tab.locator(".search-results li")).to_have_count(7)
    assert tab.locator(".search-more").is_hidden(), "all shown: nothing more to ask for"
    sixth = "document.activeElement.closest('li') === document.querySelectorAll('.search-results li')[5]"
    assert tab.evaluate(sixth), "the first of the new results has the focus"
    tab.locator("input[name=q]").fill("")
    expect(tab.locator(".search-status")).to_have_text("")
    expect(tab.locator(".search-results li")).to_have_count(0)
    assert tab.url.endswith("/de/search/")


def test_a_query_with_dollar_signs_is_said_back_as_typed(project, open_tab):
    """The status line is the translated sentence with the query put in: a ``$&`` or ``$'`` in the
    query is text, not a pattern of String.replace."""
    _, url = project
    tab = open_tab()
    for query in ("$&", "$'", "$$ $`"):
        tab.goto(f"{url}de/search/?q={quote(query)}")
        expect(tab.locator(".search-status")).to_have_text(f"Keine Ergebnisse für „{query}“")


def test_more_results_asked_for_twice_in_a_row_shows_each_result_once(project, open_tab):
    root, url = project
    add_articles(root, 12)
    assert main(["-C", str(root), "build"]) == 0
    tab = open_tab()
    tab.goto(f"{url}de/search/?q=Absatz")
    expect(tab.locator(".search-status")).to_have_text("12 Ergebnisse für „Absatz“")
    expect(tab.locator(".search-results li")).to_have_count(5)
    tab.locator(".search-more").dblclick()  # two clicks: five more, then the last two
    expect(tab.locator(".search-results li")).to_have_count(12)
    expect(tab.locator(".search-more")).to_be_hidden()
    links = [link.get_attribute("href") for link in tab.locator(".search-results a").all()]
    assert len(set(links)) == 12, links


class _Cached(_Quiet):
    """Answers as GitHub Pages does: every file may be kept for ten minutes without asking again, and a
    browser that asks again learns from the file's ETag whether its copy is current. (Python's server
    compares Last-Modified to the second: a file rewritten within the second would pass for the old.)"""

    etag: str | None = None

    def send_head(self):
        path = Path(self.translate_path(self.path))
        self.etag = None
        if path.is_file():
            info = path.stat()
            self.etag = f'"{info.st_size:x}-{info.st_mtime_ns:x}"'
            if self.headers.get("If-None-Match") == self.etag:
                self.send_response(HTTPStatus.NOT_MODIFIED)
                self.end_headers()
                return None
            del self.headers["If-Modified-Since"]  # with an ETag, the ETag decides
        return super().send_head()

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "max-age=600")
        if self.etag:
            self.send_header("ETag", self.etag)
        super().end_headers()


def test_a_browser_that_keeps_files_for_a_while_still_finds_what_the_last_build_indexed(tmp_path, open_tab):
    """layers.json keeps its name from build to build (as pagefind-entry.json, which Pagefind asks
    for with a fresh query string each time): a copy the browser kept would name bundles and old
    versions of another build."""
    root = make_project(tmp_path / "project")
    assert main(["-C", str(root), "build"]) == 0
    with serving(root / "site", _Cached) as url:
        tab = open_tab()
        tab.goto(f"{url}de/search/?q=Vertrag")
        expect(tab.locator(".search-status")).to_have_text("1 Ergebnis für „Vertrag“")
        edit(root, "Hardware-Vertrag", "Rechenzentrumsabkommen")
        tab.goto(f"{url}de/search/?q=Rechenzentrumsabkommen")  # the same browser, a minute later
        expect(tab.locator(".search-status")).to_have_text("1 Ergebnis für „Rechenzentrumsabkommen“")
        tab.goto(f"{url}de/search/?q=Vertrag")
        expect(tab.locator(".search-status")).to_have_text("Keine Ergebnisse für „Vertrag“")


TWIN = """---
title: {{de: "Kennung {slug}", en: "Code {slug}"}}
date: {date}
language: de
tags: [Chips]
summary: {{de: "Kurz.", en: "Short."}}
---

Kennung {value}. {word}.
"""


def test_articles_that_pagefind_gave_the_same_id_in_two_years_are_each_found_as_they_are(tmp_path, open_tab):
    """Pagefind names a page by seven hex digits of its text's hash, unique within one bundle only:
    one page of another year may share its id, and neither hides the other, nor does the other's
    old version once it is edited."""
    root = make_project(tmp_path / "project")

    def write(slug: str, date: str, value: str, word: str) -> None:
        text = TWIN.format(slug=slug, date=date, value=value, word=word)
        (root / "content" / f"{slug}.md").write_text(text, encoding="utf-8")

    write("alpha", "2025-03-05", "000000", "Zitronenfalter")
    write("beta", "2026-03-05", "000000", "Bergkristall")
    assert main(["-C", str(root), "build"]) == 0
    bundles = root / "site/pagefind/de"
    first, second = colliding(
        fragment(bundles / "2025", "/de/2025/alpha/"), fragment(bundles / "2026", "/de/2026/beta/")
    )
    write("alpha", "2025-03-05", first, "Zitronenfalter")
    write("beta", "2026-03-05", second, "Bergkristall")
    shutil.rmtree(root / "site")  # both in their year's bundle
    assert main(["-C", str(root), "build"]) == 0
    assert ids(bundles / "2025") & ids(bundles / "2026"), "the two articles have the same id"
    with serving(root / "site") as url:
        assert sorted(search_results(open_tab, url, "Kennung")[1]) == ["/de/2025/alpha/", "/de/2026/beta/"]
        write("alpha", "2025-03-05", first, "Feuerwerk")  # alpha's old version is left out now
        assert main(["-C", str(root), "build"]) == 0
        assert search_results(open_tab, url, "Bergkristall")[1] == ["/de/2026/beta/"]
        assert search_results(open_tab, url, "Zitronenfalter")[1] == []
        assert sorted(search_results(open_tab, url, "Kennung")[1]) == ["/de/2025/alpha/", "/de/2026/beta/"]


def ids(bundle: Path) -> set[str]:
    return {path.name for path in (bundle / "fragment").iterdir()}


def test_an_excerpt_quotes_the_article_as_it_reads(project, open_tab):
    """Pagefind's excerpt is the page's text with only ``<`` and ``>`` escaped and ``<mark>`` around
    the matches: read as HTML, "B&notes" became "B¬es" and a written "&amp;" an "&"."""
    root, url = project
    text = TWIN.format(slug="zeichen", date="2026-03-05", value="1", word="Zeichenvergleich: B&notes, R&D, &amp;amp;")
    (root / "content/zeichen.md").write_text(text, encoding="utf-8")
    assert main(["-C", str(root), "build"]) == 0
    tab = open_tab()
    tab.goto(f"{url}de/search/?q=Zeichenvergleich")
    expect(tab.locator(".search-results li p")).to_have_text(
        "Kennung zeichen. Kurz. Kennung 1. Zeichenvergleich: B&notes, R&D, &amp;."
    )
    expect(tab.locator(".search-results li p mark")).to_have_text("Zeichenvergleich:")


def test_markup_in_articles_and_in_the_query_is_shown_as_text_and_never_run(hostile, open_tab):
    _, _, site = hostile
    with serving(site) as url:
        tab = open_tab()
        dialogs: list[str] = []
        tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        tab.goto(f"{url}de/search/?q=" + quote('harmlos <img src=x onerror=alert("query")>'))
        expect(tab.locator(".search-status")).to_contain_text('„harmlos <img src=x onerror=alert("query")>“')
        tab.goto(f"{url}de/search/?q=harmlos")
        expect(tab.locator(".search-results li p")).to_contain_text('<script>alert("body")</script> im Text')
        expect(tab.locator(".search-results li p")).to_contain_text("<img src=x onerror=alert(1)>")
        tab.goto(f"{url}de/search/?q=Fett")
        expect(tab.locator(".search-results a")).to_contain_text("<script>alert('title')</script>")
        assert dialogs == [] and tab.locator(".search-results img, .search-results script").count() == 0


def test_the_status_says_how_many_results_once_they_are_shown(project, open_tab):
    """The status line (read out by screen readers) and the results change together: the count
    is not announced over an empty list while the results' texts are still loading."""
    root, _ = project
    with serving(root / "site", _Slow) as url:
        tab = open_tab()
        tab.goto(f"{url}de/search/?q=Vertrag")
        tab.locator(".search-status").filter(has_text="Vertrag").wait_for()
        assert tab.locator(".search-results li").count() == 1


class _Slow(_Quiet):
    """Takes a second for each page's text (a fragment file), as a slow connection may."""

    def do_GET(self) -> None:
        if self.path.endswith(".pf_fragment"):
            time.sleep(1)
        super().do_GET()


@pytest.mark.parametrize("damage", ["missing", "not JSON"])
def test_a_missing_or_damaged_layers_json_says_the_search_failed_and_raises_nothing(project, open_tab, damage):
    root, url = project
    layers = root / "site/pagefind/de/recent/layers.json"
    if damage == "missing":
        layers.unlink()
    else:
        layers.write_text('{"bundles": [', encoding="utf-8")
    tab = open_tab()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto(f"{url}de/search/?q=Vertrag")
    failed = "Die Suche konnte ihren Index nicht laden. Bitte versuchen Sie es später noch einmal."
    expect(tab.locator(".search-status")).to_have_text(failed)
    tab.locator("input[name=q]").press_sequentially(" Chips")  # each key tries again, quietly
    expect(tab.locator(".search-status")).to_have_text(failed)
    assert errors == [] and tab.locator(".search-results li").count() == 0
