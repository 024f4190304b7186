"""The content folder read into articles, re-using what the previous build parsed.

A file whose stamp (size, mtime, inode, ctime) is unchanged is not even read;
one whose bytes (and the settings that shape its HTML) are unchanged is not
parsed again: Markdown is the costly part. The others are parsed on all cores.
Every problem of every file is reported at once.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .config import Config
from .content import parse_article
from .inputs import entry_stat, input_stat, read_input, resolve
from .model import Article, ContentError, Problem
from .parallel import Progress, fork_map
from .slugs import SLUG_RULE, is_slug, slugify

if TYPE_CHECKING:  # Markdown is loaded by the first file parsed: a build that parses none never loads it
    from .markup import Converter

Stamp = tuple[int, int, int, int]  # size, mtime, inode, ctime: a file with the same stamp was not touched
LABEL_FOLDER = "content"  # content files are labelled as editors know them: content/x.md


@dataclass(frozen=True)
class Parsed:
    """One content file as a build read it: its stamp, the digest of its bytes and settings, its article."""

    stamp: Stamp
    digest: str
    article: Article


ParsedFiles = dict[str, Parsed]  # by label (content/x.md), in the order of file names


@dataclass(frozen=True)
class _Job:
    label: str
    stamp: Stamp
    data: bytes
    digest: str


def read_all(
    config: Config, previous: ParsedFiles | None = None, progress: Progress | None = None, *, workers: int | None = None
) -> ParsedFiles:
    """Every ``*.md`` in the content folder (Emacs' ``.#x.md`` locks aside), parsed in ``workers`` processes.

    The folder itself is under the project's rule for files too: a ``content/`` that is a link out of
    the project is refused, not read (its files would be refused one by one, an empty one not at all).
    """
    return _refuse_shared_ids(_read(config, _content_entries(config), previous or {}, progress, workers))


def content_labels(config: Config) -> list[str]:
    """The content files (``content/x.md``) in the order of their names: every ``*.md`` but Emacs'
    ``.#x.md`` locks. What the build reads, and so what every command that goes through articles reads."""
    return [f"{LABEL_FOLDER}/{name}" for name in _content_entries(config)]


def _content_entries(config: Config) -> dict[str, os.DirEntry[str]]:
    """The content files by name, in :func:`content_labels`' order, as a scan of the content folder's
    real path found them (which :func:`inputs.entry_stat` takes for their stats)."""
    real = resolve(config.content_dir, LABEL_FOLDER, config.root)
    with os.scandir(real) as found:
        entries = {e.name: e for e in found if e.name.endswith(".md") and not e.name.startswith(".#")}
    return {name: entries[name] for name in sorted(entries)}


def read_again(config: Config, previous: ParsedFiles, labels: Iterable[str]) -> ParsedFiles:
    """``previous`` with the files ``labels`` read again (``serve``, told by the file system that only
    they changed): the others are taken as they are, without a look at the folder, in their place."""
    names = [label.removeprefix(f"{LABEL_FOLDER}/") for label in sorted(labels)]
    return _refuse_shared_ids(previous | _read(config, dict.fromkeys(names), previous, None))


def _refuse_shared_ids(parsed: ParsedFiles) -> ParsedFiles:
    """Each article's ``id`` is its own: a file copied to start a new article keeps the original's, and
    feeds would show the two as one entry (and ratings count them together). Which one is the copy
    only the editor knows, so each file sharing an id is named."""
    sharing: dict[str, list[str]] = {}
    for label, entry in parsed.items():
        if entry.article.id:
            sharing.setdefault(entry.article.id, []).append(label)
    problems = [
        Problem(
            label,
            parsed[label].article.lines.get("id", 0),
            f"id: also the id of {', '.join(other for other in labels if other != label)}; "
            f"each article needs its own (a new one: {uuid.uuid4()})",
        )
        for labels in sharing.values()
        if len(labels) > 1
        for label in labels
    ]
    if problems:
        raise ContentError(problems)
    return parsed


def articles_of(parsed: ParsedFiles) -> list[Article]:
    return [entry.article for entry in parsed.values()]


def _read(
    config: Config,
    names: Mapping[str, os.DirEntry[str] | None],
    previous: ParsedFiles,
    progress: Progress | None,
    workers: int | None = None,
) -> ParsedFiles:
    """The files ``names`` (each with its entry from a scan of the folder, if one was made)."""
    # a digest starts with that of the settings that shape the HTML, so a settings change parses anew
    # (another Markdown is another code version, cache.code_version: the build starts without a cache)
    prefix = hashlib.blake2b(
        f"{config.languages}|{config.unsafe_html}|{config.timezone}".encode(), digest_size=8
    ).hexdigest()
    reused: dict[str, Parsed | _Job] = {}
    problems: list[Problem] = []
    folder = config.content_dir
    for name, entry in names.items():
        label = f"{LABEL_FOLDER}/{name}"
        try:
            reused[label] = _reuse(config, folder, name, entry, previous=previous.get(label), prefix=prefix)
        except ContentError as exc:
            problems.extend(exc.problems)
    todo = [job for job in reused.values() if isinstance(job, _Job)]
    made = _parse(config, todo, progress, problems, workers)
    if problems:
        raise ContentError(problems)
    return {label: made[label] if isinstance(entry, _Job) else entry for label, entry in reused.items()}


def _reuse(  # noqa: PLR0913 - the file (folder, name, scanned entry) and what the previous build made of it
    config: Config, folder: Path, name: str, entry: os.DirEntry[str] | None, *, previous: Parsed | None, prefix: str
) -> Parsed | _Job:
    """The file ``name`` of ``folder`` as ``previous`` read it, if it is unchanged; else what parsing it takes."""
    label = f"{LABEL_FOLDER}/{name}"
    stamp = _stamp(label, folder, name, entry, config.root)
    if previous and previous.stamp == stamp and previous.digest.startswith(prefix):
        return previous
    data = read_input(folder / name, label, config.root)
    digest = prefix + hashlib.blake2b(data, digest_size=16).hexdigest()
    if previous and previous.digest == digest:
        return Parsed(stamp, digest, previous.article)
    return _Job(label, stamp, data, digest)


def _parse(
    config: Config, todo: list[_Job], progress: Progress | None, problems: list[Problem], workers: int | None
) -> ParsedFiles:
    """The articles of ``todo``, in ``workers`` processes; the problems of those that fail go to ``problems``."""
    converters: list[Converter] = []  # one per process, made on first use

    def parse(job: _Job) -> Article | list[Problem]:
        if not converters:
            from .markup import make_markdown

            converters.append(make_markdown(config.unsafe_html))
        try:
            return parse_article(
                job.label, job.data.decode("utf-8"), config.languages, converters[0], job.digest, zone=config.zone
            )
        except UnicodeDecodeError:
            return [Problem(job.label, 0, "not UTF-8 text")]
        except ContentError as exc:
            return exc.problems

    made: ParsedFiles = {}
    for job, result in zip(todo, fork_map(parse, todo, progress, workers=workers), strict=True):
        if isinstance(result, list):
            problems.extend(result)
        else:
            made[job.label] = Parsed(job.stamp, job.digest, result)
    return made


def _stamp(label: str, folder: Path, name: str, entry: os.DirEntry[str] | None, root: Path) -> Stamp:
    """The stamp of a content file whose name is a slug and which :func:`input_stat` lets us read
    (:func:`entry_stat`, the same rule, when a scan of the folder found it).

    The name is the article's URL: ``..md`` or ``a?b.md`` would write over
    another page or make a broken link, so the file is renamed, not guessed at.
    """
    stem = name.removesuffix(".md")
    if not is_slug(stem):
        suggestion = slugify(stem, fallback="article", symbols=False)
        raise ContentError.single(
            label, 0, f"the file name is the article's URL, so a slug ({SLUG_RULE}): rename it, e.g. to {suggestion}.md"
        )
    info = input_stat(folder / name, label, root) if entry is None else entry_stat(entry, label, root)
    return info.st_size, info.st_mtime_ns, info.st_ino, info.st_ctime_ns
