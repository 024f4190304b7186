"""``build``: the whole pipeline, read top to bottom (config → load → index → plan → render → write)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from .config import Config, load_config, with_base_url
from .content import load_articles
from .library import index
from .model import Article
from .output import write_site
from .pages import plan
from .render import render_pages


@dataclass(frozen=True)
class BuildReport:
    articles: int
    pages: int
    output: Path
    seconds: float


def load(root: Path, base_url: str | None = None) -> tuple[Config, list[Article]]:
    """The config and every article; all content problems raised together."""
    config = load_config(root)
    if base_url:
        config = with_base_url(config, base_url)
    return config, load_articles(config.content_dir, "content", config.languages, config.unsafe_html)


def build(root: Path, output: Path | None = None, base_url: str | None = None) -> BuildReport:
    started = time.perf_counter()
    config, articles = load(root, base_url)
    site = index(articles)
    pages = plan(site, config)
    files = render_pages(pages, config)
    target = output or config.output_dir
    write_site(files, config.templates_dir / "static", target)
    return BuildReport(len(articles), len(pages), target, time.perf_counter() - started)
