"""An article's life after import, through the CLI as an editor runs it: publish, rename (old URLs
redirect), a date moved into another year, remove (a "removed" page; its seed never comes back)."""

import datetime as dt
import shutil
import threading
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path

import feedparser
import pytest
from conftest import _SubPathHandler, page

from techdigest.cli import main

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_41740d1de4a78704.txt"
NOW = dt.datetime.now(dt.UTC)


def run(project: Path, *args: str) -> int:
    return main(["-C", str(project), *args])


def sitemap_urls(site: Path) -> set[str]:
    from lxml import etree

    tree = etree.fromstring((site / "sitemap.xml").read_bytes())
    return {loc.text for loc in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}


def make_draft(project: Path, slug: str) -> Path:
    path = project / "content" / f"{slug}.md"
    path.write_text(path.read_text().replace("language:", "# an editor's note\ndraft: true\nlanguage:", 1))
    return path


def redirect_of(site: Path, url: str) -> tuple[str, str, str]:
    """The meta refresh target, canonical URL and robots value of the page at ``url``."""
    tree = page(site, url)
    refresh = tree.xpath("//meta[@http-equiv='refresh']/@content")[0]
    return (
        refresh.split("url=", 1)[1],
        tree.xpath("//link[@rel='canonical']/@href")[0],
        tree.xpath("//meta[@name='robots']/@content")[0],
    )


def test_publish_deletes_the_draft_line_and_keeps_the_editors_comments(project, capsys):
    path = make_draft(project, "chip-export")
    assert run(project, "publish", "chip-export", "openai-cerebras") == 0
    text = path.read_text()
    assert "draft" not in text and "# an editor's note\n" in text
    assert capsys.readouterr().out.splitlines() == [
        "content/chip-export.md: published at de/2025/chip-export/, en/2025/chip-export/",
        "content/openai-cerebras.md: not a draft, left unchanged",
    ]


def test_publish_with_a_future_date_schedules_the_article(project, capsys):
    path = make_draft(project, "chip-export")
    assert run(project, "publish", "--date", "2099-12-02T07:30+01:00", "chip-export") == 0
    # written in the site's time zone (the fixture's is UTC): the same moment, as the site shows it
    assert "date: '2099-12-02T06:30:00+00:00'\n" in path.read_text()
    assert "scheduled for 2099-12-02T06:30:00+00:00" in capsys.readouterr().out
    assert run(project, "build") == 0  # the date reads back


def test_publish_now_dates_it_now(project):
    path = make_draft(project, "chip-export")
    assert run(project, "publish", "--now", "chip-export") == 0
    line = next(line for line in path.read_text().splitlines() if line.startswith("date:"))
    written = dt.datetime.fromisoformat(line.split(":", 1)[1].strip().strip("'"))
    assert abs(written - NOW) < dt.timedelta(minutes=10)


def test_publish_of_an_unknown_slug_changes_nothing(project, capsys):
    path = make_draft(project, "chip-export")
    before = path.read_bytes()
    assert run(project, "publish", "chip-export", "no-such-thing") == 1
    assert capsys.readouterr().err == "error: content/no-such-thing.md: no such article\n"
    assert path.read_bytes() == before


def test_rename_keeps_the_old_urls_as_redirects_and_one_feed_entry(project, capsys):
    assert run(project, "build") == 0
    assert run(project, "rename", "chip-export", "ki-chip-export") == 0
    assert not (project / "content" / "chip-export.md").exists()
    text = (project / "content" / "ki-chip-export.md").read_text()
    assert text.endswith(
        "aliases:\n- de/2025/chip-export/\n- en/2025/chip-export/\n---\n\n" + text.split("---\n\n", 1)[1]
    )
    assert run(project, "build") == 0
    site = project / "site"
    assert redirect_of(site, "de/2025/chip-export/") == (
        "../ki-chip-export/",
        "https://example.org/digest/de/2025/ki-chip-export/",
        "noindex",
    )
    assert redirect_of(site, "en/2025/chip-export/")[1] == "https://example.org/digest/en/2025/ki-chip-export/"
    assert not any("chip-export/" in url and "ki-" not in url for url in sitemap_urls(site))
    entries = feedparser.parse((site / "de" / "feed.xml").read_bytes()).entries
    assert [e.link for e in entries if "chip-export" in e.link] == [
        "https://example.org/digest/de/2025/ki-chip-export/"
    ]


