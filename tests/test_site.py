"""End to end: build the fixture site once and check what a reader gets, element by element."""

from __future__ import annotations

import dataclasses
import posixpath
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from conftest import make_project, page, snapshot, stamps

from techdigest.build import build
from techdigest.cli import main
from techdigest.config import load_config, with_base_url
from techdigest.model import ContentError

BASE = "https://example.org/digest/"
ARTICLES = {"compilers-in-rust": 2026, "openai-cerebras": 2026, "chip-export": 2025}
NAVIGATIONAL = ("canonical", "alternate")
TAGS = ["amd", "c", "c-plus-plus", "c-sharp", "export", "nvidia", "openai", "rust"]


def html_files(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def test_the_site_has_exactly_the_expected_pages(built_site):
    expected = {"index.html", "404.html"}
    for lang in ("de", "en"):
        expected |= {
            f"{lang}/index.html",
            f"{lang}/tags/index.html",
            f"{lang}/feedback/thanks/index.html",
            f"{lang}/search/index.html",
        }
        expected |= {f"{lang}/{year}/{slug}/index.html" for slug, year in ARTICLES.items()}
        expected |= {f"{lang}/tags/{slug}/index.html" for slug in TAGS}
    assert set(html_files(built_site)) == expected
    assert (built_site / "static" / "style.css").is_file()
    assert (built_site / "static" / "favicon.svg").is_file()
    assert (built_site / ".nojekyll").read_bytes() == b""
    assert not (built_site / "CNAME").exists()


@pytest.mark.parametrize("lang", ["de", "en"])
def test_every_page_has_lang_alternates_switcher_and_favicon(built_site, lang):
    other = {"de": "en", "en": "de"}[lang]
    for name in html_files(built_site):
        if not name.startswith(f"{lang}/") or "/feedback/thanks/" in name:
            continue
        doc = page(built_site, name)
        url = name.removesuffix("index.html")
        assert doc.get("lang") == lang, name
        alternates = {el.get("hreflang"): el.get("href") for el in doc.xpath('//link[@rel="alternate"][@hreflang]')}
        assert alternates == {
            lang: BASE + url,
            other: BASE + other + url[2:],
            "x-default": BASE + "de" + url[2:],
        }, name
        assert doc.xpath('//link[@rel="canonical"]/@href') == [BASE + url]
        assert doc.xpath('//link[@rel="icon"]/@href') == [posixpath.relpath("static/favicon.svg", url)]
        (switch,) = doc.xpath('//nav[contains(@class,"language-switcher")]//a')
        assert switch.get("hreflang") == other and switch.get("lang") == other
        assert resolve(url, switch.get("href")) == other + url[2:]
        assert doc.xpath('//a[@class="skip-link"]/@href') == ["#main"] and doc.xpath('//main[@id="main"]')


def test_root_index_links_to_both_languages_without_javascript(built_site):
    doc = page(built_site, "")
    links = {a.get("hreflang"): a.get("href") for a in doc.xpath("//main//a")}
    assert links == {"de": "de/", "en": "en/"}
    assert [a.text_content() for a in doc.xpath("//main//a")] == ["Deutsch", "English"]


@pytest.mark.parametrize(
    ("lang", "dates", "titles"),
    [
        (
            "de",
            ["26. November 2026", "25. November 2026", "20. November 2025"],
            [
                "Compiler werden in Rust neu geschrieben",
                "OpenAI holt Cerebras an Bord",
                "Neue Regeln für den Export von KI-Chips",
            ],
        ),
        (
            "en",
            ["November 26, 2026", "November 25, 2026", "November 20, 2025"],
            [
                "Compilers are being rewritten in Rust",
                "OpenAI signs up Cerebras",
                "Neue Regeln für den Export von KI-Chips",
            ],
        ),
    ],
)
def test_home_lists_articles_newest_first_with_localized_dates(built_site, lang, dates, titles):
    doc = page(built_site, f"{lang}/")
    entries = doc.xpath('//ol[@class="entries"]/li/article')
    assert [e.xpath("string(.//h2/a)") for e in entries] == titles
    assert [e.xpath("string(.//time)") for e in entries] == dates
    assert [e.xpath(".//time/@datetime")[0] for e in entries] == ["2026-11-26", "2026-11-25", "2025-11-20"]
    summaries = [e.xpath('string(.//p[@class="entry-summary"])') for e in entries]
    assert (
        summaries[1]
        == {
            "de": "OpenAI schließt einen Hardware-Vertrag mit Cerebras. Die Installation beginnt 2028.",
            "en": "OpenAI signs a hardware deal with Cerebras. Installation starts in 2028.",
        }[lang]
    )
    assert [t.text_content() for t in entries[1].xpath('.//ul[@class="tags"]//a')] == ["nvidia", "OpenAI", "AMD"]


def test_english_article_page_shows_bilingual_summary_original_and_feedback_form(built_site):
    doc = page(built_site, "en/2026/openai-cerebras/")
    assert doc.xpath("string(//h1)") == "OpenAI signs up Cerebras"
    assert doc.xpath("string(//title)") == "OpenAI signs up Cerebras · Test Digest"
    assert doc.xpath("string(//article//time)") == "November 25, 2026"
    assert "1 minute reading time" in doc.xpath('string(//p[@class="meta"])')
    tag_links = doc.xpath('//header//ul[@class="tags"]//a')
    assert [(a.text, resolve("en/2026/openai-cerebras/", a.get("href"))) for a in tag_links] == [
        ("nvidia", "en/tags/nvidia/"),
        ("OpenAI", "en/tags/openai/"),
        ("AMD", "en/tags/amd/"),
    ]
    blocks = doc.xpath('//section[@class="summaries"]/div[@class="summary"]')
    assert [(b.get("lang"), b.xpath("string(p)")) for b in blocks] == [
        ("en", "OpenAI signs a hardware deal with Cerebras. Installation starts in 2028."),
        ("de", "OpenAI schließt einen Hardware-Vertrag mit Cerebras. Die Installation beginnt 2028."),
    ]
    assert [b.xpath("string(h3)") for b in blocks] == ["English", "German"]
    (original,) = doc.xpath('//div[@class="original-text"]')
    assert original.get("lang") == "de"
    assert [p.text_content() for p in original.xpath("p")] == [
        "OpenAI setzt für seine KI-Modelle verstärkt auf Partnerschaften mit Hardware-Anbietern.",
        "Neben AMD und NVIDIA ist nun auch Cerebras an Bord.",
    ]
    assert not doc.xpath("//*[@class='untranslated-note' or @class='untranslated']")


def test_with_neither_endpoint_nor_repository_no_form_pretends(project):
    build(dataclasses.replace(load_config(project), feedback_github_repo=""))
    doc = page(project / "site", "en/2026/openai-cerebras/")
    assert not doc.xpath('//*[@id="feedback"]') and not doc.xpath("//form")


def test_missing_translations_are_shown_as_explicit_fallback_in_german(built_site):
    doc = page(built_site, "en/2025/chip-export/")
    (h1,) = doc.xpath("//h1")
    assert h1.get("lang") == "de" and h1.text_content() == "Neue Regeln für den Export von KI-Chips"
    notes = doc.xpath('//p[@class="untranslated-note"]')
    assert len(notes) == 2 and all("Not yet translated" in n.text_content() for n in notes)
    blocks = doc.xpath('//div[@class="summary"]')
    assert [b.get("lang") for b in blocks] == ["de"]
    assert doc.xpath('//form[@class="feedback-form"]//legend/@lang') == ["de"]
    home = page(built_site, "en/")
    (fallback,) = home.xpath('//h2/a[@lang="de"]')
    assert fallback.text_content() == "Neue Regeln für den Export von KI-Chips"
    assert home.xpath('string(//span[@class="untranslated"])') == "Not yet translated"


def test_german_page_of_an_english_article_marks_the_original_as_english(built_site):
    doc = page(built_site, "de/2026/compilers-in-rust/")
    assert doc.xpath('//div[@class="original-text"]/@lang') == ["en"]
    note = doc.xpath('string(//section[@class="original"]/p[@class="note"])')
    assert note == "Der Artikel ist auf Englisch erschienen."
    assert [b.get("lang") for b in doc.xpath('//div[@class="summary"]')] == ["de", "en"]


@pytest.mark.parametrize(("lang", "label"), [("de", "2 Artikel"), ("en", "2 articles")])
def test_tag_index_counts_articles_and_tag_pages_list_them(built_site, lang, label):
    doc = page(built_site, f"{lang}/tags/")
    items = {
        li.xpath("string(a)"): (li.xpath("string(span)"), li.xpath("a/@href")[0])
        for li in doc.xpath('//ul[@class="tag-index"]/li')
    }
    assert items["nvidia"] == (label, "nvidia/")
    assert {href for _, href in items.values()} == {f"{t}/" for t in TAGS}
    assert items["C++"][1] == "c-plus-plus/" and items["C#"][1] == "c-sharp/" and items["C"][1] == "c/"
    tag = page(built_site, f"{lang}/tags/nvidia/")
    assert [resolve(f"{lang}/tags/nvidia/", h) for h in tag.xpath('//ol[@class="entries"]//h2/a/@href')] == [
        f"{lang}/2026/openai-cerebras/",
        f"{lang}/2025/chip-export/",
    ]


def test_no_request_leaves_the_site(built_site):
    for name in html_files(built_site):
        doc = page(built_site, name)
        for el in doc.xpath("//*[@src or @href or @action]"):
            url = el.get("src") or el.get("href") or el.get("action")
            external = urlsplit(url).scheme or url.startswith("//")
            loads = el.tag in ("script", "img", "iframe") or (el.tag == "link" and el.get("rel") not in NAVIGATIONAL)
            if loads:
                assert not external, f"{name}: {url}"
            elif external:
                assert url.startswith((BASE, "https://github.com/example/digest/issues/new")), f"{name}: {url}"
    css = (built_site / "static" / "style.css").read_text()
    assert "@import" not in css and "url(" not in css


@pytest.mark.parametrize("prefix", ["/", "/techdigest/"])
def test_every_internal_link_resolves_at_root_and_under_a_sub_path(project, prefix):
    """Built for the address it is served at, as the Pages workflow does with --base-url."""
    built_site = build(with_base_url(load_config(project), "https://example.org" + prefix)).output
    for name in html_files(built_site):
        page_url = prefix + name.removesuffix("index.html")
        doc = page(built_site, name)
        for el in doc.xpath("//a[@href] | //link[@href] | //img[@src] | //script[@src]"):
            url = el.get("href") or el.get("src")
            if urlsplit(url).scheme:
                continue
            target = urlsplit(urljoin(page_url, url))
            assert target.path.startswith(prefix), f"{name}: {url} leaves {prefix}"
            path = target.path[len(prefix) :]
            file = built_site / (path + "index.html" if path == "" or path.endswith("/") else path)
            assert file.is_file(), f"{name}: {url} -> {file}"
            if target.fragment:
                assert page(built_site, path).xpath(f'//*[@id="{target.fragment}"]'), f"{name}: {url}"


def test_two_builds_are_byte_identical(built_site, tmp_path):
    root = built_site.parent
    build(load_config(root), output=tmp_path / "again")
    assert snapshot(built_site) == snapshot(tmp_path / "again")


def test_content_errors_leave_the_previous_site_intact(project, capsys):
    build(load_config(project))
    before = snapshot(project / "site")
    article = project / "content" / "chip-export.md"
    article.write_text(article.read_text().replace("2025-11-20", "2026-13-01").replace("language: de", "language: fr"))
    (project / "content" / "broken.md").write_text("---\ntitle: [unclosed\n---\n")
    assert main(["-C", str(project), "build"]) == 1
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "error: content/broken.md:2: invalid YAML: did not find expected ',' or ']'",
        "error: content/chip-export.md:4: date: invalid date '2026-13-01' "
        "(expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[+01:00])",
        "error: content/chip-export.md:5: language: unknown language 'fr' (site languages: de, en)",
    ]
    assert snapshot(project / "site") == before
    assert [p.name for p in project.iterdir() if p.name.startswith(".site")] == []


