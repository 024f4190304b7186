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
UPDATED = "2026-12-03T09:00:00+01:00"


@pytest.fixture
def newsroom(project: Path) -> Path:
    """The fixture project in Berlin time, with the first seed waiting in seeds/."""
    config = project / "techdigest.toml"
    config.write_text('timezone = "Europe/Berlin"\n' + config.read_text(encoding="utf-8"), encoding="utf-8")
    (project / "content" / "openai-cerebras.md").unlink()  # the fixture's article of that seed
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
    slug, article_id = imported_as_draft(newsroom, capsys)
    url = f"de/2026/{slug}/"
    shown_only_in_the_preview(newsroom, slug, url)
    entry_id = published_at_its_time(newsroom, slug, url, article_id, capsys)
    corrected(newsroom, slug, url)
    renamed(newsroom, slug, url, entry_id)
    removed_for_good(newsroom, slug, url, entry_id)


def imported_as_draft(newsroom: Path, capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    """import: a draft, with a permanent id."""
    assert run(newsroom, "import", "--date", "2026-12-01") == 0
    slug = re.search(r"-> content/([a-z0-9-]+)\.md", capsys.readouterr().out).group(1)
    text = (newsroom / "content" / f"{slug}.md").read_text(encoding="utf-8")
    assert "draft: true" in text
    return slug, re.search(r"^id: (\S+)$", text, re.M).group(1)


def shown_only_in_the_preview(newsroom: Path, slug: str, url: str) -> None:
    """The preview shows the draft, marked on its page and in the listing; a build leaves it out of
    everything (page, listing, feed, sitemap)."""
    preview = build(load_config(newsroom), output=newsroom / "preview", options=BuildOptions.for_preview()).output
    assert "Entwurf" in doc(preview, url).text_content()
    (entry,) = [e for e in doc(preview, "de/").xpath("//article[contains(@class, 'entry')]") if slug in tostring(e)]
    assert "Entwurf" in entry.text_content()
    site = built(newsroom, AFTER)
    assert not (site / url).exists()
    assert slug not in (site / "de" / "index.html").read_text(encoding="utf-8")
    assert all(slug not in e.link for e in feed_entries(site, "de"))
    assert all(slug not in loc for loc in sitemap_urls(site))


def published_at_its_time(
    newsroom: Path, slug: str, url: str, article_id: str, capsys: pytest.CaptureFixture[str]
) -> str:
    """publish with an embargo: check reminds of it, the site shows it only from its time on; the
    feed entry's id (returned) comes from the article's permanent id."""
    assert run(newsroom, "publish", slug, "--date", EMBARGO) == 0
    assert "draft" not in (newsroom / "content" / f"{slug}.md").read_text(encoding="utf-8")
    capsys.readouterr()
    assert run(newsroom, "check", "--clock", BEFORE) == 0
    assert re.search(rf"reminder: content/{slug}\.md:\d+: .*2026", capsys.readouterr().out)
    assert not (built(newsroom, BEFORE) / url).exists()
    site = built(newsroom, AFTER)
    assert doc(site, url).xpath("//time/@datetime")[0] == EMBARGO
    (entry,) = [e for e in feed_entries(site, "de") if slug in e.link]
    assert entry.id.startswith("urn:uuid:") and article_id not in entry.id  # one per language, made from it
    assert entry.published == EMBARGO
    return str(entry.id)


def corrected(newsroom: Path, slug: str, url: str) -> None:
    """A correction (``updated``) shows on the page, in the feed, the sitemap and the structured data."""
    source = newsroom / "content" / f"{slug}.md"
    text = source.read_text(encoding="utf-8")
    source.write_text(re.sub(r"^(date: .*)$", rf"\1\nupdated: {UPDATED}", text, count=1, flags=re.M), encoding="utf-8")
    site = built(newsroom, "2026-12-03T10:00+01:00")
    page = doc(site, url)
    assert "Aktualisiert am" in page.text_content()
    assert json.loads(page.xpath("//script[@type='application/ld+json']/text()")[0])["dateModified"] == UPDATED
    (entry,) = [e for e in feed_entries(site, "de") if slug in e.link]
    assert entry.updated == UPDATED
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert re.search(rf"{re.escape(url)}</loc>\s*<lastmod>{re.escape(UPDATED)}</lastmod>", sitemap)


def renamed(newsroom: Path, slug: str, url: str, entry_id: str) -> None:
    """A rename: the old URL redirects to the new one; the feed still has one entry, with its id."""
    assert run(newsroom, "rename", slug, "cerebras-deal") == 0
    site = built(newsroom, "2026-12-03T10:00+01:00")
    assert doc(site, url).xpath("//meta[@http-equiv='refresh']/@content")[0].endswith("../cerebras-deal/")
    assert doc(site, "de/2026/cerebras-deal/").xpath("//h1")
    (entry,) = [e for e in feed_entries(site, "de") if e.id == entry_id]
    assert "cerebras-deal" in entry.link
    assert all(slug not in loc for loc in sitemap_urls(site))


def removed_for_good(newsroom: Path, slug: str, url: str, entry_id: str) -> None:
    """Removal: a "removed" page at every URL it had, out of the feed, and never imported again."""
    assert run(newsroom, "remove", "cerebras-deal", "--clock", "2026-12-04T10:00+01:00") == 0
    site = built(newsroom, "2026-12-04T10:00+01:00")
    for gone in ("de/2026/cerebras-deal/", url, f"en/2026/{slug}/"):
        page = doc(site, gone)
        assert page.xpath("//meta[@name='robots']/@content") == ["noindex"]
        assert not page.xpath("//meta[@http-equiv='refresh']")
    assert all(e.id != entry_id for e in feed_entries(site, "de"))
    assert run(newsroom, "import") == 0
    assert not list((newsroom / "content").glob("*cerebras*")) and not (newsroom / "content" / f"{slug}.md").exists()


def tostring(element: html.HtmlElement) -> str:
    return html.tostring(element, encoding="unicode")
