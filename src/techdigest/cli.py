"""The ``techdigest`` command: subcommands, and errors as ``path:line: message`` lines.

No traceback ever reaches an editor for bad input: every :class:`TechdigestError`
becomes one line per problem on stderr and exit status 1, and so does a failing
write (a full disk: ``error: path: No space left on device``). SIGTERM is turned
into the same clean stop as Ctrl-C, so the build's clean-up runs for both.
The pipeline's modules (and their libraries) are imported by the commands
that need them, after the signal handling is in place: Ctrl-C during start-up
is then a clean stop too, and ``--help`` answers at once.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from . import urls
from .config import ENGINES, EXAMPLE_GITHUB_REPO, Config, load_config, with_base_url, with_feedback_repo
from .model import ContentError, TechdigestError, printable

if TYPE_CHECKING:
    from .feedback import Rating, Skipped

FEEDBACK_FILE = Path("feedback.jsonl")
JOBS_HELP = "processes that parse and render (default: one per CPU core; 1: no worker processes)"


def main(argv: list[str] | None = None, *, on_stage: Callable[[str], None] | None = None, exits: bool = False) -> int:
    """The command line ``argv``; ``on_stage``: handed to the builds (``BuildOptions.on_stage``), for a
    program that runs the command and wants to act at a named point of its build; ``exits``: the
    process ends when this returns (:func:`command`; ``BuildOptions.last``)."""
    signal.signal(signal.SIGTERM, _interrupt)
    args = _parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run  # the subcommand's, set by _parser
    args.on_stage, args.exits = on_stage, exits
    try:
        return run(args)
    except TechdigestError as exc:
        for line in exc.lines():
            print(f"error: {line}", file=sys.stderr)
        return 1
    except OSError as exc:  # a full disk, a read-only folder: what was written aside is gone again
        print(f"error: {printable(_os_error(exc))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(
            "interrupted; no file was left half-written (a build stopped before its commit changed nothing)",
            file=sys.stderr,
        )
        return 130


def _os_error(exc: OSError) -> str:
    """``path: reason``, as the system names them (a rename names both paths)."""
    reason = exc.strerror or str(exc)
    if exc.filename is None:
        return reason
    paths = [exc.filename, exc.filename2] if exc.filename2 is not None else [exc.filename]
    return f"{' -> '.join(map(str, paths))}: {reason}"


def _import(args: argparse.Namespace) -> int:
    from .importer import import_seeds, seed_files

    config = load_config(args.root)
    seeds = [Path(s) for s in args.seeds] or seed_files(config)
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
    from .build import build
    from .options import BuildOptions

    config = _published_config(args)
    with _terminal_progress() as stage:
        options = BuildOptions.for_cli(
            stage,
            workers=args.jobs,
            on_stage=args.on_stage,
            drafts=args.drafts,
            future=args.future,
            clock=_clock(config, args.clock),
            last=args.exits,
        )
        report = build(config, output=args.output, options=options)
    print(report.summary())
    return 0


@contextmanager
def _terminal_progress() -> Iterator[Callable[[str], Callable[[int, int], None]] | None]:
    """One self-overwriting status line on a terminal (what, done/total, elapsed); nothing otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    started = time.monotonic()
    shown = [0.0]

    def stage(what: str) -> Callable[[int, int], None]:
        def progress(done: int, total: int) -> None:
            now = time.monotonic() - started
            if now - shown[0] < 0.1 and done < total:
                return
            shown[0] = now
            count = f" {done:,}/{total:,}" if total else " …"
            print(f"\r\x1b[K{what}{count} · {now:.1f} s", end="", file=sys.stderr, flush=True)

        return progress

    try:
        yield stage
    finally:
        print("\r\x1b[K", end="", file=sys.stderr, flush=True)


def _published_config(args: argparse.Namespace) -> Config:
    """The config as this run publishes it: ``--base-url`` and ``--feedback-repo`` applied."""
    config = load_config(args.root)
    if args.base_url:
        config = with_base_url(config, args.base_url)
    if args.feedback_repo:
        config = with_feedback_repo(config, args.feedback_repo)
    return config


