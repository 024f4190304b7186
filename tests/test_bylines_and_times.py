"""Bylines, times of day, corrections and stable feed ids (#12), as pages, feeds and the sitemap show them."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import feedparser
import pytest
from conftest import page
from lxml import etree

from techdigest.build import build
from techdigest.config import load_config

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "https://example.org/digest/"
ID = "0b0e5a1c-6f3a-4d47-9d4b-2f3c1e9a7b10"
CORRECTED = f"""---
title: {{de: Korrigiert, en: Corrected}}
date: 2026-11-26T07:15:00Z
updated: 2026-11-30T09:00:00+01:00
language: de
author: [Erika Mustermann, Max Muster]
tags: [Chips]
summary: {{de: Kurz., en: Short.}}
id: {ID}
---

Ein Absatz.
"""
EARLY = """---
title: {de: Früh, en: Early}
date: 2026-11-26T06:00:00+01:00
language: de
author: Erika Mustermann
tags: [Chips]
summary: {de: Kurz., en: Short.}
---

Ein Absatz.
"""


@pytest.fixture
def site(project: Path) -> Path:
    """The fixture site in Berlin time, with a corrected article by two authors and an earlier one that day."""
    config = project / "techdigest.toml"
    config.write_text('timezone = "Europe/Berlin"\n' + config.read_text(encoding="utf-8"), encoding="utf-8")
    (project / "content" / "korrigiert.md").write_text(CORRECTED, encoding="utf-8")
    (project / "content" / "frueh.md").write_text(EARLY, encoding="utf-8")
    return build(load_config(project)).output


def meta_line(site: Path, url: str) -> str:
    """The dateline as read (split: English times have a narrow no-break space before AM)."""
    return " ".join(page(site, url).find_class("meta")[0].text_content().split())


@pytest.mark.parametrize(
    ("lang", "shown"),
    [
        (
            "de",
            "26. November 2026, 08:15 · Von Erika Mustermann und Max Muster · Aktualisiert am 30. November 2026, 09:00",
        ),
        ("en", "November 26, 2026, 8:15 AM · By Erika Mustermann and Max Muster · Updated November 30, 2026, 9:00 AM"),
    ],
)
def test_the_article_shows_time_byline_and_correction_in_the_site_timezone(site, lang, shown):
    assert meta_line(site, f"{lang}/2026/korrigiert/").startswith(shown)
    times = page(site, f"{lang}/2026/korrigiert/").find_class("meta")[0].xpath(".//time/@datetime")
    assert times == ["2026-11-26T08:15:00+01:00", "2026-11-30T09:00:00+01:00"]
    (entry,) = [e for e in page(site, f"{lang}/").find_class("entry") if "korrigiert" in e.xpath(".//a/@href")[0]]
    assert " ".join(entry.find_class("meta")[0].text_content().split()) == shown


def test_a_plain_date_stays_a_date(site):
    assert meta_line(site, "de/2026/openai-cerebras/").startswith("25. November 2026 · ")
    assert page(site, "de/2026/openai-cerebras/").xpath("//p[@class='meta']/time/@datetime") == ["2026-11-25"]


def test_same_day_articles_are_ordered_by_time(site):
    titles = [a.text_content() for a in page(site, "de/").xpath("//h2[@class='entry-title']/a")]
    assert titles.index("Korrigiert") < titles.index("Früh")


def test_metadata_carries_the_correction_and_the_authors(site):
    article = page(site, "de/2026/korrigiert/")
    assert article.xpath('//meta[@property="article:published_time"]/@content') == ["2026-11-26T08:15:00+01:00"]
    assert article.xpath('//meta[@property="article:modified_time"]/@content') == ["2026-11-30T09:00:00+01:00"]
    data = json.loads(article.xpath('//script[@type="application/ld+json"]')[0].text)
    assert (data["datePublished"], data["dateModified"]) == ("2026-11-26T08:15:00+01:00", "2026-11-30T09:00:00+01:00")
    assert data["author"] == [
        {"@type": "Person", "name": "Erika Mustermann"},
        {"@type": "Person", "name": "Max Muster"},
    ]
    assert data["publisher"]["@type"] == "Organization"
    plain = json.loads(page(site, "de/2026/openai-cerebras/").xpath('//script[@type="application/ld+json"]')[0].text)
    assert plain["dateModified"] == plain["datePublished"] == "2026-11-25" and "author" not in plain
    assert not page(site, "de/2026/openai-cerebras/").xpath('//meta[@property="article:modified_time"]')


def test_feeds_carry_real_times_corrections_authors_and_the_permanent_id(site):
    root = etree.fromstring((site / "de" / "feed.xml").read_bytes())
    entries = {e.findtext(f"{ATOM}title"): e for e in root.findall(f"{ATOM}entry")}
    corrected, early = entries["Korrigiert"], entries["Früh"]
    assert corrected.findtext(f"{ATOM}published") == "2026-11-26T08:15:00+01:00"  # 07:15Z, in the site's zone
    assert corrected.findtext(f"{ATOM}updated") == "2026-11-30T09:00:00+01:00"
    assert early.findtext(f"{ATOM}published") == early.findtext(f"{ATOM}updated") == "2026-11-26T06:00:00+01:00"
    assert root.findtext(f"{ATOM}updated") == "2026-11-30T09:00:00+01:00", "the newest entry's updated"
    assert [n.text for n in corrected.findall(f"{ATOM}author/{ATOM}name")] == ["Erika Mustermann", "Max Muster"]
    assert root.findtext(f"{ATOM}author/{ATOM}name") == "Testdigest", "the feed's author stays the publisher"
    assert corrected.findtext(f"{ATOM}id") == uuid.uuid5(uuid.UUID(ID), "de").urn
    english = feedparser.parse((site / "en" / "feed.xml").read_bytes())
    assert uuid.uuid5(uuid.UUID(ID), "en").urn in [e.id for e in english.entries]
    assert early.findtext(f"{ATOM}id").startswith("tag:example.org,2026-11-26:de/frueh"), "no id: the tag URI"


def test_an_entry_id_survives_a_new_slug_title_and_date(site, project):
    ids = {e.id for e in feedparser.parse((site / "de" / "feed.xml").read_bytes()).entries}
    moved = CORRECTED.replace("de: Korrigiert", "de: Berichtigt").replace("2026-11-26T07:15:00Z", "2025-12-30")
    (project / "content" / "korrigiert.md").unlink()
    (project / "content" / "berichtigt.md").write_text(moved, encoding="utf-8")
    again = feedparser.parse((build(load_config(project)).output / "de" / "feed.xml").read_bytes())
    assert {e.id for e in again.entries} == ids


def test_the_sitemap_lastmod_is_the_correction_as_a_w3c_datetime(site):
    root = etree.fromstring((site / "sitemap.xml").read_bytes())
    lastmod = {u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod") for u in root.iter(f"{SITEMAP}url")}
    assert lastmod[BASE + "de/2026/korrigiert/"] == "2026-11-30T09:00:00+01:00"
    assert lastmod[BASE + "de/2026/frueh/"] == "2026-11-26T06:00:00+01:00"
    assert lastmod[BASE + "de/2026/openai-cerebras/"] == "2026-11-25"