def test_a_template_error_names_template_and_line_and_keeps_the_site(project):
    build(load_config(project))
    before = snapshot(project / "site")
    tag_page = project / "templates" / "tag.html"
    listing = "{{ entry_list(entries) }}"
    broken = tag_page.read_text().replace(listing, listing + "\n{{ no_such_name.x }}")
    tag_page.write_text(broken)
    with pytest.raises(ContentError) as caught:
        build(load_config(project))
    (line,) = caught.value.lines()
    assert line.startswith("templates/tag.html:10: template error while rendering de/tags/")
    assert "no_such_name" in line
    assert snapshot(project / "site") == before


def resolve(page_url: str, href: str) -> str:
    """A relative link from a site-relative page URL, as a site-relative URL."""
    return urljoin("/" + page_url, href).lstrip("/")


def test_check_lists_every_missing_translation_with_file_and_line(project, capsys):
    assert main(["-C", str(project), "check"]) == 0  # reminders: the site can go out with a fallback
    out = [line for line in capsys.readouterr().out.splitlines() if " name yet: " not in line]  # tags: test_tags
    assert out == [
        "reminder: content/chip-export.md:2: title: no en text yet (not yet translated)",
        "reminder: content/chip-export.md:7: summary: no en text yet (not yet translated)",
        "reminder: content/chip-export.md:9: feedback: no en text yet (not yet translated)",
        "checked 3 articles: no errors; reminders: 3 open translations, 8 untranslated tags",
    ]
    assert main(["-C", str(project), "check", "--strict"]) == 1