def _check(args: argparse.Namespace) -> int:
    from .check import check

    config = _published_config(args)
    report = check(config, _clock(config, args.clock) or dt.datetime.now(dt.UTC))
    for finding in report.findings:
        print(finding)
    print(report.summary())
    return 1 if report.errors or (args.strict and report.reminders) else 0


def _publish(args: argparse.Namespace) -> int:
    from .content import read_moment
    from .editorial import publish

    config = load_config(args.root)
    now = dt.datetime.now(config.zone)
    text = now.replace(microsecond=0).isoformat() if args.now else args.date
    try:
        when = read_moment(text, config.zone) if text else None
    except ValueError as exc:  # a time the clocks skip in the site's time zone
        raise ContentError.single("--date", 0, str(exc)) from None
    for line in publish(config, args.slugs, when, now):
        print(line)
    return 0


def _rename(args: argparse.Namespace) -> int:
    from .editorial import rename

    print(rename(load_config(args.root), args.old, args.new))
    return 0


def _remove(args: argparse.Namespace) -> int:
    from .editorial import remove

    config = load_config(args.root)
    removed = remove(config, args.slug, _clock(config, args.clock) or dt.datetime.now(dt.UTC))
    shown = f"; a page at {', '.join(removed.urls)} says so" if removed.urls else " (not yet published: it had no URL)"
    print(f"removed content/{removed.slug}.md, recorded in removed.toml{shown}")
    return 0


def _tags(args: argparse.Namespace) -> int:
    from .retag import tag_site

    config = load_config(args.root)
    site = tag_site(config)
    tags = sorted(site.tags.values(), key=lambda tag: (tag.name.casefold(), tag.slug))
    header = ["tag", "articles", *(f"{code} name" for code in config.languages), *config.languages]
    rows = [
        [
            tag.name,
            str(len(site.tag_articles[tag.slug])),
            *("—" if code in tag.missing else tag.name_in(code) for code in config.languages),
            *(urls.tag(code, tag.slug_in(code)) for code in config.languages),
        ]
        for tag in tags
    ]
    for row in [header, *rows]:
        print(printable("  ".join(_cells(row, [header, *rows]))).rstrip())
    missing = [f"{printable(tag.name)} ({', '.join(tag.missing)})" for tag in tags if tag.missing]
    names = f"; without a name in every language: {', '.join(missing)} (give them one in tags.toml)"
    print(f"{len(tags)} tag{'' if len(tags) == 1 else 's'}" + (names if missing else ""))
    return 0


def _cells(row: list[str], rows: list[list[str]]) -> list[str]:
    """``row``'s cells padded to their columns' widths (as printed: control characters escaped)."""
    widths = [max(len(printable(r[n])) for r in rows) for n in range(len(row))]
    return [cell.ljust(width - len(printable(cell)) + len(cell)) for cell, width in zip(row, widths, strict=True)]


def _rename_tag(args: argparse.Namespace) -> int:
    from .retag import rename_tag

    renamed = rename_tag(load_config(args.root), args.old, args.new, dt.datetime.now(dt.UTC))
    for line in renamed.done:
        print(printable(line))
    for problem in renamed.left:
        print(f"error: {problem}", file=sys.stderr)
    return 1 if renamed.left else 0


def _translate(args: argparse.Namespace) -> int:
    import os

    from .translate import translate

    failed = False
    for outcome in translate(load_config(args.root), args.slugs, args.to, args.engine, os.environ):
        print(
            f"error: {outcome.line}" if outcome.failed else outcome.line,
            file=sys.stderr if outcome.failed else None,
            flush=True,
        )
        failed = failed or outcome.failed
    return 1 if failed else 0


def _review(args: argparse.Namespace) -> int:
    from .translate import review

    print(review(load_config(args.root), args.slug, args.lang or []))
    return 0