def test_renaming_back_drops_the_alias_that_is_live_again(project):
    assert run(project, "rename", "chip-export", "ki-chip-export") == 0
    assert run(project, "rename", "ki-chip-export", "chip-export") == 0
    text = (project / "content" / "chip-export.md").read_text()
    assert "aliases:\n- de/2025/ki-chip-export/\n- en/2025/ki-chip-export/\n" in text
    assert run(project, "build") == 0


def test_a_renamed_draft_leaves_no_alias(project):
    make_draft(project, "chip-export")
    assert run(project, "rename", "chip-export", "neu") == 0
    assert "aliases" not in (project / "content" / "neu.md").read_text()


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("Neu Name", "error: content/Neu Name.md: the new name is the article's URL, so a slug"),
        ("openai-cerebras", "error: content/openai-cerebras.md: exists already; choose another name"),
    ],
)
def test_rename_refuses_a_name_that_is_no_slug_or_taken(project, capsys, new, message):
    assert run(project, "rename", "chip-export", new) == 1
    assert capsys.readouterr().err.startswith(message)
    assert (project / "content" / "chip-export.md").exists()


def test_an_alias_under_a_language_folder_leads_to_that_language_else_to_the_default(project):
    path = project / "content" / "chip-export.md"
    path.write_text(path.read_text().replace("language:", "aliases: [en/old-chips, /alt/chips.html]\nlanguage:", 1))
    assert run(project, "build") == 0
    site = project / "site"
    assert redirect_of(site, "en/old-chips/")[:2] == (
        "../2025/chip-export/",
        "https://example.org/digest/en/2025/chip-export/",
    )
    assert redirect_of(site, "alt/chips.html")[:2] == (
        "../de/2025/chip-export/",
        "https://example.org/digest/de/2025/chip-export/",
    )
    assert page(site, "en/old-chips/").xpath("//main//a/@href") == ["../2025/chip-export/"]


def test_an_alias_that_is_taken_is_an_error_at_its_line(project, capsys):
    path = project / "content" / "chip-export.md"
    path.write_text(path.read_text().replace("language:", "aliases: [de/2026/openai-cerebras/]\nlanguage:", 1))
    assert run(project, "build") == 1
    assert capsys.readouterr().err == (
        "error: content/chip-export.md:5: aliases: de/2026/openai-cerebras/ is the URL of another page already\n"
    )
    assert not (project / "site").exists()


def test_a_date_moved_into_another_year_records_its_old_urls(project, capsys):
    assert run(project, "build") == 0
    path = project / "content" / "chip-export.md"
    path.write_text(path.read_text().replace("date: 2025-11-20", "date: 2026-01-05"))
    assert run(project, "build") == 0
    assert (
        "\ncontent/chip-export.md: moved from de/2025/chip-export/, en/2025/chip-export/; they redirect to it now\n"
        in capsys.readouterr().out
    )
    assert "aliases:\n- de/2025/chip-export/\n- en/2025/chip-export/\n" in path.read_text()
    assert redirect_of(project / "site", "de/2025/chip-export/")[0] == "../../2026/chip-export/"
    path.write_text(path.read_text().replace("date: 2026-01-05", "date: 2025-11-21"))  # and back
    assert run(project, "build") == 0
    assert "de/2025/chip-export/" not in path.read_text() and "de/2026/chip-export/" in path.read_text()


