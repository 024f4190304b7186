"""One article through a newsroom's day, as an editor runs it (README, "Adding an article"):
import (a draft) → preview (marked) → build (absent) → publish with an embargo → absent until its
time, then live → a correction → a rename (the old URL redirects, the feed keeps one entry) →
removal (a "removed" page; never imported again). The clock is the CLI's ``--clock``."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import feedparser
import pytest
from lxml import etree, html

from techdigest.build import build
from techdigest.cli import main
from techdigest.config import load_config
from techdigest.options import BuildOptions

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_41740d1de4a78704.txt"
EMBARGO = "2026-12-02T07:30:00+01:00"
BEFORE, AFTER = "2026-12-02T07:29+01:00", "2026-12-02T07:31+01:00"


@pytest.fixture
def newsroom(project: Path) -> Path:
    """The fixture project in Berlin time, with the first seed waiting in seeds/."""
    config = project / "techdigest.toml"
    config.write_text('timezone = "Europe/Berlin"\n' + config.read_text(encoding="utf-8"), encoding="utf-8")
    (project / "seeds").mkdir()
    shutil.copy(SEED, project / "seeds" / SEED.name)
    return project


def run(project: Path, *args: str) -> int:
    return main(["-C", str(project), *args])


def built(project: Path, clock: str) -> Path:
    assert run(project, "build", "--clock", clock) == 0
    return project / "site"


def doc(site: Path, url: str) -> html.HtmlElement:
    return html.fromstring((site / url / "index.html").read_bytes())


def feed_entries(site: Path, lang: str) -> list[feedparser.FeedParserDict]:
    return feedparser.parse((site / lang / "feed.xml").read_bytes()).entries


def sitemap_urls(site: Path) -> list[str]:
    tree = etree.fromstring((site / "sitemap.xml").read_bytes())
    return tree.xpath("//s:loc/text()", namespaces={"s": "http://www.sitemaps.org/schemas/sitemap/0.9"})


def test_an_article_through_a_newsroom_day(newsroom: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # import: a draft with a permanent id
    assert run(newsroom, "import", "--date", "2026-12-01") == 0
    slug = re.search(r"-> content/([a-z0-9-]+)\.md", capsys.readouterr().out).group(1)
    source = newsroom / "content" / f"{slug}.md"
    text = source.read_text(encoding="utf-8")
    assert "draft: true" in text
    article_id = re.search(r"^id: (\S+)$", text, re.M).group(1)
    url = f"de/2026/{slug}/"

    # preview: shown, marked as a draft on its page and in the listing
    preview = build(load_config(newsroom), output=newsroom / "preview", options=BuildOptions.for_preview()).output
    assert "Entwurf" in doc(preview, url).text_content()
    home = doc(preview, "de/")
    (entry,) = [e for e in home.cssselect(".entry") if slug in e.cssselect("a")[0].get("href")]
    assert "Entwurf" in entry.text_content()

    # build: a draft is nowhere (page, listing, feed, sitemap)
    site = built(newsroom, AFTER)
    assert not (site / url).exists()
    assert slug not in (site / "de" / "index.html").read_text(encoding="utf-8")
    assert all(slug not in e.link for e in feed_entries(site, "de"))
    assert all(slug not in loc for loc in sitemap_urls(site))

    # publish with an embargo: check reminds of it, the site shows it only from its time on
    assert run(newsroom, "publish", slug, "--date", EMBARGO) == 0
    assert "draft" not in source.read_text(encoding="utf-8")
    capsys.readouterr()
    assert run(newsroom, "check", "--clock", BEFORE) == 0
    assert re.search(rf"reminder: content/{slug}\.md:\d+: .*2026", capsys.readouterr().out)
    assert not (built(newsroom, BEFORE) / url).exists()
    site = built(newsroom, AFTER)
    page = doc(site, url)
    assert page.cssselect("time")[0].get("datetime") == EMBARGO
    (entry,) = [e for e in feed_entries(site, "de") if slug in e.link]
    first_id = entry.id
    assert article_id in first_id or first_id.startswith("urn:uuid:")
    assert entry.published == "2026-12-02T07:30:00+01:00"

    # a correction: shown on the page, in the feed, the sitemap and the structured data
    corrected = source.read_text(encoding="utf-8").replace(
        f"date: '{EMBARGO}'", f"date: '{EMBARGO}'\nupdated: 2026-12-03T09:00:00+01:00"
    )
    if corrected == source.read_text(encoding="utf-8"):  # the date as publish wrote it, unquoted
        corrected = re.sub(r"^(date: .*)$", r"\1\nupdated: 2026-12-03T09:00:00+01:00", corrected, count=1, flags=re.M)
    source.write_text(corrected, encoding="utf-8")
    site = built(newsroom, "2026-12-03T10:00+01:00")
    page = doc(site, url)
    assert "Aktualisiert am" in page.text_content()
    data = json.loads(page.xpath("//script[@type='application/ld+json']/text()")[0])
    assert data["dateModified"] == "2026-12-03T09:00:00+01:00"
    (entry,) = [e for e in feed_entries(site, "de") if slug in e.link]
    assert entry.updated == "2026-12-03T09:00:00+01:00"
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert re.search(rf"{re.escape(url)}</loc>\s*<lastmod>2026-12-03T09:00:00\+01:00</lastmod>", sitemap)

    # a rename: the old URL redirects to the new one, the feed still has one entry with the same id
    assert run(newsroom, "rename", slug, "cerebras-deal") == 0
    site = built(newsroom, "2026-12-03T10:00+01:00")
    new_url = "de/2026/cerebras-deal/"
    refresh = doc(site, url).xpath("//meta[@http-equiv='refresh']/@content")[0]
    assert refresh.endswith("../cerebras-deal/")
    assert doc(site, new_url).cssselect("h1")
    (entry,) = [e for e in feed_entries(site, "de") if "cerebras-deal" in e.link]
    assert entry.id == first_id
    assert len([e for e in feed_entries(site, "de") if e.id == first_id]) == 1
    assert all(slug not in loc for loc in sitemap_urls(site))

    # removal: a "removed" page at every URL it had, and import never brings it back
    assert run(newsroom, "remove", "cerebras-deal") == 0
    site = built(newsroom, "2026-12-04T10:00+01:00")
    for gone in (new_url, url, f"en/2026/{slug}/"):
        removed = doc(site, gone)
        assert removed.xpath("//meta[@name='robots']/@content") == ["noindex"]
        assert not removed.xpath("//meta[@http-equiv='refresh']")
    assert all(e.id != first_id for e in feed_entries(site, "de"))
    assert run(newsroom, "import") == 0
    assert not list((newsroom / "content").glob("cerebras-deal.md"))
    assert not (newsroom / "content" / f"{slug}.md").exists()
