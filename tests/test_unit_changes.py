"""``changes``: file events classified by kind, and a narrow build chosen only when article texts changed."""

from __future__ import annotations

from dataclasses import replace

import pytest

from techdigest.build import build
from techdigest.changes import ChangeKind, Changes, classify, read, select
from techdigest.config import load_config
from techdigest.options import BuildOptions
from techdigest.render import inputs_digest

KNOWN = {"content/chip-export.md"}


@pytest.fixture
def config(project):
    return load_config(project)


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("content/new.md", ChangeKind.CONTENT),
        ("templates/base.html", ChangeKind.TEMPLATE),
        ("templates/static/style.css", ChangeKind.STATIC),
        ("locales/de/LC_MESSAGES/messages.po", ChangeKind.LOCALE),
        ("seeds/a.txt", ChangeKind.SEEDS),
        ("techdigest.toml", ChangeKind.CONFIG),
        ("tags.toml", ChangeKind.CONFIG),  # anything else: as if the settings changed
    ],
)
def test_a_changed_path_is_of_its_kind(config, project, path, kind):
    (project / path).parent.mkdir(parents=True, exist_ok=True)
    (project / path).touch()
    assert classify(config, {project / path}, KNOWN) == Changes(frozenset({kind}))


def test_an_existing_article_changed_is_its_text_and_a_folder_s_own_event_is_nothing(config, project):
    changes = classify(config, {project / "content" / "chip-export.md", project / "content"}, KNOWN)
    assert changes == Changes(frozenset({ChangeKind.ARTICLE_TEXT}), frozenset(KNOWN))


def test_only_article_texts_that_keep_date_and_tags_make_a_narrow_build(config, project):
    first = build(config, options=BuildOptions.for_preview())
    article = project / "content" / "chip-export.md"
    options = replace(BuildOptions.for_preview(), workers=1)

    def work(old: str, new: str):
        article.write_text(article.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
        changes = classify(config, {article}, first.state.parsed)
        reading = read(config, first.state, changes, first.output, options)
        return select(config, first.state, reading, inputs_digest(config), options)

    narrow = work("werden verschärft.", "werden deutlich verschärft.")
    assert not narrow.whole
    assert sorted(page.output for page in narrow.pages if "chip-export" in page.output) == [
        "de/2025/chip-export/index.html",
        "en/2025/chip-export/index.html",
    ]
    assert all(o.search_month is None or "chip-export" in o.name for o in narrow.outputs)
    assert work("date: 2025-11-20", "date: 2026-11-27").whole, "a new date moves it in its lists"


def test_a_build_finds_the_changed_texts_itself_and_makes_only_their_pages(config, project):
    first = build(config)
    options = BuildOptions(workers=1)
    reading = read(config, first.state, None, first.output, options)
    assert reading.again == frozenset() and len(reading.parsed) == 3
    unchanged = select(config, first.state, reading, inputs_digest(config), options)
    assert not unchanged.whole and unchanged.outputs == []
    article = project / "content" / "compilers-in-rust.md"
    article.write_text(article.read_text(encoding="utf-8").replace("Teams that maintain", "Teams who maintain"))
    reading = read(config, first.state, None, first.output, options)
    assert reading.again == {"content/compilers-in-rust.md"}
    work = select(config, first.state, reading, inputs_digest(config), options)
    shown = {page.output for page in work.pages}  # its pages and the listings showing it, not the others
    assert not work.whole and {"de/2026/compilers-in-rust/index.html", "en/index.html"} <= shown
    assert not shown & {"de/2025/chip-export/index.html", "en/tags/export/index.html"}


def edit_static(project):
    (project / "templates" / "static" / "style.css").write_text("body { color: red; }\n")


def name_a_tag(project):
    (project / "tags.toml").write_text('["Export"]\nen = "Exports"\n', encoding="utf-8")


def remove_an_article(project):
    (project / "content" / "compilers-in-rust.md").unlink()


def vandalize_the_site(project):
    (project / "site" / "de" / "index.html").write_text("vandalized")


@pytest.mark.parametrize("edit", [edit_static, name_a_tag, remove_an_article, vandalize_the_site])
def test_what_else_a_build_finds_changed_makes_the_whole_plan(config, project, edit):
    first = build(config)
    edit(project)
    options = BuildOptions(workers=1)
    reading = read(config, first.state, None, first.output, options)
    assert select(config, first.state, reading, inputs_digest(config), options).whole
