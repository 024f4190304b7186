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
from .library import index
from .model import Article
from .output import write_site
from .pages import plan, publishing_files
from .render import RenderedPages, render_pages


@dataclass(frozen=True)
class BuildState:
    parsed: ParsedFiles = field(default_factory=dict)
    rendered: RenderedPages = field(default_factory=dict)
    output: Path | None = None


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


def build(config: Config, output: Path | None = None, previous: BuildState | None = None) -> BuildReport:
    started = time.perf_counter()
    previous = previous or BuildState()
    target = (output or config.output_dir).resolve()
    articles, parsed = load(config, previous.parsed)
    site = index(articles)
    pages = plan(site, config)
    rendered, fresh = render_pages(pages, config, previous.rendered)
    files = {name: data for name, (_, data) in rendered.items()} | publishing_files(config)
    known = {name: data for name, (_, data) in previous.rendered.items()} if previous.output == target else {}
    written = write_site(files, config.templates_dir / "static", target, known)
    state = BuildState(parsed, rendered, target)
    return BuildReport(len(articles), len(pages), fresh, written, target, time.perf_counter() - started, state)
