"""Tells ``serve`` when the project's inputs changed: once per burst of saves, one call at a time.

watchdog reports file-system events as they happen (inotify on Linux), so a
save is seen at once and an editor's write-to-temp-then-rename is seen as the
move it is. Events arriving within ``quiet`` seconds of each other are merged
into one call, so saving ten files gives one rebuild, not ten. The calls run
on the watcher's own thread, one after the other: the server goes on answering
while a rebuild runs, and saves made meanwhile are merged into the next call.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

# Editor droppings that are not content: vim's swap files and write test, emacs locks, backups.
_IGNORED_SUFFIXES = (".swp", ".swx", ".swo", "~", ".tmp", ".part")
_IGNORED_NAMES = ("4913",)


class Watcher(FileSystemEventHandler):
    def __init__(self, root: Path, names: list[str], on_change: Callable[[set[Path]], None], quiet: float) -> None:
        """Watch ``names`` (folders or files) below ``root``; ``on_change`` runs on the watcher's thread."""
        self._root = root
        self._names = names
        self._on_change = on_change
        self._quiet = quiet
        self._pending: set[Path] = set()
        self._due = 0.0  # when the pending burst has been quiet long enough
        self._stopping = False
        self._wake = threading.Condition()
        self._caller = threading.Thread(target=self._deliver, name="techdigest-rebuild", daemon=True)
        self._observer = Observer()

    def start(self) -> None:
        self._observer.schedule(self, str(self._root), recursive=False)
        for name in self._names:
            if (self._root / name).is_dir():
                self._observer.schedule(self, str(self._root / name), recursive=True)
        self._observer.start()
        self._caller.start()

    def stop(self) -> None:
        """Stop watching; a call under way is finished first (a rebuild half-written helps no one)."""
        self._observer.stop()
        self._observer.join()
        with self._wake:
            self._stopping = True
            self._wake.notify()
        if self._caller.is_alive():
            self._caller.join()

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        paths = [Path(str(p)) for p in (event.src_path, getattr(event, "dest_path", "")) if p]
        relevant = {p for p in paths if self._relevant(p)}
        if not relevant:
            return
        with self._wake:
            self._pending |= relevant
            self._due = time.monotonic() + self._quiet
            self._wake.notify()

    def _deliver(self) -> None:
        while changed := self._next_burst():
            self._on_change(changed)

    def _next_burst(self) -> set[Path]:
        """The changes once they have been quiet for ``quiet`` seconds; empty when stopping."""
        with self._wake:
            while not self._stopping:
                wait = self._due - time.monotonic()
                if self._pending and wait <= 0:
                    changed, self._pending = self._pending, set()
                    return changed
                self._wake.wait(wait if self._pending else None)
            return set()

    def _relevant(self, path: Path) -> bool:
        try:
            first = path.relative_to(self._root).parts[0]
        except (ValueError, IndexError):
            return False
        if first not in self._names:
            return False
        name = path.name
        return not (
            name.startswith((".#", ".techdigest-")) or name.endswith(_IGNORED_SUFFIXES) or name in _IGNORED_NAMES
        )
