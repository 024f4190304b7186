"""What changed since the previous build, and so what a build makes: the one home of incremental planning.

``serve`` learns from the file system which files changed and hands the build
a :class:`Changes` (as Zola's ``ChangeKind``). When only the texts of existing
articles changed, and their dates, draft states and tags stayed (and the
passing time published no scheduled article), a *narrow* build reads just
those files again and makes just the pages and feeds showing those articles,
found in a reverse index (article → pages and feeds) built once per whole
plan. Any other change, or none known (``techdigest build``), makes the
*whole* plan, whose unchanged outputs the writer then skips by their keys.

Planners (:mod:`pages`, :mod:`feeds`, :mod:`sitemap`) plan what they are
asked for from a :class:`Site`; only this module chooses what to ask for.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .assets import static_outputs
from .config import Config
from .corpus import LABEL_FOLDER, ParsedFiles, articles_of, read_again, read_all
from .feeds import Feed, atom_feeds, feed_ids, shown_in
from .hosting import publishing_files
from .library import index, statuses
from .model import Article, Site
from .options import BuildOptions
from .output import Output, Record
from .pages import Page, PageId, page_ids, plan, shown_on
from .records import read_removed
from .render import page_outputs
from .sitemap import sitemap
from .tagnames import read_tag_names

if TYPE_CHECKING:
    from .cache import BuildState


class ChangeKind(enum.Enum):
    ARTICLE_TEXT = "the text of existing articles"  # their dates and tags may have changed too: reading tells
    CONTENT = "content files added, removed or renamed"
    TEMPLATE = "templates"
    STATIC = "static assets"
    LOCALE = "catalogs"
    CONFIG = "the config"
    SEEDS = "seeds"


@dataclass(frozen=True)
class Changes:
    kinds: frozenset[ChangeKind]
    articles: frozenset[str] = frozenset()  # the content files (content/x.md) of ARTICLE_TEXT


_KINDS = {
    "content": ChangeKind.CONTENT,
    "templates": ChangeKind.TEMPLATE,
    "locales": ChangeKind.LOCALE,
    "seeds": ChangeKind.SEEDS,
    "techdigest.toml": ChangeKind.CONFIG,
}


def classify(config: Config, paths: Iterable[Path], known: Collection[str]) -> Changes:
    """The changes behind the changed ``paths``; ``known``: the content files the previous build read."""
    kinds: set[ChangeKind] = set()
    articles: set[str] = set()
    root, content = config.root.resolve(), config.content_dir.resolve()
    for path in paths:
        if path.is_dir():  # a folder's own event: its files have theirs
            continue
        label = f"{LABEL_FOLDER}/{path.name}"
        if path.suffix == ".md" and path.parent.resolve() == content and path.is_file() and label in known:
            articles.add(label)
            kinds.add(ChangeKind.ARTICLE_TEXT)
            continue
        parts = path.resolve().relative_to(root).parts if path.resolve().is_relative_to(root) else ("",)
        kind = ChangeKind.STATIC if parts[:2] == ("templates", "static") else _KINDS.get(parts[0])
        kinds.add(kind or ChangeKind.CONFIG)  # anything else: as if the settings changed, all is made
    return Changes(frozenset(kinds), frozenset(articles))


@dataclass(frozen=True)
class Showing:
    """Where one article is shown: positions in a plan's ``pages`` and ``feeds``."""

    pages: list[int] = field(default_factory=list)
    feeds: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Plan:
    """Every page and feed of a site; kept in memory (``serve``) for the next narrow build."""

    site: Site
    pages: tuple[PageId, ...]
    feeds: tuple[Feed, ...]
    # article slug -> where it is shown; the reverse index, made on first use
    _showing: dict[str, Showing] = field(default_factory=dict, compare=False, repr=False)

    def showing(self, config: Config) -> dict[str, Showing]:
        """The reverse index, made once per whole plan (a narrow build keeps the order of everything)."""
        if not self._showing:
            for number, page in enumerate(self.pages):
                for item in shown_on(self.site, config, page):
                    self._showing.setdefault(item.slug, Showing()).pages.append(number)
            for number, feed in enumerate(self.feeds):
                for item in shown_in(self.site, feed):
                    self._showing.setdefault(item.slug, Showing()).feeds.append(number)
        return self._showing


@dataclass(frozen=True)
class Reading:
    """The content files as this build read them; ``again``: only those were read, the rest reused."""

    parsed: ParsedFiles
    again: frozenset[str] | None


@dataclass(frozen=True)
class Work:
    """What a build makes: the whole ``plan``'s outputs, or the part of it that changes touch."""

    plan: Plan
    pages: list[Page]
    outputs: list[Output]
    kept: Record  # files of the previous site that stay as they are unless among ``outputs``
    whole: bool  # a narrow build leaves sitemap, static files and search bundles as they are


