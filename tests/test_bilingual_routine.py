"""A new German seed to English pages, as an editor runs it (README, "Translation"): import →
translate (a stand-in LibreTranslate server on 127.0.0.1) → English title, summary and tag names,
labelled machine-translated on the page → review → the label is gone, the texts stay."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from lxml import html
from test_translate_engines import KEY, libretranslate_api, standin  # noqa: F401 - the fixture

from techdigest.cli import main

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_41740d1de4a78704.txt"


def run(project: Path, *args: str) -> int:
    return main(["-C", str(project), *args])


def english_page(project: Path, slug: str) -> html.HtmlElement:
    assert run(project, "build", "--drafts") == 0
    return html.fromstring((project / "site" / "en" / "2026" / slug / "index.html").read_bytes())


def test_a_german_seed_becomes_an_english_page_labelled_until_reviewed(
    project: Path,
    standin,  # noqa: F811 - the imported fixture
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server = standin(libretranslate_api)
    with (project / "techdigest.toml").open("a", encoding="utf-8") as config:
        config.write(f'\n[translate]\nengine = "libretranslate"\nurl = "{server.url}"\n')
    monkeypatch.setenv("LIBRETRANSLATE_API_KEY", KEY)
    (project / "content" / "openai-cerebras.md").unlink()  # the fixture's article of that seed
    (project / "seeds").mkdir()
    shutil.copy(SEED, project / "seeds" / SEED.name)

    assert run(project, "import", "--date", "2026-12-01") == 0
    slug = re.search(r"-> content/([a-z0-9-]+)\.md", capsys.readouterr().out).group(1)
    assert run(project, "translate", slug) == 0
    out = capsys.readouterr().out
    assert f"content/{slug}.md: en title, summary machine-translated (libretranslate)" in out  # feedback: known
    assert "tags.toml: [AMD] en = '(en) AMD' (proposed; review it)" in out

    page = english_page(project, slug)
    title = page.xpath("string(//h1)")
    assert title.startswith("(en) OpenAI setzt")  # the stand-in's translation, not the German fallback
    assert page.xpath("//p[@class='machine-note']/span[@class='machine-translated']/text()") == ["Machine-translated"]
    summary = page.xpath("//div[@class='summary'][1]")[0]
    assert summary.get("lang") == "en" and "(en)" in summary.text_content()
    tags = page.xpath("//ul[@class='tags']//a")
    assert [a.text for a in tags] == ["(en) nvidia", "(en) OpenAI", "(en) AMD"]  # the fixture spells it nvidia
    assert [a.get("href") for a in tags] == [f"../../tags/en-{name}/" for name in ("nvidia", "openai", "amd")]
    assert "Not yet translated" not in page.text_content()

    assert run(project, "review", slug, "--lang", "en") == 0
    page = english_page(project, slug)
    assert not page.xpath("//*[@class='machine-translated']")
    assert page.xpath("string(//h1)") == title