def _serve(args: argparse.Namespace) -> int:
    from .serve import serve

    load_config(args.root)  # a broken config is an error before anything listens
    serve(args.root, args.host, args.port, args.base_path, args.feedback_file or args.root / FEEDBACK_FILE)
    return 0


def _repo(text: str) -> str:
    from .github import REPOSITORY

    if not REPOSITORY.fullmatch(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a repository as OWNER/REPO")
    return text


def _jobs(text: str) -> int:
    if not (text.isascii() and text.isdigit() and 1 <= int(text) <= 1024):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of processes (1 to 1024)")
    return int(text)


def _port(text: str) -> int:
    if not (text.isascii() and text.isdigit() and int(text) <= 65535):
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0 to 65535)")
    return int(text)


def _base_path(text: str) -> str:
    """``/`` or ``/a/b/``: the folders the site is served under, each one a plain URL path segment."""
    parts = [part for part in text.split("/") if part]
    for part in parts:
        if part in (".", "..") or any(char in part for char in "?#%\\") or not part.isprintable():
            raise argparse.ArgumentTypeError(
                f"{text!r} is not a path: folder names without '?', '#', '%', '\\', control characters, '.' or '..'"
            )
    return "/" + "".join(part + "/" for part in parts)


def _feedback(args: argparse.Namespace) -> int:
    from .corpus import articles_of, read_all
    from .feedback import Known, summarize
    from .feedback_report import as_csv, as_json, table, write_html
    from .records import read_removed

    config = load_config(args.root)
    known = Known.of(articles_of(read_all(config)), read_removed(config))
    ratings, skipped, sources = _ratings(args, config)
    summary = summarize(ratings, known, config.languages, skipped)
    for item in summary.skipped:
        print(printable(f"skipped: {item.where}: {item.reason}"), file=sys.stderr)
    if args.html:
        write_html(args.html, summary, config.title[config.default_language])
    if args.json:
        print(as_json(summary))
    elif args.csv:
        print(as_csv(summary), end="")
    elif summary.stats:
        print("\n".join(table(summary)))
    reasons = Counter(item.kind for item in summary.skipped)
    why = f" ({', '.join(f'{n} {reason}' for reason, n in sorted(reasons.items()))})" if reasons else ""
    written = f"; report written to {args.html}" if args.html else ""
    print(
        printable(
            f"counted {summary.counted} from {' and '.join(sources)}; skipped {len(summary.skipped)}{why}{written}"
        ),
        file=sys.stderr,
    )
    return 0


def _ratings(args: argparse.Namespace, config: Config) -> tuple[list[Rating], list[Skipped], list[str]]:
    """The ratings of the feedback file (if there is one) and, with ``--github``, of the repository's issues."""
    import os

    from .config import private_folder
    from .feedback import from_issues, read_jsonl
    from .github import remote_repository, repository_issues, settings_from

    path = args.file or args.root / FEEDBACK_FILE
    ratings, skipped = read_jsonl(path, str(path)) if path.is_file() else ([], [])
    sources = [f"{path}" if path.is_file() else f"{path} (none yet)"]
    if args.github or args.repo:
        repo, named_by = args.repo or config.feedback_github_repo, ""
        if not args.repo and repo == EXAMPLE_GITHUB_REPO:  # as deploy and the Pages workflow fill it in
            repo, named_by = remote_repository(args.root, "origin"), " (named by the git remote origin)"
        if not repo or repo == EXAMPLE_GITHUB_REPO:
            raise ContentError.single(
                "--github",
                0,
                "no repository of your own: set feedback.github_repo, pass --repo OWNER/REPO,"
                " or publish from a git repository whose remote origin is on github.com",
            )
        issues = repository_issues(repo, settings_from(os.environ), private_folder(config.cache_dir) / "github")
        ratings += from_issues(repo, issues)
        sources.append(f"the issues of {repo}{named_by}")
    return ratings, skipped, sources


