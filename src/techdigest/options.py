"""How a build runs, beside what it builds: ``techdigest build`` and ``serve`` differ in six ways.

What a build makes follows from its inputs (and, in ``serve``, from the change
set: :mod:`changes`); these options only say which articles it shows (drafts,
scheduled ones, at what time), how much to check, what to keep, how many
processes work and how to stop. Named, so that no boolean means six things.

``on_stage`` is called with the name of each point the build reaches (:data:`STAGES`),
in the build's own process and thread: a program embedding the build, or a test,
can stop it there (deliver a signal, raise) instead of guessing the moment with
a timer. An exception it raises ends the build as any failure there would.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .parallel import Progress, cores

if TYPE_CHECKING:
    from .model import FrontMatter

Stage = Callable[[str], Progress]  # what is being done -> its progress callback

# the points at which a build calls ``on_stage``, in this order:
STAGES = (
    "read",  # the content files are read and parsed
    "selected",  # what to make is known (whole plan or narrow)
    "prepared",  # the outputs are made aside, next to the site; the site is untouched
    "indexed",  # the search bundles are made aside
    "committing",  # signals are held back, the site is about to change (writer.commit)
)


@dataclass(frozen=True, kw_only=True)
class BuildOptions:
    # trust the previous build's record (of pages and search bundles) only for files that still have the
    # size and mtime it recorded (serve writes to a private folder that nobody else touches)
    verify_output: bool = True
    # keep the build's state on disk for the next build (serve keeps it in memory)
    save_cache: bool = True
    # a Ctrl-C or SIGTERM held back during the commit takes effect after it (serve runs on after a build)
    redeliver_signals: bool = False
    # compile the templates after the build, for the next one in this process (serve's next save)
    warm_templates: bool = False
    # the process ends with this build (the techdigest program's ``build``): the cycle collector, paused
    # for the build, stays off, as its first collection would walk the whole heap for nothing
    last: bool = False
    # reports what the build is doing, with its progress (on a terminal)
    stage: Stage | None = None
    # how many processes parse and render (``--jobs``); 1: all in the build's own process
    workers: int = field(default_factory=cores)
    # called with each of STAGES as the build reaches it
    on_stage: Callable[[str], None] | None = None
    # the time the build takes as now (``--clock``), deciding which articles are still embargoed; None: the real one
    clock: dt.datetime | None = None
    # also build drafts (``build --drafts``, serve), marked as such
    drafts: bool = False
    # also build articles whose date is still to come (``build --future``, serve), marked as scheduled
    future: bool = False

    def now(self) -> dt.datetime:
        return self.clock or dt.datetime.now(dt.UTC)

    def shows(self, item: FrontMatter, now: dt.datetime) -> bool:
        """Whether the site built at ``now`` has ``item``: a draft only with ``drafts``, an article
        dated after ``now`` only with ``future`` (a scheduled draft needs both)."""
        return (self.drafts or not item.draft) and (self.future or item.published.at <= now)

    @classmethod
    def for_cli(  # noqa: PLR0913 - the build command's options, each one named where it is called
        cls,
        stage: Stage | None = None,
        *,
        workers: int | None = None,
        on_stage: Callable[[str], None] | None = None,
        drafts: bool = False,
        future: bool = False,
        clock: dt.datetime | None = None,
        last: bool = False,
    ) -> BuildOptions:
        return cls(
            stage=stage,
            workers=cores() if workers is None else workers,
            on_stage=on_stage,
            drafts=drafts,
            future=future,
            clock=clock,
            last=last,
        )

    def progress(self, what: str) -> Progress | None:
        return self.stage(what) if self.stage else None

    def reached(self, stage: str) -> None:
        """The build is at ``stage`` (one of :data:`STAGES`)."""
        if self.on_stage:
            self.on_stage(stage)

    @classmethod
    def for_preview(cls) -> BuildOptions:
        """``serve``: the editor sees everything, drafts and scheduled articles marked as such."""
        return cls(
            verify_output=False,
            save_cache=False,
            redeliver_signals=True,
            warm_templates=True,
            drafts=True,
            future=True,
        )
