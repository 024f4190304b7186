"""The content file format: YAML front matter between ``---`` lines, then Markdown.

Reading is a pure function from text to :class:`Article`, with every problem
reported at its line; writing (for the importer) produces the same format, so
what the importer writes always reads back unchanged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any

import yaml

from .model import (
    CONTROL_CHARACTERS,
    EXCERPT_CHARS,
    TRANSLATED,
    Article,
    ContentError,
    FrontMatter,
    Moment,
    Problem,
    excerpt,
    shorten,
)
from .seeds import MAX_TAGS, merge_tags, too_many_tags

if TYPE_CHECKING:  # Markdown is loaded where a body is converted, not by every reader of content files
    from .markup import Converter

FIELDS = (
    "title",
    "date",
    "updated",
    "draft",
    "language",
    "author",
    "tags",
    "summary",
    "feedback",
    "machine_translated",
    "aliases",
    "source",
    "id",
)
_REQUIRED = ("title", "date", "language")
FENCE = "---"
_MAX_NUMBER_CHARS = 100
Report = Callable[[str], None]


if TYPE_CHECKING:  # mypy takes no base class chosen at run time; both have SafeLoader's interface
    _SafeLoader = yaml.SafeLoader
else:
    _SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser when PyYAML has it


class _Loader(_SafeLoader):
    """Safe YAML without implicit timestamps: dates are checked by us, with a clear message."""


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> int:
    """An int of a sane length, or a YAML error at its line.

    Python refuses to read or print a decimal of more than 4,300 digits, and
    YAML's hex, binary and sexagesimal ints (``0xff…``, ``1:2:3…``) make such
    numbers from short text: no field of ours wants a number that long.
    """
    if len(node.value) > _MAX_NUMBER_CHARS:
        raise yaml.constructor.ConstructorError(
            None,
            None,
            f"a number of {len(node.value):,} characters is too long (quote it to make it a text)",
            node.start_mark,
        )
    return yaml.SafeLoader.construct_yaml_int(loader, node)


_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse_article(  # noqa: PLR0913 - the settings a file is read with, each one named where it is called
    path: str,
    text: str,
    languages: tuple[str, ...],
    converter: Converter,
    digest: str = "",
    *,
    zone: dt.tzinfo = dt.UTC,
) -> Article:
    """``path`` is as the editor knows it (``content/x.md``); its stem is the slug. ``zone``: the site's
    time zone, in which a date without an offset is read."""
    _refuse_control_characters(path, text)
    meta, lines, body = _split(path, text)
    front = _front_matter(path, meta, lines, languages, zone)
    from .markup import to_html

    body_html = to_html(converter, body, path, first_line=len(text.splitlines()) - body.count("\n"))
    slug = path.rsplit("/", 1)[-1].removesuffix(".md")
    listed = (
        slug,
        front.published,
        front.published.timed,
        front.updated,
        front.draft,
        front.language,
        front.author,
        front.tags,
        sorted(front.title.items()),
        sorted(front.summary.items()),
        front.machine_translated,
    )
    return Article(
        **vars(front),
        slug=slug,
        path=path,
        body_html=body_html,
        word_count=len(re.findall(r"\w+", re.sub(r"<[^>]+>", " ", body_html))),
        lines=lines,
        digest=digest,
        entry_digest=hashlib.blake2b(repr(listed).encode(), digest_size=16).hexdigest(),
    )


def _front_matter(
    path: str, meta: dict[str, Any], lines: dict[str, int], languages: tuple[str, ...], zone: dt.tzinfo
) -> FrontMatter:
    """The front matter checked, each problem at its key's line; all of them raised together."""
    problems: list[Problem] = []

    def problem(key: str, message: str) -> None:
        problems.append(Problem(path, lines.get(key, 1), f"{shorten(key)}: {message}"))

    for key in sorted(set(meta) - set(FIELDS)):
        problem(key, f"unknown key (allowed: {', '.join(FIELDS)})")
    problems += [Problem(path, 1, f"{key}: missing") for key in _REQUIRED if key not in meta]
    language = meta.get("language")
    if "language" in meta and language not in languages:
        problem("language", f"unknown language {excerpt(language)} (site languages: {', '.join(languages)})")
    texts = {key: _per_language(meta.get(key), language, languages, partial(problem, key)) for key in TRANSLATED}
    date = _moment(meta["date"], zone, partial(problem, "date")) if "date" in meta else None
    updated = _moment(meta["updated"], zone, partial(problem, "updated")) if meta.get("updated") is not None else None
    if date and updated and updated < date:
        problem("updated", f"{updated.isoformat()} is before the article's date ({date.isoformat()})")
    tags = _tags(meta.get("tags", []), lambda m: problem("tags", m))
    source = meta.get("source", "")
    if not isinstance(source, str):
        problem("source", "must be a text")
    draft = meta.get("draft", False)
    if not isinstance(draft, bool):
        problem("draft", "must be true or false (publishing is deleting the line)")
    identity = _identity(meta["id"], partial(problem, "id")) if "id" in meta else ""
    aliases = _aliases(meta.get("aliases"), partial(problem, "aliases"))
    author = _names(meta.get("author"), partial(problem, "author"))
    machine = _machine_translated(
        meta.get("machine_translated"), language, languages, partial(problem, "machine_translated")
    )
    for key in (key for key in FIELDS if key in meta and key != "source"):  # source names a file, never shown
        if found := _control_character(meta[key]):
            problem(key, f"control character {found} (written as an escape) is not allowed; delete it")
    if "title" in meta and language in languages and not texts["title"].get(language):
        problem("title", f"needs a title in the original language ({language})")
    if problems:  # in the order an editor reads the file
        raise ContentError(sorted(problems, key=lambda found: found.line))
    assert date is not None and isinstance(language, str)  # required fields: a problem above otherwise
    return FrontMatter(
        title=texts["title"],
        published=date,
        language=language,
        tags=tags,
        summary=texts["summary"],
        feedback=texts["feedback"],
        source=source,
        draft=draft is True,
        updated=updated,
        id=identity,
        aliases=aliases,
        author=author,
        machine_translated=machine,
    )


