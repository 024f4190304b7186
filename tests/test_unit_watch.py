"""``watch.Watcher``: file events below the watched folders, merged per burst, one call at a time."""

from __future__ import annotations

import queue
import threading
from pathlib import Path

import pytest
from watchdog.events import FileCreatedEvent, FileModifiedEvent, FileMovedEvent, FileOpenedEvent

from techdigest.watch import Watcher

WAIT = 30  # seconds: a bound on waiting for a call, never a measured moment


@pytest.fixture
def calls(tmp_path: Path):
    """A started watcher of ``content`` and ``templates`` below tmp_path, and the queue its calls go to."""
    for name in ("content", "templates", "site"):
        (tmp_path / name).mkdir()
    received: queue.Queue[set[Path]] = queue.Queue()
    watcher = Watcher(tmp_path, ["content", "templates"], received.put, quiet=0.2)
    watcher.start()
    yield watcher, received
    watcher.stop()


def test_a_saved_file_is_reported(tmp_path, calls):
    _, received = calls
    (tmp_path / "content" / "a.md").write_text("x")
    assert tmp_path / "content" / "a.md" in received.get(timeout=WAIT)


def test_a_burst_of_events_is_one_call_and_editor_droppings_are_left_out(tmp_path, calls):
    watcher, received = calls
    content = tmp_path / "content"
    watcher.on_any_event(FileModifiedEvent(str(content / "a.md")))
    watcher.on_any_event(FileCreatedEvent(str(content / ".a.md.swp")))  # vim
    watcher.on_any_event(FileCreatedEvent(str(content / ".#a.md")))  # emacs
    watcher.on_any_event(FileCreatedEvent(str(content / "4913")))  # vim's write test
    watcher.on_any_event(FileModifiedEvent(str(tmp_path / "site" / "index.html")))  # not watched
    watcher.on_any_event(FileOpenedEvent(str(content / "b.md")))  # reading is no change
    watcher.on_any_event(FileMovedEvent(str(content / ".new-b.md"), str(tmp_path / "templates" / "b.html")))
    assert received.get(timeout=WAIT) == {content / "a.md", content / ".new-b.md", tmp_path / "templates" / "b.html"}
    assert received.empty()


def test_nothing_relevant_is_no_call_and_stop_returns(tmp_path):
    received: queue.Queue[set[Path]] = queue.Queue()
    watcher = Watcher(tmp_path, ["content"], received.put, quiet=0.01)
    watcher.start()
    watcher.on_any_event(FileModifiedEvent(str(tmp_path / "elsewhere" / "x")))
    watcher.on_any_event(FileModifiedEvent("/outside/the/project"))
    watcher.stop()
    assert received.empty()


def test_a_call_under_way_is_finished_before_stop_returns(tmp_path):
    finished: list[str] = []
    started, release = threading.Event(), threading.Event()

    def rebuild(changed: set[Path]) -> None:
        started.set()
        release.wait(WAIT)
        finished.append("done")

    watcher = Watcher(tmp_path, ["content"], rebuild, quiet=0.01)
    watcher.start()
    watcher.on_any_event(FileModifiedEvent(str(tmp_path / "content" / "a.md")))
    assert started.wait(WAIT)
    stopping = threading.Thread(target=watcher.stop)
    stopping.start()
    stopping.join(0.2)
    assert stopping.is_alive(), "stop waits for the call under way"
    release.set()
    stopping.join(WAIT)
    assert finished == ["done"] and not stopping.is_alive()
