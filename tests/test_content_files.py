"""Files in content/ that are not what they seem: odd names, links, folders, huge files, editors' locks.

Each is refused with one ``content/x.md: message`` line (all of them at once), and the site is left as it was.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import make_project, snapshot

from techdigest.cli import main
from techdigest.inputs import MAX_INPUT_BYTES, entry_stat, input_stat
from techdigest.model import ContentError
from techdigest.slugs import is_slug

SLUG_HINT = (
    "the file name is the article's URL, so a slug (a-z, 0-9 and single hyphens between them): rename it, e.g. to"
)


@pytest.fixture
def built(tmp_path: Path) -> Path:
    """A project built once: its site/ is what a refused build must leave untouched."""
    root = make_project(tmp_path / "project")
    assert main(["-C", str(root), "build"]) == 0
    return root


def refused(root: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The error lines of a build that must fail and leave site/ as it was."""
    before = snapshot(root / "site")
    capsys.readouterr()
    assert main(["-C", str(root), "build"]) == 1
    assert snapshot(root / "site") == before
    return capsys.readouterr().err.splitlines()


def article_text(root: Path) -> str:
    return (root / "content" / "chip-export.md").read_text(encoding="utf-8")


def linked_out(root: Path, name: str, elsewhere: Path) -> Path:
    """``content/<name>`` made a link to an article in ``elsewhere``, outside the project: its target."""
    secret = elsewhere / name
    secret.parent.mkdir(exist_ok=True)
    secret.write_text(article_text(root), encoding="utf-8")
    (root / "content" / name).unlink(missing_ok=True)
    (root / "content" / name).symlink_to(secret)
    return secret


def outside(label: str, secret: Path) -> str:
    return (
        f"error: {label}: a link to {secret.resolve()}, outside the project: "
        "only links that stay inside the project are followed"
    )


def linked_inside(root: Path) -> Path:
    """``content/entwurf.md`` made a link to ``drafts/entwurf.md``, inside the project: its target."""
    (root / "drafts").mkdir()
    (root / "drafts" / "entwurf.md").write_text(article_text(root), encoding="utf-8")
    (root / "content" / "entwurf.md").symlink_to(root / "drafts" / "entwurf.md")
    return root / "drafts" / "entwurf.md"


@pytest.mark.parametrize(
    ("name", "suggestion"),
    [
        ("...md", "article"),
        ("..md", "article"),
        (".md", "article"),
        ("a?b.md", "a-b"),
        ("a#b.md", "a-b"),
        ("100%.md", "100"),
        ("zwei worte.md", "zwei-worte"),
        ("Über.md", "ueber"),
        ("x--y.md", "x-y"),
        (".entwurf.md", "entwurf"),
    ],
)
def test_a_file_name_that_is_no_slug_is_refused_with_a_suggested_name(built, capsys, name, suggestion):
    (built / "content" / name).write_text(article_text(built), encoding="utf-8")
    assert refused(built, capsys) == [f"error: content/{name}: {SLUG_HINT} {suggestion}.md"]


def test_a_file_name_with_terminal_escapes_is_shown_escaped_on_one_line(built, capsys):
    (built / "content" / "rot\x1b[31m\nzeile.md").write_text(article_text(built), encoding="utf-8")
    assert refused(built, capsys) == [f"error: content/rot\\x1b[31m\\nzeile.md: {SLUG_HINT} rot-31m-zeile.md"]


def test_a_link_out_of_the_project_is_refused(built, capsys, tmp_path):
    secret = linked_out(built, "geheim.md", tmp_path / "elsewhere")
    assert refused(built, capsys) == [outside("content/geheim.md", secret)]


def test_a_link_inside_the_project_is_followed(built):
    linked_inside(built)
    assert main(["-C", str(built), "build"]) == 0
    assert (built / "site" / "de" / "2025" / "entwurf" / "index.html").is_file()


def test_a_link_loop_a_broken_link_and_a_folder_are_each_one_line(built, capsys):
    content = built / "content"
    (content / "kreis.md").symlink_to("kreis.md")
    (content / "weg.md").symlink_to("gibt-es-nicht.md")
    (content / "ordner.md").mkdir()
    assert refused(built, capsys) == [
        "error: content/kreis.md: cannot read: Too many levels of symbolic links",
        "error: content/ordner.md: not a regular file",
        "error: content/weg.md: cannot read: a link that leads nowhere",
    ]


