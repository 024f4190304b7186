"""The project's two committed records of an article's life: ``imported.toml`` and ``removed.toml``.

``imported.toml`` maps each seed that ``import`` turned into an article to
that article's id: a recorded seed is never imported again, even once its
content file was deleted (by hand or by ``remove``), and since the record is
committed this holds in a fresh clone too. ``removed.toml`` lists the articles
``remove`` took off the site, with the URLs they had, so the build can leave a
"removed" page at each of them. Both are read with ``tomllib`` and written
whole (with ``tomli-w``) by the commands that hold the content lock; a broken
record is one error naming its file and line, never a guess.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .config import Config
from .content import alias_path
from .edits import replace_file
from .inputs import read_input
from .model import ContentError, excerpt
from .slugs import is_slug

IMPORTED = "imported.toml"
REMOVED = "removed.toml"
_HEADERS = {
    IMPORTED: "# Seeds `techdigest import` has turned into articles (seed -> article id): never imported again,\n"
    "# even after the article was removed. Written by techdigest; commit it.\n",
    REMOVED: "# Articles taken off the site with `techdigest remove`: the build leaves a page saying so at each\n"
    "# of their URLs (unless a live page has that URL now). Written by techdigest; commit it.\n",
}


@dataclass(frozen=True)
class Removed:
    """One removed article: its id, slug, the day it was removed and every URL it had."""

    id: str
    slug: str
    date: dt.date
    urls: tuple[str, ...]


def read_imported(config: Config) -> dict[str, str]:
    """Seed path (as ``source`` names it) -> the id of the article made from it."""
    data, problem = _load(config, IMPORTED)
    table = data.get("imported", {})
    if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
        raise problem("[imported]", "must map each seed path to an article id (text)")
    return dict(table)


def write_imported(config: Config, imported: dict[str, str]) -> None:
    _write(config, IMPORTED, {"imported": dict(sorted(imported.items()))})


def read_removed(config: Config) -> tuple[Removed, ...]:
    """The removed articles in the order they were removed; none without a ``removed.toml``."""
    data, problem = _load(config, REMOVED)
    entries = data.get("removed", [])
    if not isinstance(entries, list):
        raise problem("[[removed]]", "must be a list of [[removed]] tables")
    return tuple(_removed(entry, number, problem) for number, entry in enumerate(entries))


def add_removed(config: Config, entry: Removed) -> None:
    """``entry`` added to ``removed.toml`` (in place of an entry with its id: removed once)."""
    kept = [item for item in read_removed(config) if item.id != entry.id or not entry.id]
    rows = [{"id": e.id, "slug": e.slug, "date": e.date, "urls": list(e.urls)} for e in (*kept, entry)]
    _write(config, REMOVED, {"removed": rows})


def _removed(entry: Any, number: int, problem: _Problem) -> Removed:
    where = f"[[removed]]#{number + 1}"
    if not isinstance(entry, dict) or set(entry) != {"id", "slug", "date", "urls"}:
        raise problem(where, "each [[removed]] has exactly id, slug, date and urls")
    urls = entry["urls"]
    if not isinstance(urls, list) or not all(isinstance(u, str) and alias_path(u) == u for u in urls):
        raise problem(where, f"urls {excerpt(urls)} must be site paths such as de/2026/old-name/")
    if not (isinstance(entry["slug"], str) and is_slug(entry["slug"])) or not isinstance(entry["id"], str):
        raise problem(where, "id must be a text and slug a slug")
    if not isinstance(entry["date"], dt.date) or isinstance(entry["date"], dt.datetime):
        raise problem(where, "date must be a day (YYYY-MM-DD)")
    return Removed(entry["id"], entry["slug"], entry["date"], tuple(urls))


_Problem = Callable[[str, str], ContentError]


def _load(config: Config, name: str) -> tuple[dict[str, Any], _Problem]:
    """The record ``name`` (empty if there is none), and how to report a problem at a table of it."""
    path = config.root / name
    text = read_input(path, name, config.root).decode("utf-8", errors="replace") if path.exists() else ""
    data = parse_toml(name, text)

    def problem(where: str, message: str) -> ContentError:
        return ContentError.single(name, _line_of(text, where), f"{where.partition('#')[0]}: {message}")

    return data, problem


def parse_toml(name: str, text: str) -> dict[str, Any]:
    """The TOML file ``name`` read from ``text``; broken, an error at the line the parser names."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+), column \d+\)$", str(exc))
        message = re.sub(r"\s*\(at (line .*|end of document)\)$", "", str(exc))
        raise ContentError.single(name, int(found.group(1)) if found else 0, f"invalid TOML: {message}") from None


def header_lines(text: str) -> dict[str, int]:
    """The line of each table's header in a TOML text, by the table's name as TOML reads it (a
    dotted ``[a.b]`` counts for ``a`` only where ``[a]`` itself comes later or not at all)."""
    found: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if re.match(r"\s*\[[^\[]", line):
            try:
                for name in tomllib.loads(line):
                    found.setdefault(name, number)
            except tomllib.TOMLDecodeError:
                continue
    return found


def key_line(text: str, header: int, key: str) -> int:
    """The line of ``key`` in the table whose header is at line ``header`` (0: the keys before any
    table); the header's line if the key is not written there (given inline, say)."""
    lines = text.splitlines()
    for number in range(header, len(lines)):
        if re.match(r"\s*\[", lines[number]):
            break
        if key and re.match(rf"\s*\"?{re.escape(key)}\"?\s*=", lines[number]):
            return number + 1
    return header


def _line_of(text: str, where: str) -> int:
    """The line of the table ``where`` names (``[[removed]]#2``: the second one), 0 when not found."""
    header, _, count = where.partition("#")
    lines = [number for number, line in enumerate(text.splitlines(), 1) if line.strip() == header]
    wanted = int(count or 1)
    return lines[wanted - 1] if len(lines) >= wanted else 0


def _write(config: Config, name: str, data: dict[str, Any]) -> None:
    import tomli_w  # only a command that records something writes TOML

    replace_file(config.root / name, _HEADERS[name] + tomli_w.dumps(data))
