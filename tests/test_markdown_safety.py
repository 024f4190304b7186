"""Hostile Markdown: no URL it emits may run a script, and no nesting may blow up the converter."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from lxml import etree, html

from techdigest.cli import main
from techdigest.content import parse_article
from techdigest.markup import MAX_NESTING, make_markdown
from techdigest.model import ContentError

LANGS = ("de", "en")
PAYLOAD = "window.__pwned=1;alert(1)"
# every way of spelling a script URL that a browser still reads as one
HOSTILE = [
    f"[x](javascript:{PAYLOAD})",
    f"[x](JaVaScRiPt:{PAYLOAD})",
    f"[x][r]\n\n[r]: JaVaScRiPt:{PAYLOAD}",
    f"[x]\n\n[x]: javascript:{PAYLOAD}",
    f"![x](javascript:{PAYLOAD})",
    f"![x][r]\n\n[r]: javascript:{PAYLOAD}",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](data:image/svg+xml,<svg onload=alert(1)>)",
    "[x](vbscript:msgbox(1))",
    f"[x](java&#x09;script:{PAYLOAD})",
    f"[x](java&#9;script:{PAYLOAD})",
    f"[x](java&Tab;script:{PAYLOAD})",
    f"[x](java&NewLine;script:{PAYLOAD})",
    f"[x](&#106;avascript:{PAYLOAD})",
    f"[x](&#x6A;avascript&colon;{PAYLOAD})",
    f"[x](&#0000106;avascript:{PAYLOAD})",
    f"[x]( \x01javascript:{PAYLOAD})",
    f"[x](\x0bjavascript:{PAYLOAD})",
    f"[x](java\tscript:{PAYLOAD})",
    f"[x](<javascript:{PAYLOAD}>)",
    f"[x](<java script:{PAYLOAD}>)".replace(" ", "\t"),
    f'[x](javascript:{PAYLOAD} "title")',
    f"[x][r]\n\n[r]: <javascript:{PAYLOAD}>",
    f"[x][r]\n\n[r]: &#x6A;avascript:{PAYLOAD}",
    f"<javascript:{PAYLOAD}>",
    f"[*x* `y`](javascript:{PAYLOAD})",
    f"[![i](javascript:{PAYLOAD})](javascript:{PAYLOAD})",  # unwrapping the link must not spare the image
    f"[<ftp://evil/x>](javascript:{PAYLOAD})",
    f"[[a](javascript:{PAYLOAD})](javascript:{PAYLOAD})",
]
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "cite", "poster", "background", "data", "srcset", "xlink:href")


def _convert(markdown_text: str, unsafe_html: bool = False) -> str:
    return make_markdown(unsafe_html).convert(markdown_text)


def _live_script_urls(tree: etree._Element) -> list[str]:
    """Attribute values (as lxml decoded them) with a scheme other than http(s)/mailto, read as the
    WHATWG URL parser does: C0 controls and spaces trimmed at both ends, tabs and newlines removed."""
    found = []
    for element in tree.iter():
        for name in URL_ATTRIBUTES:
            value = re.sub(r"[\t\n\r]", "", (element.get(name) or "").strip("".join(map(chr, range(33)))))
            scheme = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", value)
            if scheme and scheme.group(1).lower() not in ("http", "https", "mailto"):
                found.append(value)
    return found


@pytest.mark.parametrize("unsafe_html", [False, True])
@pytest.mark.parametrize("markdown_text", HOSTILE)
def test_no_markdown_url_is_a_live_script(markdown_text, unsafe_html):
    tree = html.fragment_fromstring(_convert(markdown_text, unsafe_html), create_parent="div")
    assert _live_script_urls(tree) == []
    # the link or image became its text, not nothing (with raw HTML on, <javascript:…> is a tag, trusted)
    assert tree.text_content().strip() or unsafe_html


@pytest.mark.parametrize(
    ("markdown_text", "url"),
    [
        ("[x](https://example.com/a_b?q=1&r=2#f)", "https://example.com/a_b?q=1&r=2#f"),
        ("[x](HTTP://example.com/)", "HTTP://example.com/"),
        ("[x](../2025/chip-export/)", "../2025/chip-export/"),
        ("[x](/de/tags/#top)", "/de/tags/#top"),
        ("[x](mailto:redaktion@example.org)", "mailto:redaktion@example.org"),
        ("<https://example.com/>", "https://example.com/"),
        ("<redaktion@example.org>", "mailto:redaktion@example.org"),
        ("![x](bild.png)", "bild.png"),
        ("[x](javascript-guide.html)", "javascript-guide.html"),
        ("[x](notes/javascript:intro.html)", "notes/javascript:intro.html"),
    ],
)
def test_allowed_and_relative_urls_stay_live(markdown_text, url):
    element = html.fragment_fromstring(_convert(markdown_text), create_parent="div")[0][0]
    assert (element.get("href") or element.get("src")) == url


def test_a_neutralized_link_keeps_its_words_and_inner_markup():
    paragraph = html.fragment_fromstring(_convert(f"vor [*kursiv* `code`](javascript:{PAYLOAD}) nach"))
    assert paragraph.xpath("//a") == []
    assert [e.tag for e in paragraph] == ["em", "code"]
    assert paragraph.text_content() == "vor kursiv code nach"


def test_a_neutralized_image_becomes_its_alt_text():
    paragraph = html.fragment_fromstring(_convert(f"vor ![ein Bild](javascript:{PAYLOAD}) nach"))
    assert paragraph.xpath("//img") == []
    assert paragraph.text_content() == "vor ein Bild nach"


def _article(body: str) -> str:
    return f"---\ntitle: Titel\ndate: 2026-11-25\nlanguage: de\n---\n\n{body}\n"


def _write_hostile_article(content: Path) -> None:
    """Every hostile spelling once, its text and reference names numbered (``pwn3``, ``r3``); content
    files may not hold control characters other than tab, so those spellings are left to the unit test."""
    spellings = [m for m in HOSTILE if not re.search(r"[\x00-\x08\x0b-\x1f]", m)]
    links = "\n\n".join(m.replace("[x", f"[pwn{i}").replace("[r]", f"[r{i}]") for i, m in enumerate(spellings))
    body = f"Ein [sicherer Link](https://example.com/ok) vorweg.\n\n{links}"
    (content / "hostile-links.md").write_text(_article(body), encoding="utf-8")


def test_a_built_site_has_no_live_script_url(project: Path):
    _write_hostile_article(project / "content")
    assert main(["-C", str(project), "build"]) == 0
    page = project / "site" / "de" / "2026" / "hostile-links" / "index.html"
    tree = html.fromstring(page.read_bytes())
    assert _live_script_urls(tree) == []
    assert tree.xpath("//a[@href='https://example.com/ok']")
    for feed in (project / "site").rglob("*.xml"):
        for content in etree.parse(str(feed)).iter("{*}content", "{*}summary", "description"):
            if content.text and "<" in content.text:
                assert _live_script_urls(html.fragment_fromstring(content.text, create_parent="div")) == []


@pytest.mark.browser
def test_in_chromium_clicking_hostile_links_runs_no_script(project: Path, open_tab):
    _write_hostile_article(project / "content")
    assert main(["-C", str(project), "build"]) == 0
    page = open_tab()
    page.set_default_timeout(5000)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    url = (project / "site" / "de" / "2026" / "hostile-links" / "index.html").as_uri()
    page.goto(url)  # waits for "load": the images have been loaded (or refused)
    markers = sorted(set(re.findall(r"pwn\d+", page.content())))
    assert len(markers) > 15
    for marker in markers:  # afresh each time: an inert relative link navigates away
        page.goto(url)
        page.get_by_text(re.compile(rf"\b{marker}\b")).first.click()
        assert page.evaluate("window.__pwned") is None, marker
    assert dialogs == []
    page.goto(url)
    assert page.get_attribute("a:text('sicherer Link')", "href") == "https://example.com/ok"


# nesting: each is refused at its line with one message, or converted; none takes long or recurses away


def _parse(body: str) -> str:
    return parse_article("content/x.md", _article(body), LANGS, make_markdown(False)).body_html


@pytest.mark.parametrize(
    ("body", "line"),
    [
        ("\n".join("    " * level + "- x" for level in range(250)), MAX_NESTING + 1),
        ("\n".join("    " * level + "1. x" for level in range(250)), MAX_NESTING + 1),
        ("- " * 2000 + "x", 1),
        ("1. " * 2000 + "x", 1),
        (">" * 20_000 + " x", 1),
        ("> " * 5000 + "x", 1),
        ("\n".join("> " * level + "- x" for level in range(300)), MAX_NESTING + 1),
    ],
)
def test_deep_lists_and_quotes_are_an_error_at_their_line(body, line):
    with pytest.raises(ContentError) as error:
        _parse("Erster Absatz.\n\n" + body)
    # the body starts at line 6 of the file, after "Erster Absatz." and a blank line
    assert str(error.value) == (
        f"content/x.md:{8 + line}: lists and block quotes nested more than 32 levels deep "
        "(each 4 spaces of indentation count as a level)"
    )


def test_nesting_up_to_the_limit_is_converted():
    body = "\n".join("    " * level + "- x" for level in range(20))
    assert html.fragment_fromstring(_parse(body)).xpath("count(//ul)") == 20
    assert _parse(">" * 20 + " x").count("<blockquote>") == 20


@pytest.mark.parametrize(
    "body",
    [
        "[" * 20_000,
        "![" * 20_000,
        "[" * 20_000 + "x" + "]" * 20_000,
        "[" * 5000 + "x" + "](u)" * 5000,
        "[[x]" * 20_000,
        "[ [a](b) " * 20_000,
        "[a](" * 20_000,
        "[a](()" * 20_000,
        '[a]("' * 20_000,
    ],
)
def test_unclosed_brackets_are_an_error_not_minutes(body):
    with pytest.raises(ContentError) as error:
        _parse("Erster Absatz.\n\nZweiter Absatz.\n\n" + body)
    message = str(error.value)
    assert message.startswith("content/x.md:11: too many unclosed '[' or '(' to read as Markdown links")
    assert "\n" not in message and len(message) < 200


@pytest.mark.parametrize(
    "body",
    [
        "a\n===\n" * 20_000,
        "a\n---\n" * 20_000,
        "---\n" * 20_000,
        "* * *\n" * 20_000,
        "- ---\n" * 20_000,
        "> ---\n" * 20_000,
    ],
)
def test_headings_and_rules_without_blank_lines_are_an_error_not_minutes(body):
    with pytest.raises(ContentError) as error:
        _parse("Erster Absatz.\n\nZweiter Absatz.\n\n" + body)
    message = str(error.value)
    assert message.startswith("content/x.md:")
    assert ": too many headings or rules without blank lines between them to read as Markdown (near " in message
    assert message.endswith("put blank lines between them") and "\n" not in message


def test_a_live_blog_of_headings_without_blank_lines_converts():
    entry = "Ein Satz über die Lage, mit einigen Wörtern darin. " * 3
    body = "".join(f"12:{i % 60:02d} Uhr\n--------\n{entry}\n### Stand {i}\n{entry}\n" for i in range(300))
    doc = html.fragment_fromstring(_parse(body), create_parent="div")
    assert len(doc.xpath("//h3")) == 300 and len(doc.xpath("//hr")) == 299  # as Python-Markdown reads them


@pytest.mark.parametrize(
    "body",
    [
        "[a](https://example.com/) " * 20_000,
        "*a _b " * 10_000 + "c_ d* " * 10_000,
        "`a " * 20_000,
        "<https://a" * 20_000,
        "\n".join(f"[r{i}]: https://example.com/{i}" for i in range(5000))
        + "\n\n"
        + " ".join(f"[a][r{i}] [b]" for i in range(5000)),
    ],
)
def test_many_links_and_spans_convert(body):
    assert _parse(body).startswith("<")


def test_a_nesting_error_fails_the_build_with_one_line(project: Path, capsys):
    (project / "content" / "deep.md").write_text(_article("- " * 500 + "x"), encoding="utf-8")
    assert main(["-C", str(project), "build"]) == 1
    err = capsys.readouterr().err
    assert "content/deep.md:7: lists and block quotes nested more than 32 levels deep (each 4 spaces" in err
    assert "Traceback" not in err


def test_the_body_line_is_counted_from_the_file():
    text = (
        textwrap.dedent("""\
        ---
        title: Titel
        date: 2026-11-25
        language: de
        ---
        Eins.

        Zwei.
        """)
        + "> " * 40
        + "x\n"
    )
    with pytest.raises(ContentError, match=r"^content/x.md:9: "):
        parse_article("content/x.md", text, LANGS, make_markdown(False))
