"""Input that explodes: alias bombs, huge values, a thousand tags, control characters, huge files.

Each costs little and gives one short line naming the file; control characters
are dropped from seeds (scraped text) and refused in content files (a person's text).
"""

from __future__ import annotations

import textwrap

import pytest
from conftest import make_project, snapshot
from lxml import etree

from techdigest.cli import main
from techdigest.content import parse_article
from techdigest.inputs import MAX_INPUT_BYTES, read_input
from techdigest.markup import make_markdown
from techdigest.model import EXCERPT_CHARS, ContentError, excerpt, shorten
from techdigest.seeds import MAX_TAGS, parse_seed

LANGS = ("de", "en")
HEAD = """\
    ---
    title: {de: "Titel"}
    date: 2026-11-25
    language: de
    ---

    Text.
    """


def problems(text: str) -> list[str]:
    with pytest.raises(ContentError) as caught:
        parse_article("content/x.md", textwrap.dedent(text), LANGS, make_markdown(False))
    return caught.value.lines()


def bomb(key: str) -> str:
    """Nine aliases nested nine deep: 387 million items from some 400 bytes."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"{chr(n)}: &{chr(n)} [{','.join([f'*{chr(n - 1)}'] * 9)}]" for n in range(ord("b"), ord("j"))]
    return "---\n" + "\n".join(lines) + f"\n{key}: *i\n---\n\nText.\n"


@pytest.mark.parametrize("key", ["date", "language", "title"])
def test_an_alias_bomb_is_refused_at_the_first_alias(key):
    with pytest.raises(ContentError) as caught:
        parse_article("content/x.md", bomb(key), LANGS, make_markdown(False))
    assert caught.value.lines() == [
        "content/x.md:3: invalid YAML: aliases (*name) are not allowed in front matter; write the value out"
    ]


def test_any_alias_is_refused_even_a_harmless_one():
    assert problems(HEAD.replace('title: {de: "Titel"}', 'title: &t {de: "Titel"}\n    summary: *t')) == [
        "content/x.md:3: invalid YAML: aliases (*name) are not allowed in front matter; write the value out"
    ]


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("language", "x" * 100_000, "language: unknown language {} (site languages: de, en)"),
        (
            "date",
            "[" + "[1, 2], " * 10_000 + "3]",
            "date: invalid date {} (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[+01:00])",
        ),
    ],
)
def test_errors_quote_a_short_excerpt_of_a_huge_value(key, value, message):
    text = HEAD.replace(f"    {key}: ", f"    {key}: {value}\n    old-{key}: ")
    (line,) = [p for p in problems(text) if f":{3 if key == 'date' else 4}: {key}:" in p]
    quoted = line.split(f"{message.split('{}')[0]}", 1)[1].split(message.split("{}")[1])[0]
    assert len(quoted) <= EXCERPT_CHARS
    assert len(line) < 200


@pytest.mark.parametrize(
    "number", ["9" * 100_000, "0x" + "f" * 6000, "0b" + "1" * 20_000, "1:" * 3000 + "1", "-" + "9" * 5000]
)
def test_a_number_too_long_for_python_is_a_yaml_error_at_its_line(number):
    for text in (
        HEAD.replace("2026-11-25", number),
        HEAD.replace("    date:", f"    ? {number}\n    : 1\n    date:"),
        HEAD.replace("    date:", f"    tags: [{number}]\n    date:"),
    ):
        (line, *_) = problems(text)
        assert line == (
            f"content/x.md:3: invalid YAML: a number of {len(number):,} characters is too long "
            "(quote it to make it a text)"
        )


def test_a_huge_key_is_shortened_in_its_message():
    (line, *_) = problems(HEAD.replace("    date:", f"    ? {'k' * 5000}\n    : 1\n    date:"))
    assert (
        line.startswith("content/x.md:3: kkk") and len(line) < 250
    )  # the key cut short; the list of allowed keys is the rest


def test_excerpt_and_shorten_stay_short_whatever_the_value():
    assert excerpt("2026-13-01") == "'2026-13-01'"
    assert excerpt(2026) == "2026"
    assert len(excerpt("x" * 10**6)) <= EXCERPT_CHARS
    nested: list[object] = []
    for _ in range(50):
        nested = [nested] * 9
    assert len(excerpt(nested)) <= EXCERPT_CHARS  # 9**50 items: only a repr that stops early returns at all
    assert shorten("kurz") == "kurz"
    assert shorten("y" * 100) == "y" * (EXCERPT_CHARS - 1) + "…"


def test_more_tags_than_the_limit_is_an_error_at_the_tags_line():
    tags = ", ".join(f"Tag{n}" for n in range(1000))
    assert problems(HEAD.replace("    language: de", f"    language: de\n    tags: [{tags}]")) == [
        f"content/x.md:5: tags: 1,000 tags; an article may have at most {MAX_TAGS} "
        "(each tag is pages and feeds of its own)"
    ]
    tags_ok = ", ".join(f"Tag{n}" for n in range(MAX_TAGS))
    article = parse_article(
        "content/x.md",
        textwrap.dedent(HEAD.replace("    language: de", f"    language: de\n    tags: [{tags_ok}]")),
        LANGS,
        make_markdown(False),
    )
    assert len(article.tags) == MAX_TAGS


def test_a_seed_with_more_tags_than_the_limit_is_refused_at_its_tags_line():
    tags = " + ".join(f"Tag{n}" for n in range(MAX_TAGS + 1))
    with pytest.raises(ContentError) as caught:
        parse_seed(f"Ein Satz.\n\nSchlagwörter: {tags}\n", "seeds/x.txt")
    assert caught.value.lines() == [
        f"seeds/x.txt:3: {MAX_TAGS + 1} tags; an article may have at most {MAX_TAGS} "
        "(each tag is pages and feeds of its own)"
    ]


@pytest.mark.parametrize(
    ("char", "code"),
    [
        ("\x1b", "U+001B"),
        ("\x07", "U+0007"),
        ("\x7f", "U+007F"),
        ("\x85", "U+0085"),
        ("\ufffe", "U+FFFE"),
        ("\x00", "U+0000"),
        ("\u202e", "U+202E"),
        ("\u2066", "U+2066"),
    ],
)
def test_a_control_character_in_a_content_file_is_refused_at_its_line(char, code):
    assert problems(HEAD.replace("Text.", f"Text {char}[31m rot.")) == [
        f"content/x.md:7: control character {code} is not allowed; delete it"
    ]
    assert problems(HEAD.replace('"Titel"', f'"Ti{char}tel"')) == [
        f"content/x.md:2: control character {code} is not allowed; delete it"
    ]


def test_a_control_character_written_as_a_yaml_escape_is_refused_at_its_key():
    text = HEAD.replace('"Titel"', '"Ti\\etel"').replace("language: de", 'language: de\n    tags: ["a\\x85"]')
    assert problems(text) == [
        "content/x.md:2: title: control character U+001B (written as an escape) is not allowed; delete it",
        "content/x.md:5: tags: control character U+0085 (written as an escape) is not allowed; delete it",
    ]


def test_tab_newline_and_carriage_return_are_text():
    article = parse_article(
        "content/x.md", textwrap.dedent(HEAD).replace("Text.", "Text\twith tab.\r\n"), LANGS, make_markdown(False)
    )
    assert "tab" in article.body_html


def test_a_seed_has_its_control_characters_dropped():
    text = "Ein \x1b[31mroter\x1b[0m Satz\x07 mit\x7f Steuer\x85zeichen\ufffe.\n\nTags: A\x1b + B\n"
    seed = parse_seed(text, "s.txt")
    assert seed.paragraphs == ("Ein [31mroter[0m Satz mit Steuer zeichen.",)
    assert seed.tags == ("A", "B")


def test_a_seed_with_control_characters_imports_and_builds_with_valid_feeds(tmp_path, capsys):
    root = make_project(tmp_path / "project")
    (root / "seeds").mkdir()
    (root / "seeds" / "esc.txt").write_text(
        "Der \x1b[1mfette\x1b[0m Titel\x07 hier.\n\nNoch ein Absatz\x9b.\n\nSchlagwörter: Terminal\x1b + Glocke\n",
        encoding="utf-8",
    )
    assert main(["-C", str(root), "import"]) == 0
    assert main(["-C", str(root), "build", "--drafts"]) == 0  # import writes drafts
    for feed in (root / "site").rglob("feed.xml"):
        etree.fromstring(feed.read_bytes())
    (feed,) = [p for p in (root / "site" / "de" / "tags").rglob("feed.xml") if p.parent.name == "terminal"]
    assert b"fette" in feed.read_bytes()


def test_a_seed_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    seed = tmp_path / "seeds" / "riesig.txt"
    seed.parent.mkdir()
    with open(seed, "wb") as handle:
        handle.truncate(MAX_INPUT_BYTES + 1)
    with pytest.raises(ContentError) as caught:
        read_input(seed, "seeds/riesig.txt", tmp_path)
    assert caught.value.lines() == [
        "seeds/riesig.txt: too large: a seed, content file or config may have at most "
        f"{MAX_INPUT_BYTES:,} bytes (1 MiB)"
    ]
    seed.write_bytes(b"x" * MAX_INPUT_BYTES)
    assert len(read_input(seed, "seeds/riesig.txt", tmp_path)) == MAX_INPUT_BYTES


def test_a_content_file_with_an_alias_bomb_leaves_the_site_as_it_was(tmp_path, capsys):
    root = make_project(tmp_path / "project")
    assert main(["-C", str(root), "build"]) == 0
    before = snapshot(root / "site")
    (root / "content" / "bombe.md").write_text(bomb("language"), encoding="utf-8")
    capsys.readouterr()
    assert main(["-C", str(root), "build"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "error: content/bombe.md:3: invalid YAML: aliases (*name) are not allowed in front matter; write the value out"
    ]
    assert snapshot(root / "site") == before


def test_a_content_file_with_a_control_character_leaves_the_site_as_it_was(tmp_path, capsys):
    root = make_project(tmp_path / "project")
    assert main(["-C", str(root), "build"]) == 0
    before = snapshot(root / "site")
    path = root / "content" / "chip-export.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nDas Ende\x1b[0m.\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["-C", str(root), "build"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "error: content/chip-export.md:14: control character U+001B is not allowed; delete it"
    ]
    assert snapshot(root / "site") == before
