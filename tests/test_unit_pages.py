"""``pages``: which pages a site has, what each shows, and their plan (URLs, languages, search bundles)."""

from __future__ import annotations

import dataclasses

import pytest
from conftest import article

from techdigest.config import load_config
from techdigest.library import index
from techdigest.model import TechdigestError
from techdigest.pages import ArticlePage, Listing, Single, page_ids, plan, shown_on


@pytest.fixture
def config(project):
    return dataclasses.replace(load_config(project), per_page=2)


@pytest.fixture
def site():
    return index([article("a", "2026-01-01", "[Chips]"), article("b", "2025-06-01", "[Chips, KI]"), article("c")])


def test_every_page_of_the_site_by_id(site, config):
    ids = page_ids(site, config)
    assert ids[:2] == [Single("root.html", "de"), Single("404.html", "de")]
    for lang in ("de", "en"):
        assert [i for i in ids if isinstance(i, Listing) and i.lang == lang and i.tag is None] == [
            Listing(lang, None, 1),
            Listing(lang, None, 2),
        ]
        assert [i.position for i in ids if isinstance(i, ArticlePage) and i.lang == lang] == [0, 1, 2]
        assert {(i.tag, i.number) for i in ids if isinstance(i, Listing) and i.lang == lang and i.tag} == {
            ("chips", 1),
            ("chips", 2),
            ("ki", 1),
        }
    assert len(ids) == len(set(ids))


def test_what_a_page_shows(site, config):
    slugs = [item.slug for item in site.articles]
    assert slugs == ["c", "a", "b"]
    assert [a.slug for a in shown_on(site, config, Listing("de", None, 2))] == ["b"]
    assert [a.slug for a in shown_on(site, config, Listing("en", "chips", 1))] == ["c", "a"]
    assert [a.slug for a in shown_on(site, config, Listing("en", "chips", 2))] == ["b"]
    assert [a.slug for a in shown_on(site, config, ArticlePage("de", 1))] == ["a"]
    assert list(shown_on(site, config, Single("tags.html", "de"))) == []


def test_the_plan_of_some_pages_gives_urls_outputs_and_search_months(site, config):
    home, first, tags = plan(site, config, [Listing("en", None, 1), ArticlePage("de", 1), Single("tags.html", "en")])
    assert (home.url, home.output, home.lang, home.search_month) == ("en/", "en/index.html", "en", None)
    assert (first.url, first.template, first.search_month) == ("de/2026/a/", "article.html", "de/2026-01")
    assert first.versions == {"de": "de/2026/a/", "en": "en/2026/a/"}
    assert tags.output == "en/tags/index.html"
    assert first.context()["lang"] == "de"


def test_a_page_s_inputs_change_with_what_it_shows_and_only_then(site, config):
    before = {page.output: page.inputs for page in plan(site, config, page_ids(site, config))}
    edited = index([article("a", "2026-01-01", "[Chips]", body="Neu."), *site.articles[::2]])
    after = {page.output: page.inputs for page in plan(edited, config, page_ids(edited, config))}
    changed = sorted(name for name in after if after[name] != before[name])
    assert changed == ["de/2026/a/index.html", "en/2026/a/index.html"], "listings show summaries, not bodies"


def test_two_pages_written_to_one_file_are_an_error(site, config):
    with pytest.raises(TechdigestError):
        plan(site, config, [Single("tags.html", "de"), Single("tags.html", "de")])
