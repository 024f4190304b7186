"""The ``techdigest`` command: subcommands, and errors as ``path:line: message`` lines.

No traceback ever reaches an editor for bad input: every :class:`TechdigestError`
becomes one line per problem on stderr and exit status 1. SIGTERM is turned
into the same clean stop as Ctrl-C, so the build's clean-up runs for both.
"""

from __future__ import annotations

import argparse
import datetime as dt
import signal
import sys
from pathlib import Path

from .build import build, load
from .check import missing_translations
from .config import load_config, with_base_url
from .importer import import_seeds
from .model import TechdigestError


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        return args.run(args)
    except TechdigestError as exc:
        for line in exc.lines():
            print(f"error: {line}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; nothing was changed", file=sys.stderr)
        return 130


def _import(args: argparse.Namespace) -> int:
    config = load_config(args.root)
    seeds = [Path(s) for s in args.seeds] or sorted(p for p in config.seeds_dir.glob("*") if p.is_file())
    if not seeds:
        print(f"no seeds found in {config.relative(config.seeds_dir)}/", file=sys.stderr)
        return 1
    report = import_seeds(config, seeds, args.date)
    for line in report.created:
        print(f"imported {line}")
    for line in report.kept:
        print(f"kept {line}")
    for problem in report.problems:
        print(f"error: {problem}", file=sys.stderr)
    return 1 if report.problems else 0


def _build(args: argparse.Namespace) -> int:
    config = load_config(args.root)
    if args.base_url:
        config = with_base_url(config, args.base_url)
    print(build(config, output=args.output).summary())
    return 0


def _check(args: argparse.Namespace) -> int:
    config = load_config(args.root)
    articles, _ = load(config)
    problems = missing_translations(articles, config)
    for problem in problems:
        print(f"warning: {problem}")
    print(f"checked {len(articles)} articles: {len(problems) or 'no'} open translations")
    return 1 if problems else 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="techdigest", description="Bilingual tech-news digests as a static site.")
    parser.add_argument("-C", "--root", type=Path, default=Path("."), help="project folder (default: here)")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    sub = commands.add_parser("import", help="turn raw seeds into content files (never overwrites)")
    sub.add_argument("seeds", nargs="*", help="seed files (default: every file in seeds/)")
    sub.add_argument("--date", type=dt.date.fromisoformat, default=dt.date.today(),
                     help="publication date for new articles, YYYY-MM-DD (default: today)")
    sub.set_defaults(run=_import)

    sub = commands.add_parser("build", help="build the site into site/")
    sub.add_argument("-o", "--output", type=Path, help="output folder (default: site/)")
    sub.add_argument("--base-url", help="absolute URL the site is published at (overrides the config)")
    sub.set_defaults(run=_build)

    sub = commands.add_parser("check", help="validate content and list missing translations")
    sub.set_defaults(run=_check)
    return parser


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
