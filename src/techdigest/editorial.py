"""An article's life after import: ``publish``, ``rename``, ``remove``, and URLs that moved meanwhile.

Each changes content files only through :mod:`edits` (comments and key order
kept, only while the file holds what was read) and under the content lock.
Whatever changes an article's URL keeps the old one alive: ``rename``, and a
build that finds an article under another URL than the previous build (a year
move, a file renamed by hand), add the old URLs to ``aliases`` (the build makes redirect pages of
them), ``remove`` records the URLs in ``removed.toml`` (the build makes
"removed" pages there) and the seed in ``imported.toml`` (never imported
again). A draft was never published at any URL, so it leaves no alias behind.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from functools import partial

from . import urls
from .changes import Reading
from .config import Config
from .content import alias_path, parse_moment
from .corpus import ParsedFiles, read_again
from .edits import Front, content_lock, content_path, edit_front_matter, set_key
from .model import Article, ContentError, Moment, Problem
from .records import Removed, add_removed, read_imported, write_imported
from .slugs import SLUG_RULE, is_slug


def publish(config: Config, slugs: Sequence[str], when: Moment | None, now: dt.datetime) -> list[str]:
    """Each draft of ``slugs`` published (``draft`` deleted), dated ``when`` if given; one line each.
    Every slug must name an article, or nothing is changed."""
    labels = existing_labels(config, slugs)
    with content_lock(config):
        return [_publish(config, label, when, now) for label in labels]


def _publish(config: Config, label: str, when: Moment | None, now: dt.datetime) -> str:
    item = read_article(config, label)
    if not item.draft:
        return f"{label}: not a draft, left unchanged"

    def change(meta: Front) -> None:
        del meta["draft"]
        if when is not None:  # a plain date is written plain, a time as the ISO text the editor would write
            meta["date"] = when.isoformat() if when.timed else when.day

    edit_front_matter(config, label, change)
    dated = dataclasses.replace(item, published=when) if when else item
    if dated.published.at > now:
        return f"{label}: published, scheduled for {dated.published.isoformat()} (not on the site before then)"
    return f"{label}: published at {', '.join(urls.article_versions(config.languages, dated))}"


def rename(config: Config, old: str, new: str) -> str:
    """``content/OLD.md`` renamed to ``content/NEW.md``; the old URLs redirect to the new ones."""
    path, label = content_path(config, old)
    target, new_label = content_path(config, new)
    if not is_slug(target.stem):
        raise ContentError.single(new_label, 0, f"the new name is the article's URL, so a slug ({SLUG_RULE})")
    existing_labels(config, [old])
    if target.exists():
        raise ContentError.single(new_label, 0, "exists already; choose another name")
    with content_lock(config):
        item = read_article(config, label)
        old_urls = [] if item.draft else urls.article_versions(config.languages, item)
        live = urls.article_versions(config.languages, dataclasses.replace(item, slug=target.stem))
        change = partial(_aliases_changed, added=old_urls, live=live)
        edit_front_matter(config, label, change, rename_to=target)
    kept = f"; {', '.join(old_urls)} redirect to it" if old_urls else " (a draft: no old URL to keep)"
    return f"renamed {label} to {new_label}{kept}"


def remove(config: Config, slug: str, now: dt.datetime) -> Removed:
    """The article's content file deleted, once it is recorded: in ``removed.toml`` with every URL it
    had (none for a draft or an article still under embargo at ``now``: its URLs were never live, and
    a "removed" page would give them away), its seed in ``imported.toml`` so that ``import`` never
    brings it back."""
    path, label = content_path(config, slug)
    existing_labels(config, [slug])
    with content_lock(config):
        item = read_article(config, label)
        shown = [] if item.status(now) else [*urls.article_versions(config.languages, item), *item.aliases]
        entry = Removed(item.id, item.slug, now.astimezone(config.zone).date(), tuple(shown))
        imported = read_imported(config)
        if item.source and item.source not in imported:
            write_imported(config, {**imported, item.source: item.id})
        add_removed(config, entry)
        path.unlink()
    return entry


def record_moves(config: Config, before: ParsedFiles, reading: Reading) -> Reading:
    """An article whose URL changed since the build that read ``before`` (its date moved into another
    year; or its file was renamed by hand, found by its ``id``) keeps its old URLs: they are added to
    its ``aliases`` (so they redirect), said in one line each, and the file read again for this build.
    A file saved again meanwhile is left alone (its next build looks)."""
    earlier = _earlier(before)
    moved = {
        label: old
        for label, entry in reading.parsed.items()
        if (old := earlier(label, entry.article)) is not None
        and old is not entry.article  # a file not read again has not moved
        and _moved(old, entry.article, config)
        and not set(urls.article_versions(config.languages, old)) <= set(entry.article.aliases)  # kept already
    }
    if not moved:
        return reading
    done = []
    with content_lock(config):
        for label, old in moved.items():
            new = reading.parsed[label].article
            added = urls.article_versions(config.languages, old)
            live = urls.article_versions(config.languages, new)
            change = partial(_dated_aliases_changed, date=new.published, zone=config.zone, added=added, live=live)
            try:
                edit_front_matter(config, label, change)
            except (ContentError, _Changed):
                continue
            done.append(label)
            print(f"{label}: moved from {', '.join(added)}; they redirect to it now")
    again = None if reading.again is None else reading.again | set(done)
    return Reading(read_again(config, reading.parsed, done), again)


def _earlier(before: ParsedFiles) -> Callable[[str, Article], Article | None]:
    """How to find an article as the previous build read it: by its permanent id, else by its file."""
    by_id = {entry.article.id: entry.article for entry in before.values() if entry.article.id}

    def earlier(label: str, item: Article) -> Article | None:
        found = by_id.get(item.id) if item.id else None
        return found or (before[label].article if label in before else None)

    return earlier


def _moved(old: Article, new: Article, config: Config) -> bool:
    """Published then and now, under other URLs (a draft never had one)."""
    return not (old.draft or new.draft) and urls.article_versions(config.languages, old) != urls.article_versions(
        config.languages, new
    )


class _Changed(Exception):
    """The file no longer holds what the build read."""


def _dated_aliases_changed(meta: Front, *, date: Moment, zone: dt.tzinfo, added: list[str], live: list[str]) -> None:
    if parse_moment(str(meta.get("date")), zone) != date:
        raise _Changed
    _aliases_changed(meta, added=added, live=live)


def _aliases_changed(meta: Front, *, added: list[str], live: list[str]) -> None:
    """``added`` appended to ``aliases`` (an editor's own entries and comments kept); an alias that is
    the article's URL again (renamed back, moved back) dropped, as a live page has that URL."""
    aliases = meta.get("aliases")
    if not isinstance(aliases, list):
        aliases = []
        set_key(meta, "aliases", aliases)
    for number in reversed(range(len(aliases))):
        if alias_path(str(aliases[number])) in live:
            del aliases[number]
    have = {alias_path(str(alias)) for alias in aliases}
    aliases.extend(url for url in added if url not in have and url not in live)
    if not aliases:
        del meta["aliases"]


def existing_labels(config: Config, slugs: Sequence[str]) -> list[str]:
    """The labels of ``slugs``' content files; an error naming each one that does not exist."""
    found = [content_path(config, slug) for slug in slugs]
    missing = [Problem(label, 0, "no such article") for path, label in found if not path.is_file()]
    if missing:
        raise ContentError(missing)
    return [label for _, label in found]


def read_article(config: Config, label: str) -> Article:
    """The article as the build reads it (an error at its line if it does not read)."""
    return read_again(config, {}, [label])[label].article
