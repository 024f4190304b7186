"""``index``: from loose articles to a :class:`Site` the pages are planned from.

Tags are matched across articles ignoring case and spacing (the oldest
article's spelling wins), and every tag gets an ASCII slug that no other tag
has, so ``C++``, ``C#`` and ``C`` get three pages and nothing can write
outside its folder. The articles given are those the build shows (see
``BuildOptions.shows``); those not yet published at ``now`` are marked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from .model import Article, Site, Tag, tag_identity
from .slugs import slugify, unique


def index(articles: list[Article], now: dt.datetime | None = None) -> Site:
    """``now``: the build's time, at which drafts and scheduled articles are marked; None: none is."""
    newest_first = tuple(sorted(articles, key=lambda a: (a.published.at, a.slug), reverse=True))
    names: dict[str, str] = {}
    for item in reversed(newest_first):
        for name in item.tags:
            names.setdefault(tag_identity(name), name)

    taken: set[str] = set()
    tags: dict[str, Tag] = {}
    slug_of: dict[str, str] = {}
    for key in sorted(names):
        slug = unique(slugify(names[key], fallback="tag"), taken)
        taken.add(slug)
        tags[slug] = Tag(name=names[key], slug=slug)
        slug_of[key] = slug

    article_tags = {a.slug: tuple(tags[slug_of[tag_identity(n)]] for n in a.tags) for a in newest_first}
    tag_articles: dict[str, list[Article]] = {slug: [] for slug in tags}
    for item in newest_first:
        for tag in article_tags[item.slug]:
            tag_articles[tag.slug].append(item)
    return Site(
        articles=newest_first,
        tags=tags,
        tag_articles={slug: tuple(items) for slug, items in tag_articles.items()},
        article_tags=article_tags,
        tag_keys={slug: "|".join(f"{t.slug}={t.name}" for t in tags) for slug, tags in article_tags.items()},
        status=statuses(newest_first, now) if now else {},
    )


def statuses(articles: Iterable[Article], now: dt.datetime) -> dict[str, str]:
    """The marked articles among ``articles`` at ``now``: slug -> "draft" or "scheduled"."""
    return {item.slug: status for item in articles if (status := item.status(now))}
