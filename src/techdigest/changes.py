"""What changed since the previous build, and so what a build makes: the one home of incremental planning.

``serve`` learns from the file system which files changed and hands the build
a :class:`Changes` (as Zola's ``ChangeKind``); ``techdigest build`` reads every
content file's stamp and finds the changed ones itself. When only the texts of
existing articles changed, and their dates, draft states and tags stayed (and
the passing time published no scheduled article), and nothing else the plan
depends on (its *basis*: templates, catalogs, settings, static files,
``removed.toml``, ``tags.toml``), a *narrow* build makes just the pages and feeds
showing those articles, found in the reverse index (article → pages and feeds)
of the previous whole plan, which serve keeps in memory and the cache on disk.
Any other change makes the *whole* plan, whose unchanged outputs the writer
then skips by their keys.

Planners (:mod:`pages`, :mod:`feeds`, :mod:`sitemap`) plan what they are
asked for from a :class:`Site`; only this module chooses what to ask for.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
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
from .output import Output, Record, key
from .pages import Page, PageId, page_ids, plan, shown_on
from .records import Removed, read_removed
from .render import page_outputs
from .sitemap import sitemap
from .tagnames import TagNames, read_tag_names
from .writer import intact

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
    """Every page and feed of a site, and where each article is shown: what the next narrow build needs.
    ``serve`` keeps it in memory, ``build`` in the cache."""

    site: Site
    pages: tuple[PageId, ...]
    feeds: tuple[Feed, ...]
    showing: dict[str, Showing]  # article slug -> where it is shown: the reverse index
    basis: str  # the key of what the plan depends on besides the articles (:class:`_Basis`)
    searched: dict[str, str]  # the pages search indexes -> their search month ("de/2026-07")
    # the whole plan this one was made as; a narrow build keeps it, so the cache writes a plan once
    made: str = field(default_factory=lambda: uuid.uuid4().hex, compare=False)


def _reverse_index(site: Site, config: Config, pages: Sequence[PageId], feeds: Sequence[Feed]) -> dict[str, Showing]:
    """Where each article is shown: made with the whole plan, so a narrow build finds its pages at once."""
    showing: defaultdict[str, Showing] = defaultdict(Showing)
    for number, page in enumerate(pages):
        for item in shown_on(site, config, page):
            showing[item.slug].pages.append(number)
    for number, feed in enumerate(feeds):
        for item in shown_in(site, feed):
            showing[item.slug].feeds.append(number)
    return dict(showing)


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
    whole: bool  # the whole plan made again; else only what the changes touch (sitemap, static files stay)


def read(config: Config, previous: BuildState, changes: Changes | None, target: Path, options: BuildOptions) -> Reading:
    """Every content file, reusing what ``previous`` parsed; only the changed ones when they are all
    that changed (``serve`` knows). ``again``: which files changed, when the same files are there, the
    previous build (of this ``target``) left its plan, and the site is as it recorded it."""
    planned = previous.plan is not None and previous.output == target and target.is_dir()
    if planned and changes is not None and changes.kinds <= {ChangeKind.ARTICLE_TEXT}:
        return Reading(read_again(config, previous.parsed, changes.articles), changes.articles)
    progress = options.progress("reading articles")
    parsed = read_all(config, previous.parsed, progress, workers=options.workers)
    if not planned or parsed.keys() != previous.parsed.keys():
        return Reading(parsed, None)
    if options.verify_output and not intact(target, previous.record):  # a file edited or deleted by hand
        return Reading(parsed, None)
    return Reading(parsed, frozenset(label for label, entry in parsed.items() if entry is not previous.parsed[label]))


def select(config: Config, previous: BuildState, reading: Reading, digest: str, options: BuildOptions) -> Work:
    """The narrow work when only article texts changed; else the whole plan. ``digest``: of what every
    page depends on (:func:`render.inputs_digest`). Either way only the articles ``options`` shows
    at its time now are on the site."""
    now = options.now()
    shown = [item for item in articles_of(reading.parsed) if options.shows(item, now)]
    basis = _Basis.read(config, digest)
    if reading.again is not None and previous.plan is not None and previous.plan.basis == basis.key:
        fresh = [
            reading.parsed[label].article
            for label in sorted(reading.again)
            if reading.parsed[label].article is not previous.parsed[label].article
        ]
        site = _with_texts(previous.plan.site, fresh, shown, now)
        if site is not None:
            return _narrow(config, previous, site, {item.slug for item in fresh if item.slug in site.tag_keys}, digest)
    return _whole(config, index(shown, now, basis.tag_names), basis)


@dataclass(frozen=True)
class _Basis:
    """What the plan depends on besides the articles, read by every build: any change of it (even
    of a static file) makes the whole plan."""

    digest: str  # of the settings, templates and catalogs: :func:`render.inputs_digest`
    removed: tuple[Removed, ...]
    tag_names: TagNames
    files: list[Output]  # the publishing files and static assets

    @classmethod
    def read(cls, config: Config, digest: str) -> _Basis:
        files = [*publishing_files(config), *static_outputs(config.templates_dir / "static", config.root)]
        return cls(digest, read_removed(config), read_tag_names(config), files)

    @property
    def key(self) -> str:
        return key(self.digest, (self.removed, self.tag_names, [(file.name, file.inputs) for file in self.files]))


def _whole(config: Config, site: Site, basis: _Basis) -> Work:
    ids, feeds = page_ids(site, config, basis.removed), feed_ids(site, config)
    files = [*atom_feeds(site, config, feeds), *basis.files]
    pages = plan(site, config, ids, {output.name for output in [*files, *sitemap([], config)]})
    outputs = [*page_outputs(pages, config, basis.digest), *files, *sitemap(pages, config)]
    searched = {output.name: output.search_month for output in outputs if output.search_month is not None}
    showing = _reverse_index(site, config, ids, feeds)
    return Work(Plan(site, tuple(ids), tuple(feeds), showing, basis.key, searched), pages, outputs, Record(), True)


def _narrow(config: Config, previous: BuildState, site: Site, slugs: set[str], digest: str) -> Work:
    """The pages and feeds showing the articles ``slugs``; the rest of the site stays as recorded."""
    assert previous.plan is not None
    whole = previous.plan
    page_numbers = sorted({number for slug in slugs for number in whole.showing[slug].pages})
    feed_numbers = sorted({number for slug in slugs for number in whole.showing[slug].feeds})
    pages = plan(site, config, [whole.pages[number] for number in page_numbers])
    outputs = [
        *page_outputs(pages, config, digest),
        *atom_feeds(site, config, [whole.feeds[number] for number in feed_numbers]),
    ]
    return Work(dataclasses.replace(whole, site=site), pages, outputs, previous.record, whole=False)


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
