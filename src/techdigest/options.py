"""How a build runs, beside what it builds: ``techdigest build`` and ``serve`` differ in five ways.

What a build makes follows from its inputs (and, in ``serve``, from the change
set: :mod:`changes`); these options only say how much to check, what to keep
and how to stop. Named, so that no boolean means six things.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .parallel import Progress

Stage = Callable[[str], Progress]  # what is being done -> its progress callback


@dataclass(frozen=True, kw_only=True)
class BuildOptions:
    # trust the previous build's record only for files that still have the size and mtime it recorded
    # (serve writes to a private folder that nobody else touches)
    verify_output: bool = True
    # index a year's search bundle again when its pages changed; else only make the missing ones
    # (serve keeps the bundles of its first build: re-indexing a year on each save would cost seconds)
    refresh_search: bool = True
    # keep the build's state on disk for the next build (serve keeps it in memory)
    save_cache: bool = True
    # a Ctrl-C or SIGTERM held back during the commit takes effect after it (serve runs on after a build)
    redeliver_signals: bool = False
    # compile the templates after the build, for the next one in this process (serve's next save)
    warm_templates: bool = False
    # reports what the build is doing, with its progress (on a terminal)
    stage: Stage | None = None

    @classmethod
    def for_cli(cls, stage: Stage | None = None) -> BuildOptions:
        return cls(stage=stage)

    def progress(self, what: str) -> Progress | None:
        return self.stage(what) if self.stage else None

    @classmethod
    def for_preview(cls) -> BuildOptions:
        return cls(
            verify_output=False, refresh_search=False, save_cache=False, redeliver_signals=True, warm_templates=True
        )
