"""``build``: the whole pipeline, read top to bottom (config → load → index → plan → render → write).

A build starts from what the previous one remembers (:mod:`cache`: kept in memory
by ``serve``, on disk for ``techdigest build``): unchanged content files are
not parsed again, only the pages, feeds and files whose key changed are made
again, and only those whose bytes changed are written. Without it the result
is the same, byte for byte, only slower. What to read and what to make, given
what changed, is decided in one place: :mod:`changes`.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from .cache import BuildState, code_version, load_state, save_state
from .changes import Changes, Work, read, select
from .config import Config
from .editorial import record_moves
from .options import BuildOptions
from .output import Batch
from .render import environments, inputs_digest
from .search import Indexed, update_search
from .writer import Prepared, commit, discard, prepare


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
        return (
            f"built {self.pages:,} pages from {self.articles:,} articles into {self.output} in "
            f"{self.seconds:.2f} s: {self.rendered:,} rendered, {self.pages - self.rendered:,} unchanged "
            f"(from the cache), {self.written:,} files written"
        )


@contextmanager
def _collector_paused(resume: bool) -> Iterator[None]:
    """A build makes hundreds of thousands of short-lived objects next to the (large, long-lived)
    articles; Python's cycle collector would walk all of them again and again, for 40 % of a
    rebuild's time. A build makes no garbage cycles worth collecting meanwhile. Without ``resume``
    (the process ends with the build) it stays off: resumed, its first collection walks them all."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled and resume:
            gc.enable()


def build(
    config: Config,
    *,
    output: Path | None = None,
    previous: BuildState | None = None,
    options: BuildOptions | None = None,
    changes: Changes | None = None,
) -> BuildReport:
    """``previous``: the previous build's state (``serve`` passes it); else it is read from the cache.

    ``options``: how to run (:class:`BuildOptions`, for the CLI by default);
    ``changes``: what ``serve`` saw change since ``previous`` (None: unknown,
    anything may have).
    """
    options = options or BuildOptions.for_cli()
    with _collector_paused(resume=not options.last):
        return _build(config, output or config.output_dir, previous, options, changes)


def _build(
    config: Config, output: Path, previous: BuildState | None, options: BuildOptions, changes: Changes | None
) -> BuildReport:
    started = time.perf_counter()
    target = output.resolve()
    previous = load_state(config) if previous is None else previous
    reading = record_moves(config, previous.parsed, read(config, previous, changes, target, options))
    options.reached("read")
    digest = inputs_digest(config)
    work = select(config, previous, reading, digest, options)
    options.reached("selected")
    prepared = prepare(
        Batch(work.outputs, f"{code_version()}|{digest}", work.kept),
        target,
        previous.record if previous.output == target else None,
        options,
    )
    try:
        options.reached("prepared")
        indexed = _search(prepared, work, previous, options)
        state = BuildState(reading.parsed, prepared.record, indexed.state, target, work.plan)
        # the cache describes the new site: it is saved with the commit, or not at all
        # a whole plan is new even when the site is not (a comment added to tags.toml moves the lines
        # it records): saved, or every next build would plan the whole site again
        fresh = state != previous or previous.plan is None or previous.plan.made != work.plan.made
        remember = partial(save_state, config, state) if options.save_cache and fresh else None
        commit(
            prepared,
            indexed.dropped,
            remember,
            stop_after=options.redeliver_signals,
            on_stage=options.on_stage,
        )
    except BaseException:
        discard(prepared)
        raise
    if options.warm_templates:  # the pages of the next save are rendered in this process: compile them now
        environments(config, digest)
    rendered = len({page.output for page in work.pages} & set(prepared.made))
    return BuildReport(
        len(reading.parsed),
        len(work.plan.pages),
        rendered,
        len(prepared.written) + indexed.written,
        target,
        time.perf_counter() - started,
        state,
    )


def _search(prepared: Prepared, work: Work, previous: BuildState, options: BuildOptions) -> Indexed:
    """The search bundles of the new site: an edit, in ``serve`` too, is found at once (see update_search)."""

    def announce() -> None:
        if progress := options.progress("indexing for search"):
            progress(0, 0)

    indexed = update_search(prepared, work.plan.searched, previous.search, options.verify_output, announce)
    options.reached("indexed")
    return indexed