def _deploy(args: argparse.Namespace) -> int:
    from .build import build
    from .check import check
    from .deploy import publish
    from .github import remote_repository
    from .options import BuildOptions

    config = _published_config(args)
    if not args.feedback_repo and config.feedback_github_repo == EXAMPLE_GITHUB_REPO:
        found = remote_repository(args.root, args.remote)  # as the Pages workflow names its own repository
        config = with_feedback_repo(config, found) if found else config
    refused = check(config, dt.datetime.now(dt.UTC)).errors
    if refused:
        for finding in refused:
            print(finding, file=sys.stderr)
        print("nothing published: fix the errors above first (techdigest check lists them)", file=sys.stderr)
        return 1
    with _terminal_progress() as stage:
        report = build(config, options=BuildOptions.for_cli(stage, workers=args.jobs, on_stage=args.on_stage))
    print(report.summary())
    print(_ratings_go_to(config))
    message = publish(report.output, args.root, remote=args.remote, branch=args.branch, push=not args.no_push)
    where = f"{args.remote}/{args.branch}" if not args.no_push else f"local branch {args.branch}"
    print(f"published {report.output} to {where}: {message}" if message else f"{where} has this site already")
    return 0


def _ratings_go_to(config: Config) -> str:
    """Where the published site's rating form sends readers' ratings, as deploy says it."""
    if config.feedback_endpoint:
        return f"ratings: posted to {config.feedback_endpoint}"
    if config.feedback_github_repo:
        return f"ratings: issues in https://github.com/{config.feedback_github_repo} (label feedback)"
    return "ratings: none (no rating form: feedback has neither endpoint nor github_repo)"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="techdigest", description="Bilingual tech-news digests as a static site.")
    parser.add_argument("-C", "--root", type=Path, default=Path("."), help="project folder (default: here)")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    # ``-C DIR`` also after the command (``techdigest build -C DIR``); there it overrides the one before
    project = argparse.ArgumentParser(add_help=False)
    project.add_argument("-C", "--root", type=Path, default=argparse.SUPPRESS, help="project folder (default: here)")

    sub = _command(commands, project, "import", _import)
    sub.add_argument("seeds", nargs="*", help="seed files (default: every file in seeds/)")
    sub.add_argument(
        "--date",
        type=_iso_date,
        default=dt.date.today(),
        help="publication date for new articles, YYYY-MM-DD (default: today)",
    )

    sub = _command(commands, project, "build", _build)
    sub.add_argument("-o", "--output", type=Path, help="output folder (default: site/)")
    _publishing_options(sub)
    sub.add_argument("-j", "--jobs", type=_jobs, help=JOBS_HELP)
    sub.add_argument("--drafts", action="store_true", help="also build drafts (draft: true), marked as such")
    sub.add_argument("--future", action="store_true", help="also build articles dated after now, marked as scheduled")
    sub.add_argument("--clock", type=_clock_text, help=CLOCK_HELP)

    sub = _command(commands, project, "check", _check)
    _publishing_options(sub)
    sub.add_argument("--strict", action="store_true", help="exit 1 on reminders too (drafts, open translations, …)")
    sub.add_argument("--clock", type=_clock_text, help=CLOCK_HELP)

    _editorial_commands(commands, project)

    sub = _command(commands, project, "serve", _serve)
    sub.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    sub.add_argument("-p", "--port", type=_port, default=8000, help="port, 0 for any free one (default: 8000)")
    sub.add_argument(
        "--base-path", type=_base_path, default="/", help="serve under a sub-path as GitHub Pages does, e.g. /REPO/"
    )
    sub.add_argument("--feedback-file", type=Path, help=f"where ratings are appended (default: {FEEDBACK_FILE})")

    sub = _command(commands, project, "feedback", _feedback)
    sub.add_argument("--file", type=Path, help=f"the preview's ratings (default: {FEEDBACK_FILE}, if it exists)")
    sub.add_argument(
        "--github",
        action="store_true",
        help="also the rating issues of feedback.github_repo (or of the remote origin's repository)",
    )
    sub.add_argument("--repo", type=_repo, help="the rating issues of this repository, OWNER/REPO (implies --github)")
    shown = sub.add_mutually_exclusive_group()
    shown.add_argument("--json", action="store_true", help="the counts and comments as JSON on stdout")
    shown.add_argument("--csv", action="store_true", help="one CSV row per article and language on stdout")
    sub.add_argument("--html", type=Path, metavar="FILE", help="also write a report page with a chart per article")

    sub = _command(commands, project, "deploy", _deploy)
    sub.add_argument("--remote", default="origin", help="git remote to push to (default: origin)")
    sub.add_argument("--branch", default="gh-pages", help="branch to publish to (default: gh-pages)")
    sub.add_argument("--no-push", action="store_true", help="only commit to the local branch")
    _publishing_options(sub)
    sub.add_argument("-j", "--jobs", type=_jobs, help=JOBS_HELP)
    return parser


