"""Drafts and embargoes (#12): what ``build`` leaves out, what ``--drafts``/``--future`` and serve show
marked, and that a cached build follows the clock with no file changed."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import feedparser
import pytest
from conftest import page
from lxml import etree

from techdigest.build import build
from techdigest.changes import classify, read, select
from techdigest.cli import main
from techdigest.config import load_config
from techdigest.options import BuildOptions
from techdigest.render import inputs_digest

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BERLIN = dt.timezone(dt.timedelta(hours=1))
ARTICLE = """---
title: {{de: "{title} (de)", en: "{title} (en)"}}
date: {date}
{extra}language: de
tags: [{tag}]
summary: {{de: "Kurz.", en: "Short."}}
---

Ein Absatz.
"""


def add(project: Path, slug: str, date: str, extra: str = "", tag: str = "Geheim") -> Path:
    path = project / "content" / f"{slug}.md"
    path.write_text(ARTICLE.format(title=slug.title(), date=date, extra=extra, tag=tag), encoding="utf-8")
    return path


@pytest.fixture
def newsroom(project: Path) -> Path:
    """The fixture site in Berlin time, with a draft and an article embargoed until 2 December 2026, 07:30."""
    config = project / "techdigest.toml"
    config.write_text('timezone = "Europe/Berlin"\n' + config.read_text(encoding="utf-8"), encoding="utf-8")
    add(project, "entwurf", "2026-11-28", "draft: true\n")
    add(project, "geplant", "2026-12-02T07:30:00+01:00")
    return project


def run(project: Path, *args: str) -> int:
    return main(["-C", str(project), "build", "-j", "1", *args])


def slugs_in(site: Path) -> dict[str, set[str]]:
    """Where the site names the draft and the scheduled article: which of its pages, feeds and sitemap
    (search indexes the article pages only: no page, nothing found)."""
    found: dict[str, set[str]] = {"entwurf": set(), "geplant": set()}
    for path in site.rglob("*"):
        if path.suffix in (".html", ".xml"):
            text = path.read_bytes()
            for slug, files in found.items():
                if slug.encode() in text or slug.title().encode() in text:
                    files.add(path.relative_to(site).as_posix())
    return found


def test_build_leaves_drafts_and_embargoed_articles_out_of_everything(newsroom):
    assert run(newsroom, "--clock", "2026-12-01T12:00") == 0
    site = newsroom / "site"
    assert slugs_in(site) == {"entwurf": set(), "geplant": set()}
    assert not (site / "de" / "tags" / "geheim").exists()
    assert "Geheim" not in page(site, "de/tags/").text_content()


def test_drafts_and_future_build_them_marked_and_not_for_search_engines(newsroom):
    assert run(newsroom, "--drafts", "--future", "--clock", "2026-12-01T12:00") == 0
    site = newsroom / "site"
    for lang, draft, scheduled in (
        ("de", "Entwurf", "Geplant für 2. Dezember 2026, 07:30"),
        ("en", "Draft", "Scheduled for December 2, 2026, 7:30\u202fAM"),
    ):
        for slug, badge, css in (("entwurf", draft, "status-draft"), ("geplant", scheduled, "status-scheduled")):
            article = page(site, f"{lang}/2026/{slug}/")
            assert [b.text_content().strip() for b in article.find_class("status")] == [badge]
            assert article.find_class(css)
            assert article.xpath('//meta[@name="robots"]/@content') == ["noindex"]
            assert article.xpath('//script[@type="application/ld+json"]'), "the editor sees the metadata to come"
            listing = page(site, f"{lang}/")
            (entry,) = [e for e in listing.find_class("entry") if slug in e.xpath(".//a/@href")[0]]
            assert [b.text_content().strip() for b in entry.find_class("status")] == [badge]
        published = page(site, f"{lang}/2026/openai-cerebras/")
        assert not published.find_class("status") and not published.xpath('//meta[@name="robots"]')
    locs = [loc.text for loc in etree.fromstring((site / "sitemap.xml").read_bytes()).iter(f"{SITEMAP}loc")]
    assert not [loc for loc in locs if "entwurf" in loc or "geplant" in loc]


@pytest.mark.parametrize(("flag", "shown"), [("--drafts", "entwurf"), ("--future", "geplant")])
def test_each_flag_brings_in_only_its_own_kind(newsroom, flag, shown):
    assert run(newsroom, flag, "--clock", "2026-12-01T12:00") == 0
    found = slugs_in(newsroom / "site")
    assert found[shown] and not found[{"entwurf": "geplant", "geplant": "entwurf"}[shown]]


def test_a_cached_build_publishes_an_embargoed_article_at_its_time_with_no_file_changed(newsroom):
    assert run(newsroom, "--clock", "2026-12-02T07:29") == 0
    site = newsroom / "site"
    assert not (site / "de" / "2026" / "geplant").exists()
    assert run(newsroom, "--clock", "2026-12-02T07:30+01:00") == 0
    assert (site / "de" / "2026" / "geplant" / "index.html").is_file()
    assert page(site, "de/").find_class("entry-title")[0].text_content() == "Geplant (de)"
    assert feedparser.parse((site / "de" / "feed.xml").read_bytes()).entries[0].title == "Geplant (de)"
    assert "geplant" in (site / "sitemap.xml").read_text()
    assert (site / "de" / "tags" / "geheim" / "index.html").is_file()
    assert not page(site, "de/2026/geplant/").find_class("status"), "published: no mark"


def test_the_clock_reads_in_the_site_timezone_and_a_bad_one_is_refused(newsroom, capsys):
    assert run(newsroom, "--clock", "2026-12-02T07:30") == 0, "07:30 in Berlin: the embargo's minute"
    assert (newsroom / "site" / "de" / "2026" / "geplant").is_dir()
    with pytest.raises(SystemExit) as stop:
        run(newsroom, "--clock", "2.12.2026")
    assert stop.value.code == 2
    assert "'2.12.2026' is not a date or time as YYYY-MM-DD[THH:MM[+01:00]]" in capsys.readouterr().err


class TestServeRebuilds:
    """A serve rebuild is narrow only while the articles keep their dates, draft state and marks."""

    @pytest.fixture
    def first(self, newsroom):
        config = load_config(newsroom)
        options = replace(BuildOptions.for_preview(), workers=1, clock=dt.datetime(2026, 12, 1, 12, tzinfo=BERLIN))
        return config, options, build(config, options=options)

    def work(self, first, path: Path, old: str, new: str, clock: dt.datetime | None = None):
        config, options, report = first
        options = replace(options, clock=clock or options.clock)
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
        reading = read(config, report.state, classify(config, {path}, report.state.parsed), report.output, options)
        return select(config, report.state, reading, inputs_digest(config), options)

    def test_a_text_edit_stays_narrow(self, first, newsroom):
        assert not self.work(first, newsroom / "content" / "entwurf.md", "Ein Absatz.", "Zwei Absätze.").whole

    @pytest.mark.parametrize(
        ("slug", "old", "new"),
        [
            ("entwurf", "draft: true\n", ""),  # published
            ("openai-cerebras", "language: de\n", "draft: true\nlanguage: de\n"),  # taken back
            ("openai-cerebras", "date: 2026-11-25", "date: 2026-11-25T09:00:00+01:00"),  # a time: order that day
            ("openai-cerebras", "language: de\n", "updated: 2026-11-30\nlanguage: de\n"),  # corrected: sitemap
        ],
    )
    def test_a_new_state_or_date_makes_the_whole_plan(self, first, newsroom, slug, old, new):
        assert self.work(first, newsroom / "content" / f"{slug}.md", old, new).whole

    def test_the_embargo_ending_makes_the_whole_plan(self, first, newsroom):
        later = dt.datetime(2026, 12, 2, 7, 30, tzinfo=BERLIN)
        assert self.work(first, newsroom / "content" / "entwurf.md", "Ein Absatz.", "Zwei.", later).whole
