"""Ctrl-C and SIGTERM held back while a step that must not be cut in half runs (a commit)."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def signals_deferred(*, redeliver: bool) -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the block is done; then, with ``redeliver``, they take effect.

    Python's handlers are swapped for ones that only take note (blocking the
    signals would not do: in a process with other threads, such as ``serve``,
    the kernel hands them to a thread that does not block them). Handlers can
    only be set in the main thread; elsewhere signals never reach the code anyway.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = {
        signum: signal.signal(signum, lambda signum, _: received.append(signum))
        for signum in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if received and redeliver:
            signal.raise_signal(received[0])