def _editorial_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], project: argparse.ArgumentParser
) -> None:
    """The commands that change content files: an article's life, its tags, its translations."""
    sub = _command(commands, project, "publish", _publish)
    sub.add_argument("slugs", nargs="+", metavar="SLUG", help="articles to publish (content/SLUG.md)")
    when = sub.add_mutually_exclusive_group()
    when.add_argument(
        "--date",
        type=_clock_text,
        help="also set its date: YYYY-MM-DD[THH:MM[+01:00]] in the site's timezone; a future one is an embargo",
    )
    when.add_argument("--now", action="store_true", help="also set its date to the current time")

    sub = _command(commands, project, "rename", _rename)
    sub.add_argument("old", metavar="OLD", help="the article's slug now (content/OLD.md)")
    sub.add_argument("new", metavar="NEW", help="its new slug (content/NEW.md, which must not exist)")

    sub = _command(commands, project, "remove", _remove)
    sub.add_argument("slug", metavar="SLUG", help="the article to take off the site (content/SLUG.md)")
    sub.add_argument("--clock", type=_clock_text, help=CLOCK_HELP + ": whether it was live yet")

    sub = _command(commands, project, "tags", _tags)
    tag_commands = sub.add_subparsers(metavar="rename", required=False)
    sub = _command(tag_commands, project, "rename", _rename_tag, about="tags rename")
    sub.add_argument("old", metavar="OLD", help="the tag as content writes it now")
    sub.add_argument("new", metavar="NEW", help="its new name (may be another tag's: they become one)")

    sub = _command(commands, project, "translate", _translate)
    sub.add_argument("slugs", nargs="*", metavar="SLUG", help="articles to translate (default: every article)")
    sub.add_argument("--to", metavar="LANG", help="only into this language (default: every language but the original)")
    sub.add_argument("--engine", choices=ENGINES, help="translation engine (default: engine under [translate])")

    sub = _command(commands, project, "review", _review)
    sub.add_argument("slug", metavar="SLUG", help="the article whose machine translation you reviewed")
    sub.add_argument(
        "--lang", action="append", metavar="LANG", help="the language reviewed (repeatable; default: every one marked)"
    )


def _publishing_options(sub: argparse.ArgumentParser) -> None:
    """``--base-url`` and ``--feedback-repo``: the config as CI publishes it, for this run."""
    sub.add_argument("--base-url", help="absolute URL the site is published at (overrides the config)")
    sub.add_argument(
        "--feedback-repo",
        metavar="OWNER/REPO",
        help=f"GitHub repository for ratings where the config still names the example {EXAMPLE_GITHUB_REPO}",
    )


