"""Atom feeds, one per language and one per tag and language; the only module importing feedgen.

Every URL in a feed is absolute (from the base URL), entry ids are tag URIs
(RFC 4151) made from the site's host, the article's date and its slug, so a
title edit keeps the id, and every date is the article's own: the same
content gives the same bytes. A feed is made again only when one of its
entries or the site's settings changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import partial
from urllib.parse import urlsplit

from feedgen.feed import FeedGenerator

from . import urls
from .config import Config
from .library import tags_of
from .model import Article, Site
from .output import Output

FEED_ENTRIES = 50  # the newest ones: readers poll feeds, archives live on the site


def atom_feeds(site: Site, config: Config, only: set[str] | None = None) -> list[Output]:
    """Every feed as an output of the site, keyed by its title and its entries' articles and tags;
    with ``only`` (slugs of changed articles), just the feeds they are in."""
    wanted: list[tuple[str, str, str, Sequence[Article]]] = []
    for lang in config.languages:
        wanted.append((urls.feed(lang), urls.home(lang), config.title[lang], site.articles))
        for slug, tag in site.tags.items() if only is None else tags_of(site, only):
            wanted.append((urls.tag_feed(lang, slug), urls.tag(lang, slug), f"{config.title[lang]}: {tag.name}",
                           site.tag_articles[slug]))
    feeds = []
    for name, home, title, articles in wanted:
        entries = articles[:FEED_ENTRIES]
        if only is not None and not any(item.slug in only for item in entries):
            continue
        lang = name.split("/", 1)[0]
        inputs = (title, [(item.digest, site.tag_keys[item.slug]) for item in entries])
        feeds.append(Output(name, inputs, partial(_atom, config, site, lang, name, home, title, entries)))
    return feeds


def _atom(config: Config, site: Site, lang: str, name: str, home: str, title: str,
          entries: Sequence[Article]) -> bytes:
    feed = FeedGenerator()
    feed.id(urls.absolute(config.base_url, name))
    feed.title(title)
    if config.tagline.get(lang):
        feed.subtitle(config.tagline[lang])
    feed.language(lang)
    feed.author({"name": config.publisher})
    feed.link(href=urls.absolute(config.base_url, name), rel="self", type="application/atom+xml")
    feed.link(href=urls.absolute(config.base_url, home), rel="alternate", type="text/html")
    feed.updated(_moment(entries[0].date) if entries else _moment(dt.date(1970, 1, 1)))
    host = urlsplit(config.base_url).hostname
    for item in reversed(entries):  # feedgen puts the last added entry first
        entry = feed.add_entry()
        entry.id(f"tag:{host},{item.date.isoformat()}:{lang}/{item.slug}")
        entry.title(item.text("title", lang)[0])
        entry.link(href=urls.absolute(config.base_url, urls.article(lang, item)), rel="alternate",
                   type="text/html")
        entry.published(_moment(item.date))
        entry.updated(_moment(item.date))
        summary = item.text("summary", lang)[0]
        if summary:
            entry.summary(summary)
        entry.content(item.body_html, type="html")
        for tag in site.article_tags[item.slug]:
            entry.category(term=tag.name, scheme=urls.absolute(config.base_url, urls.tags(lang)))
    return feed.atom_str(pretty=True)


def _moment(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
