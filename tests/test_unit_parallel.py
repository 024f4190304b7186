"""``parallel.fork_map``: the same results in order, in as many worker processes as asked for."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading

from techdigest.parallel import MIN_PARALLEL, cores, fork_map


def in_fresh_process(code: str) -> str:
    """``code``'s output, run in a Python of its own: a test process has other threads, which forbid forking."""
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_results_come_in_order_with_progress_to_the_end():
    reports: list[tuple[int, int]] = []
    assert fork_map(lambda n: n * n, range(250), lambda d, t: reports.append((d, t)), workers=1) == [
        n * n for n in range(250)
    ]
    assert reports == [(100, 250), (200, 250), (250, 250)]


def test_one_worker_or_a_small_job_runs_in_the_calling_process():
    assert set(fork_map(lambda _: os.getpid(), range(MIN_PARALLEL), workers=1)) == {os.getpid()}
    assert set(fork_map(lambda _: os.getpid(), range(MIN_PARALLEL - 1), workers=2)) == {os.getpid()}
    assert fork_map(lambda n: n, [], workers=2) == []


def test_a_process_with_other_threads_is_never_forked():
    busy = threading.Event()
    other = threading.Thread(target=busy.wait, daemon=True)  # as in serve: watcher, server
    other.start()
    try:
        assert set(fork_map(lambda _: os.getpid(), range(MIN_PARALLEL), workers=2)) == {os.getpid()}
    finally:
        busy.set()
        other.join()


def test_workers_fork_as_many_processes_as_asked_and_keep_the_order():
    out = in_fresh_process(
        """
        import os
        from techdigest.parallel import fork_map
        forks = []
        os.register_at_fork(after_in_parent=lambda: forks.append(1))
        pids = fork_map(lambda n: (n, os.getpid()), range(1000), workers=3)
        assert [n for n, _ in pids] == list(range(1000))
        print(len(forks), os.getpid() in {pid for _, pid in pids})
        """
    )
    assert out.split() == ["3", "False"]


def test_an_error_in_a_worker_reaches_the_caller():
    out = in_fresh_process(
        """
        from techdigest.parallel import fork_map
        def work(n):
            if n == 500:
                raise ValueError("item 500")
            return n
        try:
            fork_map(work, range(1000), workers=2)
        except ValueError as exc:
            print(exc)
        """
    )
    assert out == "item 500\n"


def test_the_default_is_one_worker_per_core():
    assert cores() >= 1
    assert cores() == (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count())
