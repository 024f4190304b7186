"""``techdigest check``, the editor's gate: errors stop publishing, reminders list what is left to do."""

from pathlib import Path

import pytest

from techdigest.cli import main

LEAD = (
    "Der finnische Hersteller Kaiva bringt mit dem Kaiva 5 ein Smartphone auf den Markt, dessen Akku sich ohne"
    " Werkzeug wechseln lässt. Es kostet 549 Euro."
)
SCHEDULED = """---
title: {de: Kaiva 5 kommt im Dezember, en: Kaiva 5 arrives in December}
date: 2026-12-02T07:30:00+01:00
language: de
tags: [Smartphone]
summary: {de: Kurz., en: Short.}
---

Das Kaiva 5 kommt.
"""


def run(project: Path, *args: str) -> int:
    return main(["-C", str(project), "check", *args])


def set_config(project: Path, old: str, new: str) -> None:
    config = project / "techdigest.toml"
    config.write_text(config.read_text().replace(old, new, 1))


@pytest.fixture
def newsroom(project: Path) -> Path:
    """The fixture site in Berlin's time zone, with an imported draft and an embargoed article."""
    set_config(project, "languages =", 'timezone = "Europe/Berlin"\nlanguages =')
    (project / "seeds").mkdir()
    (project / "seeds" / "kaiva.txt").write_text(f"{LEAD}\nSchlagwörter: Kaiva + Smartphone\n", encoding="utf-8")
    assert main(["-C", str(project), "import", "--date", "2026-11-30"]) == 0
    (project / "content" / "kaiva-5.md").write_text(SCHEDULED, encoding="utf-8")
    named = ["nvidia", "C++", "C#", "C", "Rust", "OpenAI", "AMD", "Kaiva", "Smartphone"]  # all but Export
    (project / "tags.toml").write_text("".join(f'["{tag}"]\nen = "{tag}"\n' for tag in named), encoding="utf-8")
    return project


def lines_of(text: str) -> list[str]:
    return text.splitlines()


def test_reminders_per_file_and_line_sorted_and_exit_0_unless_strict(newsroom, capsys):
    capsys.readouterr()
    assert run(newsroom, "--clock", "2026-12-01T12:00") == 0
    out = lines_of(capsys.readouterr().out)
    draft = "content/der-finnische-hersteller-kaiva-bringt-mit-dem-kaiva-5-ein.md"
    assert out == [
        "reminder: content/chip-export.md:2: title: no en text yet (not yet translated)",
        "reminder: content/chip-export.md:6: tags: 'Export' has no en name yet: give it one in tags.toml",
        "reminder: content/chip-export.md:7: summary: no en text yet (not yet translated)",
        "reminder: content/chip-export.md:9: feedback: no en text yet (not yet translated)",
        f"reminder: {draft}:2: title: still as imported (the text's opening words): write a headline",
        f"reminder: {draft}:2: title: no en text yet (not yet translated)",
        f"reminder: {draft}:7: a draft, not published: remove this line to publish it",
        f"reminder: {draft}:12: summary: no en text yet (not yet translated)",
        "reminder: content/kaiva-5.md:3: scheduled: goes live 2026-12-02 07:30 (Europe/Berlin)",
        "checked 5 articles: no errors; reminders: 1 draft, 1 scheduled, 1 imported title, 5 open translations,"
        " 1 untranslated tag",
    ]
    assert (newsroom / draft).read_text().splitlines()[6] == "draft: true"
    assert run(newsroom, "--clock", "2026-12-01T12:00", "--strict") == 1


def test_an_article_is_no_longer_scheduled_once_its_time_has_come(newsroom, capsys):
    assert run(newsroom, "--clock", "2026-12-02T07:29") == 0
    assert (
        "reminder: content/kaiva-5.md:3: scheduled: goes live 2026-12-02 07:30 (Europe/Berlin)"
        in capsys.readouterr().out
    )
    assert run(newsroom, "--clock", "2026-12-02T07:30") == 0
    assert "scheduled" not in capsys.readouterr().out


def test_an_editors_headline_is_no_reminder_and_a_cut_title_is(project, capsys):
    article = project / "content" / "openai-cerebras.md"
    text = article.read_text()
    assert run(project) == 0
    assert "imported" not in capsys.readouterr().out
    headline = text.split("de: ", 1)[1].split("\n", 1)[0].strip().strip('"')
    article.write_text(text.replace(headline, "OpenAI setzt auf…", 1))
    assert run(project) == 0
    assert "reminder: content/openai-cerebras.md:2: title: still as imported (cut with …): write a headline" in (
        capsys.readouterr().out
    )


def test_content_errors_are_listed_by_file_and_line_and_exit_1(project, capsys):
    broken = "---\ntitle: {de: Kaputt}\ndate: 2026-11-01\nlanguage: fr\n---\nText.\n"
    (project / "content" / "a-broken.md").write_text(broken)
    (project / "content" / "z-broken.md").write_text(broken.replace("fr", "de").replace("11-01", "13-01"))
    assert run(project) == 1
    assert lines_of(capsys.readouterr().out) == [
        "error: content/a-broken.md:4: language: unknown language 'fr' (site languages: de, en)",
        "error: content/z-broken.md:3: date: invalid date '2026-13-01'"
        " (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[+01:00])",
        "checked the content: 2 errors; reminders once every file reads",
    ]


def test_the_shipped_example_values_are_errors_at_their_lines_until_overridden(project, capsys):
    set_config(project, "https://example.org/digest/", "https://techdigest.github.io/techdigest/")
    set_config(project, '"example/digest"', '"techdigest/techdigest"')
    assert run(project) == 1
    out = lines_of(capsys.readouterr().out)
    assert [line for line in out if line.startswith("error")] == [
        "error: techdigest.toml:1: base_url is still the example https://techdigest.github.io/techdigest/: set the"
        " address the site is published at (GitHub Pages: https://OWNER.github.io/REPO/), or pass --base-url",
        "error: techdigest.toml:14: feedback.github_repo is still the example techdigest/techdigest: name your"
        ' repository as OWNER/REPO (or "" for no rating form), or pass --feedback-repo',
    ]
    assert out[-1].startswith("checked 3 articles: 2 errors; reminders: 3 open translations")
    assert run(project, "--base-url", "https://owner.github.io/news/", "--feedback-repo", "owner/news") == 0
    assert capsys.readouterr().out.startswith("reminder: ")


def test_a_bad_override_is_one_line(project, capsys):
    assert run(project, "--feedback-repo", "not a repo") == 1
    assert capsys.readouterr().err == "error: --feedback-repo: 'not a repo' does not look like OWNER/REPO\n"
