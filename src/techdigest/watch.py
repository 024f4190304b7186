"""Tells ``serve`` when the project's inputs changed: once per burst of saves.

watchdog reports file-system events as they happen (inotify on Linux), so a
save is seen at once and an editor's write-to-temp-then-rename is seen as the
move it is. Events arriving within ``quiet`` seconds of each other are merged
into one call, so saving ten files gives one rebuild, not ten.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

# Editor droppings that are not content: vim's swap files and write test, emacs locks, backups.
_IGNORED_SUFFIXES = (".swp", ".swx", ".swo", "~", ".tmp", ".part")
_IGNORED_NAMES = ("4913",)


class Watcher(FileSystemEventHandler):
    def __init__(self, root: Path, names: list[str], on_change: Callable[[set[Path]], None], quiet: float) -> None:
        """Watch ``names`` (folders or files) below ``root``; ``on_change`` runs on a timer thread."""
        self._root = root
        self._names = names
        self._on_change = on_change
        self._quiet = quiet
        self._pending: set[Path] = set()
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._observer = Observer()

    def start(self) -> None:
        self._observer.schedule(self, str(self._root), recursive=False)
        for name in self._names:
            if (self._root / name).is_dir():
                self._observer.schedule(self, str(self._root / name), recursive=True)
        self._observer.start()

    def stop(self) -> None:
        self._observer.stop()
        self._observer.join()
        with self._lock:
            if self._timer:
                self._timer.cancel()

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        paths = [Path(str(p)) for p in (event.src_path, getattr(event, "dest_path", "")) if p]
        relevant = {p for p in paths if self._relevant(p)}
        if not relevant:
            return
        with self._lock:
            self._pending |= relevant
            if self._timer:
                self._timer.cancel()
            self._timer = threading.Timer(self._quiet, self._fire)
            self._timer.daemon = True
            self._timer.start()

    def _fire(self) -> None:
        with self._lock:
            changed, self._pending, self._timer = self._pending, set(), None
        if changed:
            self._on_change(changed)

    def _relevant(self, path: Path) -> bool:
        try:
            first = path.relative_to(self._root).parts[0]
        except (ValueError, IndexError):
            return False
        if first not in self._names:
            return False
        name = path.name
        return not (name.startswith((".#", ".import-")) or name.endswith(_IGNORED_SUFFIXES) or name in _IGNORED_NAMES)
