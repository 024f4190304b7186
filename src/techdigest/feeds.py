"""Atom feeds, one per language and one per tag and language; the only module importing feedgen.

Every URL in a feed is absolute (from the base URL). An entry's id comes from
the article's permanent ``id`` (a ``urn:uuid:`` per language feed), so editing
its date, slug or title never shows a reader the article twice; an article
without one keeps the tag URI (RFC 4151) made from the site's host, its date
and slug. Every date is the article's own (``published``, and ``updated`` for
a correction; the feed's is its newest entry's): the same content gives the
same bytes. Each entry names its authors; the feed's author is the publisher. An entry whose
texts are an unreviewed machine translation says so: its summary opens with
the label ("Machine-translated: …") and it has the category
``machine-translated``. A feed is made again only when one of its entries
or the site's settings changed. Feeds are named by :class:`Feed`, so a rebuild
can ask for some of them (:mod:`changes`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from urllib.parse import urlsplit

from . import urls
from .config import Config
from .i18n import load_translations
from .model import Article, Site
from .output import Output

FEED_ENTRIES = 50  # the newest ones: readers poll feeds, archives live on the site
MACHINE_TRANSLATED = "machine-translated"  # the category of an entry whose texts a machine translated


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
        outputs.append(Output(_name(site, feed), inputs, partial(_atom, config, site, feed)))
    return outputs


def _name(site: Site, feed: Feed) -> str:
    """The feed's file: a tag's under that tag's slug in the feed's language."""
    return (
        urls.feed(feed.lang) if feed.tag is None else urls.tag_feed(feed.lang, site.tags[feed.tag].slug_in(feed.lang))
    )


def _title(config: Config, site: Site, feed: Feed) -> str:
    own = config.title[feed.lang]
    return own if feed.tag is None else f"{own}: {site.tags[feed.tag].name_in(feed.lang)}"


def _atom(config: Config, site: Site, feed: Feed) -> bytes:
    lang, name, entries = feed.lang, _name(site, feed), shown_in(site, feed)
    home = urls.home(lang) if feed.tag is None else urls.tag(lang, site.tags[feed.tag].slug_in(lang))
    from feedgen.feed import FeedGenerator  # here: a build that makes no feed never loads feedgen (and lxml)

    atom = FeedGenerator()
    atom.id(urls.absolute(config.base_url, name))
    atom.title(_title(config, site, feed))
    if config.tagline.get(lang):
        atom.subtitle(config.tagline[lang])
    atom.language(lang)
    atom.author({"name": config.publisher})
    atom.link(href=urls.absolute(config.base_url, name), rel="self", type="application/atom+xml")
    atom.link(href=urls.absolute(config.base_url, home), rel="alternate", type="text/html")
    atom.updated(max(_updated(item) for item in entries) if entries else dt.datetime(1970, 1, 1, tzinfo=dt.UTC))
    host = urlsplit(config.base_url).hostname or ""
    label = load_translations(config.locales_dir, lang).gettext("Machine-translated")
    for item in reversed(entries):  # feedgen puts the last added entry first
        entry = atom.add_entry()
        entry.id(_entry_id(item, lang, host))
        entry.title(item.text("title", lang).value)
        entry.link(href=urls.absolute(config.base_url, urls.article(lang, item)), rel="alternate", type="text/html")
        entry.published(item.published.at)
        entry.updated(_updated(item))
        for name in item.author:
            entry.author({"name": name})
        summary = _summary(item, lang, label)
        if summary:
            entry.summary(summary)
        entry.content(item.body_html, type="html")
        for tag in site.article_tags[item.slug]:
            entry.category(term=tag.name_in(lang), scheme=urls.absolute(config.base_url, urls.tags(lang)))
        if _machine(item, lang):
            entry.category(term=MACHINE_TRANSLATED, label=label)
    xml: bytes = atom.atom_str(pretty=True)  # feedgen ships no types
    return xml


def _machine(item: Article, lang: str) -> bool:
    return item.text("title", lang).machine or item.text("summary", lang).machine


def _summary(item: Article, lang: str, label: str) -> str:
    """The entry's summary; opened by the label (``Machine-translated: …``) when the entry's texts are
    a machine translation not yet reviewed, as feed readers show the summary and rarely categories."""
    summary = item.text("summary", lang).value
    return f"{label}: {summary}" if summary and _machine(item, lang) else summary


def _entry_id(item: Article, lang: str, host: str) -> str:
    """The article's id in the ``lang`` feed: from its permanent id if it has one (one per language,
    as each language's entry is a text of its own), else from its date and slug."""
    if item.id:
        return uuid.uuid5(uuid.UUID(item.id), lang).urn
    return f"tag:{host},{item.date.isoformat()}:{lang}/{item.slug}"


def _updated(item: Article) -> dt.datetime:
    return (item.updated or item.published).at