def dump_article(front: FrontMatter, paragraphs: tuple[str, ...]) -> str:
    """A content file whose body shows ``paragraphs`` literally once rendered; keys left at their
    defaults (no author, no correction, not a draft) are left out, as an editor would."""
    data: dict[str, Any] = {"title": front.title, "date": _written(front.published)}
    if front.updated:
        data["updated"] = _written(front.updated)
    if front.draft:
        data["draft"] = True
    data["language"] = front.language
    if front.author:
        data["author"] = front.author[0] if len(front.author) == 1 else list(front.author)
    data |= {"tags": list(front.tags), "summary": front.summary, "feedback": front.feedback}
    if front.aliases:
        data["aliases"] = list(front.aliases)
    data["source"] = front.source
    if front.id:
        data["id"] = front.id
    dumper = _FastDumper if all(_emitted_alike(text) for text in _texts(data)) else _Dumper
    yaml_text = yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False, width=100)
    body = "\n\n".join(literal_markdown(p) for p in paragraphs)
    return f"{FENCE}\n{yaml_text}{FENCE}\n\n{body}\n"


def _written(moment: Moment) -> object:
    """A date as an editor writes it: a day plain (``2026-12-01``; a date object, which YAML writes
    unquoted), a time as its ISO text."""
    return moment.isoformat() if moment.timed else moment.day


class _Dumper(yaml.SafeDumper):
    """Long texts as folded blocks (``>-``): they read as paragraphs, and a command that changes the
    front matter later (:mod:`edits`) keeps a folded block as it is, line breaks and all (it would
    re-wrap a long plain text, and every change would touch the editor's lines)."""


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=">" if len(text) > _FOLDED else None)


_FOLDED = 80  # characters: a text longer than this is written as a folded block
_Dumper.add_representer(str, _represent_text)