# each command: its one-line help, what it does, and what its exit status means
_ABOUT = {
    "import": (
        "turn raw seeds into content files (never overwrites)",
        "Writes a content file for each seed in seeds/ (or each SEED given) that no content file names as its\n"
        "source yet; a file an editor has is never overwritten.",
        "0: every seed imported or already there; 1: a seed was refused (one line each)",
    ),
    "build": (
        "build the site into site/",
        "Builds the site from techdigest.toml, content/, templates/ and locales/; only what changed since\n"
        "the last build is made again. site/ changes in one step, or not at all. Drafts (draft: true) and\n"
        "articles whose date is still to come are left out unless --drafts or --future.",
        "0: built; 1: an error in an input (one line each, site/ unchanged)",
    ),
    "check": (
        "the editor's gate: errors that stop publishing, reminders of what is left to do",
        "Reads every content file as the build does. Errors: what the build refuses, and the example base_url or\n"
        "feedback.github_repo of the shipped techdigest.toml. Reminders, per file and line: drafts, scheduled\n"
        "articles (when they go live), titles still as imported, texts not yet translated, machine translations\n"
        "not yet reviewed.",
        "0: no errors (reminders allowed); 1: an error, or with --strict a reminder",
    ),
    "publish": (
        "publish drafts, now or at a date (an embargo)",
        "Deletes 'draft: true' from each article (comments and everything else kept); with --date or --now\n"
        "also sets its date. An article dated in the future is published by the first build after that time.",
        "0: published (an article that is no draft is named and left alone); 1: no such article, or it cannot\n"
        "be read (nothing changed)",
    ),
    "rename": (
        "rename an article; its old URLs redirect to the new ones",
        "Renames content/OLD.md to content/NEW.md and adds the old URLs (one per language) to its 'aliases',\n"
        "which the build turns into redirect pages; its feed entry keeps its id. A draft has no old URL to keep.",
        "0: renamed; 1: no such article, NEW is not a slug or exists already (nothing changed)",
    ),
    "remove": (
        "take an article off the site for good",
        "Deletes content/SLUG.md after recording it in removed.toml (the build leaves a page saying it was\n"
        "removed at each of its URLs) and its seed in imported.toml (import never brings it back). Commit both.",
        "0: removed; 1: no such article, or a record cannot be read (nothing changed)",
    ),
    "tags": (
        "the tags, their names and URLs per language; rename one",
        "Lists every tag of content/ (drafts too) with its number of articles, its name and URL in each\n"
        "language (tags.toml names them; — : none yet, the page shows the tag as written) and those\n"
        "without a name in every language. 'tags rename OLD NEW' renames a tag everywhere.",
        "0: listed; 1: a content file or tags.toml cannot be read",
    ),
    "tags rename": (
        "rename a tag in every content file; its old URLs redirect to the new tag",
        "Rewrites the tags line of every content file that has OLD (comments kept), records OLD in tags.toml\n"
        "as a spelling of NEW (with OLD's names; stray OLD spellings still mean NEW) and OLD's tag URLs in\n"
        "each language as aliases, which the build turns into redirect pages. tags.toml is written first: a\n"
        "file saved meanwhile is named and left alone (it means NEW already); run the command again.",
        "0: renamed; 1: no such tag, NEW is no name, a file cannot be read (nothing changed) or was saved meanwhile",
    ),
    "translate": (
        "machine-translation drafts of missing titles, summaries and feedback questions",
        "Fills each article's missing title, summary and feedback question in the other languages with a\n"
        "translation engine's (deepl, libretranslate, openai, argos; set under [translate] in techdigest.toml,\n"
        "keys from DEEPL_AUTH_KEY, LIBRETRANSLATE_API_KEY, OPENAI_API_KEY) and marks them machine_translated: [en]\n"
        "until reviewed. Never replaces an editor's text; each file is rewritten once its article is done.",
        "0: every article translated or complete; 1: an article failed (one line each; the others are written)",
    ),
    "review": (
        "sign off an article's machine translation (its label goes)",
        "Deletes the reviewed language from the article's machine_translated (the key goes with the last one),\n"
        "as deleting it by hand does: pages, feeds and JSON-LD no longer call its texts machine-translated.",
        "0: reviewed, or nothing to review; 1: no such article, or it cannot be read (nothing changed)",
    ),
    "serve": (
        "preview with live reload; stores feedback form ratings",
        "Builds into a private folder, serves it on this machine and rebuilds on every saved change;\n"
        "open pages reload by themselves. Ratings sent with the form are appended to the feedback file.",
        "0: stopped with Ctrl-C or SIGTERM; 1: the project or the address cannot be used",
    ),
    "feedback": (
        "reader ratings per article and language: the preview's file and the site's GitHub issues",
        "Counts the ratings in the preview's feedback file (one JSON line each) and, with --github, the rating\n"
        "issues of feedback.github_repo (while the config names the example, of the repository the git remote\n"
        "origin names, as deploy does), through the GitHub REST API: token from GITHUB_TOKEN or GH_TOKEN, GitHub\n"
        "Enterprise through GITHUB_API_URL; what was fetched is kept in .techdigest-cache/github/, page by page,\n"
        "so the next run asks only for what is new or goes on where a rate limit stopped this one. A rating\n"
        "counts for a known article (a renamed one under its current name, by its id), a site language and 1 to\n"
        "5; the others are named as skipped. Per article and language: count, mean, 1-5 distribution, comments;\n"
        "as a table, --json, --csv, and --html FILE (a report page).",
        "0: counted (skipped ratings named); 1: GitHub refused (401, 404, rate limit) or is out of reach,"
        " no repository for --github, or unreadable content",
    ),
    "deploy": (
        "build and publish site/ to the gh-pages branch",
        "Refuses to publish on what techdigest check calls an error (the example base_url or repository too);\n"
        "else builds the site, then commits site/ to a branch (gh-pages) and pushes it. Where the config still\n"
        "names the example feedback.github_repo and no --feedback-repo is given, ratings go to the GitHub\n"
        "repository the remote names (https or ssh URL of github.com); deploy says where ratings go.",
        "0: published; 1: a check or build error (nothing pushed), or git refused",
    ),
}


