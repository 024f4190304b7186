"""Tags in both languages (#13): tags.toml names them per language and merges spellings; pages,
feeds and JSON-LD of a language use its names and slugs; check reminds of missing names; the tags
command lists them and renames one (old URLs redirect); propose_names writes names for review."""

import json
import textwrap
from pathlib import Path

import feedparser
import pytest
from conftest import page

from techdigest.cli import main
from techdigest.config import load_config
from techdigest.edits import content_lock
from techdigest.library import index
from techdigest.model import ContentError
from techdigest.serve import WATCHED
from techdigest.tagnames import TAGS_FILE, TagNames, propose_names, read_tag_names

TAGS = """\
# names the editors chose
["Export"]
en = "Export controls"   # checked by the desk
same = ["Exportkontrollen"]

["nvidia"]
en = "NVIDIA"
"""


def run(project: Path, *args: str) -> int:
    return main(["-C", str(project), *args])


def write_tags(project: Path, text: str = TAGS) -> None:
    (project / TAGS_FILE).write_text(textwrap.dedent(text), encoding="utf-8")


def add_article(project: Path, slug: str, tags: str, date: str = "2026-01-05") -> None:
    (project / "content" / f"{slug}.md").write_text(
        f"---\ntitle: {{de: Titel {slug}}}\ndate: {date}\nlanguage: de\ntags: {tags}\n"
        f"summary: {{de: Kurz.}}\n---\n\nEin Absatz.\n",
        encoding="utf-8",
    )


def links(tree, xpath: str) -> list[tuple[str, str]]:
    return [(a.text_content().strip(), a.get("href")) for a in tree.xpath(xpath)]


@pytest.fixture
def named(project: Path) -> Path:
    """The fixture site with tags.toml, a stray spelling of Export, built."""
    write_tags(project)
    add_article(project, "kontrollen", "[Exportkontrollen, EXPORT]")
    assert run(project, "build") == 0
    return project


def test_each_language_has_its_names_and_slugs_and_the_tag_pages_point_to_each_other(named: Path):
    site = named / "site"
    english = page(site, "en/tags/export-controls/")
    assert english.xpath("//h1")[0].text_content() == "Tag: Export controls"
    versions = {link.get("hreflang"): link.get("href") for link in english.xpath("//link[@rel='alternate'][@hreflang]")}
    assert versions["de"] == "https://example.org/digest/de/tags/export/"
    assert versions["en"] == "https://example.org/digest/en/tags/export-controls/"
    german = page(site, "de/tags/export/")
    assert german.xpath("//h1")[0].text_content() == "Schlagwort: Export"
    # the stray spellings are the same tag: one page per language, with both articles
    assert not (site / "de/tags/exportkontrollen").exists()
    assert len(english.xpath("//main//article")) == 2
    assert ("Export controls", "export-controls/") in links(page(site, "en/tags/"), "//ul[@class='tag-index']//a")
    assert ("Export", "export/") in links(page(site, "de/tags/"), "//ul[@class='tag-index']//a")


def test_articles_listings_feeds_and_structured_data_use_the_pages_language(named: Path):
    site = named / "site"
    article = page(site, "en/2025/chip-export/")
    assert ("Export controls", "../../tags/export-controls/") in links(article, "//ul[@class='tags']//a")
    assert "Export controls" in [m.get("content") for m in article.xpath("//meta[@property='article:tag']")]
    data = json.loads(article.xpath("//script[@type='application/ld+json']")[0].text)
    assert data["keywords"] == ["NVIDIA", "Export controls"]
    assert ("Export", "../../tags/export/") in links(page(site, "de/2025/chip-export/"), "//ul[@class='tags']//a")
    assert ("Export controls", "tags/export-controls/") in links(page(site, "en/"), "//ul[@class='tags']//a")
    feed = feedparser.parse((site / "en/feed.xml").read_bytes())
    entry = next(e for e in feed.entries if e.link.endswith("/chip-export/"))
    assert [t.term for t in entry.tags] == ["NVIDIA", "Export controls"]
    tag_feed = feedparser.parse((site / "en/tags/export-controls/feed.xml").read_bytes())
    assert tag_feed.feed.title == "Test Digest: Export controls"
    assert not (site / "en/tags/export").exists()


def test_a_tag_without_a_name_in_a_language_shows_its_written_name_there(named: Path):
    article = page(named / "site", "en/2026/compilers-in-rust/")
    assert ("Rust", "../../tags/rust/") in links(article, "//ul[@class='tags']//a")


