"""``techdigest import``: turns seeds into content files, once, never overwriting.

A seed counts as imported when ``imported.toml`` records it (:mod:`records`:
committed, so a fresh clone knows it too) or a content file names it as its
``source`` (read as the YAML it is, so any file name reads back as written; a
project from before the record gets it recorded on its next import). A
recorded seed is never imported again, even once its article was deleted by
hand or with ``remove``: what an editor took off the site stays off. A content
file belongs to the editors from then on, whatever they changed in it. New files
are written to a temporary name and linked into place, so a crash never
leaves half a file and a file that appeared meanwhile is never replaced. An
import holds the lock of ``content/`` from reading what is imported to writing
the new files: two imports at once (a second terminal, ``serve``) never both
take one seed, and what the lock holder finds set aside was left by a dead one.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from .config import Config
from .content import dump_article, front_matter, parse_moment
from .corpus import LABEL_FOLDER, content_labels
from .edits import content_lock, write_new
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
    for seed in sorted(seeds):
        source = config.relative(seed)
        label = printable(source)
        if source in named:
            report.kept.append(f"{label}: already imported as {named[source][0]}, left unchanged")
            continue
        if source in record:
            report.kept.append(f"{label}: imported before, its article since removed; not again (see imported.toml)")
            continue
        try:
            target, identity = _import_seed(config, seed, today, taken)
        except ContentError as exc:
            report.problems.extend(exc.problems)
            continue
        taken.add(target.stem)
        record[source] = identity
        report.created.append(f"{label} -> {config.relative(target)}")
    if record != recorded:
        write_imported(config, record)
    return report


def _import_seed(config: Config, seed: Path, today: dt.date, taken: set[str]) -> tuple[Path, str]:
    """One seed into a new content file, which must name it as its ``source`` when read back; the
    file and the new article's id."""
    source = config.relative(seed)
    label = printable(source)
    parsed = parse_seed(decode_seed(read_input(seed, label, config.root), label), label, config.default_language)
    front = draft_front_matter(parsed, source, today, config)
    slug = unique(slugify(front.title[parsed.language], fallback="article", symbols=False), taken)
    target = config.content_dir / f"{slug}.md"
    text = dump_article(front, parsed.paragraphs)
    if _source_read_back(config.relative(target), text) != source:  # else: imported again next time
        raise ContentError.single(
            label,
            0,
            "this file name does not read back from YAML as written "
            "(a line break such as U+2028, or bytes that are not UTF-8, "
            "in it); rename the seed",
        )
    write_new(target, text)
    return target, front.id


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
