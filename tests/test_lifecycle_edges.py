"""The edges of an article's life an editor (or a slip) reaches: a copied file keeps the original's
id, a URL moved twice before a build, an alias on a file the build writes, a local time the clocks
skip, an embargoed article removed, a rename to a path. ``check`` refuses what ``build`` refuses."""

import re
import uuid
from pathlib import Path

import pytest
from conftest import page

from techdigest.cli import main

ID = str(uuid.uuid4())


def run(project: Path, *args: str) -> int:
    return main(["-C", str(project), *args])


def with_front(project: Path, slug: str, lines: str) -> Path:
    """``content/slug.md`` with ``lines`` added to its front matter (after ``language``)."""
    path = project / "content" / f"{slug}.md"
    path.write_text(re.sub(r"^(language: .*)$", rf"\1\n{lines}", path.read_text(), count=1, flags=re.M))
    return path


def refresh_target(site: Path, url: str) -> str:
    return page(site, url).xpath("//meta[@http-equiv='refresh']/@content")[0].split("url=", 1)[1]


def test_a_copied_file_keeps_the_original_id_and_is_refused_at_its_line(project, capsys):
    original = with_front(project, "chip-export", f"id: {ID}")
    (project / "content" / "chip-export-2.md").write_text(original.read_text().replace("Neue Regeln", "Noch mehr"))
    for command in ("build", "check"):
        assert run(project, command) == 1
        out = capsys.readouterr()
        found = re.findall(
            r"error: (content/\S+):6: id: also the id of (content/\S+); each article needs its own", out.err + out.out
        )
        assert found == [
            ("content/chip-export-2.md", "content/chip-export.md"),
            ("content/chip-export.md", "content/chip-export-2.md"),
        ]


def test_a_year_moved_then_renamed_before_a_build_keeps_the_live_url(project):
    path = with_front(project, "chip-export", f"id: {ID}")
    assert run(project, "build") == 0
    path.write_text(path.read_text().replace("date: 2025-11-20", "date: 2024-11-20"))
    assert run(project, "rename", "chip-export", "chip-rules") == 0
    assert run(project, "build") == 0
    site = project / "site"
    for lang in ("de", "en"):  # the URLs that were live, not only those of the new date
        assert refresh_target(site, f"{lang}/2025/chip-export/") == "../../2024/chip-rules/"
    assert "de/2025/chip-export/" in (project / "content" / "chip-rules.md").read_text()


def test_a_file_renamed_by_hand_is_found_by_its_id_and_its_old_url_redirects(project, capsys):
    path = with_front(project, "chip-export", f"id: {ID}")
    assert run(project, "build") == 0
    path.rename(project / "content" / "chip-rules.md")
    assert run(project, "build") == 0
    assert refresh_target(project / "site", "de/2025/chip-export/") == "../chip-rules/"
    assert "content/chip-rules.md: moved from de/2025/chip-export/, en/2025/chip-export/" in capsys.readouterr().out


@pytest.mark.parametrize("alias", ["static/style.css", "de/feed.xml/", "pagefind/2025/", "de/2026/compilers-in-rust/"])
def test_an_alias_on_a_file_the_build_writes_is_an_error_at_its_line_in_check_and_build(project, capsys, alias):
    with_front(project, "chip-export", f"aliases: [{alias}]")
    site_before = sorted(p.name for p in project.iterdir())
    for command in ("check", "build"):
        assert run(project, command) == 1
        out = capsys.readouterr()
        assert re.search(
            r"error: content/chip-export\.md:6: aliases: \S+ is the URL of another page", out.out + out.err
        )
    assert sorted(p.name for p in project.iterdir()) == site_before  # no site/ was written


def test_a_broken_removed_record_stops_check_too(project, capsys):
    (project / "removed.toml").write_text("[[removed]]\nid = 5\n")
    assert run(project, "check") == 1
    assert "error: removed.toml" in capsys.readouterr().out


def test_a_local_time_the_clocks_skip_is_refused_where_it_is_written(project, capsys):
    config = project / "techdigest.toml"
    config.write_text('timezone = "Europe/Berlin"\n' + config.read_text())
    path = project / "content" / "chip-export.md"
    path.write_text(path.read_text().replace("date: 2025-11-20", "date: 2026-03-29T02:30"))
    assert run(project, "build") == 1
    assert capsys.readouterr().err.startswith(
        "error: content/chip-export.md:4: date: '2026-03-29T02:30' does not exist in Europe/Berlin"
    )
    path.write_text(path.read_text().replace("2026-03-29T02:30", "2026-03-29T03:30\ndraft: true"))
    assert run(project, "publish", "chip-export", "--date", "2026-03-29T02:45") == 1
    assert "error: --date: '2026-03-29T02:45' does not exist in Europe/Berlin" in capsys.readouterr().err
    assert "draft: true" in path.read_text()


def test_removing_an_embargoed_article_leaves_no_page_giving_its_url_away(project, capsys):
    path = project / "content" / "chip-export.md"
    path.write_text(path.read_text().replace("date: 2025-11-20", "date: 2099-01-01T08:00"))
    assert run(project, "remove", "chip-export") == 0
    assert "(not yet published: it had no URL)" in capsys.readouterr().out
    assert run(project, "build") == 0
    assert not (project / "site" / "de" / "2099").exists()


@pytest.mark.parametrize("name", ["../../tmp/x", "content/../x", "a/b"])
def test_a_rename_to_a_path_is_refused(project, capsys, name):
    assert run(project, "rename", "chip-export", name) == 1
    assert "names no content file" in capsys.readouterr().err
    assert (project / "content" / "chip-export.md").exists()


def test_the_root_page_changes_with_a_correction(project):
    with_front(project, "chip-export", "updated: 2027-01-05")
    assert run(project, "build") == 0
    sitemap = (project / "site" / "sitemap.xml").read_text()
    assert re.search(r"digest/</loc>\s*<lastmod>2027-01-05</lastmod>", sitemap)
