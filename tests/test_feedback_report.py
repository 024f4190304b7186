"""``techdigest feedback``'s checks and outputs: the table (terminal-safe), JSON, CSV and the HTML report."""

import csv
import io
import json

import pytest
from lxml import html

from techdigest.cli import main

ID = "5f0c8a4e-3b1d-4c2a-9e7f-1a2b3c4d5e6f"


def line(article, lang, rating, comment="", identity=None, time="2026-11-27T10:00:00+00:00"):
    entry = {"article": article, "lang": lang, "rating": rating, "comment": comment, "time": time}
    return json.dumps(entry if identity is None else {**entry, "id": identity}) + "\n"


@pytest.fixture
def rated(project, capsys):
    """The fixture project with openai-cerebras (id ID) renamed, chip-export removed, and ratings of all kinds."""
    path = project / "content" / "openai-cerebras.md"
    path.write_text(path.read_text().replace("\nlanguage:", f"\nid: {ID}\nlanguage:", 1))
    assert main(["-C", str(project), "rename", "openai-cerebras", "openai-holt-cerebras"]) == 0
    assert main(["-C", str(project), "remove", "chip-export"]) == 0
    capsys.readouterr()
    (project / "feedback.jsonl").write_text(
        line("openai-cerebras", "de", 4, "Gut \x1b[2J geschrieben", ID)  # the old slug with the id
        + line("openai-cerebras", "de", 2)  # an older line: no id, the old slug (an alias now)
        + line("openai-cerebras", "en", 1000)
        + line("openai-cerebras", "en", True)
        + line("openai-cerebras", "en", "5")
        + line("compilers-in-rust", "fr", 3)
        + line("compilers-in-rust", "en", 5, "=HYPERLINK(1)")
        + line("chip-export", "de", 3)
        + line("nope", "de", 3)
        + "{torn\n"
    )
    return project


def run(project, *options):
    return main(["-C", str(project), "feedback", *options])


def test_only_valid_ratings_count_and_the_others_are_named(rated, capsys):
    assert run(rated) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[:4] == [
        "article               lang  ratings  mean  1★  2★  3★  4★  5★  title",
        "compilers-in-rust     en          1  5.00   0   0   0   0   1  Compilers are being rewritten in Rust",
        "openai-holt-cerebras  de          2  3.00   0   1   0   1   0  OpenAI holt Cerebras an Bord",
        "",
    ]
    assert "openai-holt-cerebras (de) 2026-11-27: Gut \\x1b[2J geschrieben" in out.splitlines()
    assert "\x1b" not in out + err
    feedback = rated / "feedback.jsonl"
    assert err.splitlines() == [
        f"skipped: {feedback}:3: rating not 1 to 5 1000",
        f"skipped: {feedback}:4: rating not 1 to 5 True",
        f"skipped: {feedback}:5: rating not 1 to 5 '5'",
        f"skipped: {feedback}:6: unknown language 'fr'",
        f"skipped: {feedback}:8: removed article 'chip-export'",
        f"skipped: {feedback}:9: unknown article 'nope'",
        f"skipped: {feedback}:10: unreadable line",
        f"counted 3 from {feedback}; skipped 7 (3 rating not 1 to 5, 1 removed article, 1 unknown article,"
        " 1 unknown language, 1 unreadable line)",
    ]


def test_json_and_csv_on_stdout(rated, capsys):
    assert run(rated, "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert [(r["article"], r["lang"], r["count"], r["mean"]) for r in report["ratings"]] == [
        ("compilers-in-rust", "en", 1, 5.0),
        ("openai-holt-cerebras", "de", 2, 3.0),
    ]
    assert report["ratings"][1]["comments"][0]["text"] == "Gut \x1b[2J geschrieben"  # JSON escapes it
    assert len(report["skipped"]) == 7
    assert run(rated, "--csv") == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["article"], r["id"], r["lang"], r["count"], r["4"], r["comments"]) for r in rows] == [
        ("compilers-in-rust", "", "en", "1", "0", "1"),
        ("openai-holt-cerebras", ID, "de", "2", "1", "1"),
    ]
    with pytest.raises(SystemExit):
        run(rated, "--json", "--csv")


def report_page(rated, tmp_path):
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "report.html"
    assert run(rated, "--html", str(target)) == 0
    return target


