"""The only module that imports Babel: catalogs, dates and times, lists of names, language names.

Catalogs are compiled from the ``.po`` files in memory at every build, so no
``.mo`` file is ever committed or goes stale; dates are formatted by Babel
with an explicit locale, never through the process-wide OS locale.
"""

from __future__ import annotations

import datetime as dt
import io
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .model import ContentError, Moment

if TYPE_CHECKING:  # Babel is imported where it is used: a build that renders nothing never loads it
    from babel.support import Translations

DOMAIN = "messages"


def catalog_path(locales_dir: Path, lang: str) -> Path:
    return locales_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def load_translations(locales_dir: Path, lang: str) -> Translations:
    """The catalog of ``lang``, read from its ``.po`` file at every call (an edit shows at once) but
    compiled once per content: every feed of a build asks for it, and compiling costs ~5 ms."""
    path = catalog_path(locales_dir, lang)
    label = f"{locales_dir.name}/{lang}/LC_MESSAGES/{DOMAIN}.po"
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ContentError.single(label, 0, f"no catalog for language {lang!r}") from None
    return _compiled(data, lang, label)


@lru_cache(maxsize=8)
def _compiled(data: bytes, lang: str, label: str) -> Translations:
    """Shared by its callers, who only read it."""
    from babel import UnknownLocaleError
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import PoFileError, read_po
    from babel.support import Translations

    try:
        catalog = read_po(io.BytesIO(data), locale=lang, abort_invalid=True)
    except (PoFileError, UnknownLocaleError, UnicodeDecodeError) as exc:
        raise ContentError.single(label, getattr(exc, "lineno", 0), f"invalid catalog: {exc}") from None
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


@lru_cache(maxsize=65536)
def format_date(value: dt.date, lang: str) -> str:
    """``25. November 2026`` in German, ``November 25, 2026`` in English (cached: Babel
    parses its locale data on every call, and a site shows the same dates on many pages)."""
    from babel.dates import format_date as _format_date

    return _format_date(value, format="long", locale=lang)


def format_moment(value: Moment | dt.date, lang: str) -> str:
    """A date as :func:`format_date`, with its time if one was given: ``2. Dezember 2026, 07:30``,
    ``December 2, 2026, 7:30 AM``. The time is shown as ``value`` holds it (the caller puts it in
    the site's time zone). A plain day (a removal's) is shown as a date."""
    if isinstance(value, dt.date):
        return format_date(value, lang)
    return _format_wall(value.at.replace(tzinfo=None), lang) if value.timed else format_date(value.day, lang)


@lru_cache(maxsize=65536)
def _format_wall(at: dt.datetime, lang: str) -> str:
    """Keyed by the wall time alone: aware times of one instant in two zones are equal, shown apart."""
    from babel.dates import format_time, get_datetime_format

    pattern = str(get_datetime_format("medium", locale=lang)).replace("'", "")  # how Babel joins date and time
    return pattern.replace("{0}", format_time(at, "short", locale=lang)).replace("{1}", format_date(at.date(), lang))


@lru_cache(maxsize=1024)
def format_names(names: tuple[str, ...], lang: str) -> str:
    """``Erika Mustermann und Max Muster``: a byline's names as a list reads in ``lang``."""
    from babel.lists import format_list

    return format_list(list(names), locale=lang) if names else ""


@lru_cache(maxsize=1024)
def language_name(code: str, in_lang: str | None = None) -> str:
    """The language's name in ``in_lang``; by default in itself, as switchers show it."""
    from babel import Locale

    name = Locale.parse(code).get_display_name(in_lang or code) or code
    return name[:1].upper() + name[1:]


@lru_cache(maxsize=1024)
def og_locale(code: str) -> str:
    """The Open Graph form of a language: its most likely territory (``de`` → ``de_DE``)."""
    from babel import Locale
    from babel.core import get_global

    likely = Locale.parse(get_global("likely_subtags").get(code, code))
    return f"{likely.language}_{likely.territory}" if likely.territory else likely.language
