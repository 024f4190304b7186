"""``techdigest`` in a process of its own, with a fault injected at a named point of its build.

Tests that need real signals (a process that really dies, handlers that really run) start this
instead of guessing the moment with a timer:

    hooked_build.py [--at STAGE --send SIGNAL] [--count-forks] -- ARGUMENTS
        ``techdigest ARGUMENTS``; at STAGE (one of ``BuildOptions.on_stage``'s) SIGNAL (SIGINT,
        SIGTERM) is sent to this process; with --count-forks, ``forks: N`` ends the output.
    hooked_build.py --while-rendering --send SIGNAL --workers N PROJECT
        builds PROJECT; at the first progress report of the rendering (the workers running) the
        pids of its workers are printed (``workers: 12 13``), then SIGNAL (also SIGKILL) is sent.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import signal
import sys
from pathlib import Path

from techdigest.build import build
from techdigest.cli import main
from techdigest.config import load_config
from techdigest.options import BuildOptions
from techdigest.parallel import Progress


def _send(signum: signal.Signals) -> None:
    sys.stdout.flush()
    os.kill(os.getpid(), signum)


def _cli(args: argparse.Namespace) -> int:
    forks = [0]
    if args.count_forks:
        os.register_at_fork(after_in_parent=lambda: forks.__setitem__(0, forks[0] + 1))

    def on_stage(stage: str) -> None:
        if stage == args.at:
            _send(args.send)

    code = main(args.arguments, on_stage=on_stage if args.at else None)
    if args.count_forks:
        print(f"forks: {forks[0]}")
    return code


def _while_rendering(args: argparse.Namespace) -> int:
    def stage(what: str) -> Progress:
        def progress(done: int, total: int) -> None:
            if what == "rendering":
                print("workers:", *sorted(child.pid for child in multiprocessing.active_children()))
                _send(args.send)

        return progress

    signal.signal(signal.SIGTERM, signal.default_int_handler)  # as the CLI: SIGTERM is a KeyboardInterrupt
    try:
        build(load_config(Path(args.arguments[0])), options=BuildOptions.for_cli(stage, workers=args.workers))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser()
    parser.add_argument("--at", help="a stage of the build")
    parser.add_argument("--send", type=lambda name: signal.Signals[name], default=signal.SIGINT)
    parser.add_argument("--count-forks", action="store_true")
    parser.add_argument("--while-rendering", action="store_true")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("arguments", nargs="*")
    return parser


if __name__ == "__main__":
    options = _parser().parse_args()
    sys.exit(_while_rendering(options) if options.while_rendering else _cli(options))