def test_the_html_report_is_one_accessible_page_newest_article_first(rated, tmp_path, capsys):
    target = report_page(rated, tmp_path)
    assert capsys.readouterr().err.endswith(f"; report written to {target}\n")
    assert [p.name for p in target.parent.iterdir()] == ["report.html"]  # written whole, nothing beside it
    doc = html.fromstring(target.read_bytes())
    assert doc.get("lang") == "en" and doc.findtext(".//title") == "Reader ratings: Testdigest"
    assert not doc.xpath("//script | //link | //*[@src]")  # self-contained, no script
    sections = doc.xpath("//section")
    assert [s.xpath("string(h2)") for s in sections] == [
        "Compilers are being rewritten in Rust",
        "OpenAI holt Cerebras an Bord",
    ]
    assert sections[1].xpath("h2/@lang") == ["de"]
    german = sections[1]
    assert german.xpath(".//svg/@role") == ["list"]
    assert german.xpath(".//svg//*[@role='listitem']/@aria-label") == [
        "1 of 5: 0",
        "2 of 5: 1",
        "3 of 5: 0",
        "4 of 5: 1",
        "5 of 5: 0",
    ]
    assert [td.text for td in german.xpath(".//table//td")] == ["0", "1", "0", "1", "0", "3.00"]
    assert german.xpath(".//blockquote/text()") == ["Gut \\x1b[2J geschrieben"]
    assert len(doc.xpath("//h2[.='Skipped']/following-sibling::ul[1]/li")) == 7


@pytest.mark.browser
def test_the_report_charts_render_with_their_numbers_in_chromium(rated, tmp_path, open_tab):
    tab = open_tab()
    tab.goto(report_page(rated, tmp_path).as_uri())
    chart = tab.locator("#chart-openai-holt-cerebras-de")
    box = chart.bounding_box()
    assert box and box["width"] > 100 and box["height"] > 50
    bars = chart.locator("rect.bar")
    widths = [bars.nth(n).bounding_box()["width"] for n in range(5)]
    assert widths[0] == widths[2] == widths[4] == 0 and widths[1] == widths[3] > 100
    assert tab.get_by_role("list", name="Ratings of openai-holt-cerebras (de), 1 to 5").is_visible()
    assert tab.get_by_role("listitem", name="4 of 5: 1").count() == 1
    assert tab.get_by_role("cell", name="3.00").count() == 1


def test_lines_too_deep_to_read_and_comments_or_times_that_are_no_text_are_skipped(project, capsys):
    feedback = project / "feedback.jsonl"
    entry = {"article": "openai-cerebras", "lang": "de", "rating": 4, "time": "2026-11-27T10:00:00+00:00"}
    feedback.write_text(
        "[" * 1000 + "]" * 1000 + "\n"
        + "[" * 100_000 + "]" * 100_000 + "\n"
        + json.dumps({**entry, "comment": 12345}) + "\n"
        + json.dumps({**entry, "comment": ["a"]}) + "\n"
        + json.dumps({**entry, "time": 5}) + "\n"
        + json.dumps({**entry, "comment": None, "time": None}) + "\n"  # null: none given, counted
        + json.dumps({**entry, "comment": "fine"}) + "\n"
    )  # fmt: skip
    assert run(project) == 0
    out, err = capsys.readouterr()
    assert err.splitlines() == [
        f"skipped: {feedback}:1: unreadable line",
        f"skipped: {feedback}:2: unreadable line",
        f"skipped: {feedback}:3: comment not a text 12345",
        f"skipped: {feedback}:4: comment not a text ['a']",
        f"skipped: {feedback}:5: time not a text 5",
        f"counted 2 from {feedback}; skipped 5 (2 comment not a text, 1 time not a text, 2 unreadable line)",
    ]
    assert out.splitlines()[-2:] == ["comments:", "openai-cerebras (de) 2026-11-27: fine"]


def long_comments(project):
    """A comment longer than the form allows (a GitHub issue's text can be) and one long URL."""
    with (project / "feedback.jsonl").open("a") as handle:
        handle.write(line("openai-cerebras", "de", 5, "Quelle: https://www.example.com/news/" + "wafer-scale-" * 40))
        handle.write(line("compilers-in-rust", "en", 4, "x" * 2500))


def test_long_comments_are_cut_to_the_forms_limit_in_the_table_and_the_report(rated, tmp_path, capsys):
    long_comments(rated)
    assert run(rated) == 0
    (cut,) = [text for text in capsys.readouterr().out.splitlines() if "xxxx" in text]
    assert cut == "compilers-in-rust (en) 2026-11-27: " + "x" * 1999 + "…"
    assert run(rated, "--json") == 0
    assert "x" * 2500 in capsys.readouterr().out  # the data keeps it whole
    doc = html.fromstring(report_page(rated, tmp_path).read_bytes())
    assert "x" * 1999 + "…" in doc.xpath("//blockquote/text()")
    # a comment is in the language of its section, its title's too
    assert [(s.xpath("string(h2/@lang)"), s.xpath("string(ul/@lang)")) for s in doc.xpath("//section")] == [
        ("en", "en"),
        ("de", "de"),
    ]
    assert "overflow-wrap:anywhere" in doc.findtext(".//style")


@pytest.mark.browser
def test_the_report_does_not_scroll_sideways_on_a_phone(rated, tmp_path, open_tab):
    long_comments(rated)
    tab = open_tab(viewport={"width": 390, "height": 844})
    tab.goto(report_page(rated, tmp_path).as_uri())
    assert tab.evaluate("document.documentElement.scrollWidth") == 390
    url = tab.locator("blockquote", has_text="wafer-scale")
    assert url.bounding_box()["width"] < 390