def test_404_page_is_bilingual_with_links_that_work_at_any_depth(built_site):
    doc = page(built_site, "404.html")
    blocks = doc.xpath('//section[@class="not-found"]')
    assert [(b.get("lang"), b.xpath("string(h2)")) for b in blocks] == [
        ("de", "Seite nicht gefunden"),
        ("en", "Page not found"),
    ]
    assert [b.xpath("string(.//a/@href)") for b in blocks] == ["/digest/de/", "/digest/en/"]
    assert doc.xpath('//header//a[@class="brand"]/@href') == ["/digest/"]  # the logo leads home, at any depth
    assert doc.xpath('//link[@rel="stylesheet"]/@href') == ["/digest/static/style.css"]
    assert doc.xpath('//meta[@name="robots"]/@content') == ["noindex"]
    assert not doc.xpath('//link[@rel="canonical"]')


def test_a_custom_domain_gets_a_cname_file(project):
    site = build(dataclasses.replace(load_config(project), cname="news.example.org")).output
    assert (site / "CNAME").read_text() == "news.example.org\n"


def test_an_incremental_build_renders_only_what_changed_and_equals_a_cold_build(project, tmp_path):
    config = load_config(project)
    first = build(config)
    before = stamps(first.output)
    unchanged = build(config, previous=first.state)
    assert (unchanged.rendered, unchanged.written) == (0, 0)

    article = project / "content" / "compilers-in-rust.md"
    article.write_text(article.read_text().replace("Teams that maintain", "Teams who maintain"))
    edited = build(config, previous=unchanged.state)
    # the article in both languages; listings show summaries, not the body, so they stay
    assert edited.rendered == 2
    changed = {name for name, stamp in stamps(edited.output).items() if stamp != before.get(name)}
    assert {name for name in changed if name.endswith(".html")} == {
        "de/2026/compilers-in-rust/index.html",
        "en/2026/compilers-in-rust/index.html",
    }
    # feeds carry the full text: the language feeds and those of the article's tags, nothing else
    assert {name for name in changed if name.endswith(".xml")} == {
        f"{lang}/{feed}"
        for lang in ("de", "en")
        for feed in ("feed.xml", *(f"tags/{t}/feed.xml" for t in ("c-plus-plus", "c-sharp", "c", "rust")))
    }
    assert all(name.startswith("pagefind/") for name in changed if not name.endswith((".html", ".xml")))
    assert edited.written == len(changed)

    cold = build(config, output=tmp_path / "cold")
    assert snapshot(edited.output) == snapshot(cold.output)


