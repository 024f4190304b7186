"""``techdigest translate`` and ``review`` on a fixture project, against a stand-in LibreTranslate
server (tests/test_translate_engines.py has the stand-ins): drafts written without touching an
editor's text, labelled on pages, feeds and JSON-LD until reviewed; failures one line each."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest
from lxml import html
from test_translate_engines import KEY, libretranslate_api, openai_api, standin  # noqa: F401 - the fixture

from techdigest.cli import main
from techdigest.config import load_config
from techdigest.content import parse_article
from techdigest.markup import make_markdown
from techdigest.model import ContentError

CHIPS = "content/chip-export.md"


def run(project: Path, *args: str) -> int:
    return main(["-C", str(project), *args])


@pytest.fixture
def newsroom(project: Path, standin, monkeypatch: pytest.MonkeyPatch):  # noqa: F811 - the imported fixture
    """The fixture project with a stand-in LibreTranslate server set under [translate], and its key."""
    server = standin(libretranslate_api)
    with (project / "techdigest.toml").open("a", encoding="utf-8") as config:
        config.write(f'\n[translate]\nengine = "libretranslate"\nurl = "{server.url}"\ntimeout = 0.5\n')
        config.write('[translate.glossary]\n"KI-Chips" = "AI chips"\n')
    monkeypatch.setenv("LIBRETRANSLATE_API_KEY", KEY)
    chips = project / CHIPS
    chips.write_text(chips.read_text().replace("date:", "# kept: the editor's note\ndate:"), encoding="utf-8")
    return project, server


def front(project: Path, label: str):
    text = (project / label).read_text(encoding="utf-8")
    return parse_article(label, text, ("de", "en"), make_markdown(False))


def english_page(project: Path):
    return html.fromstring((project / "site/en/2025/chip-export/index.html").read_bytes())


def test_translate_review_and_the_label_from_start_to_end(newsroom, capsys) -> None:
    project, server = newsroom
    assert run(project, "translate") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:3] == [
        "content/chip-export.md: en title, summary, feedback machine-translated (libretranslate); "
        "review with techdigest review",
        "content/compilers-in-rust.md: nothing to translate",
        "content/openai-cerebras.md: nothing to translate",
    ]
    # then an English name proposed for each tag without one, for review in tags.toml
    assert "tags.toml: [Export] en = '(en) Export' (proposed; review it)" in out[3:]
    assert (project / "tags.toml").read_text(encoding="utf-8").count("en = ") == len(out) - 3
    text = (project / CHIPS).read_text(encoding="utf-8")
    assert "# kept: the editor's note" in text and "machine_translated: [en]\n" in text
    chips = front(project, CHIPS)
    assert chips.title["en"] == "(en) Neue Regeln für den Export von AI chips"  # the glossary's term
    assert chips.feedback == {
        "de": "Wie bewerten Sie den Schreibstil des Artikels?",
        "en": "(en) Wie bewerten Sie den Schreibstil des Artikels?",
    }
    assert server.seen[0][3]["q"][0] == "Neue Regeln für den TDX1X von TDX0X"  # a glossary term, a tag

    assert run(project, "build") == 0
    page = english_page(project)
    assert page.xpath("string(//h1)") == "(en) Neue Regeln für den Export von AI chips"
    assert page.xpath("//p[@class='machine-note']/span[@class='machine-translated']/text()") == ["Machine-translated"]
    assert page.xpath("//div[@class='summary'][1]//span[@class='machine-translated']/text()") == ["Machine-translated"]
    data = json.loads(page.xpath("//script[@type='application/ld+json']/text()")[0])
    assert data["translator"]["name"] == "Machine translation (techdigest translate)"
    assert data["translationOfWork"]["@id"] == "https://example.org/digest/de/2025/chip-export/"
    listing = (project / "site/en/index.html").read_text(encoding="utf-8")
    assert listing.count('class="machine-translated"') == 1
    german = html.fromstring((project / "site/de/2025/chip-export/index.html").read_bytes())
    assert not german.xpath("//p[@class='machine-note']")  # the original title
    assert german.xpath("//div[@lang='en']/h3/span[@class='machine-translated']/text()") == ["Maschinell übersetzt"]
    feed = feedparser.parse((project / "site/en/feed.xml").read_bytes())
    entry = next(e for e in feed.entries if "chip-export" in e.link)
    assert entry.summary.startswith("Machine-translated: (en) ")
    assert "machine-translated" in [t.term for t in entry.tags]

    assert run(project, "check") == 0
    reminders = capsys.readouterr().out
    line = next(n for n, text in enumerate((project / CHIPS).read_text().splitlines(), 1) if text.startswith("machine"))
    assert (
        f"reminder: {CHIPS}:{line}: machine_translated: the en texts are machine translations, labelled so until "
        "reviewed: read them, then techdigest review chip-export --lang en"
    ) in reminders
    # the article's texts, and each tag name proposed into tags.toml
    assert (
        "reminder: tags.toml:19: [Export] machine_translated: the en name is a machine translation: check it"
        in reminders
    )
    assert f"{len(out) - 2} unreviewed machine translations" in reminders

    assert run(project, "review", "chip-export", "--lang", "en") == 0
    assert capsys.readouterr().out == f"{CHIPS}: en reviewed; no longer labelled machine-translated\n"
    text = (project / CHIPS).read_text(encoding="utf-8")
    assert "machine_translated" not in text and "# kept: the editor's note" in text
    assert run(project, "build") == 0
    page = english_page(project)
    assert not page.xpath("//*[@class='machine-translated']")
    assert "translator" not in json.loads(page.xpath("//script[@type='application/ld+json']/text()")[0])
    assert page.xpath("string(//h1)") == "(en) Neue Regeln für den Export von AI chips"  # reviewed, kept


def test_an_editors_text_is_never_replaced_and_a_second_run_has_nothing_to_do(newsroom, capsys) -> None:
    project, server = newsroom
    chips = project / CHIPS
    chips.write_text(chips.read_text().replace("  de: Neue Regeln", "  en: Our own headline\n  de: Neue Regeln"))
    assert run(project, "translate", "chip-export", "--to", "en") == 0
    assert "en summary, feedback machine-translated" in capsys.readouterr().out
    assert front(project, CHIPS).title["en"] == "Our own headline"
    assert server.seen[-2][3]["q"] == [
        "Die Regeln für den TDX1X von TDX0X werden verschärft.",
        "Wie bewerten Sie den Schreibstil des Artikels?",
    ]
    assert server.seen[-1][3]["q"] == ["Export", "nvidia"]  # its tags' names, the tags themselves translated
    assert run(project, "translate", "chip-export") == 0
    assert capsys.readouterr().out == f"{CHIPS}: nothing to translate\n"
    assert run(project, "review", "chip-export") == 0
    assert run(project, "review", "chip-export", "--lang", "en") == 0
    assert capsys.readouterr().out.splitlines()[-1] == f"{CHIPS}: en not marked machine-translated; nothing to review"


def test_a_failing_article_is_one_line_the_others_are_written_and_a_rerun_continues(newsroom, capsys) -> None:
    project, server = newsroom
    rust = project / "content/compilers-in-rust.md"
    rust.write_text(rust.read_text().replace("  de: Wie bewerten Sie den Schreibstil des Artikels?\n", ""))
    server.queued.append((403, {}, {"error": f"Invalid API key {KEY}"}))  # the first article's request
    before = (project / CHIPS).read_bytes()
    assert run(project, "translate") == 1
    out, err = capsys.readouterr()
    assert (
        err == f"error: {CHIPS}: libretranslate: the server refused the key (403): check LIBRETRANSLATE_API_KEY: "
        "'Invalid API key ***'\n"
    )
    assert "compilers-in-rust.md: de feedback machine-translated" in out
    assert (project / CHIPS).read_bytes() == before  # nothing half-written
    assert run(project, "translate") == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{CHIPS}: en title, summary, feedback machine-translated (libretranslate); review with techdigest review",
        "content/compilers-in-rust.md: nothing to translate",
        "content/openai-cerebras.md: nothing to translate",
    ]


def test_the_openai_engine_from_the_command_line(project: Path, standin, monkeypatch, capsys) -> None:  # noqa: F811
    server = standin(openai_api)
    with (project / "techdigest.toml").open("a", encoding="utf-8") as config:
        config.write(f'\n[translate]\nurl = "{server.url}/v1"\nmodel = "llama3"\n')
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    assert run(project, "translate", "chip-export", "--engine", "openai") == 0
    assert KEY not in capsys.readouterr().out
    assert front(project, CHIPS).summary["en"] == "(en) Die Regeln für den Export von KI-Chips werden verschärft."


def test_no_engine_or_no_key_is_one_line_and_nothing_changes(project: Path, monkeypatch, capsys) -> None:
    monkeypatch.delenv("DEEPL_AUTH_KEY", raising=False)
    before = (project / CHIPS).read_bytes()
    assert run(project, "translate") == 1
    assert capsys.readouterr().err.startswith("error: no translation engine chosen: set engine = ")
    assert run(project, "translate", "--engine", "deepl") == 1
    assert (
        capsys.readouterr().err
        == "error: deepl: DEEPL_AUTH_KEY is not set (your DeepL API key, from your DeepL account)\n"
    )
    assert run(project, "translate", "--to", "fr", "--engine", "deepl") == 1
    assert "error: --to: 'fr' is not a language of the site (de, en)" in capsys.readouterr().err
    assert run(project, "translate", "nope", "--engine", "argos") == 1
    assert "content/nope.md: no such article" in capsys.readouterr().err
    assert (project / CHIPS).read_bytes() == before


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("[fr]", "machine_translated: unknown language 'fr' (site languages: de, en)"),
        ("[de]", "machine_translated: de is the original language: its texts are the editor's, not translations"),
        (
            "en",
            "machine_translated: must be a list of language codes ([en]); reviewing a language is deleting its code",
        ),
    ],
)
def test_machine_translated_is_checked(value: str, message: str) -> None:
    text = f"---\ntitle: Titel\ndate: 2026-11-25\nlanguage: de\nmachine_translated: {value}\n---\n\nText.\n"
    with pytest.raises(ContentError) as caught:
        parse_article("content/x.md", text, ("de", "en"), make_markdown(False))
    assert caught.value.lines() == [f"content/x.md:5: {message}"]


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ('engine = "google"', "'translate.engine' 'google' is not one of: deepl, libretranslate, openai, argos"),
        ('url = "localhost:5000"', "'translate.url' must be an absolute http(s) URL"),
        ("timeout = 0", "'translate.timeout' must be between 0 and 600 seconds"),
        ("timeout = true", "'translate.timeout' must be a whole number or number"),
        ('api_key = "secret"', "unknown key 'translate.api_key'"),
        ("glossary = {KI = 1}", "'translate.glossary' 'KI': must map a term to a text"),
    ],
)
def test_the_translate_section_is_checked(project: Path, section: str, message: str) -> None:
    with (project / "techdigest.toml").open("a", encoding="utf-8") as config:
        config.write(f"\n[translate]\n{section}\n")
    with pytest.raises(ContentError) as caught:
        load_config(project)
    assert caught.value.lines() == [f"techdigest.toml: {message}"]