def test_a_fifo_is_refused_without_blocking(built, capsys):
    os.mkfifo(built / "content" / "rohr.md")
    assert refused(built, capsys) == ["error: content/rohr.md: not a regular file"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file_is_one_line(built, capsys):
    path = built / "content" / "gesperrt.md"
    path.write_text(article_text(built), encoding="utf-8")
    path.chmod(0)
    assert refused(built, capsys) == ["error: content/gesperrt.md: cannot read: Permission denied"]


def test_an_emacs_lock_file_does_not_break_the_build(built):
    (built / "content" / ".#chip-export.md").symlink_to("root@host.12345:1700000000")
    assert main(["-C", str(built), "build"]) == 0


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(built, capsys):
    with open(built / "content" / "riesig.md", "wb") as handle:
        handle.truncate(50_000_000)  # sparse: costs no disk, and would cost 1 GB to parse
    assert refused(built, capsys) == [
        "error: content/riesig.md: too large: a seed, content file or config may have at most "
        f"{MAX_INPUT_BYTES:,} bytes (1 MiB)"
    ]


def test_every_bad_file_is_reported_in_one_run(built, capsys):
    content = built / "content"
    (content / "a?b.md").write_text(article_text(built), encoding="utf-8")
    (content / "weg.md").symlink_to("nirgends.md")
    (content / "kaputt.md").write_text("kein front matter\n", encoding="utf-8")
    assert [line.split(":", 2)[1] for line in refused(built, capsys)] == [
        " content/a?b.md",
        " content/weg.md",
        " content/kaputt.md",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("chip-export", True),
        ("a1", True),
        ("2026", True),
        ("", False),
        (".", False),
        ("..", False),
        ("a-", False),
        ("-a", False),
        ("a--b", False),
        ("A", False),
        ("a_b", False),
        ("ä", False),
        ("a b", False),
    ],
)
def test_is_slug(text, expected):
    assert is_slug(text) is expected


def test_a_content_folder_that_is_a_link_out_of_the_project_is_refused(built, capsys, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()  # empty: without the folder's own check this would build an empty site silently
    shutil.rmtree(built / "content")
    (built / "content").symlink_to(elsewhere)
    (line,) = refused(built, capsys)
    assert line == outside("content", elsewhere)


def test_a_content_folder_that_is_a_link_inside_the_project_is_read_and_its_edits_seen(built):
    shutil.move(built / "content", built / "texte")
    (built / "content").symlink_to("texte")
    assert main(["-C", str(built), "build"]) == 0
    page = built / "site" / "de" / "2025" / "chip-export" / "index.html"
    text = (built / "texte" / "chip-export.md").read_text(encoding="utf-8")
    (built / "texte" / "chip-export.md").write_text(text + "\nNachtrag durch den Link.\n", encoding="utf-8")
    assert main(["-C", str(built), "build"]) == 0
    assert "Nachtrag durch den Link." in page.read_text(encoding="utf-8")


def test_a_file_read_before_and_then_swapped_for_a_link_out_of_the_project_is_refused(built, capsys, tmp_path):
    secret = linked_out(built, "chip-export.md", tmp_path / "elsewhere")
    assert refused(built, capsys) == [outside("content/chip-export.md", secret)]


def test_a_link_inside_the_project_is_read_again_when_the_file_it_leads_to_changes(built):
    target = linked_inside(built)
    assert main(["-C", str(built), "build"]) == 0
    target.write_text(article_text(built) + "\nNeu im Ziel.\n", encoding="utf-8")
    assert main(["-C", str(built), "build"]) == 0
    assert "Neu im Ziel." in (built / "site" / "de" / "2025" / "entwurf" / "index.html").read_text(encoding="utf-8")


def test_a_scanned_file_has_the_stat_the_one_rule_gives_it(built):
    """``entry_stat`` (a scan's entry, one lstat) and ``input_stat`` (realpath, stat) agree on what
    they let through, and refuse the same files with the same lines."""
    content = built / "content"
    (built / "drafts").mkdir()
    (built / "drafts" / "entwurf.md").write_text("x", encoding="utf-8")
    (content / "entwurf.md").symlink_to(built / "drafts" / "entwurf.md")
    (content / "weg.md").symlink_to("nirgends.md")
    (content / "ordner.md").mkdir()
    os.mkfifo(content / "rohr.md")

    def outcome(stat_of) -> tuple[int, ...] | str:
        try:
            info = stat_of()
        except ContentError as exc:
            return str(exc)
        return info.st_size, info.st_mtime_ns, info.st_ino, info.st_ctime_ns

    with os.scandir(content) as entries:
        for entry in entries:
            label = f"content/{entry.name}"
            assert outcome(lambda e=entry, lb=label: entry_stat(e, lb, built)) == outcome(
                lambda e=entry, lb=label: input_stat(Path(e.path), lb, built)
            ), entry.name
