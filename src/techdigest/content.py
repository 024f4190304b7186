"""The content file format: YAML front matter between ``---`` lines, then Markdown.

Reading is a pure function from text to :class:`Article`, with every problem
reported at its line; writing (for the importer) produces the same format, so
what the importer writes always reads back unchanged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from .inputs import input_stat, read_input
from .markup import VERSION as MARKDOWN_VERSION
from .markup import Converter, make_markdown, to_html
from .model import CONTROL_CHARACTERS, EXCERPT_CHARS, Article, ContentError, FrontMatter, Problem, excerpt, shorten
from .parallel import Progress, fork_map
from .seeds import MAX_TAGS, merge_tags, too_many_tags
from .slugs import SLUG_RULE, is_slug, slugify

FIELDS = ("title", "date", "language", "tags", "summary", "feedback", "source")
_REQUIRED = ("title", "date", "language")
_PER_LANGUAGE = ("title", "summary", "feedback")
_FENCE = "---"
_MAX_NUMBER_CHARS = 100
Report = Callable[[str], None]
Stamp = tuple[int, int, int, int]  # size, mtime, inode, ctime: a file with the same stamp was not touched
# content file as shown to editors -> (its stamp, digest of its bytes and settings, the article read from it)
ParsedFiles = dict[str, tuple[Stamp, str, Article]]


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml's parser when PyYAML has it
    """Safe YAML without implicit timestamps: dates are checked by us, with a clear message."""


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> int:
    """An int of a sane length, or a YAML error at its line.

    Python refuses to read or print a decimal of more than 4,300 digits, and
    YAML's hex, binary and sexagesimal ints (``0xff…``, ``1:2:3…``) make such
    numbers from short text: no field of ours wants a number that long.
    """
    if len(node.value) > _MAX_NUMBER_CHARS:
        raise yaml.constructor.ConstructorError(
            None, None, f"a number of {len(node.value):,} characters is too long (quote it to make it a text)",
            node.start_mark)
    return yaml.SafeLoader.construct_yaml_int(loader, node)


_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse_article(
    path: str, text: str, languages: tuple[str, ...], converter: Converter, digest: str = ""
) -> Article:
    """``path`` is as the editor knows it (``content/x.md``); its stem is the slug."""
    _refuse_control_characters(path, text)
    meta, lines, body = _split(path, text)
    problems: list[Problem] = []

    def problem(key: str, message: str) -> None:
        problems.append(Problem(path, lines.get(key, 1), f"{shorten(key)}: {message}"))

    for key in sorted(set(meta) - set(FIELDS)):
        problem(key, f"unknown key (allowed: {', '.join(FIELDS)})")
    for key in _REQUIRED:
        if key not in meta:
            problems.append(Problem(path, 1, f"{key}: missing"))

    language = meta.get("language")
    if "language" in meta and language not in languages:
        problem("language", f"unknown language {excerpt(language)} (site languages: {', '.join(languages)})")
    texts = {
        key: _per_language(meta.get(key), language, languages, lambda m, k=key: problem(k, m)) for key in _PER_LANGUAGE
    }
    date = _date(meta.get("date"), lambda m: problem("date", m)) if "date" in meta else None
    tags = _tags(meta.get("tags", []), lambda m: problem("tags", m))
    source = meta.get("source", "")
    if not isinstance(source, str):
        problem("source", "must be a text")
    for key in (key for key in FIELDS if key in meta and key != "source"):  # source names a file, never shown
        if found := _control_character(meta[key]):
            problem(key, f"control character {found} (written as an escape) is not allowed; delete it")
    if "title" in meta and language in languages and not texts["title"].get(language):
        problem("title", f"needs a title in the original language ({language})")
    if problems:
        raise ContentError(problems)

    body_html = to_html(converter, body, path, first_line=len(text.splitlines()) - body.count("\n"))
    slug = path.rsplit("/", 1)[-1].removesuffix(".md")
    shown = (slug, date, language, tags, sorted(texts["title"].items()), sorted(texts["summary"].items()))
    return Article(
        slug=slug,
        path=path,
        title=texts["title"],
        date=date,
        language=language,
        tags=tags,
        summary=texts["summary"],
        feedback=texts["feedback"],
        source=source,
        body_html=body_html,
        word_count=len(re.findall(r"\w+", re.sub(r"<[^>]+>", " ", body_html))),
        lines=lines,
        digest=digest,
        entry_digest=hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest(),
    )


def load_articles(
    content_dir: Path,
    shown_as: str,
    languages: tuple[str, ...],
    unsafe_html: bool,
    previous: ParsedFiles,
    progress: Progress | None = None,
    only: set[str] | None = None,
) -> tuple[list[Article], ParsedFiles]:
    """Every ``*.md`` in ``content_dir`` (Emacs' ``.#x.md`` locks aside); all problems of all files in one error.

    A file whose bytes (and the settings that shape its HTML) are unchanged
    since ``previous`` is not parsed again: Markdown is the costly part. The
    others are parsed on all cores. ``only`` (``serve``, told by the file
    system which files changed): the other files of ``previous`` are taken
    as they are, without even a look at the folder.
    """
    # a digest starts with that of the settings that shape the HTML, so a settings change parses anew
    settings = hashlib.blake2b(f"{languages}|{unsafe_html}|{MARKDOWN_VERSION}".encode(), digest_size=8)
    prefix = settings.hexdigest()
    parsed: ParsedFiles = {}
    todo: list[tuple[str, Stamp, bytes, str]] = []
    problems: list[Problem] = []
    root = content_dir.parent  # the project: links leading out of it are not followed
    if only is None:
        with os.scandir(content_dir) as entries:
            files = sorted((e.name, e.path) for e in entries if e.name.endswith(".md") and not e.name.startswith(".#"))
    else:  # the others keep their place (the order of file names)
        parsed = dict(previous)
        files = [(shown.removeprefix(f"{shown_as}/"), str(content_dir / shown.removeprefix(f"{shown_as}/")))
                 for shown in sorted(only)]
    for name, path in files:
        shown = f"{shown_as}/{name}"
        try:
            stamp = _stamp(shown, Path(path), root)
            last = previous.get(shown)
            if last and last[0] == stamp and last[1].startswith(prefix):
                parsed[shown] = last
                continue
            data = read_input(Path(path), shown, root)
        except ContentError as exc:
            problems.extend(exc.problems)
            continue
        digest = prefix + hashlib.blake2b(data, digest_size=16).hexdigest()
        if last and last[1] == digest:
            parsed[shown] = (stamp, digest, last[2])
        else:
            parsed[shown] = (stamp, digest, None)  # type: ignore[assignment]  # filled in below, in file order
            todo.append((shown, stamp, data, digest))
    converters: list[Converter] = []  # one per process, made on first use

    def parse(job: tuple[str, Stamp, bytes, str]) -> Article | list[Problem]:
        shown, _, data, digest = job
        if not converters:
            converters.append(make_markdown(unsafe_html))
        try:
            return parse_article(shown, data.decode("utf-8"), languages, converters[0], digest)
        except UnicodeDecodeError:
            return [Problem(shown, 0, "not UTF-8 text")]
        except ContentError as exc:
            return exc.problems

    for (shown, stamp, _, digest), result in zip(todo, fork_map(parse, todo, progress), strict=True):
        if isinstance(result, list):
            problems.extend(result)
        else:
            parsed[shown] = (stamp, digest, result)
    if problems:
        raise ContentError(problems)
    return [article for _, _, article in parsed.values()], parsed


def _stamp(shown: str, path: Path, root: Path) -> Stamp:
    """The stamp of a content file whose name is a slug and which :func:`input_stat` lets us read.

    The name is the article's URL: ``..md`` or ``a?b.md`` would write over
    another page or make a broken link, so the file is renamed, not guessed at.
    """
    stem = path.name.removesuffix(".md")
    if not is_slug(stem):
        suggestion = slugify(stem, fallback="article", symbols=False)
        raise ContentError.single(shown, 0, f"the file name is the article's URL, so a slug ({SLUG_RULE}): "
                                            f"rename it, e.g. to {suggestion}.md")
    info = input_stat(path, shown, root)
    return info.st_size, info.st_mtime_ns, info.st_ino, info.st_ctime_ns


def dump_article(front: FrontMatter, paragraphs: tuple[str, ...]) -> str:
    """A content file whose body shows ``paragraphs`` literally once rendered."""
    data = {
        "title": front.title,
        "date": front.date,
        "language": front.language,
        "tags": list(front.tags),
        "summary": front.summary,
        "feedback": front.feedback,
        "source": front.source,
    }
    yaml_text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    body = "\n\n".join(literal_markdown(p) for p in paragraphs)
    return f"{_FENCE}\n{yaml_text}{_FENCE}\n\n{body}\n"


def literal_markdown(paragraph: str) -> str:
    """Markdown that renders as exactly this plain text, escaping only where needed.

    Editors will read and edit the result, so ordinary dots, dashes and
    parentheses stay as they are; only what Markdown or HTML would interpret
    (emphasis, code, links, line-start block markers, tags, entities) is escaped.
    """
    text = " ".join(paragraph.split())
    text = re.sub(r"([\\`*_\[\]])", r"\\\1", text)
    text = re.sub(r"&(?=#?\w+;)", "&amp;", text)
    text = text.replace("<", "&lt;")
    text = re.sub(r"^(#|>|[-+])", r"\\\1", text)
    return re.sub(r"^(\d+)\.", r"\1\\.", text)


def _split(path: str, text: str) -> tuple[dict[str, Any], dict[str, int], str]:
    """Front matter as a mapping, the line of each key, and the Markdown body."""
    text = text.removeprefix("\ufeff")
    lines = text.splitlines()
    if not lines or lines[0].strip() != _FENCE:
        raise ContentError.single(path, 1, "missing front matter: the file must start with a '---' line")
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == _FENCE), None)
    if end is None:
        raise ContentError.single(path, 1, "front matter is not closed by a '---' line")
    yaml_text = "\n".join(lines[1:end])
    try:
        _refuse_aliases(path, yaml_text)
        loader = _Loader(yaml_text)
        try:
            node = loader.get_single_node()
            meta = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = min(mark.line + 2, end) if mark else 1  # a mark past the YAML is its last line
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ContentError.single(path, line, f"invalid YAML: {shorten(reason, 2 * EXCERPT_CHARS)}") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise ContentError.single(path, 2, "front matter must be a mapping of keys to values")
    key_lines = {
        str(key.value): key.start_mark.line + 2 for key, _ in getattr(node, "value", []) if hasattr(key, "value")
    }
    return {str(k): v for k, v in meta.items()}, key_lines, "\n".join(lines[end + 1 :])


def _refuse_aliases(path: str, yaml_text: str) -> None:
    """An alias (``*name``) repeats a value without repeating its text: nine of them nested nine
    deep make a 4 KB file a value of a billion items. Front matter needs none."""
    for event in yaml.parse(yaml_text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            raise ContentError.single(path, event.start_mark.line + 2,
                                      "invalid YAML: aliases (*name) are not allowed in front matter; "
                                      "write the value out")


def _per_language(value: Any, original: Any, languages: tuple[str, ...], report: Report) -> dict[str, str]:
    """A text per language; a plain string is the text in the original language."""
    if value is None:
        return {}
    if isinstance(value, str):
        return {original: value.strip()} if isinstance(original, str) else {}
    if not isinstance(value, dict):
        report("must be a text or a mapping of language to text")
        return {}
    result: dict[str, str] = {}
    for code, text in value.items():
        if code not in languages:
            report(f"unknown language {excerpt(code)} (site languages: {', '.join(languages)})")
        elif text is not None and not isinstance(text, str):
            report(f"the {code} text must be a text")
        elif text and text.strip():
            result[code] = " ".join(text.split())
    return result


def _date(value: Any, report: Report) -> dt.date | None:
    text = value if isinstance(value, str) else excerpt(value)
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    report(f"invalid ISO date {excerpt(text)} (expected YYYY-MM-DD)")
    return None


def _tags(value: Any, report: Report) -> tuple[str, ...]:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list) or not all(isinstance(t, (str, int, float)) for t in value):
        report("must be a list of tag names")
        return ()
    tags = merge_tags(value)
    if len(tags) > MAX_TAGS:
        report(too_many_tags(len(tags)))
    return tags


def _refuse_control_characters(path: str, text: str) -> None:
    """A person wrote this file: a control character in it is a mistake to show, not to drop
    (seeds, scraped text, have them dropped instead); feeds could not hold it at all."""
    if found := CONTROL_CHARACTERS.search(text):
        line = text.count("\n", 0, found.start()) + 1
        raise ContentError.single(path, line, f"control character {_code_point(found.group())} is not allowed; "
                                              "delete it")


def _control_character(value: Any) -> str:
    """The first control character in a front-matter value, a text or the texts of a list or
    mapping (YAML escapes such as ``"\\e"`` make them), as ``U+001B``; empty when there is none.
    Deeper values are errors of their own."""
    items = [*value.keys(), *value.values()] if isinstance(value, dict) else value if isinstance(value, list) \
        else [value]
    found = next((m for item in items if isinstance(item, str) and (m := CONTROL_CHARACTERS.search(item))), None)
    return _code_point(found.group()) if found else ""


def _code_point(char: str) -> str:
    return f"U+{ord(char):04X}"


def front_matter(path: str, text: str) -> dict[str, Any]:
    """The front matter as YAML reads it, unchecked: what the importer needs (``source``) read as written."""
    return _split(path, text)[0]
