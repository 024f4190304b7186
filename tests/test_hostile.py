"""A corpus of hostile and odd seeds (tests/fixtures/hostile/): imported and built, nothing turns live."""

from __future__ import annotations

import json
import re
from pathlib import Path

from lxml import etree, html

from techdigest.cli import main

PAYLOADS = [
    '<script>alert("body")</script>',
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">klick</a>',
    "<!-- versteckt -->",
    "</title>",
    "<style>body{display:none}</style>",
]
ALLOWED_SCRIPTS = {"feedback.js", "search.js"}


def test_bad_seeds_are_refused_with_one_line_each_and_the_rest_imported(hostile, capsys):
    root, code, _ = hostile
    assert code == 1
    # import again to see what it says: everything good is kept, everything bad refused again
    assert main(["-C", str(root), "import"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "error: seeds/empty.txt: empty seed: no article text",
        "error: seeds/latin1.txt:1: not UTF-8 text (byte 0xfc); convert it to UTF-8 first",
        "error: seeds/random.bin: not a text file (contains NUL bytes)",
        "error: seeds/tags-only.txt:1: no article text, only tags or feedback lines",
        "error: seeds/whitespace-only.txt: empty seed: no article text",
    ]
    assert len(list((root / "content").glob("*.md"))) == 10


def every_page(site: Path):
    for path in sorted(site.rglob("*.html")):
        if "pagefind" not in path.parts:
            yield path.relative_to(site).as_posix(), html.fromstring(path.read_bytes())


def test_no_payload_becomes_a_live_element_or_attribute(hostile):
    _, _, site = hostile
    for name, doc in every_page(site):
        for script in doc.iter("script"):
            source = script.get("src", "")
            assert (
                script.get("type") == "application/ld+json"
                or source.rsplit("/", 1)[-1] in ALLOWED_SCRIPTS
                or (
                    name == "index.html"
                    and "language_homes" not in (script.text or "")
                    and "window.location.replace" in (script.text or "")
                )
            ), (name, html.tostring(script))
        assert not doc.xpath("//body//style | //body//img[not(@alt='')] | //b"), name
        assert not [a for el in doc.iter() if isinstance(el.tag, str) for a in el.attrib if a.startswith("on")], name
        links = doc.xpath("//@href | //@src | //@action")
        assert not [link for link in links if link.strip().lower().startswith("javascript:")], name
        assert not doc.xpath("//body//comment()"), name


def article(site: Path, lang: str, slug_start: str) -> tuple[str, html.HtmlElement]:
    (path,) = [p for p in site.glob(f"{lang}/2026/*/index.html") if p.parent.name.startswith(slug_start)]
    return path.parent.relative_to(site).as_posix(), html.fromstring(path.read_bytes())


def test_payloads_in_the_body_are_shown_as_written(hostile):
    _, _, site = hostile
    _, doc = article(site, "en", "die-meldung-ist-harmlos")
    text = doc.xpath('string(//div[@class="original-text"])')
    assert all(payload in text for payload in PAYLOADS)


def test_a_payload_in_the_first_sentence_stays_literal_in_title_feed_and_json_ld(hostile):
    _, _, site = hostile
    url, doc = article(site, "de", "script-alert-title")
    title = doc.xpath("string(//h1)")
    assert title.startswith("<script>alert('title')</script> </title><b onmouseover=alert(1)>Fett</b>")
    assert doc.xpath("string(//title)").startswith(title)
    assert doc.xpath('//meta[@property="og:title"]/@content') == [title]
    (script,) = doc.xpath('//script[@type="application/ld+json"]')
    assert "</" not in script.text and "<!--" not in script.text
    assert json.loads(script.text)["headline"] == title
    feed = etree.fromstring((site / "de" / "feed.xml").read_bytes())
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = feed.xpath("//a:entry/a:title/text()", namespaces=ns)
    assert title in titles
    for content in feed.xpath("//a:entry/a:content/text()", namespaces=ns):
        assert not html.fromstring(f"<div>{content}</div>").xpath("//script | //img | //b | //style")


def test_hostile_tags_get_safe_slugs_and_literal_names(hostile):
    root, _, site = hostile
    slugs = sorted(p.name for p in (site / "de" / "tags").iterdir() if p.is_dir())
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug) for slug in slugs)
    assert {
        "script-alert-1-script",
        "etc-passwd",
        "b-x-b",
        "javascript-alert-1",
        "c-plus-plus",
        "c-sharp",
        "c",
        "open-ai",
    } <= set(slugs)
    doc = html.fromstring((site / "de" / "tags" / "index.html").read_bytes())
    names = doc.xpath('//ul[@class="tag-index"]/li/a/text()')
    assert {"<script>alert(1)</script>", "../../etc/passwd", "<b>x</b>", "Open AI", "C++", "C#", "C"} <= set(names)
    assert not any(name.lower() in {"open ai", "c"} and name not in {"Open AI", "C"} for name in names)
    outside = [p for p in root.parent.rglob("*") if not p.is_relative_to(root)]
    assert outside == []


def test_markdown_looking_text_stays_literal(hostile):
    _, _, site = hostile
    _, doc = article(site, "de", "keine-ueberschrift")
    paragraphs = [p.text_content() for p in doc.xpath('//div[@class="original-text"]/p')]
    assert paragraphs == [
        "# Keine Überschrift",
        "* kein Listenpunkt",
        "1. keine Nummer",
        "> kein Zitat",
        "_x_ und *x* und __y__ bleiben, wie sie sind, ebenso `code` und ``mehr``.",
        "[ein Link](https://example.org) und ![ein Bild](x.png) und <https://example.org> bleiben Text.",
        "---",
    ]
    assert not doc.xpath(
        '//div[@class="original-text"]//*[self::h1 or self::ul or self::ol or self::blockquote '
        "or self::em or self::strong or self::code or self::a or self::img or self::hr]"
    )


def test_odd_but_valid_seeds_are_imported_with_what_they_have(hostile):
    _, _, site = hostile
    _, bom = article(site, "de", "erster-absatz-mit-bom")
    assert bom.xpath('string(//div[@class="original-text"]/p[1])') == "Erster Absatz mit BOM und CRLF."
    _, no_tags = article(site, "de", "ein-artikel-ganz-ohne")
    assert not no_tags.xpath('//header//ul[@class="tags"]') and no_tags.xpath("//legend | //*[@id='feedback']")
    _, english = article(site, "en", "a-short-english-article")
    assert english.xpath('//div[@class="original-text"]/@lang') == ["en"] and not english.xpath('//*[@id="feedback"]')
    _, long_one = article(site, "de", "absatz-0")
    assert len(long_one.xpath('//div[@class="original-text"]/p')) == 60
    _, huge = article(site, "de", "ein-satz-ueber-chips")
    assert len(huge.xpath('string(//div[@class="original-text"]/p)')) > 200_000