def read(config: Config, previous: BuildState, changes: Changes | None, target: Path, options: BuildOptions) -> Reading:
    """Every content file, reusing what ``previous`` parsed; only the changed ones when they are all
    that changed (and ``previous`` is the build of this ``target``, its plan in memory)."""
    if (
        changes is not None
        and changes.kinds <= {ChangeKind.ARTICLE_TEXT}
        and previous.plan is not None
        and previous.output == target
        and target.is_dir()
    ):
        return Reading(read_again(config, previous.parsed, changes.articles), changes.articles)
    progress = options.progress("reading articles")
    return Reading(read_all(config, previous.parsed, progress, workers=options.workers), None)


def select(config: Config, previous: BuildState, reading: Reading, digest: str, options: BuildOptions) -> Work:
    """The narrow work when only article texts changed; else the whole plan. ``digest``: of what every
    page depends on (:func:`render.inputs_digest`). Either way only the articles ``options`` shows
    at its time now are on the site."""
    now = options.now()
    shown = [item for item in articles_of(reading.parsed) if options.shows(item, now)]
    if reading.again is not None and previous.plan is not None:
        fresh = [
            reading.parsed[label].article
            for label in sorted(reading.again)
            if reading.parsed[label].article is not previous.parsed[label].article
        ]
        site = _with_texts(previous.plan.site, fresh, shown, now)
        if site is not None:
            return _narrow(config, previous, site, {item.slug for item in fresh if item.slug in site.tag_keys}, digest)
    return _whole(config, index(shown, now, read_tag_names(config)), digest)


def _whole(config: Config, site: Site, digest: str) -> Work:
    ids, feeds = page_ids(site, config, read_removed(config)), feed_ids(site, config)
    files = [
        *atom_feeds(site, config, feeds),
        *publishing_files(config),
        *static_outputs(config.templates_dir / "static", config.root),
    ]
    pages = plan(site, config, ids, {output.name for output in [*files, *sitemap([], config)]})
    outputs = [*page_outputs(pages, config, digest), *files, *sitemap(pages, config)]
    return Work(Plan(site, tuple(ids), tuple(feeds)), pages, outputs, Record(), whole=True)


def _narrow(config: Config, previous: BuildState, site: Site, slugs: set[str], digest: str) -> Work:
    """The pages and feeds showing the articles ``slugs``; the rest of the site stays as recorded."""
    assert previous.plan is not None
    whole = previous.plan
    showing = whole.showing(config)
    page_numbers = sorted({number for slug in slugs for number in showing[slug].pages})
    feed_numbers = sorted({number for slug in slugs for number in showing[slug].feeds})
    pages = plan(site, config, [whole.pages[number] for number in page_numbers])
    outputs = [
        *page_outputs(pages, config, digest),
        *atom_feeds(site, config, [whole.feeds[number] for number in feed_numbers]),
    ]
    return Work(Plan(site, whole.pages, whole.feeds, whole._showing), pages, outputs, previous.record, whole=False)


def _with_texts(site: Site, changed: list[Article], shown: list[Article], now: dt.datetime) -> Site | None:
    """``site`` with ``changed`` articles in place of their old versions, without sorting anew.

    Only when the site shows the same articles with the same marks at ``now`` (time passing
    publishes a scheduled one), and each changed one keeps its dates, draft state, tags and aliases
    (so every list keeps its order, every tag its name and slug, the sitemap its dates, and no
    redirect page comes or goes);
    None otherwise, and the site is indexed anew.
    """
    slugs = {item.slug for item in shown}
    if slugs != site.tag_keys.keys() or statuses(shown, now) != site.status:
        return None
    new = {item.slug: item for item in changed if item.slug in slugs}
    old = {item.slug: item for item in site.articles if item.slug in new}
    if any(_placed(old[slug]) != _placed(new[slug]) for slug in new):
        return None
    tag_slugs = {tag.slug for slug in new for tag in site.article_tags[slug]}
    return Site(
        articles=tuple(new.get(item.slug, item) for item in site.articles),
        tags=site.tags,
        tag_articles={
            slug: tuple(new.get(item.slug, item) for item in items) if slug in tag_slugs else items
            for slug, items in site.tag_articles.items()
        },
        article_tags=site.article_tags,
        tag_keys=site.tag_keys,
        status=site.status,
    )


def _placed(item: Article) -> tuple[object, ...]:
    """What places an article in lists, feeds and the sitemap: its dates (as written), draft state, tags;
    and its aliases, each a page of its own."""
    return item.published.isoformat(), item.updated and item.updated.isoformat(), item.draft, item.tags, item.aliases