def _command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    project: argparse.ArgumentParser,
    name: str,
    run: Callable[[argparse.Namespace], int],
    about: str = "",
) -> argparse.ArgumentParser:
    """A subcommand whose --help says what it does and what its exit status means (``_ABOUT[about or name]``)."""
    summary, description, status = _ABOUT[about or name]
    sub = commands.add_parser(
        name,
        parents=[project],
        help=summary,
        description=description,
        epilog=f"exit status: {status}; 2: a wrong option; 130: interrupted",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub.set_defaults(run=run)
    return sub


def _iso_date(text: str) -> dt.date:
    """A date as YYYY-MM-DD; anything else (``1.12.2026``) is told the format it needs."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):  # fromisoformat alone would also take 20261201
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"{text!r} is not a date as YYYY-MM-DD (e.g. 2026-12-01)")


CLOCK_HELP = "take this as the time now, YYYY-MM-DD[THH:MM[+01:00]] in the site's timezone (default: the real time)"


def _clock_text(text: str) -> str:
    """A ``--clock`` value that reads as a date or a time; read in the site's time zone by :func:`_clock`."""
    from .content import parse_moment

    if parse_moment(text, dt.UTC) is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date or time as YYYY-MM-DD[THH:MM[+01:00]]")
    return text


def _clock(config: Config, text: str | None) -> dt.datetime | None:
    """The ``--clock`` time, read in the site's time zone; None: the real time."""
    from .content import read_moment

    try:
        return read_moment(text, config.zone).at if text else None
    except ValueError as exc:  # a time the clocks skip in the site's time zone
        raise ContentError.single("--clock", 0, str(exc)) from None


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def command() -> NoReturn:
    """The ``techdigest`` program: :func:`main`, then out at once. A build leaves a heap of millions of
    objects (the articles, their plan, the record of the site), which Python would walk once more
    with its cycle collector (so ``build`` leaves it off: ``BuildOptions.last``) and then free one
    by one on the way out: a third of the time of a build after a one-word edit at 10,000
    articles. By now every file is closed and every worker process gone; what is buffered for the
    terminal is flushed first."""
    code = main(exits=True)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    command()
