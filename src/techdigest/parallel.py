"""``fork_map``: the build's costly steps (Markdown, Jinja, feeds) spread over worker processes.

Workers are forked once the parent holds everything they need, so they read
the articles and pages copy-on-write and nothing is pickled on the way in:
a task is a range of indexes, and only the (small) results travel back.
Each worker keeps whatever ``work`` builds lazily (a Markdown converter, the
Jinja environments) for all the tasks it runs. Small jobs, one core, a
process with other threads, or a platform without ``fork`` run in the
calling process, with the same results. How many workers: ``workers``
(``BuildOptions.workers``, ``techdigest build --jobs N``), by default one per core.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")
Progress = Callable[[int, int], None]  # (done, total)

MIN_PARALLEL = 200  # below this, forking costs more than it saves
# a forked worker's job: set by the pool's initializer, in the worker only
_inherited: dict[str, Any] = {}


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def fork_map(
    work: Callable[[T], R], items: Sequence[T], progress: Progress | None = None, *, workers: int | None = None
) -> list[R]:
    """``[work(item) for item in items]``, in order, in ``workers`` processes (None: one per core);
    ``progress(done, total)`` as it goes."""
    workers = cores() if workers is None else workers
    # a process with other threads (serve's watcher and server) is never forked: a lock one of
    # them holds at that instant would stay locked in the worker forever
    if (
        workers < 2
        or len(items) < MIN_PARALLEL
        or threading.active_count() > 1
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        results = []
        for item in items:
            results.append(work(item))
            if progress and (len(results) % 100 == 0 or len(results) == len(items)):
                progress(len(results), len(items))
        return results
    size = max(16, min(512, len(items) // (workers * 16)))
    ranges = [(start, min(start + size, len(items))) for start in range(0, len(items), size)]
    results_by_start: dict[int, list[R]] = {}
    done = 0
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=_adopt, initargs=(work, items)) as pool:
        for start, chunk in pool.imap_unordered(_run, ranges):
            results_by_start[start] = chunk
            done += len(chunk)
            if progress:
                progress(done, len(items))
    return [result for start, _ in ranges for result in results_by_start[start]]


def _adopt(work: Callable[[Any], Any], items: Sequence[Any]) -> None:
    """In a new worker: take over the job (inherited, not pickled) and leave stopping to the parent.

    Ctrl-C reaches the whole process group: the parent stops the pool and cleans up; a worker
    that raised KeyboardInterrupt itself would only make the pool hang.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    gc.enable()  # the parent pauses it while it plans; a worker renders for long, and Jinja makes cycles
    _inherited["job"] = (work, items)


def _run(bounds: tuple[int, int]) -> tuple[int, list[Any]]:
    work, items = _inherited["job"]
    start, end = bounds
    return start, [work(items[i]) for i in range(start, end)]
