"""Atom feeds, one per language and one per tag and language; the only module importing feedgen.

Every URL in a feed is absolute (from the base URL), entry ids are tag URIs
(RFC 4151) made from the site's host, the article's date and its slug, so a
title edit keeps the id, and every date is the article's own: the same
content gives the same bytes. A feed is made again only when one of its
entries or the site's settings changed. Feeds are named by :class:`Feed`,
so a rebuild can ask for some of them (:mod:`changes`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from urllib.parse import urlsplit

from feedgen.feed import FeedGenerator

from . import urls
from .config import Config
from .model import Article, Site
from .output import Output

FEED_ENTRIES = 50  # the newest ones: readers poll feeds, archives live on the site


@dataclass(frozen=True)
class Feed:
    """Which feed of the site: a language's (``tag`` None) or a tag's in that language."""

    lang: str
    tag: str | None


def feed_ids(site: Site, config: Config) -> list[Feed]:
    """Every feed of the site: per language, the language's and then each tag's."""
    return [feed for lang in config.languages for feed in (Feed(lang, None), *(Feed(lang, tag) for tag in site.tags))]


def shown_in(site: Site, feed: Feed) -> Sequence[Article]:
    """The feed's entries: its newest articles."""
    return (site.articles if feed.tag is None else site.tag_articles[feed.tag])[:FEED_ENTRIES]


def atom_feeds(site: Site, config: Config, feeds: Sequence[Feed]) -> list[Output]:
    """The ``feeds`` as outputs of the site, keyed by their title and their entries' articles and tags."""
    outputs = []
    for feed in feeds:
        entries = shown_in(site, feed)
        inputs = (_title(config, site, feed), [(item.digest, site.tag_keys[item.slug]) for item in entries])
        outputs.append(Output(_name(feed), inputs, partial(_atom, config, site, feed)))
    return outputs


def _name(feed: Feed) -> str:
    return urls.feed(feed.lang) if feed.tag is None else urls.tag_feed(feed.lang, feed.tag)


def _title(config: Config, site: Site, feed: Feed) -> str:
    own = config.title[feed.lang]
    return own if feed.tag is None else f"{own}: {site.tags[feed.tag].name}"


def _atom(config: Config, site: Site, feed: Feed) -> bytes:
    lang, name, entries = feed.lang, _name(feed), shown_in(site, feed)
    home = urls.home(lang) if feed.tag is None else urls.tag(lang, feed.tag)
    atom = FeedGenerator()
    atom.id(urls.absolute(config.base_url, name))
    atom.title(_title(config, site, feed))
    if config.tagline.get(lang):
        atom.subtitle(config.tagline[lang])
    atom.language(lang)
    atom.author({"name": config.publisher})
    atom.link(href=urls.absolute(config.base_url, name), rel="self", type="application/atom+xml")
    atom.link(href=urls.absolute(config.base_url, home), rel="alternate", type="text/html")
    atom.updated(_moment(entries[0].date) if entries else _moment(dt.date(1970, 1, 1)))
    host = urlsplit(config.base_url).hostname
    for item in reversed(entries):  # feedgen puts the last added entry first
        entry = atom.add_entry()
        entry.id(f"tag:{host},{item.date.isoformat()}:{lang}/{item.slug}")
        entry.title(item.text("title", lang).value)
        entry.link(href=urls.absolute(config.base_url, urls.article(lang, item)), rel="alternate", type="text/html")
        entry.published(_moment(item.date))
        entry.updated(_moment(item.date))
        summary = item.text("summary", lang).value
        if summary:
            entry.summary(summary)
        entry.content(item.body_html, type="html")
        for tag in site.article_tags[item.slug]:
            entry.category(term=tag.name, scheme=urls.absolute(config.base_url, urls.tags(lang)))
    xml: bytes = atom.atom_str(pretty=True)  # feedgen ships no types
    return xml


def _moment(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
