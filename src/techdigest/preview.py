"""What ``serve`` knows between rebuilds, and the private folder it builds into.

No web server here (that is :mod:`serve`): a :class:`Preview` imports new seeds
and calls :func:`build` with the previous build's state, so a rebuild only does
the work the change needs; a broken edit (or a bug) leaves the last good site
and the error to show on top of every page until a good save recovers by itself.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from . import urls
from .build import build
from .cache import BuildState
from .changes import classify
from .config import Config, load_config, with_base_url
from .importer import import_seeds, seed_files
from .locks import owned_folder
from .model import TechdigestError, printable
from .options import BuildOptions

FEEDBACK_PATH = "_feedback"
PREVIEW_PREFIX = "techdigest-serve-"  # a preview's folder in the system's temporary folder


@contextmanager
def preview_folder() -> Iterator[Path]:
    """Where a preview is built (never ``site/``: the live-reload script must not reach it), removed
    afterwards; first, the folders of previews killed with ``kill -9`` are removed."""
    with owned_folder(Path(tempfile.gettempdir()), PREVIEW_PREFIX) as home:  # not the site: it is swapped
        yield home / "site"


@dataclass
class Preview:
    """What the server knows between rebuilds: the last good build, the current error, and the seeds
    that could not be imported (the site is current then, but the editor must know).

    ``rebuild`` runs on the watcher's thread; the server's thread only reads ``errors``,
    ``seed_problems``, ``config`` and ``articles``, which a rebuild replaces whole.
    """

    root: Path
    output: Path
    base_url: str
    feedback_file: Path
    state: BuildState = field(default_factory=BuildState)
    errors: list[str] = field(default_factory=list)
    seed_problems: list[str] = field(default_factory=list)
    config: Config | None = None
    articles: dict[str, str] = field(default_factory=dict)  # each article's slug -> its id

    def rebuild(self, changed: set[Path]) -> bool:
        """Import new seeds, build; True when the browser should reload."""
        had_errors, had_seed_problems = bool(self.errors), self.seed_problems
        try:
            config = self._config()
            if any(p.is_relative_to(self.root / "seeds") for p in changed):
                imported = import_seeds(config, seed_files(config), dt.date.today())
                for line in imported.created:  # which content file to open for the new article
                    print(f"imported {line}", flush=True)
                self.seed_problems = [str(problem) for problem in imported.problems]
                for line in self.seed_problems:
                    print(f"error: {line}", file=sys.stderr)
            # after a failed build, files changed then are not in this burst: look at all of them
            changes = None if had_errors else classify(config, changed, self.state.parsed)
            report = build(
                config, output=self.output, previous=self.state, options=BuildOptions.for_preview(), changes=changes
            )
        except TechdigestError as exc:
            return self._failed(exc.lines())
        except Exception as exc:  # noqa: BLE001 - a bug is shown like bad input; the last good site stays
            return self._failed([_one_line(exc)])
        self.state, self.config = report.state, config
        self.articles = {entry.article.slug: entry.article.id for entry in report.state.parsed.values()}
        self.errors = []
        print(report.summary(), flush=True)
        return report.written > 0 or had_errors or self.seed_problems != had_seed_problems

    def _failed(self, errors: list[str]) -> bool:
        self.errors = errors
        for line in errors:
            print(f"error: {line}", file=sys.stderr, flush=True)
        return True

    def _config(self) -> Config:
        """The project's config as published at the preview address, posting ratings here."""
        config = with_base_url(load_config(self.root), self.base_url)
        return dataclasses.replace(config, feedback_endpoint=urls.site_path(config.base_url, FEEDBACK_PATH))


def _one_line(exc: BaseException) -> str:
    """An unexpected exception as one line: its type and the first line of its message."""
    message = str(exc).strip().splitlines()
    return printable(f"{type(exc).__name__}: {message[0]}" if message else type(exc).__name__)
