"""The data that flows between the pipeline stages, and the errors they raise.

Every stage takes these frozen dataclasses and returns new ones, so no stage can
change what another one already looked at: that is what keeps a build a pure
function of its inputs.
"""

from __future__ import annotations

import datetime as dt
import re
import reprlib
from dataclasses import dataclass, field
from pathlib import Path

EXCERPT_CHARS = 60  # the most of a value (or name) an error message quotes
# Characters no text of ours may hold: the C0 controls except tab, newline and CR; DEL and the C1
# controls (HTML parse errors, never text); the bidirectional embeddings, overrides and isolates
# (they make text read other than it is stored: "gpj.exe" shown as "exe.jpg"); U+FFFE and U+FFFF
# (not characters in XML: feeds refuse them).
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]")


def printable(text: str) -> str:
    """Text as a one-line message shows it on a terminal: tabs, line breaks and control characters
    (a file name may hold an ESC sequence) escaped, so an error is one line and never a command."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def shorten(text: str, limit: int = EXCERPT_CHARS) -> str:
    """``text`` cut to ``limit`` characters (``…`` marking the cut): a name as an error shows it."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def excerpt(value: object) -> str:
    """A value as an error message quotes it: ``repr``-like, but short whatever the value is.

    A 4 KB file can hold a value whose full ``repr`` is hundreds of megabytes
    (nested lists, long strings); every message quoting input goes through here,
    so an error line stays one short line and costs nothing to make.
    """
    bounded = reprlib.Repr()
    bounded.maxstring = bounded.maxother = EXCERPT_CHARS
    bounded.maxlist = bounded.maxtuple = bounded.maxdict = bounded.maxset = 4
    bounded.maxlevel = 2
    return shorten(bounded.repr(value))


class TechdigestError(Exception):
    """Base of every error the CLI turns into ``path:line: message`` lines."""

    def lines(self) -> list[str]:
        return [printable(str(self))]


@dataclass(frozen=True)
class Problem:
    """One finding about one input file; ``line`` is 1-based, 0 when unknown."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return printable(f"{where}: {self.message}")


class ContentError(TechdigestError):
    """One or more problems in input files, collected so an editor sees all at once."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    @classmethod
    def single(cls, path: str | Path, line: int, message: str) -> ContentError:
        return cls([Problem(str(path), line, message)])

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]


# the texts an article has per language (the others are the same in every language)
TRANSLATED = ("title", "summary", "feedback")


def tag_identity(name: str) -> str:
    """What makes two tag names the same tag: case and spacing do not count."""
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class Tag:
    """A tag as the site shows it: ``name`` as written in content (the oldest article's spelling, or
    its ``tags.toml`` table's), ``slug`` its default language's slug (what the site keys it by), and
    per language its name and slug (``missing``: the languages showing the written name for want of
    one of their own); ``aliases``: its old URLs (``tags.toml``), which redirect to it."""

    name: str
    slug: str
    names: dict[str, str] = field(default_factory=dict)
    slugs: dict[str, str] = field(default_factory=dict)
    missing: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()

    def name_in(self, lang: str) -> str:
        return self.names.get(lang, self.name)

    def slug_in(self, lang: str) -> str:
        return self.slugs.get(lang, self.slug)

    @property
    def key(self) -> str:
        """Its names and slugs in one plain string: what pages showing it are keyed by."""
        return "|".join(f"{code}:{self.slugs[code]}={self.names[code]}" for code in sorted(self.slugs))


@dataclass(frozen=True)
class Text:
    """A text and the language it is in; ``fallback`` when it stands in for a translation."""

    value: str
    lang: str
    fallback: bool
    machine: bool = False  # a translation engine's text an editor has not reviewed yet


@dataclass(frozen=True, order=True)
class Moment:
    """A point in time as an editor wrote it: ``at`` in the site's time zone, and whether a time of
    day was given (a plain date means that day, from its first minute, and is shown without a time)."""

    at: dt.datetime  # aware: an offset of its own, or the site's time zone
    timed: bool = field(default=False, compare=False)

    @property
    def day(self) -> dt.date:
        return self.at.date()

    def isoformat(self) -> str:
        """``2026-12-02`` or ``2026-12-02T07:30:00+01:00``: the precision the editor gave."""
        return self.at.isoformat() if self.timed else self.day.isoformat()


@dataclass(frozen=True, kw_only=True)
class FrontMatter:
    """What an editor writes above the body; texts per language are dicts keyed by code."""

    title: dict[str, str]
    published: Moment  # the front matter's ``date``
    language: str
    tags: tuple[str, ...]
    summary: dict[str, str]
    feedback: dict[str, str]
    source: str
    draft: bool = False
    updated: Moment | None = None  # a correction's date
    id: str = ""  # permanent (a UUID, given at import): what feeds and ratings know the article by
    aliases: tuple[str, ...] = ()  # its old URLs (site-relative), which redirect to it
    author: tuple[str, ...] = ()
    # the languages whose texts a translation engine wrote, until an editor reviews them
    machine_translated: tuple[str, ...] = ()

    @property
    def date(self) -> dt.date:
        """The day it is published, in the site's time zone: its URL's year, the date listings show."""
        return self.published.day

    def status(self, now: dt.datetime) -> str:
        """``draft``, ``scheduled`` (its date is after ``now``: embargoed) or ``""`` (published)."""
        return "draft" if self.draft else "scheduled" if self.published.at > now else ""


@dataclass(frozen=True, kw_only=True)
class Article(FrontMatter):
    """One article as read from ``content/``: its front matter and what the build derives."""

    slug: str
    path: str
    body_html: str
    word_count: int
    lines: dict[str, int] = field(default_factory=dict, compare=False)
    # of the file and the settings that shape its HTML: what pages and feeds showing it are keyed by
    digest: str = ""
    # of what listings show (title, summary, date, tags): a body edit leaves the listings alone
    entry_digest: str = ""

    def text(self, field_name: str, lang: str) -> Text:
        """The field in ``lang``, else the original language's text, with the language it is in.

        The caller learns the language actually shown, so a fallback is marked
        with its own ``lang`` instead of passing silently as a translation.
        """
        values: dict[str, str] = getattr(self, field_name)
        found = next((code for code in (lang, self.language, *sorted(values)) if values.get(code)), None)
        if not found:
            return Text("", lang, False)
        return Text(values[found], found, found != lang, found in self.machine_translated)


@dataclass(frozen=True)
class Site:
    """Everything the pages are planned from: articles newest first, tags by slug."""

    articles: tuple[Article, ...]
    tags: dict[str, Tag]
    tag_articles: dict[str, tuple[Article, ...]]
    article_tags: dict[str, tuple[Tag, ...]]
    # each article's tags (as pages show them) in one plain string, for the keys of those pages
    tag_keys: dict[str, str]
    # the articles shown marked, by slug: "draft" or "scheduled" (only in builds that show them)
    status: dict[str, str] = field(default_factory=dict)
