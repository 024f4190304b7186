"""``build``: the whole pipeline, read top to bottom (config → load → index → plan → render → write).

A build starts from what the last one remembers (:mod:`cache`: kept in memory
by ``serve``, on disk for ``techdigest build``): unchanged content files are
not parsed again, only the pages, feeds and files whose key changed are made
again, and only those whose bytes changed are written. Without it the result
is the same, byte for byte, only slower.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from . import urls
from .cache import BuildState, code_version, load_state, save_state
from .config import Config
from .content import ParsedFiles, load_articles
from .feeds import atom_feeds
from .library import index, reindex
from .model import Article
from .output import commit, discard, prepare, static_outputs
from .pages import plan, publishing_files
from .parallel import Progress
from .render import environments, inputs_digest, page_outputs
from .search import update_search
from .sitemap import sitemap

Stage = Callable[[str], Progress]  # what is being done -> its progress callback


@dataclass(frozen=True)
class BuildReport:
    articles: int
    pages: int
    rendered: int
    written: int
    output: Path
    seconds: float
    state: BuildState

    def summary(self) -> str:
        return (f"built {self.pages:,} pages from {self.articles:,} articles into {self.output} in "
                f"{self.seconds:.2f} s: {self.rendered:,} rendered, {self.pages - self.rendered:,} unchanged "
                f"(from the cache), {self.written:,} files written")


@contextmanager
def _collector_paused() -> Iterator[None]:
    """A build makes hundreds of thousands of short-lived objects next to the (large, long-lived)
    articles; Python's cycle collector would walk all of them again and again, for 40 % of a
    rebuild's time. A build makes no garbage cycles worth collecting meanwhile."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _changed_articles(config: Config, changed: set[Path] | None, last: BuildState) -> set[str] | None:
    """The content files (as shown) behind ``changed``, if that is all that changed: existing articles."""
    if changed is None or last.site is None:
        return None
    content = config.content_dir.resolve()
    changed = {path for path in changed if not path.is_dir()}  # a folder's own event: its files have theirs
    shown = {f"content/{path.name}" for path in changed}
    if any(path.suffix != ".md" or path.parent.resolve() != content or not path.is_file() for path in changed) \
            or not shown <= last.parsed.keys():
        return None
    return shown


def load(config: Config, previous: ParsedFiles | None = None, progress: Progress | None = None,
         only: set[str] | None = None) -> tuple[list[Article], ParsedFiles]:
    """Every article; all content problems raised together."""
    return load_articles(config.content_dir, "content", config.languages, config.unsafe_html, previous or {},
                         progress, only)


def build(
    config: Config,
    output: Path | None = None,
    previous: BuildState | None = None,
    preview: bool = False,
    stage: Stage | None = None,
    changed: set[Path] | None = None,
) -> BuildReport:
    """``previous``: the last build's state (``serve`` passes it); else it is read from the cache.

    ``preview`` (for ``serve``): keep the search index of the first build
    instead of running Pagefind over every article on each save, and keep no
    cache on disk; ``changed``: the files ``serve`` saw change since
    ``previous``. When they are only existing articles whose date and tags
    stayed, only the pages and feeds showing them are planned. ``stage``
    reports progress on a terminal.
    """
    with _collector_paused():
        return _build(config, output, previous, preview, stage, changed)


def _build(config: Config, output: Path | None, previous: BuildState | None, preview: bool,
           stage: Stage | None, changed: set[Path] | None) -> BuildReport:
    started = time.perf_counter()
    target = (output or config.output_dir).resolve()
    last = previous if previous is not None else load_state(config)
    only = _changed_articles(config, changed, last) if preview and last.output == target and target.is_dir() else None
    articles, parsed = load(config, last.parsed, stage("reading articles") if stage else None, only)
    fresh = [parsed[name][2] for name in only or () if parsed[name][2] is not last.parsed[name][2]]
    site = reindex(last.site, fresh) if only is not None and last.site else None
    slugs = {item.slug for item in fresh} if site else None
    site = site or index(articles)
    pages = plan(site, config, slugs)
    digest = inputs_digest(config)
    outputs = [*page_outputs(pages, config, digest), *atom_feeds(site, config, slugs)]
    if slugs is None:  # with only some articles' text changed, none of these did
        outputs += [*sitemap(pages, config), *publishing_files(config),
                    *static_outputs(config.templates_dir / "static", config.root)]
    prepared = prepare(outputs, f"{code_version()}|{digest}", target,
                       last.record if last.output == target else None,
                       stage("rendering") if stage else None, verify=not preview, partial=slugs is not None)
    try:
        if slugs is None:
            searchable = [o.name for o in outputs if o.searchable]
            search, bundle_written = update_search(prepared, searchable, last.search, preview,
                                                   lambda: stage("indexing for search")(0, 0) if stage else None)
        else:  # a preview keeps its bundles, and no article moved to another year
            search, bundle_written = last.search, 0
        total = len(pages) if slugs is None else last.pages
        state = BuildState(parsed, prepared.record, search, target, site, total)
        # the cache describes the new site: it is saved with the commit, or not at all
        remember = partial(save_state, config, state) if not preview and state != last else None
        commit(prepared, [urls.search_bundle(year) for year in last.search if year not in search], remember,
               stop_after=preview)
    except BaseException:
        discard(prepared)
        raise
    if preview:  # the pages of the next save are rendered in this process: compile the templates now
        environments(config.templates_dir, config.locales_dir, config.languages, digest)
    rendered = len({page.output for page in pages} & set(prepared.made))
    return BuildReport(len(articles), total, rendered, len(prepared.written) + bundle_written,
                       target, time.perf_counter() - started, state)
