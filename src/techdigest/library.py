"""``index``: from loose articles to a :class:`Site` the pages are planned from.

Tags are matched across articles ignoring case and spacing (the oldest
article's spelling wins) and through ``tags.toml``'s ``same`` spellings (its
table's spelling wins); each tag has a name per language (``tags.toml``, else
as written) and in each language an ASCII slug that no other tag has there, so
``C++``, ``C#`` and ``C`` get three pages and nothing can write outside its
folder. The articles given are those the build shows (see
``BuildOptions.shows``); those not yet published at ``now`` are marked.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable

from .config import Config
from .model import Article, ContentError, Problem, Site, Tag, excerpt, tag_identity
from .slugs import slugify, unique
from .tagnames import TAGS_FILE, TagNames, read_tag_names


def index(articles: list[Article], now: dt.datetime | None = None, names: TagNames | None = None) -> Site:
    """``now``: the build's time, at which drafts and scheduled articles are marked; None: none is.
    ``names``: ``tags.toml`` (which spellings are one tag, their names per language); None: none."""
    names = names or TagNames()
    newest_first = tuple(sorted(articles, key=lambda a: (a.published.at, a.slug), reverse=True))
    # each spelling as written -> the identity of its tag; a site has far fewer spellings than tagged articles
    identities: dict[str, str] = {}
    written: dict[str, str] = {}
    for item in reversed(newest_first):
        for name in item.tags:
            if name not in identities:
                canonical = names.canonical(name)
                identities[name] = identity = tag_identity(canonical)
                written.setdefault(identity, canonical)

    _refuse_shared_names(written, names)
    tags = _tags(written, names)
    by_identity = {identity: tags[slug] for identity, slug in zip(sorted(written), tags, strict=True)}
    article_tags = {
        a.slug: tuple(by_identity[i] for i in dict.fromkeys([identities[n] for n in a.tags])) for a in newest_first
    }
    tag_articles: dict[str, list[Article]] = {slug: [] for slug in tags}
    for item in newest_first:
        for tag in article_tags[item.slug]:
            tag_articles[tag.slug].append(item)
    return Site(
        articles=newest_first,
        tags=tags,
        tag_articles={slug: tuple(items) for slug, items in tag_articles.items()},
        article_tags=article_tags,
        tag_keys=_tag_keys(article_tags, tags),
        status=statuses(newest_first, now) if now else {},
    )


def _tag_keys(article_tags: dict[str, tuple[Tag, ...]], tags: dict[str, Tag]) -> dict[str, str]:
    """Each article's tags, their names and slugs (:attr:`Tag.key`), as one digest ("" for none):
    every page and feed showing an article has it in its key, so a short one is quicker to hash,
    and the same set of tags is digested once."""
    own = {slug: tag.key for slug, tag in tags.items()}
    digests: dict[tuple[str, ...], str] = {(): ""}
    keys = {}
    for slug, shown in article_tags.items():
        which = tuple([tag.slug for tag in shown])
        if (found := digests.get(which)) is None:
            text = "|".join([own[tag] for tag in which])
            found = digests[which] = hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
        keys[slug] = found
    return keys


def _refuse_shared_names(written: dict[str, str], names: TagNames) -> None:
    """Two tags with one name in a language would show as one there, with two pages (``chips/``,
    ``chips-2/``), and a name taken from another tag takes its URL too: an error at the table of
    ``tags.toml`` that gives the name."""
    first: dict[tuple[str, str], str] = {}
    for identity in sorted(written):
        entry = names.entry(written[identity])
        own = entry.names if entry else {}
        for code in names.languages:
            shown = own.get(code, written[identity])
            other = first.setdefault((code, tag_identity(shown)), written[identity])
            if other != written[identity]:
                given = entry if code in own else names.entry(other)
                line = given.line if given else 0
                raise ContentError.single(
                    TAGS_FILE,
                    line,
                    f"{code} = {excerpt(shown)}: the {code} name of [{excerpt(other)}] and "
                    f"[{excerpt(written[identity])}]; two tags need two names (or make one a spelling "
                    "of the other with same = [...])",
                )


def _tags(written: dict[str, str], names: TagNames) -> dict[str, Tag]:
    """A tag per identity (in their order), keyed by its default language's slug; each language's
    slugs unique within that language."""
    taken: dict[str, set[str]] = {code: set() for code in names.languages}
    tags: dict[str, Tag] = {}
    for identity in sorted(written):
        entry = names.entry(written[identity])
        own = entry.names if entry else {}
        shown = {code: own.get(code, written[identity]) for code in names.languages}
        slugs = {code: unique(slugify(shown[code], fallback="tag"), taken[code]) for code in names.languages}
        for code, slug in slugs.items():
            taken[code].add(slug)
        missing = tuple(code for code in names.languages if code not in own and code != names.default)
        aliases = entry.aliases if entry else ()
        key = slugs[names.default]
        tags[key] = Tag(written[identity], key, shown, slugs, missing, aliases)
    return tags


def statuses(articles: Iterable[Article], now: dt.datetime) -> dict[str, str]:
    """The marked articles among ``articles`` at ``now``: slug -> "draft" or "scheduled"."""
    return {item.slug: status for item in articles if (status := item.status(now))}


def untranslated_tags(articles: list[Article], config: Config) -> list[Problem]:
    """A reminder per tag without a name of its own in some language, at the ``tags`` line of the
    first content file (by name) using it: where the editor meets the tag. None while ``tags.toml``
    cannot be read (that is an error of its own)."""
    try:
        site = index(articles, names=read_tag_names(config))
    except ContentError:
        return []
    problems = []
    for tag in site.tags.values():
        if tag.missing:
            first = min(site.tag_articles[tag.slug], key=lambda item: item.path)
            languages = " and ".join(tag.missing)
            message = f"tags: {excerpt(tag.name)} has no {languages} name yet: give it one in {TAGS_FILE}"
            problems.append(Problem(first.path, first.lines.get("tags", 1), message))
    return problems