if TYPE_CHECKING:  # as for the loader: mypy takes no base class chosen at run time
    _FastSafeDumper = yaml.SafeDumper
else:
    _FastSafeDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's emitter when PyYAML has it


class _FastDumper(_FastSafeDumper):
    """:class:`_Dumper` with libyaml's emitter (a front matter dumps four times faster): used only
    for front matter whose texts it writes byte for byte as PyYAML's own emitter does
    (:func:`_emitted_alike`)."""


_FastDumper.add_representer(str, _represent_text)


def _emitted_alike(text: str) -> bool:
    """Whether both emitters write ``text`` alike: printable characters of the Basic Multilingual
    Plane with single spaces between words, which is what a seed's texts are once
    :func:`seeds.parse_seed` has cleaned them. libyaml escapes characters beyond it (emoji), breaks
    quoted texts and runs of spaces at other places, and cannot encode the surrogate escapes of a
    file name that is not UTF-8 (a ``source``); such a front matter is written by PyYAML's emitter."""
    return not text or (text.isprintable() and max(text) < "\U00010000" and "  " not in f" {text} ")


def _texts(value: object) -> Iterator[str]:
    """Every text in a front matter about to be dumped, keys and values, at any depth."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(key)
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


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
    if not lines or lines[0].strip() != FENCE:
        raise ContentError.single(path, 1, "missing front matter: the file must start with a '---' line")
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == FENCE), None)
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
        reason = shorten(getattr(exc, "problem", None) or str(exc).splitlines()[0], 2 * EXCERPT_CHARS)
        if reason.startswith("mapping values are not allowed"):  # a title such as ``de: Export: USA …``
            reason += "; put a text that holds ': ' in quotes (de: \"Export: USA …\")"
        raise ContentError.single(path, line, f"invalid YAML: {reason}") from None
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
    deep make a 4 KB file a value of a billion items. Front matter needs none.

    This parse of its own is skipped for a text without ``*`` (no alias), ``&`` (no anchor) and a
    line opening with ``---`` (no second document): the only errors the loader's parse raises that
    this one does not are about anchors, aliases and second documents, so for such a text the
    loader stops at the same first error, with the same message.
    """
    if "*" not in yaml_text and "&" not in yaml_text and not _DOCUMENT_START.search(yaml_text):
        return
    for event in yaml.parse(yaml_text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            raise ContentError.single(
                path,
                event.start_mark.line + 2 if event.start_mark else 1,  # the parser always sets it
                "invalid YAML: aliases (*name) are not allowed in front matter; write the value out",
            )


_DOCUMENT_START = re.compile(r"^---", re.MULTILINE)


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


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?")


def read_moment(value: Any, zone: dt.tzinfo) -> Moment:
    """``2026-12-02`` (that day, from its start in ``zone``) or ``2026-12-02T07:30[:00][+01:00|Z]``
    (without an offset: in ``zone``); a ValueError saying what is wrong otherwise, including a time
    of day that the clocks skip in ``zone`` (02:30 on the night summer time begins)."""
    text = value if isinstance(value, str) else ""
    try:
        if _DAY.fullmatch(text):
            day = dt.date.fromisoformat(text)
            return Moment(dt.datetime(day.year, day.month, day.day, tzinfo=zone))
        if _TIME.fullmatch(text):
            at = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            if at.tzinfo is None and _skipped(at, zone):
                raise _Skipped(
                    f"{excerpt(value)} does not exist in {zone} (the clocks skip that hour): "
                    "write a time after the change, or give an offset"
                )
            # in the site's time zone, whatever offset it was written with: its day is the site's day
            return Moment(at.astimezone(zone) if at.tzinfo else at.replace(tzinfo=zone), timed=True)
    except _Skipped:
        raise
    except ValueError:
        pass
    raise ValueError(f"invalid date {excerpt(value)} (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[+01:00])")


class _Skipped(ValueError):
    """A local time that does not exist."""


def _skipped(wall: dt.datetime, zone: dt.tzinfo) -> bool:
    """Whether no moment shows ``wall`` on the clocks of ``zone`` (it falls into a gap)."""
    there = wall.replace(tzinfo=zone).astimezone(dt.UTC).astimezone(zone)
    return there.replace(tzinfo=None) != wall


def parse_moment(value: Any, zone: dt.tzinfo) -> Moment | None:
    """:func:`read_moment`, None instead of the error."""
    try:
        return read_moment(value, zone)
    except ValueError:
        return None


def _moment(value: Any, zone: dt.tzinfo, report: Report) -> Moment | None:
    try:
        return read_moment(value, zone)
    except ValueError as exc:
        report(str(exc))
        return None


def _identity(value: Any, report: Report) -> str:
    """The article's permanent id: a UUID (``import`` writes a new one), in its canonical spelling."""
    try:
        if isinstance(value, str):
            return str(uuid.UUID(value))
    except ValueError:
        pass
    report(f"{excerpt(value)} is not a UUID; each article keeps the id it was given (a new one: {uuid.uuid4()})")
    return ""


_ALIAS_SEGMENT = re.compile(r"[A-Za-z0-9._~-]+")


def _aliases(value: Any, report: Report) -> tuple[str, ...]:
    """Old URLs of the article, site-relative (``de/2025/old-name/``); a leading ``/`` is allowed and
    a missing final one added (a folder), unless the URL names a file (``old.html``)."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        report("must be a list of old URLs (de/2025/old-name/)")
        return ()
    found: list[str] = []
    for item in value:
        alias = alias_path(item)
        if alias is None:
            report(f"{excerpt(item)} is not a URL path of the site (such as de/2025/old-name/)")
        elif alias not in found:
            found.append(alias)
    return tuple(found)


def alias_path(text: str) -> str | None:
    """``text`` as a site-relative URL path that a page can be written to (``de/2025/old-name/``), or
    None: never a way out of the site (``..``) nor a character a URL would have to escape."""
    path = text.strip().lstrip("/")
    segments = path.rstrip("/").split("/")
    if not path or any(s in (".", "..") or not _ALIAS_SEGMENT.fullmatch(s) for s in segments):
        return None
    return path if path.endswith((".html", "/")) else path + "/"


def _machine_translated(value: Any, original: Any, languages: tuple[str, ...], report: Report) -> tuple[str, ...]:
    """The languages whose texts an engine wrote (``techdigest translate``) and no editor reviewed yet."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        report("must be a list of language codes ([en]); reviewing a language is deleting its code")
        return ()
    for code in value:
        if code not in languages:
            report(f"unknown language {excerpt(code)} (site languages: {', '.join(languages)})")
        elif code == original:
            report(f"{code} is the original language: its texts are the editor's, not translations")
    return tuple(dict.fromkeys(code for code in value if code in languages and code != original))


def _names(value: Any, report: Report) -> tuple[str, ...]:
    """One name or a list of names."""
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        report("must be a name or a list of names")
        return ()
    return tuple(dict.fromkeys(" ".join(item.split()) for item in items if item.strip()))


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
        raise ContentError.single(
            path, line, f"control character {_code_point(found.group())} is not allowed; delete it"
        )


def _control_character(value: Any) -> str:
    """The first control character in a front-matter value, a text or the texts of a list or
    mapping (YAML escapes such as ``"\\e"`` make them), as ``U+001B``; empty when there is none.
    Deeper values are errors of their own."""
    items = (
        [*value.keys(), *value.values()] if isinstance(value, dict) else value if isinstance(value, list) else [value]
    )
    found = next((m for item in items if isinstance(item, str) and (m := CONTROL_CHARACTERS.search(item))), None)
    return _code_point(found.group()) if found else ""


def _code_point(char: str) -> str:
    return f"U+{ord(char):04X}"


def front_matter(path: str, text: str) -> dict[str, Any]:
    """The front matter as YAML reads it, unchecked: what the importer needs (``source``) read as written."""
    return _split(path, text)[0]