def test_remove_leaves_a_removed_page_and_its_seed_is_never_imported_again(project, capsys):
    (project / "seeds").mkdir()
    shutil.copy(SEED, project / "seeds" / SEED.name)  # the source of openai-cerebras.md
    assert run(project, "import") == 0  # a project from before the record: the seed gets recorded
    assert (project / "imported.toml").read_text().count(SEED.name) == 1

    assert run(project, "remove", "openai-cerebras") == 0
    assert not (project / "content" / "openai-cerebras.md").exists()
    removed = (project / "removed.toml").read_text()
    assert 'slug = "openai-cerebras"' in removed and '"en/2026/openai-cerebras/"' in removed
    assert run(project, "build") == 0
    site = project / "site"
    for url, text in (
        ("de/2026/openai-cerebras/", "Dieser Artikel wurde entfernt."),
        ("en/2026/openai-cerebras/", "This article has been removed."),
    ):
        tree = page(site, url)
        assert tree.xpath("string(//h1)") == text
        assert tree.xpath("//meta[@name='robots']/@content") == ["noindex"]
    assert not any("openai-cerebras" in url for url in sitemap_urls(site))
    feed = feedparser.parse((site / "en" / "feed.xml").read_bytes())
    assert not any("openai-cerebras" in entry.link for entry in feed.entries)

    shutil.copy(SEED, project / "seeds" / "second.txt")
    capsys.readouterr()
    assert run(project, "import", *(str(project / "seeds" / n) for n in ("second.txt", SEED.name))) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("imported seeds/second.txt -> content/")
    assert (
        out[1] == f"kept seeds/{SEED.name}: imported before, its article since removed; not again (see imported.toml)"
    )
    (project / out[0].split(" -> ")[1]).unlink()  # deleted by hand
    assert run(project, "import") == 0
    assert not (project / out[0].split(" -> ")[1]).exists()


def test_a_live_page_takes_the_url_of_a_removed_one(project):
    text = (project / "content" / "chip-export.md").read_text()
    assert run(project, "remove", "chip-export") == 0
    (project / "content" / "chip-export.md").write_text(text)  # a new article of that name
    assert run(project, "build") == 0
    assert page(project / "site", "de/2025/chip-export/").xpath("//meta[@name='robots']") == []


def test_a_broken_record_is_an_error_at_its_line(project, capsys):
    (project / "removed.toml").write_text('[[removed]]\nid = "x"\nslug = \n')
    assert run(project, "build") == 1
    assert capsys.readouterr().err == "error: removed.toml:3: invalid TOML: Invalid value\n"
    (project / "removed.toml").write_text('[[removed]]\nid = "x"\nslug = "x"\ndate = 2026-12-01\nurls = ["../x/"]\n')
    assert run(project, "build") == 1
    assert capsys.readouterr().err.startswith("error: removed.toml:1: [[removed]]: urls ['../x/'] must be site paths")


@pytest.mark.browser
def test_a_redirect_leads_to_the_article_under_a_sub_path(project, open_tab):
    assert run(project, "rename", "chip-export", "ki-chip-export") == 0
    assert run(project, "build", "--base-url", "https://example.org/techdigest/") == 0
    handler = type("Handler", (_SubPathHandler,), {"prefix": "/techdigest/"})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(project / "site")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_port}/techdigest/"
        tab = open_tab()
        tab.goto(base + "en/2025/chip-export/")
        tab.wait_for_url(base + "en/2025/ki-chip-export/")
        assert tab.locator("h1").first.inner_text()
    finally:
        server.shutdown()


def test_serve_builds_everything_anew_when_a_record_changes(project):
    from techdigest.changes import ChangeKind, classify
    from techdigest.config import load_config
    from techdigest.serve import WATCHED

    assert {"removed.toml", "imported.toml"} <= set(WATCHED)
    for name in ("removed.toml", "imported.toml"):
        (project / name).write_text("")
        assert classify(load_config(project), [project / name], set()).kinds == {ChangeKind.CONFIG}