def test_listings_are_paginated_with_links_between_the_pages(project):
    site = build(dataclasses.replace(load_config(project), per_page=1)).output
    for lang, newer, older, position in [
        ("de", "Neuere Artikel", "Ältere Artikel", "Seite 2 von 3"),
        ("en", "Newer articles", "Older articles", "Page 2 of 3"),
    ]:
        titles = [
            page(site, url).xpath("string(//ol[@class='entries']//h2/a)")
            for url in (f"{lang}/", f"{lang}/page/2/", f"{lang}/page/3/")
        ]
        assert titles[0].startswith("Compiler") and titles[2] == "Neue Regeln für den Export von KI-Chips"
        middle = page(site, f"{lang}/page/2/")
        (nav,) = middle.xpath('//nav[@class="pager"]')
        assert [(a.get("rel"), a.text, a.get("href")) for a in nav.xpath("a")] == [
            ("prev", newer, "../../"),
            ("next", older, "../3/"),
        ]
        assert nav.xpath('string(span[@class="pager-position"])') == position
        assert not (site / lang / "page" / "4").exists()
        assert page(site, f"{lang}/tags/nvidia/page/2/").xpath("string(//p[@class='count'])").startswith("2 ")
    alternates = {
        link.get("hreflang"): link.get("href")
        for link in page(site, "de/page/2/").xpath('//link[@rel="alternate"][@hreflang]')
    }
    assert alternates == {"de": BASE + "de/page/2/", "en": BASE + "en/page/2/", "x-default": BASE + "de/page/2/"}
    assert page(site, "de/page/2/").xpath("string(//title)") == "Seite 2 · Testdigest"


def test_a_template_edit_re_renders_even_in_a_folder_named_static(tmp_path):
    project = make_project(tmp_path / "static" / "project")
    config = load_config(project)
    first = build(config)
    base = project / "templates" / "base.html"
    base.write_text(base.read_text().replace("<footer", "<!-- edited -->\n<footer"))
    assert build(config, previous=first.state).rendered == first.pages
