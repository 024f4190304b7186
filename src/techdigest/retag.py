"""``techdigest tags``: the site's tags with their names and slugs per language, and renaming one.

``rename OLD NEW`` changes every content file whose ``tags`` has OLD (in any
case and spacing, or as one of the spellings ``tags.toml`` makes the same tag)
through :mod:`edits`, under the content lock. It works in an order in which no
step leaves the site half-renamed: every new text is made first (a file that
cannot be changed stops it before anything is written); then ``tags.toml``
records OLD as a spelling of NEW (with OLD's names, and the old tag URLs in
each language, which then redirect to NEW's page), so from that moment every
file still saying OLD already means NEW; then the files are replaced one by
one. A file an editor saved meanwhile is named and left as the editor wrote
it: it shows NEW anyway, and running the command again finishes it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from . import urls
from .config import Config
from .corpus import articles_of, read_all
from .edits import Front, changed_front_matter, content_lock, replace_if_unchanged
from .library import index
from .model import CONTROL_CHARACTERS, Article, ContentError, Problem, Site, tag_identity
from .slugs import slugify
from .tagnames import TAGS_FILE, TagNames, read_tag_names, record_rename


def tag_site(config: Config) -> Site:
    """The tags of every article in ``content/`` (drafts and scheduled ones too), as the build names them."""
    return index(articles_of(read_all(config)), names=read_tag_names(config))


@dataclass(frozen=True)
class Renamed:
    """What ``rename`` did: one line per change, and the files it had to leave as they were."""

    done: list[str] = field(default_factory=list)
    left: list[Problem] = field(default_factory=list)


def rename_tag(config: Config, old: str, new: str, now: dt.datetime) -> Renamed:
    """Every use of the tag ``old`` in content renamed to ``new`` (see the module's docstring); the
    URLs ``old``'s pages had at ``now`` are kept, redirecting."""
    old, new = " ".join(old.split()), " ".join(new.split())
    for name in (old, new):
        if not name or CONTROL_CHARACTERS.search(name):
            raise ContentError.single("tags rename", 0, f"{name!r} is not a tag name")
    with content_lock(config):
        parsed = read_all(config)
        names = read_tag_names(config)
        articles = articles_of(parsed)
        meant = partial(_means, names, old)  # OLD, and every spelling tags.toml makes the same tag
        using = sorted((item for item in articles if any(map(meant, item.tags))), key=lambda item: item.path)
        if not using and names.entry(old) is None:
            raise ContentError.single("tags rename", 0, f"no article has the tag {old!r}")
        planned = [(item.path, *_renamed_text(config, item.path, meant, new)) for item in using]
        old_urls = _old_urls(config, [item for item in articles if not item.status(now)], old, new)
        record_rename(config, old, new, old_urls)
        report = Renamed([f"{TAGS_FILE}: {old!r} is now a spelling of {new!r}" + _redirecting(old_urls)])
        for label, data, text in planned:
            try:
                replace_if_unchanged(config.content_dir / Path(label).name, data, text, label)
            except ContentError:
                report.left.append(
                    Problem(label, 0, f"changed meanwhile, left as it is: its {old!r} means {new!r}; run again")
                )
                continue
            report.done.append(f"{label}: tags: {old!r} -> {new!r}")
    return report


def _has(tags: tuple[str, ...], name: str) -> bool:
    """``tags`` has ``name``, spelled in any case and spacing."""
    return any(tag_identity(tag) == tag_identity(name) for tag in tags)


def _means(names: TagNames, old: str, tag: str) -> bool:
    return tag_identity(names.canonical(tag)) == tag_identity(names.canonical(old))


def _renamed_text(config: Config, label: str, meant: Callable[[str], bool], new: str) -> tuple[bytes, str]:
    """The file's bytes now and its text with the tags ``meant`` renamed to ``new`` (the editor's
    comments, order and other tags kept; each tag once)."""
    data = (config.content_dir / Path(label).name).read_bytes()

    def change(meta: Front) -> None:
        tags = meta["tags"]
        if isinstance(tags, str):  # "a, b": a list written as one text
            meta["tags"] = ", ".join(_renamed([part.strip() for part in tags.split(",")], meant, new))
            return
        renamed = _renamed([str(tag) for tag in tags], meant, new)
        for number in reversed(range(len(tags))):
            if number >= len(renamed):
                del tags[number]
        for number, tag in enumerate(renamed):
            if str(tags[number]) != tag:
                tags[number] = tag

    return data, changed_front_matter(label, data.decode("utf-8"), change)


def _renamed(tags: list[str], meant: Callable[[str], bool], new: str) -> list[str]:
    """``tags`` with those ``meant`` as ``new``, once, in the first one's place."""
    result: list[str] = []
    for tag in tags:
        name = new if meant(tag) else tag
        if name.strip() and not _has(tuple(result), name):
            result.append(name)
    return result


def _old_urls(config: Config, published: list[Article], old: str, new: str) -> list[str]:
    """The URLs of ``old``'s tag page in each language on the site as published that the renamed tag
    will not have: they must redirect (also when ``old`` was a spelling of ``new``'s tag already: its
    name, and so its URL, may change with the rename)."""
    names = read_tag_names(config)
    site = index(published, names=names)
    tag = next((t for t in site.tags.values() if tag_identity(t.name) == tag_identity(names.canonical(old))), None)
    if tag is None:
        return []
    after = _names_after(names, old, new)
    return [
        url
        for lang in config.languages
        if (url := urls.tag(lang, tag.slug_in(lang))) != urls.tag(lang, slugify(after.get(lang, new), fallback="tag"))
    ]


def _names_after(names: TagNames, old: str, new: str) -> dict[str, str]:
    """The tag's own names per language once ``old`` is renamed to ``new`` (as :func:`record_rename`
    merges the tables: ``new``'s names first, ``old``'s where ``new`` has none)."""
    before, after = names.entry(old), names.entry(new)
    merged = dict(before.names) if before else {}
    if after is not None and after is not before:
        merged |= after.names
        merged.setdefault(names.default, after.written)
    return merged


def _redirecting(old_urls: list[str]) -> str:
    return f"; {', '.join(old_urls)} redirect to its pages" if old_urls else ""
