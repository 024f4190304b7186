import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from techdigest.i18n import format_date, language_name, load_translations

REPO = Path(__file__).resolve().parent.parent
LANGS = ["de", "en"]


def test_dates_are_formatted_by_babel_per_language():
    assert format_date(dt.date(2026, 11, 25), "de") == "25. November 2026"
    assert format_date(dt.date(2026, 11, 25), "en") == "November 25, 2026"
    assert format_date(dt.date(2026, 3, 1), "de") == "1. März 2026"


def test_language_names():
    assert [language_name("de"), language_name("en")] == ["Deutsch", "English"]
    assert language_name("en", "de") == "Englisch" and language_name("de", "en") == "German"


@pytest.mark.parametrize("lang", LANGS)
def test_every_catalog_entry_is_translated_and_none_is_fuzzy(lang):
    with (REPO / "locales" / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    assert not catalog.fuzzy
    for message in catalog:
        if not message.id:
            continue
        assert not message.fuzzy, message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"{lang}: untranslated {message.id!r}"


@pytest.mark.parametrize("lang", LANGS)
def test_plural_forms_come_from_the_catalog(lang):
    translations = load_translations(REPO / "locales", lang)
    one = translations.ngettext("%(num)d minute reading time", "%(num)d minutes reading time", 1) % {"num": 1}
    many = translations.ngettext("%(num)d minute reading time", "%(num)d minutes reading time", 3) % {"num": 3}
    assert (one, many) == {
        "de": ("1 Minute Lesezeit", "3 Minuten Lesezeit"),
        "en": ("1 minute reading time", "3 minutes reading time"),
    }[lang]


def test_catalogs_hold_every_string_the_templates_use(tmp_path):
    """``pybabel extract`` on the templates finds nothing the catalogs lack."""
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-o", str(pot), "."],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as handle:
        wanted = {m.id for m in read_po(handle) if m.id}
    for lang in LANGS:
        with (REPO / "locales" / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
            have = {m.id for m in read_po(handle, locale=lang) if m.id}
        assert wanted <= have, f"{lang} lacks {sorted(map(str, wanted - have))}"
