"""``tags.toml``: what a tag is called in each language, and which spellings mean the same tag.

A table per tag as content writes it, optional and committed::

    ["KI"]
    en = "AI"                       # its name on English pages (German ones show "KI")
    same = ["AI", "Künstliche Intelligenz"]   # spellings that are this tag too
    aliases = ["de/tags/kuenstliche-intelligenz/"]   # old tag URLs, redirecting here

A tag's name in the default language is its written name unless the table
gives one; a language without a name shows the written name (and ``check``
reminds). Spellings match ignoring case and spacing (:func:`model.tag_identity`).
Read with ``tomllib`` (a broken file or an unknown key is one error at its
line); written with ``tomlkit``, which keeps the editor's comments and order:
:func:`propose_names` adds names for review, :func:`record_rename` (``techdigest
tags rename``) merges a tag into another. The only module importing tomlkit.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .config import Config
from .content import alias_path
from .edits import replace_file
from .inputs import read_input
from .model import CONTROL_CHARACTERS, ContentError, Problem, excerpt, tag_identity
from .records import header_lines, key_line, parse_toml

if TYPE_CHECKING:  # tomlkit is loaded where tags.toml is written, not by every build that reads it
    import tomlkit
    from tomlkit.items import Table

TAGS_FILE = "tags.toml"
MACHINE = "machine_translated"  # the languages whose names `translate` proposed, until an editor checked them
_LISTS = ("same", "aliases", MACHINE)


@dataclass(frozen=True)
class TagEntry:
    """One table of ``tags.toml``: the tag as written (its header), its names, other spellings, old URLs."""

    written: str
    names: dict[str, str]
    same: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    line: int = 0
    machine: tuple[str, ...] = ()  # languages whose name is a machine translation not yet checked


@dataclass(frozen=True)
class TagNames:
    """Every table of ``tags.toml``, found by any of its spellings (identity -> entry)."""

    entries: tuple[TagEntry, ...] = ()
    languages: tuple[str, ...] = ("de", "en")  # the site's (the shipped config's by default)
    default: str = "de"  # whose name a tag's written name is, unless its table gives one
    _by_identity: dict[str, TagEntry] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for entry in self.entries:
            for spelling in (entry.written, *entry.same):
                self._by_identity.setdefault(tag_identity(spelling), entry)

    def entry(self, name: str) -> TagEntry | None:
        """The table ``name`` (as written in content, any of its spellings) belongs to, if any."""
        return self._by_identity.get(tag_identity(name))

    def canonical(self, name: str) -> str:
        """The spelling a tag is known by: its table's header, else ``name`` itself."""
        found = self.entry(name)
        return found.written if found else name


def read_tag_names(config: Config) -> TagNames:
    """``tags.toml`` as read (no tag named when there is none); an error at its line when it is broken."""
    text = _text(config)
    data = parse_toml(TAGS_FILE, text)
    lines = header_lines(text)
    entries, seen = [], dict[str, str]()
    for written, table in data.items():
        line = lines.get(written, 0)
        entry = dataclasses.replace(_entry(written, table, config.languages, _reporter(text, line)), line=line)
        for spelling in (entry.written, *entry.same):
            if (other := seen.setdefault(tag_identity(spelling), written)) != written:
                raise ContentError.single(TAGS_FILE, line, f"{excerpt(spelling)} is a spelling of [{excerpt(other)}]")
        entries.append(entry)
    return TagNames(tuple(entries), config.languages, config.default_language)


def _text(config: Config) -> str:
    path = config.root / TAGS_FILE
    return read_input(path, TAGS_FILE, config.root).decode("utf-8", errors="replace") if path.exists() else ""


_Report = Callable[[str, str], ContentError]  # (key, message) -> the error at that key's line


def _entry(written: str, table: Any, languages: tuple[str, ...], problem: _Report) -> TagEntry:
    if not isinstance(table, dict):
        raise problem(written, f'{excerpt(written)}: each tag is a table: [{excerpt(written)}] with en = "…"')
    if not _is_name(written):
        raise problem("", f"[{excerpt(written)}]: not a tag name")
    for key, value in table.items():
        if key not in (*languages, *_LISTS):
            raise problem(
                key, f"unknown key {excerpt(key)} (a language: {', '.join(languages)}; or {', '.join(_LISTS)})"
            )
        if key in languages and not _is_name(value):
            raise problem(key, f"{key}: must be a name (text without control characters)")
        if key in _LISTS and not (isinstance(value, list) and all(_is_name(item) for item in value)):
            raise problem(key, f"{key}: must be a list of texts")
    aliases = tuple(table.get("aliases", ()))
    for alias in aliases:
        if alias_path(alias) != alias:
            raise problem("aliases", f"aliases: {excerpt(alias)} must be a site path such as de/tags/old-name/")
    machine = tuple(table.get(MACHINE, ()))
    if not set(machine) <= set(languages):
        raise problem(MACHINE, f"{MACHINE}: must list site languages ({', '.join(languages)})")
    names = {code: " ".join(table[code].split()) for code in languages if code in table}
    same = tuple(" ".join(item.split()) for item in table.get("same", ()))
    return TagEntry(" ".join(written.split()), names, same, aliases, machine=machine)


