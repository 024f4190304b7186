"""``techdigest import`` on a scratch project, through the CLI as an editor runs it."""

import datetime as dt
import shutil
from pathlib import Path

import pytest

from techdigest.cli import main
from techdigest.config import load_config
from techdigest.content import load_articles
from techdigest.importer import import_seeds

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_41740d1de4a78704.txt"
DAY = dt.date(2026, 11, 25)


@pytest.fixture
def fresh(project: Path) -> Path:
    """The fixture project with an empty content folder and the first seed in seeds/."""
    shutil.rmtree(project / "content")
    (project / "content").mkdir()
    (project / "seeds").mkdir()
    shutil.copy(SEED, project / "seeds" / SEED.name)
    return project


def run(project: Path, *args: str) -> int:
    return main(["-C", str(project), *args])


def test_import_writes_a_content_file_that_builds(fresh, capsys):
    assert run(fresh, "import", "--date", "2026-11-25") == 0
    (created,) = (fresh / "content").glob("*.md")
    assert created.name == "openai-setzt-fuer-seine-fortschrittlichen-ki-modelle-wie.md"
    config = load_config(fresh)
    (article,), _ = load_articles(config.content_dir, "content", config.languages, False, {})
    assert article.title["de"].startswith("OpenAI setzt für seine fortschrittlichen KI-Modelle")
    assert len(article.title["de"]) <= 80
    assert "en" not in article.title and "en" not in article.summary
    assert article.tags == ("NVIDIA", "OpenAI", "AMD")
    assert article.feedback == {
        "de": "Wie bewerten Sie den Schreibstil des Artikels?",
        "en": "How would you rate the writing style of this article?",
    }
    assert article.source == f"seeds/{SEED.name}"
    assert article.date == DAY
    assert "Schlagwörter" not in article.body_html and "Schreibstil" not in article.body_html
    assert article.body_html.count("<p>") == 3
    assert "imported seeds/" in capsys.readouterr().out


def test_reimport_never_touches_an_edited_file(fresh, capsys):
    run(fresh, "import", "--date", "2026-11-25")
    (created,) = (fresh / "content").glob("*.md")
    edited = created.read_text(encoding="utf-8").replace("en: ''", "en: 'Edited'", 1)
    created.write_text(edited, encoding="utf-8")
    assert run(fresh, "import") == 0
    assert created.read_text(encoding="utf-8") == edited
    assert list((fresh / "content").glob("*.md")) == [created]
    assert "already imported" in capsys.readouterr().out


def test_two_seeds_with_the_same_slug_both_survive(fresh):
    shutil.copy(SEED, fresh / "seeds" / "copy.txt")
    report = import_seeds(load_config(fresh), sorted((fresh / "seeds").iterdir()), DAY)
    assert not report.problems
    names = sorted(p.name for p in (fresh / "content").glob("*.md"))
    assert names == [
        "openai-setzt-fuer-seine-fortschrittlichen-ki-modelle-wie-2.md",
        "openai-setzt-fuer-seine-fortschrittlichen-ki-modelle-wie.md",
    ]


def test_bad_seeds_are_reported_and_the_good_ones_imported(fresh, capsys):
    (fresh / "seeds" / "empty.txt").write_bytes(b"")
    (fresh / "seeds" / "binary.txt").write_bytes(bytes(range(256)))
    (fresh / "seeds" / "only-tags.txt").write_text("Schlagwörter: A + B\n", encoding="utf-8")
    assert run(fresh, "import") == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "error: seeds/binary.txt: not a text file (contains NUL bytes)",
        "error: seeds/empty.txt: empty seed: no article text",
        "error: seeds/only-tags.txt:1: no article text, only tags or feedback lines",
    ]
    assert len(list((fresh / "content").glob("*.md"))) == 1
    assert not list((fresh / "content").glob(".import-*"))


def test_an_existing_file_with_the_target_name_is_never_replaced(fresh):
    taken = fresh / "content" / "openai-setzt-fuer-seine-fortschrittlichen-ki-modelle-wie.md"
    taken.write_text("---\ntitle: {de: Eigener Text}\ndate: 2026-01-01\nlanguage: de\n---\nMeins.\n", encoding="utf-8")
    import_seeds(load_config(fresh), [fresh / "seeds" / SEED.name], DAY)
    assert "Meins." in taken.read_text(encoding="utf-8")
    assert (fresh / "content" / "openai-setzt-fuer-seine-fortschrittlichen-ki-modelle-wie-2.md").exists()
