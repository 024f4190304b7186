"""``build``: the whole pipeline, read top to bottom (config → load → index → plan → render → write).

A build may be handed the :class:`BuildState` of the previous one (``serve``
keeps it in memory): unchanged content files are not parsed again, pages whose
inputs did not change are not rendered again, and files whose bytes did not
change are linked from the previous site instead of rewritten, so they keep
their mtime. Without it the result is the same, byte for byte, only slower.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from .config import Config
from .content import ParsedFiles, load_articles
from .feeds import Outputs, atom_feeds
from .library import index
from .model import Article
from .output import update_site, write_site
from .pages import plan, publishing_files
from .render import RenderedPages, render_pages
from .search import Bundle, search_bundle
from .sitemap import sitemap


@dataclass(frozen=True)
class BuildState:
    parsed: ParsedFiles = field(default_factory=dict)
    rendered: RenderedPages = field(default_factory=dict)
    feeds: Outputs = field(default_factory=dict)
    search: Bundle | None = None
    output: Path | None = None

    def files(self) -> dict[str, bytes]:
        """Everything generated (static assets and small fixed files aside)."""
        generated = {name: data for name, (_, data) in (self.rendered | self.feeds).items()}
        return generated | (self.search[1] if self.search else {})


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
        return (f"built {self.pages} pages from {self.articles} articles into {self.output} in "
                f"{self.seconds:.2f} s ({self.rendered} rendered, {self.written} files written)")


def load(config: Config, previous: ParsedFiles | None = None) -> tuple[list[Article], ParsedFiles]:
    """Every article; all content problems raised together."""
    return load_articles(config.content_dir, "content", config.languages, config.unsafe_html, previous or {})


def build(
    config: Config, output: Path | None = None, previous: BuildState | None = None, preview: bool = False
) -> BuildReport:
    """``preview`` (for ``serve``): update the output folder in place, and keep the previous
    search index instead of re-running Pagefind over every article on each save."""
    started = time.perf_counter()
    previous = previous or BuildState()
    target = (output or config.output_dir).resolve()
    articles, parsed = load(config, previous.parsed)
    site = index(articles)
    pages = plan(site, config)
    rendered, fresh = render_pages(pages, config, previous.rendered)
    feeds = atom_feeds(site, config, previous.feeds)
    if preview and previous.search:
        search = previous.search
    else:
        search = search_bundle({p.output: rendered[p.output][1] for p in pages if p.searchable}, previous.search)
    state = BuildState(parsed, rendered, feeds, search, target)
    files = state.files() | sitemap(pages, config) | publishing_files(config)
    known = previous.files() if previous.output == target else {}
    write = update_site if preview and previous.output == target else write_site
    written = write(files, config.templates_dir / "static", target, known)
    return BuildReport(len(articles), len(pages), fresh, written, target, time.perf_counter() - started, state)
