"""What an editor or a misbehaving engine does at the edges of translation and tag names: a server
that repeats its key in a translation, a reply that is the original, names from tags.toml inside a
text, two tags given one name, a rename into a spelling of the same tag, a review of no language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import page
from test_translate_engines import (  # noqa: F401 - the fixture
    KEY,
    Reply,
    engine_for,
    fake,
    libretranslate_api,
    standin,
)

from techdigest.cli import main
from techdigest.engines import EngineError, Terms, checked_reply

CHIPS = "content/chip-export.md"


def run(project: Path, *args: str) -> int:
    return main(["-C", str(project), *args])


def configured(project: Path, url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    with (project / "techdigest.toml").open("a", encoding="utf-8") as config:
        config.write(f'\n[translate]\nengine = "libretranslate"\nurl = "{url}"\ntimeout = 0.5\n')
    monkeypatch.setenv("LIBRETRANSLATE_API_KEY", KEY)
    return project


def echoing_key(method: str, path: str, headers: dict[str, str], body: Any) -> Reply:
    """A broken proxy: it translates, and appends the key it was sent."""
    return 200, {}, {"translatedText": [f"{fake(text)} [{body['api_key']}]" for text in body["q"]]}


def test_a_reply_holding_the_key_is_refused_and_nothing_is_written(
    project,
    standin,  # noqa: F811
    monkeypatch,
    capsys,
) -> None:
    configured(project, standin(echoing_key).url, monkeypatch)
    before = (project / CHIPS).read_text()
    assert run(project, "translate", "chip-export") == 1
    out = capsys.readouterr()
    assert KEY not in out.out + out.err
    assert "the reply holds the API key (shown as ***): refused" in out.err
    assert (project / CHIPS).read_text() == before and not (project / "tags.toml").exists()


def test_a_reply_that_is_the_original_text_is_no_translation_but_a_name_may_stay() -> None:
    with pytest.raises(EngineError, match="the reply is the original text, not a translation"):
        checked_reply("Neue Regeln für den Export", "Neue  Regeln für den Export")
    assert checked_reply("Chips Act", "Chips Act") == "Chips Act"  # short: may well be the same
    assert checked_reply("Cyber Resilience Act", "Cyber Resilience Act", name=True) == "Cyber Resilience Act"


def test_a_tag_named_in_tags_toml_is_rendered_as_that_name_inside_a_text(
    project,
    standin,  # noqa: F811
    monkeypatch,
    capsys,
) -> None:
    server = standin(libretranslate_api)
    configured(project, server.url, monkeypatch)
    (project / "tags.toml").write_text('["Export"]\nen = "export controls"\n')
    assert run(project, "translate", "chip-export", "--to", "en") == 0
    text = (project / CHIPS).read_text()
    assert "(en) Neue Regeln für den export controls von KI-Chips" in text  # the name, not the German tag
    assert server.seen[0][3]["q"][0] == "Neue Regeln für den TDX0X von KI-Chips"


def test_two_tags_given_one_name_are_an_error_at_the_table(project, capsys) -> None:
    (project / "tags.toml").write_text('["nvidia"]\nen = "Chips"\n\n["Export"]\nen = "Chips"\n')
    for command in ("build", "check"):
        assert run(project, command) == 1
        out = capsys.readouterr()
        assert "error: tags.toml:" in out.out + out.err
        assert "two tags need two names" in out.out + out.err


def test_renaming_a_tag_into_its_own_spelling_keeps_the_old_url(project, capsys) -> None:
    (project / "tags.toml").write_text('["nvidia"]\nsame = ["GPU"]\n')
    assert run(project, "build") == 0
    assert (project / "site/de/tags/nvidia/index.html").exists()
    assert run(project, "tags", "rename", "nvidia", "GPU") == 0
    assert "de/tags/nvidia/" in capsys.readouterr().out
    assert run(project, "build") == 0
    refresh = page(project / "site", "de/tags/nvidia/").xpath("//meta[@http-equiv='refresh']/@content")
    assert refresh and refresh[0].endswith("../gpu/")


def test_a_review_of_a_language_the_site_does_not_have_is_an_error(project, capsys) -> None:
    assert run(project, "review", "chip-export", "--lang", "fr") == 1
    assert "error: --lang: 'fr' is not a language of the site (de, en)" in capsys.readouterr().err


def test_terms_keep_unnamed_tags_and_name_the_others() -> None:
    from techdigest.config import TranslateSettings
    from techdigest.engines import terms_for

    terms = terms_for(TranslateSettings(), ("Export", "NVIDIA"), "de", "de", {"Export": "export controls"})
    assert terms == Terms((("Export", "export controls"),), ("NVIDIA",))


def test_an_engine_reply_with_the_key_is_refused_whatever_the_engine(standin) -> None:  # noqa: F811
    server = standin(echoing_key)
    engine = engine_for("libretranslate", server.url)
    with pytest.raises(EngineError, match=r"holds the API key \(shown as \*\*\*\)"):
        engine.translate(["Ein Satz mit mehreren Wörtern."], "de", "en", Terms())
