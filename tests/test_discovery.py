"""Feeds, sitemap, robots.txt and page metadata of the built fixture site (issue: readers find it)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urljoin

import feedparser
import pytest
from conftest import page
from lxml import etree

BASE = "https://example.org/digest/"
ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def feeds(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("feed.xml"))


def test_there_is_a_feed_per_language_and_per_tag_and_language(built_site):
    tags = ["amd", "c", "c-plus-plus", "c-sharp", "export", "nvidia", "openai", "rust"]
    assert feeds(built_site) == sorted(
        [f"{lang}/feed.xml" for lang in ("de", "en")]
        + [f"{lang}/tags/{t}/feed.xml" for lang in ("de", "en") for t in tags]
    )


def test_every_feed_parses_and_meets_the_atom_musts(built_site):
    for name in feeds(built_site):
        parsed = feedparser.parse((built_site / name).read_bytes())
        assert not parsed.bozo, (name, parsed.get("bozo_exception"))
        root = etree.fromstring((built_site / name).read_bytes())
        for element in (root, *root.findall(f"{ATOM}entry")):
            for child in ("id", "title", "updated"):
                assert len(element.findall(f"{ATOM}{child}")) == 1, (name, child)
            assert RFC3339.match(element.findtext(f"{ATOM}updated")), name
        assert root.find(f"{ATOM}author/{ATOM}name").text == "Testdigest"
        (self_link,) = root.findall(f"{ATOM}link[@rel='self']")
        assert self_link.get("href") == BASE + name
        ids = [entry.findtext(f"{ATOM}id") for entry in root.findall(f"{ATOM}entry")]
        assert len(set(ids)) == len(ids) and all(
            re.fullmatch(r"tag:example\.org,\d{4}-\d\d-\d\d:\w\w/[\w-]+", i) for i in ids
        ), name
        for entry in root.findall(f"{ATOM}entry"):
            (link,) = entry.findall(f"{ATOM}link")
            assert link.get("href").startswith(BASE) and (built_site / link.get("href")[len(BASE) :]).is_dir()


def test_feed_entries_carry_the_summary_in_the_feeds_language_and_the_full_text(built_site):
    german = feedparser.parse((built_site / "de" / "feed.xml").read_bytes())
    english = feedparser.parse((built_site / "en" / "feed.xml").read_bytes())
    assert german.feed.language == "de" and english.feed.language == "en"
    assert [e.title for e in english.entries] == [
        "Compilers are being rewritten in Rust",
        "OpenAI signs up Cerebras",
        "Neue Regeln für den Export von KI-Chips",
    ]
    entry = english.entries[1]
    assert entry.summary == "OpenAI signs a hardware deal with Cerebras. Installation starts in 2028."
    assert "Neben AMD und NVIDIA ist nun auch Cerebras an Bord." in entry.content[0].value
    assert german.entries[1].summary.startswith("OpenAI schließt einen Hardware-Vertrag")
    assert [t.term for t in entry.tags] == ["nvidia", "OpenAI", "AMD"]


def test_entry_ids_survive_a_title_edit(project):
    from techdigest.build import build
    from techdigest.config import load_config

    def ids() -> list[str]:
        site = build(load_config(project)).output
        return [e.id for e in feedparser.parse((site / "en" / "feed.xml").read_bytes()).entries]

    before = ids()
    article = project / "content" / "openai-cerebras.md"
    article.write_text(article.read_text().replace("OpenAI signs up Cerebras", "OpenAI and Cerebras agree"))
    assert ids() == before


@pytest.mark.parametrize(
    ("url", "feeds_expected"),
    [
        ("en/", ["en/feed.xml"]),
        ("en/2026/openai-cerebras/", ["en/feed.xml"]),
        ("de/tags/nvidia/", ["de/tags/nvidia/feed.xml", "de/feed.xml"]),
    ],
)
def test_pages_with_feeds_announce_them(built_site, url, feeds_expected):
    links = page(built_site, url).xpath('//link[@rel="alternate"][@type="application/atom+xml"]/@href')
    assert [urljoin("/" + url, href).lstrip("/") for href in links] == feeds_expected


def sitemap_urls(site: Path) -> dict[str, etree._Element]:
    root = etree.fromstring((site / "sitemap.xml").read_bytes())
    assert root.tag == f"{SITEMAP}urlset"
    return {u.findtext(f"{SITEMAP}loc"): u for u in root.findall(f"{SITEMAP}url")}


def test_sitemap_lists_every_indexable_page_with_lastmod_and_reciprocal_hreflang(built_site):
    entries = sitemap_urls(built_site)
    pages = {BASE + p.relative_to(built_site).as_posix().removesuffix("index.html") for p in built_site.rglob("*.html")}
    hidden = {BASE + "404.html", BASE + "de/feedback/thanks/", BASE + "en/feedback/thanks/"}
    assert set(entries) == pages - hidden

    def versions(entry: etree._Element) -> dict[str, str]:
        return {link.get("hreflang"): link.get("href") for link in entry.findall(f"{XHTML}link")}

    for loc, entry in entries.items():
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", entry.findtext(f"{SITEMAP}lastmod") or ""), loc
        alternates = versions(entry)
        if loc == BASE:
            assert alternates == {}
            continue
        assert set(alternates) == {"de", "en", "x-default"} and loc in alternates.values()
        assert alternates["x-default"] == alternates["de"]
        for lang in ("de", "en"):  # every version lists the same set
            assert versions(entries[alternates[lang]]) == alternates
    assert entries[BASE + "en/2026/openai-cerebras/"].findtext(f"{SITEMAP}lastmod") == "2026-11-25"
    assert entries[BASE + "en/"].findtext(f"{SITEMAP}lastmod") == "2026-11-26"


def test_robots_txt_points_at_the_sitemap(built_site):
    assert (built_site / "robots.txt").read_text().splitlines() == [
        "User-agent: *",
        "Allow: /",
        "",
        f"Sitemap: {BASE}sitemap.xml",
    ]


def meta(doc, attribute: str, name: str) -> list[str]:
    return doc.xpath(f'//meta[@{attribute}="{name}"]/@content')


@pytest.mark.parametrize("lang", ["de", "en"])
def test_article_metadata_and_json_ld_match_the_visible_page(built_site, lang):
    url = f"{lang}/2026/openai-cerebras/"
    doc = page(built_site, url)
    headline = doc.xpath("string(//h1)")
    summary = doc.xpath('string(//div[@class="summary"][1]/p)')
    assert doc.xpath("string(//title)") == f"{headline} · " + {"de": "Testdigest", "en": "Test Digest"}[lang]
    assert meta(doc, "name", "description") == [summary]
    assert meta(doc, "property", "og:title") == [headline] and meta(doc, "name", "twitter:title") == [headline]
    assert meta(doc, "property", "og:description") == [summary]
    assert meta(doc, "property", "og:type") == ["article"]
    assert meta(doc, "property", "og:url") == [BASE + url]
    assert meta(doc, "property", "og:locale") == [{"de": "de_DE", "en": "en_US"}[lang]]
    assert meta(doc, "property", "og:locale:alternate") == [{"de": "en_US", "en": "de_DE"}[lang]]
    assert meta(doc, "property", "article:published_time") == ["2026-11-25"]
    tags = [a.text_content() for a in doc.xpath('//header//ul[@class="tags"]//a')]
    assert meta(doc, "property", "article:tag") == tags
    assert meta(doc, "name", "twitter:card") == ["summary"]
    (script,) = doc.xpath('//script[@type="application/ld+json"]')
    data = json.loads(script.text)
    assert data["@type"] == "NewsArticle" and data["@context"] == "https://schema.org"
    assert data["headline"] == headline
    assert data["description"] == summary
    assert data["datePublished"] == data["dateModified"] == doc.xpath("string(//article//time/@datetime)")
    assert data["inLanguage"] == doc.get("lang")
    assert data["keywords"] == tags
    assert data["url"] == data["mainEntityOfPage"] == BASE + url
    assert data["isAccessibleForFree"] is True
    assert data["publisher"] == {"@type": "Organization", "name": "Testdigest", "url": BASE}


def test_listing_pages_have_their_own_titles_and_descriptions(built_site):
    tag = page(built_site, "en/tags/nvidia/")
    assert tag.xpath("string(//title)") == "Tag: nvidia · Test Digest"
    assert meta(tag, "name", "description") == ["Articles tagged nvidia"]
    assert meta(tag, "property", "og:type") == ["website"]
    home = page(built_site, "de/")
    assert home.xpath("string(//title)") == "Testdigest"
    assert meta(home, "name", "description") == ["Nachrichten zum Testen"]
    assert not page(built_site, "404.html").xpath('//meta[@property="og:title"]')


def test_search_bundles_index_only_article_content_a_language_and_year_each(built_site):
    counts = {}
    for lang in ("de", "en"):
        assert sorted(p.name for p in (built_site / "pagefind" / lang).iterdir()) == ["2025", "2026", "recent"]
        for year in ("2025", "2026"):
            bundle = built_site / "pagefind" / lang / year
            assert (bundle / "pagefind.js").is_file()
            entry = json.loads((bundle / "pagefind-entry.json").read_text())
            counts[lang, year] = {code: info["page_count"] for code, info in entry["languages"].items()}
        layers = json.loads((built_site / "pagefind" / lang / "recent" / "layers.json").read_text())
        assert layers == {"bundles": ["../2026/", "../2025/"], "superseded": [], "shared": {}}
        doc = page(built_site, f"{lang}/search/")
        assert doc.get("lang") == lang
        (form,) = doc.xpath('//form[@role="search"]')
        assert (form.get("data-base-url"), form.get("data-layers")) == (  # relative: served anywhere
            "../../",
            f"../../pagefind/{lang}/recent/layers.json",
        )
        assert doc.xpath("//script/@src") == ["../../static/search.js"]
    assert counts == {
        ("de", "2025"): {"de": 1},
        ("de", "2026"): {"de": 2},
        ("en", "2025"): {"en": 1},
        ("en", "2026"): {"en": 2},
    }
    article = page(built_site, "en/2026/openai-cerebras/")
    assert article.xpath("//article/@data-pagefind-body") == [""]
    assert article.xpath('//section[@id="feedback"]/@data-pagefind-ignore') == [""]