def _is_name(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip()) and not CONTROL_CHARACTERS.search(value)


def _reporter(text: str, header: int) -> _Report:
    """How to report a problem at a key of the table whose header is at line ``header``."""

    def problem(key: str, message: str) -> ContentError:
        return ContentError.single(TAGS_FILE, key_line(text, header, key), message)

    return problem


def propose_names(config: Config, proposals: dict[str, dict[str, str]]) -> list[str]:
    """Names for review written into ``tags.toml``: for each tag (as written in content) each
    language's name, where the file gives none yet (an editor's names, comments and order are kept),
    each language listed under ``machine_translated`` until an editor has checked it (``check``
    reminds). Returns one line per name added. The caller holds the content lock."""
    names, document = read_tag_names(config), _document(config)
    added = []
    for written, by_lang in proposals.items():
        entry = names.entry(written)
        header = entry.written if entry else " ".join(written.split())
        table = _table(document, header)
        for code, name in by_lang.items():
            if code in config.languages and code not in table and _is_name(name):
                table[code] = " ".join(name.split())
                _extend(table, MACHINE, [code], header)
                added.append(f"{TAGS_FILE}: [{header}] {code} = {name!r}")
    if added:
        _write(config, document)
    return added


def unreviewed_names(config: Config) -> list[Problem]:
    """A reminder per table whose names ``translate`` proposed and no editor has checked yet; none
    while ``tags.toml`` cannot be read (that is an error of its own)."""
    try:
        entries = read_tag_names(config).entries
    except ContentError:
        return []
    text = _text(config)
    return [
        Problem(
            TAGS_FILE,
            key_line(text, entry.line, MACHINE),
            f"[{entry.written}] {MACHINE}: the {' and '.join(entry.machine)} name is a machine translation: "
            f"check it, then delete this line",
        )
        for entry in entries
        if entry.machine
    ]


def record_rename(config: Config, old: str, new: str, old_urls: list[str]) -> None:
    """``tags.toml`` after ``old`` became ``new``: old's table (names ``new`` lacks, spellings, old URLs)
    merged into new's (whose header is ``new`` when it was old's or there was none), ``old`` one of
    new's spellings and ``old_urls`` among new's aliases, so stray old spellings and old links land
    on ``new``. The caller holds the content lock."""
    names, document = read_tag_names(config), _document(config)
    before, after = names.entry(old), names.entry(new)
    header = after.written if after is not None and after is not before else new
    target = _table(document, header)
    if before is not None and before.written != header:
        for key, value in document[before.written].items():
            if key in config.languages and key not in target:
                target[key] = value
                if key in before.machine:  # still to be checked
                    _extend(target, MACHINE, [key], header)
        _extend(target, "same", [before.written, *before.same], header)
        _extend(target, "aliases", list(before.aliases), header)
        del document[before.written]
    _extend(target, "same", [old], header)
    _extend(target, "aliases", old_urls, header)
    _write(config, document)


def _document(config: Config) -> tomlkit.TOMLDocument:
    import tomlkit

    return tomlkit.parse(_text(config))


def _table(document: tomlkit.TOMLDocument, written: str) -> Table:
    """The table ``[written]`` of ``document``, appended if there is none."""
    import tomlkit
    from tomlkit.items import Table

    if written not in document:
        document[written] = tomlkit.table()
    table = document[written]
    assert isinstance(table, Table)
    return table


def _extend(table: Table, key: str, values: list[str], header: str) -> None:
    """``values`` appended to the list ``key`` (made if missing), those it has (by identity) and the
    table's own ``header`` left out."""
    known = {tag_identity(str(item)) for item in table.get(key, [])} | {tag_identity(header)}
    fresh = []
    for value in values:
        if tag_identity(value) not in known:
            known.add(tag_identity(value))
            fresh.append(value)
    if not fresh:
        return
    if key in table:
        table[key].extend(fresh)
    else:
        table[key] = fresh


def _write(config: Config, document: tomlkit.TOMLDocument) -> None:
    import tomlkit

    text = tomlkit.dumps(document)
    tomllib.loads(text)  # what we write reads back
    replace_file(config.root / TAGS_FILE, text)
