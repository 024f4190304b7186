"""``techdigest import``: turns seeds into content files, once, never overwriting.

A seed counts as imported when ``imported.toml`` records it (:mod:`records`:
committed, so a fresh clone knows it too) or a content file names it as its
``source`` (read as the YAML it is, so any file name reads back as written; a
project from before the record gets it recorded on its next import). A
recorded seed is never imported again, even once its article was deleted by
hand or with ``remove``: what an editor took off the site stays off. A content
file belongs to the editors from then on, whatever they changed in it. New files
are written to a temporary name, synced (many at once: :class:`edits.NewFiles`)
and linked into place, so a crash never leaves half a file and a file that
appeared meanwhile is never replaced. An import holds the lock of ``content/``
from reading what is imported to writing the new files: two imports at once (a
second terminal, ``serve``) never both take one seed, and what the lock holder
finds set aside was left by a dead one.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from .config import Config
from .content import dump_article, front_matter, parse_moment
from .corpus import LABEL_FOLDER, content_labels
from .edits import NewFiles, content_lock
from .inputs import read_input
from .model import ContentError, FrontMatter, Problem, printable
from .records import read_imported, write_imported
from .seeds import FEEDBACK_PROMPTS, SeedArticle, decode_seed, parse_seed
from .slugs import slugify, unique
from .summarize import draft_summary, draft_title


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def import_seeds(config: Config, seeds: list[Path], today: dt.date) -> ImportReport:
    with content_lock(config):
        return _import(config, seeds, today)


def _import(config: Config, seeds: list[Path], today: dt.date) -> ImportReport:
    report = ImportReport()
    try:
        named = _imported_sources(config)
        recorded = read_imported(config)
    except ContentError as exc:  # a seed it names could be imported twice: no import until it is fixed
        report.problems.extend(exc.problems)
        return report
    record = recorded | {source: identity for source, (_, identity) in named.items() if source not in recorded}
    taken = {p.stem for p in config.content_dir.glob("*.md")}
    drafted: list[str] = []  # the source of each file added, recorded already (a seed named twice is taken once)
    with NewFiles() as files:
        for seed in sorted(seeds):
            source = config.relative(seed)
            if kept := _kept(source, named, record):
                report.kept.append(f"{printable(source)}: {kept}")
                continue
            try:
                target, text, identity = _draft_file(config, seed, source, today, taken)
            except ContentError as exc:
                report.problems.extend(exc.problems)
                continue
            taken.add(target.stem)
            record[source] = identity
            files.add(target, text)
            drafted.append(source)
        for source, (target, problem) in zip(drafted, files.place(), strict=True):
            if problem:
                report.problems.extend(problem.problems)
                del record[source]
            else:
                report.created.append(f"{printable(source)} -> {LABEL_FOLDER}/{target.name}")
    if record != recorded:
        write_imported(config, record)
    return report


def _kept(source: str, named: dict[str, tuple[str, str]], record: dict[str, str]) -> str:
    """Why the seed ``source`` is not imported (again); empty if it is to be imported."""
    if source in named:
        return f"already imported as {named[source][0]}, left unchanged"
    if source in record:
        return "imported before, its article since removed; not again (see imported.toml)"
    return ""


def _draft_file(config: Config, seed: Path, source: str, today: dt.date, taken: set[str]) -> tuple[Path, str, str]:
    """One seed (``source`` as the project names it) as a new content file, which must name it as
    its ``source`` when read back: where it goes, its text and the new article's id."""
    label = printable(source)
    parsed = parse_seed(decode_seed(read_input(seed, label, config.root), label), label, config.default_language)
    front = draft_front_matter(parsed, source, today, config)
    slug = unique(slugify(front.title[parsed.language], fallback="article", symbols=False), taken)
    text = dump_article(front, parsed.paragraphs)
    if _source_read_back(f"{LABEL_FOLDER}/{slug}.md", text) != source:  # else: imported again next time
        raise ContentError.single(
            label,
            0,
            "this file name does not read back from YAML as written "
            "(a line break such as U+2028, or bytes that are not UTF-8, "
            "in it); rename the seed",
        )
    return config.content_dir / f"{slug}.md", text, front.id


def _source_read_back(path: str, text: str) -> object:
    """The ``source`` that the build will read from ``text``; None if it cannot read it at all."""
    try:
        return front_matter(path, text).get("source")
    except ContentError:
        return None


def seed_files(config: Config) -> list[Path]:
    """Every file in ``seeds/`` (hidden ones aside), in a stable order."""
    if not config.seeds_dir.is_dir():
        return []
    return sorted(p for p in config.seeds_dir.iterdir() if p.is_file() and not p.name.startswith("."))


def draft_front_matter(seed: SeedArticle, source: str, today: dt.date, config: Config) -> FrontMatter:
    """A draft (``draft: true``) with texts in the original language, empty slots for the translations
    an editor adds, and the permanent id the article keeps whatever is renamed."""
    lang, languages = seed.language, config.languages
    published = parse_moment(today.isoformat(), config.zone)
    assert published is not None  # an ISO date always reads
    empty = dict.fromkeys(languages, "")
    prompt_language = next((c for c, p in FEEDBACK_PROMPTS.items() if p == seed.feedback), None)
    if prompt_language:
        feedback = {code: FEEDBACK_PROMPTS.get(code, "") for code in languages}
    else:
        feedback = {**empty, lang: seed.feedback} if seed.feedback else {}
    return FrontMatter(
        title={**empty, lang: draft_title(seed.paragraphs[0], lang)},
        published=published,
        draft=True,
        id=str(uuid.uuid4()),
        language=lang,
        tags=seed.tags,
        summary={**empty, lang: draft_summary(list(seed.paragraphs), lang)},
        feedback=feedback,
        source=source,
    )


def _imported_sources(config: Config) -> dict[str, tuple[str, str]]:
    """Seed path -> content file and its ``id``, from the ``source`` of each content file (the files
    the build reads); one that cannot be read is an error."""
    found: dict[str, tuple[str, str]] = {}
    problems: list[Problem] = []
    for label in content_labels(config):
        try:
            path = config.content_dir / label.removeprefix(f"{LABEL_FOLDER}/")
            text = read_input(path, label, config.root).decode("utf-8", errors="replace")
            meta = front_matter(label, text)
        except ContentError as exc:
            problems.extend(exc.problems)
            continue
        source, identity = meta.get("source"), meta.get("id")
        if isinstance(source, str):
            found.setdefault(source, (label, identity if isinstance(identity, str) else ""))
    if problems:
        raise ContentError(problems)
    return found
