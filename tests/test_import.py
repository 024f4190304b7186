"""``techdigest import`` on a scratch project, through the CLI as an editor runs it."""

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from techdigest.cli import main
from techdigest.config import load_config
from techdigest.corpus import articles_of, read_all
from techdigest.importer import import_seeds
from techdigest.model import printable

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
    (article,) = articles_of(read_all(config))
    assert article.title["de"].startswith("OpenAI setzt für seine fortschrittlichen KI-Modelle")
    assert article.title["de"].endswith("Hardware-Anbietern")  # the main clause, whole (its verb is in it)
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
    assert not list((fresh / "content").glob(".techdigest-*"))


def test_an_existing_file_with_the_target_name_is_never_replaced(fresh):
    taken = fresh / "content" / "openai-setzt-fuer-seine-fortschrittlichen-ki-modelle-wie.md"
    taken.write_text("---\ntitle: {de: Eigener Text}\ndate: 2026-01-01\nlanguage: de\n---\nMeins.\n", encoding="utf-8")
    import_seeds(load_config(fresh), [fresh / "seeds" / SEED.name], DAY)
    assert "Meins." in taken.read_text(encoding="utf-8")
    assert (fresh / "content" / "openai-setzt-fuer-seine-fortschrittlichen-ki-modelle-wie-2.md").exists()


@pytest.mark.parametrize(
    "name",
    [
        "tab\there.txt",
        "new\nline.txt",
        "carriage\rreturn.txt",
        "bell\a.txt",
        "escape\x1b[31m.txt",
        "line\u2028separator.txt",
        "paragraph\u2029separator.txt",
        "next\x85line.txt",
        " leading and trailing .txt ",
        'it\'s "quoted".txt',
        "hash #1: colon.txt",
        "- dash.txt",
        "{brace}.txt",
        "ümlaut.txt",
        "long " + "word " * 30 + "name.txt",  # folded over two lines by YAML
        os.fsdecode(b"\xff\xfe.txt"),  # not UTF-8: a surrogate escape in the name
    ],
)
def test_a_seed_is_never_imported_twice_whatever_its_name(fresh, capsys, name):
    """Imported once and read back as written; or, if its name cannot be, refused every time."""
    (fresh / "seeds" / SEED.name).rename(fresh / "seeds" / name)
    first = run(fresh, "import")
    created = list((fresh / "content").glob("*.md"))
    second = run(fresh, "import")
    assert list((fresh / "content").glob("*.md")) == created
    out, err = capsys.readouterr()
    if created:
        assert first == second == 0 and "already imported" in out
        config = load_config(fresh)
        (article,) = articles_of(read_all(config))
        assert article.source == f"seeds/{name}"
    else:  # one line each time, the name escaped
        assert first == second == 1 and name.isprintable() is False
        assert (
            err.splitlines()
            == [
                f"error: seeds/{printable(name)}: this file name does not read back from "
                "YAML as written (a line break such as U+2028, or bytes that are not UTF-8, "
                "in it); rename the seed"
            ]
            * 2
        )


def test_front_matter_that_cannot_be_read_stops_the_import(fresh, capsys):
    """Its ``source`` is unknown: importing anyway could import that seed a second time."""
    (fresh / "content" / "broken.md").write_text("---\ntitle: [unclosed\n---\nText.\n", encoding="utf-8")
    assert run(fresh, "import") == 1
    assert capsys.readouterr().err.startswith("error: content/broken.md:")
    assert [p.name for p in (fresh / "content").iterdir()] == ["broken.md"]


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_imported_files_get_the_mode_any_new_file_gets(fresh, umask):
    previous = os.umask(umask)
    try:
        assert run(fresh, "import") == 0
    finally:
        os.umask(previous)
    (created,) = (fresh / "content").glob("*.md")
    assert created.stat().st_mode & 0o777 == 0o666 & ~umask


def test_concurrent_imports_take_each_seed_once(fresh):
    seeds = fresh / "seeds"
    text = SEED.read_text(encoding="utf-8")
    for n in range(80):
        (seeds / f"seed-{n:02d}.txt").write_text(f"Meldung {n}: {text}", encoding="utf-8")
    command = [sys.executable, "-m", "techdigest.cli", "-C", str(fresh), "import", "--date", "2026-11-25"]
    processes = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    config = load_config(fresh)
    articles = articles_of(read_all(config))
    sources = sorted(article.source for article in articles)
    assert sources == sorted(config.relative(seed) for seed in seeds.iterdir())
    assert not list((fresh / "content").glob(".techdigest-*"))


def test_a_file_left_half_written_by_a_killed_import_is_removed(fresh):
    left = fresh / "content" / ".techdigest-0123456789abcdef.tmp"
    left.write_text("---\ntitle: {de: Halb", encoding="utf-8")
    assert run(fresh, "import") == 0
    assert not left.exists()
    assert len(list((fresh / "content").glob("*.md"))) == 1


@pytest.mark.parametrize("value", ["1.12.2026", "20261201", "2026-13-01", "morgen"])
def test_a_date_in_another_format_says_which_one_it_wants(project, capsys, value):
    with pytest.raises(SystemExit) as exit_:
        main(["-C", str(project), "import", "--date", value])
    assert exit_.value.code == 2
    assert (
        capsys.readouterr()
        .err.splitlines()[-1]
        .endswith(f"argument --date: {value!r} is not a date as YYYY-MM-DD (e.g. 2026-12-01)")
    )


def test_the_project_folder_may_also_follow_the_command(project, tmp_path, capsys):
    assert main(["build", "-C", str(project), "-o", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "index.html").is_file()
