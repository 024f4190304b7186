"""``index``: from loose articles to a :class:`Site` the pages are planned from.

Tags are matched across articles ignoring case and spacing (the oldest
article's spelling wins), and every tag gets an ASCII slug that no other tag
has, so ``C++``, ``C#`` and ``C`` get three pages and nothing can write
outside its folder.
"""

from __future__ import annotations

from .model import Article, Site, Tag
from .slugs import slugify, unique


def index(articles: list[Article]) -> Site:
    newest_first = tuple(sorted(articles, key=lambda a: (a.date, a.slug), reverse=True))
    names: dict[str, str] = {}
    for item in reversed(newest_first):
        for name in item.tags:
            names.setdefault(_key(name), name)

    taken: set[str] = set()
    tags: dict[str, Tag] = {}
    slug_of: dict[str, str] = {}
    for key in sorted(names):
        slug = unique(slugify(names[key], fallback="tag"), taken)
        taken.add(slug)
        tags[slug] = Tag(name=names[key], slug=slug)
        slug_of[key] = slug

    article_tags = {a.slug: tuple(tags[slug_of[_key(n)]] for n in a.tags) for a in newest_first}
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
    )


def reindex(site: Site, changed: list[Article]) -> Site | None:
    """``site`` with ``changed`` articles in place of their old versions, without sorting anew.

    Only when each keeps its date and tags (so every list keeps its order and
    every tag its name and slug); None otherwise, and :func:`index` is needed.
    """
    new = {item.slug: item for item in changed}
    old = {item.slug: item for item in site.articles if item.slug in new}
    if old.keys() != new.keys() or any((old[s].date, old[s].tags) != (new[s].date, new[s].tags) for s in new):
        return None
    tag_slugs = {tag.slug for slug in new for tag in site.article_tags[slug]}
    return Site(
        articles=tuple(new.get(item.slug, item) for item in site.articles),
        tags=site.tags,
        tag_articles={slug: tuple(new.get(item.slug, item) for item in items) if slug in tag_slugs else items
                      for slug, items in site.tag_articles.items()},
        article_tags=site.article_tags,
        tag_keys=site.tag_keys,
    )


def tags_of(site: Site, slugs: set[str]) -> list[tuple[str, Tag]]:
    """The tags of those articles, by slug, in the site's order of tags."""
    wanted = {tag.slug for slug in slugs for tag in site.article_tags[slug]}
    return [(slug, tag) for slug, tag in site.tags.items() if slug in wanted]


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()
