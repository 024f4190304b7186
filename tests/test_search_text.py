"""Search indexes each text once, on the page in its own language (so with that language's stemming).

An English page shows the German original and the German summary too, visibly, but Pagefind skips
them there: they are indexed on the German page. What each page gave the index is read from the
bundles' fragments (Pagefind's record of a page: the text it indexed, its title); what a reader
finds, in Chromium.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

FRAGMENT = b"pagefind_dcd"  # how Pagefind starts a fragment's JSON, once unzipped


def indexed(site: Path) -> dict[str, dict]:
    """Each article page's fragment, by its URL below the site (``/en/2026/openai-cerebras/``)."""
    fragments = {}
    for path in (site / "pagefind").glob("*/*/fragment/*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(FRAGMENT)
        fragment = json.loads(data[len(FRAGMENT) :])
        fragments[fragment["url"]] = fragment
    return fragments


@pytest.mark.parametrize(
    ("page", "has", "lacks"),
    [
        ("/de/2026/openai-cerebras/", ["Partnerschaften", "Hardware-Vertrag"], ["hardware deal"]),
        ("/en/2026/openai-cerebras/", ["hardware deal", "Installation starts"], ["Partnerschaften", "Vertrag"]),
        ("/en/2026/compilers-in-rust/", ["Teams that maintain", "More compiler projects"], ["Compiler-Projekte"]),
        ("/de/2026/compilers-in-rust/", ["Compiler-Projekte", "Compiler werden"], ["Teams", "compiler projects"]),
        ("/en/2025/chip-export/", [], ["Regeln", "Export"]),  # neither title nor summary translated
    ],
)
def test_a_page_indexes_only_the_texts_in_its_own_language(built_site, page, has, lacks):
    content = indexed(built_site)[page]["content"]
    assert all(text in content for text in has), content
    assert not any(text in content for text in lacks), content


def test_an_untranslated_title_still_names_the_result(built_site):
    assert indexed(built_site)["/en/2025/chip-export/"]["meta"]["title"] == "Neue Regeln für den Export von KI-Chips"


@pytest.mark.browser
@pytest.mark.parametrize(
    ("lang", "query", "title"),
    [
        ("de", "Anbieter", "OpenAI holt Cerebras an Bord"),  # a German body word: "Hardware-Anbietern"
        ("en", "deal", "OpenAI signs up Cerebras"),  # an English summary word
        ("de", "Projekt", "Compiler werden in Rust neu geschrieben"),  # a German summary word, stemmed
    ],
)
def test_search_finds_each_text_on_the_search_page_of_its_language(open_tab, site_url, lang, query, title):
    tab = open_tab()
    tab.goto(site_url + f"{lang}/search/")
    tab.locator("input[name=q]").fill(query)
    result = tab.locator(".search-results a").first
    result.wait_for()
    assert result.inner_text() == title
