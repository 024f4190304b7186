"""``techdigest import``: turns seeds into content files, once, never overwriting.

A seed counts as imported when a content file names it as its ``source``; that
file belongs to the editors from then on, whatever they changed in it. New
files are written to a temporary name and linked into place, so a crash never
leaves half a file and a file that appeared meanwhile is never replaced.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .config import Config
from .content import dump_article
from .model import ContentError, FrontMatter, Problem
from .seeds import FEEDBACK_PROMPTS, SeedArticle, decode_seed, parse_seed
from .slugs import slugify, unique
from .summarize import draft_summary, draft_title

_SOURCE_LINE = re.compile(r"^source:\s*['\"]?(.*?)['\"]?\s*$", re.MULTILINE)


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def import_seeds(config: Config, seeds: list[Path], today: dt.date) -> ImportReport:
    report = ImportReport()
    config.content_dir.mkdir(parents=True, exist_ok=True)
    imported = _imported_sources(config.content_dir)
    taken = {p.stem for p in config.content_dir.glob("*.md")}
    for seed in sorted(seeds):
        source = config.relative(seed)
        if source in imported:
            report.kept.append(f"{source}: already imported as {imported[source]}, left unchanged")
            continue
        try:
            parsed = parse_seed(decode_seed(_read(seed, source), source), source, config.default_language)
            front = draft_front_matter(parsed, source, today, config.languages)
            slug = unique(slugify(front.title[parsed.language], fallback="article", symbols=False), taken)
            target = config.content_dir / f"{slug}.md"
            _write_new(target, dump_article(front, parsed.paragraphs))
        except ContentError as exc:
            report.problems.extend(exc.problems)
            continue
        taken.add(slug)
        imported[source] = config.relative(target)
        report.created.append(f"{source} -> {config.relative(target)}")
    return report


def seed_files(config: Config) -> list[Path]:
    """Every file in ``seeds/`` (hidden ones aside), in a stable order."""
    if not config.seeds_dir.is_dir():
        return []
    return sorted(p for p in config.seeds_dir.iterdir() if p.is_file() and not p.name.startswith("."))


def draft_front_matter(seed: SeedArticle, source: str, today: dt.date, languages: tuple[str, ...]) -> FrontMatter:
    """Drafts in the original language, empty slots for the translations an editor adds."""
    lang = seed.language
    empty = {code: "" for code in languages}
    prompt_language = next((c for c, p in FEEDBACK_PROMPTS.items() if p == seed.feedback), None)
    if prompt_language:
        feedback = {code: FEEDBACK_PROMPTS.get(code, "") for code in languages}
    else:
        feedback = {**empty, lang: seed.feedback} if seed.feedback else {}
    return FrontMatter(
        title={**empty, lang: draft_title(seed.paragraphs[0], lang)},
        date=today,
        language=lang,
        tags=seed.tags,
        summary={**empty, lang: draft_summary(list(seed.paragraphs), lang)},
        feedback=feedback,
        source=source,
    )


def _read(seed: Path, source: str) -> bytes:
    try:
        return seed.read_bytes()
    except OSError as exc:
        raise ContentError.single(source, 0, f"cannot read: {exc.strerror}") from None


def _imported_sources(content_dir: Path) -> dict[str, str]:
    """Seed path -> content file, from the ``source:`` line of each content file."""
    found: dict[str, str] = {}
    for path in sorted(content_dir.glob("*.md")):
        text = path.read_text(encoding="utf-8", errors="replace")
        head = text.split("\n---", 1)[0]
        if match := _SOURCE_LINE.search(head):
            found.setdefault(match.group(1), f"{content_dir.name}/{path.name}")
    return found


def _write_new(target: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".import-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.link(tmp, target)  # fails instead of replacing a file that appeared meanwhile
    except FileExistsError:
        raise ContentError.single(target.name, 0, "exists already; not overwritten") from None
    finally:
        os.unlink(tmp)