def test_slugs_are_unique_within_a_language():
    names = TagNames(read_entries('["KI"]\nen = "A-I"\n'))
    from conftest import article

    site = index([article("a", tags="[KI, A I]")], names=names)  # two names, one slug: a-i, a-i-2
    assert sorted((t.names["en"], t.slugs["en"], t.slugs["de"]) for t in site.tags.values()) == [
        ("A I", "a-i", "a-i"),
        ("A-I", "a-i-2", "ki"),
    ]


def test_one_name_for_two_tags_is_an_error_at_the_table():
    names = TagNames(read_entries('["KI"]\nen = "AI"\n'))
    from conftest import article

    with pytest.raises(ContentError, match=r"the en name of \['AI'\] and \['KI'\]; two tags need two names"):
        index([article("a", tags="[KI, AI]")], names=names)


def read_entries(text: str):
    """The entries of a tags.toml text, read as the build reads the file."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "techdigest.toml").write_text(
            'base_url = "https://example.org/"\nlanguages = ["de", "en"]\ndefault_language = "de"\n'
            '[title]\nde = "T"\nen = "T"\n',
            encoding="utf-8",
        )
        (root / TAGS_FILE).write_text(text, encoding="utf-8")
        return read_tag_names(load_config(root)).entries


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '["KI"]\nen = "AI"\nfr = "IA"\n',
            "tags.toml:3: unknown key 'fr' (a language: de, en; or same, aliases, machine_translated)",
        ),
        ('["KI"]\nen = \n', "tags.toml:2: invalid TOML: Invalid value"),
        ('["KI"]\nsame = "AI"\n', "tags.toml:2: same: must be a list of texts"),
        ('KI = "AI"\n', "tags.toml:1: 'KI': each tag is a table: ['KI'] with en = \"…\""),
        ('["KI"]\nsame = ["AI"]\n\n["AI"]\nen = "AI"\n', "tags.toml:4: 'AI' is a spelling of ['KI']"),
        ('["KI"]\naliases = ["../x"]\n', "tags.toml:2: aliases: '../x' must be a site path such as de/tags/old-name/"),
    ],
)
def test_a_broken_tags_file_is_one_error_at_its_line(project: Path, capsys, text: str, expected: str):
    write_tags(project, text)
    assert run(project, "build") == 1
    assert capsys.readouterr().err.strip() == f"error: {expected}"
    assert not (project / "site").exists()


def test_check_reminds_of_tags_without_a_name_in_every_language_at_the_first_files_tags_line(named: Path, capsys):
    assert run(named, "check") == 0
    out = capsys.readouterr().out.splitlines()
    reminders = [line for line in out if "has no en name" in line]
    assert "reminder: content/compilers-in-rust.md:7: tags: 'Rust' has no en name yet: give it one in tags.toml" in (
        reminders
    )
    assert not any("'Export'" in line or "'nvidia'" in line for line in reminders)
    assert out[-1].endswith("6 untranslated tags")


def test_tags_lists_names_slugs_counts_and_what_is_missing(named: Path, capsys):
    assert run(named, "tags") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["tag", "articles", "de", "name", "en", "name", "de", "en"]
    assert (
        "Export 2 Export Export controls de/tags/export/ en/tags/export-controls/".split()
        == out[[line.split()[0] for line in out].index("Export")].split()
    )
    assert out[-1].startswith("8 tags; without a name in every language: AMD (en), C (en)")


def test_tags_shows_a_control_character_escaped(project: Path, capsys):
    add_article(project, "bell", '["Klang\\a"]')
    assert run(project, "tags") == 1  # content refuses it: the message is escaped, one line
    assert "\x07" not in capsys.readouterr().err


def test_rename_rewrites_the_content_keeps_comments_and_redirects_the_old_urls(named: Path, capsys):
    path = named / "content" / "chip-export.md"
    path.write_text(path.read_text().replace("tags: [nvidia, Export]", "tags: [nvidia, Export]  # desk"))
    assert run(named, "tags", "rename", "export", "Ausfuhr") == 0
    out = capsys.readouterr().out
    assert "; de/tags/export/ redirect to its pages" in out  # the English page keeps its URL
    assert "tags: [nvidia, Ausfuhr] # desk" in path.read_text()
    assert "tags: [Ausfuhr]" in (named / "content" / "kontrollen.md").read_text()  # two spellings, once
    toml = (named / TAGS_FILE).read_text()
    assert "# names the editors chose" in toml and "# checked by the desk" in toml
    entry = read_tag_names(load_config(named)).entry("export")
    assert entry is not None and entry.written == "Ausfuhr" and entry.names == {"en": "Export controls"}
    assert set(entry.same) == {"Export", "Exportkontrollen"}
    assert run(named, "build") == 0
    site = named / "site"
    assert page(site, "de/tags/export/").xpath("//meta[@http-equiv='refresh']/@content") == ["0; url=../ausfuhr/"]
    assert page(site, "de/tags/ausfuhr/").xpath("//h1")[0].text_content() == "Schlagwort: Ausfuhr"
    # the English name stayed, so the English page stayed where it was: no redirect takes its place
    assert page(site, "en/tags/export-controls/").xpath("//h1")[0].text_content() == "Tag: Export controls"


def test_rename_into_an_existing_tag_merges_them_and_the_old_url_redirects(named: Path):
    assert run(named, "tags", "rename", "OpenAI", "nvidia") == 0
    site = index_of(named)
    assert "openai" not in site.tags
    assert len(site.tag_articles["nvidia"]) == 2
    assert run(named, "build") == 0
    assert page(named / "site", "en/tags/openai/").xpath("//meta[@http-equiv='refresh']/@content") == [
        "0; url=../nvidia/"
    ]


def index_of(project: Path):
    from techdigest.retag import tag_site

    return tag_site(load_config(project))


def test_rename_of_an_unknown_tag_or_to_no_name_changes_nothing(named: Path, capsys):
    before = {p: p.read_bytes() for p in [*(named / "content").iterdir(), named / TAGS_FILE]}
    assert run(named, "tags", "rename", "Quantum", "Q") == 1
    assert run(named, "tags", "rename", "Export", "  ") == 1
    err = capsys.readouterr().err.splitlines()
    assert err == ["error: tags rename: no article has the tag 'Quantum'", "error: tags rename: '' is not a tag name"]
    assert {p: p.read_bytes() for p in before} == before


def test_rename_names_a_file_saved_meanwhile_and_leaves_it_meaning_the_new_tag(named: Path, monkeypatch, capsys):
    from techdigest import retag

    real = retag.replace_if_unchanged

    def editor_saves_first(path, expected, text, label):
        if path.name == "kontrollen.md" and "Noch" not in path.read_text():
            path.write_text(path.read_text() + "\nNoch ein Satz.\n")
        real(path, expected, text, label)

    monkeypatch.setattr(retag, "replace_if_unchanged", editor_saves_first)
    assert run(named, "tags", "rename", "Export", "Ausfuhr") == 1
    captured = capsys.readouterr()
    assert "content/chip-export.md: tags: 'Export' -> 'Ausfuhr'" in captured.out
    assert captured.err.strip() == (
        "error: content/kontrollen.md: changed meanwhile, left as it is: its 'Export' means 'Ausfuhr'; run again"
    )
    assert "Noch ein Satz." in (named / "content" / "kontrollen.md").read_text()
    assert [t.name for t in index_of(named).tags.values() if "ausfuhr" in t.slugs["de"]] == ["Ausfuhr"]
    assert run(named, "tags", "rename", "Export", "Ausfuhr") == 0  # finishes it
    assert "tags: [Ausfuhr]" in (named / "content" / "kontrollen.md").read_text()


def test_propose_names_adds_only_missing_names_and_keeps_the_editors_file(named: Path):
    config = load_config(named)
    with content_lock(config):
        added = propose_names(
            config, {"Exportkontrollen": {"en": "Export rules"}, "Rust": {"en": "Rust"}, "nvidia": {"de": "Nvidia"}}
        )
    assert added == ["tags.toml: [Rust] en = 'Rust'", "tags.toml: [nvidia] de = 'Nvidia'"]
    text = (named / TAGS_FILE).read_text()
    assert text.startswith(TAGS)  # the editor's names and comments as they were
    names = read_tag_names(config)
    assert names.entry("export") is not None and names.entry("export").names["en"] == "Export controls"
    assert names.entry("rust").names == {"en": "Rust"}


def test_a_tags_file_change_is_watched_and_rebuilds_the_whole_site(named: Path):
    from techdigest.changes import ChangeKind, classify

    assert TAGS_FILE in WATCHED
    changes = classify(load_config(named), [named / TAGS_FILE], set())
    assert changes.kinds == {ChangeKind.CONFIG}
    write_tags(named, TAGS.replace("Export controls", "Export rules"))
    assert run(named, "build") == 0
    assert page(named / "site", "en/tags/export-rules/").xpath("//h1")[0].text_content() == "Tag: Export rules"
    assert not (named / "site" / "en/tags/export-controls").exists()
