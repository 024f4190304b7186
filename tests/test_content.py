import datetime as dt
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html

from techdigest.content import dump_article, literal_markdown, parse_article
from techdigest.markup import make_markdown
from techdigest.model import ContentError, FrontMatter, Moment

LANGS = ("de", "en")


def parse(text: str, unsafe_html: bool = False):
    return parse_article("content/x.md", textwrap.dedent(text).lstrip(), LANGS, make_markdown(unsafe_html))


def errors(text: str) -> list[str]:
    with pytest.raises(ContentError) as caught:
        parse(text)
    return caught.value.lines()


VALID = """
    ---
    title: {de: "Titel", en: "Title"}
    date: 2026-11-25
    language: de
    tags: [NVIDIA, OpenAI]
    summary: {de: "Kurz.", en: "Short."}
    feedback: "Wie bewerten Sie den Schreibstil des Artikels?"
    ---

    Der *Text*.
    """


def test_a_valid_file_reads_into_an_article():
    article = parse(VALID)
    assert article.slug == "x"
    assert article.title == {"de": "Titel", "en": "Title"}
    assert article.date == dt.date(2026, 11, 25)
    assert article.tags == ("NVIDIA", "OpenAI")
    assert article.feedback == {"de": "Wie bewerten Sie den Schreibstil des Artikels?"}
    assert article.body_html == "<p>Der <em>Text</em>.</p>"
    assert article.lines["summary"] == 6


def test_a_bad_date_is_reported_at_its_line():
    assert errors(VALID.replace("2026-11-25", "2026-13-01")) == [
        "content/x.md:3: date: invalid date '2026-13-01' (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[+01:00])"
    ]


def test_an_unknown_key_is_an_error_at_its_line():
    assert errors(VALID.replace("    tags:", "    catgories: [a]\n    tags:")) == [
        "content/x.md:5: catgories: unknown key (allowed: title, date, updated, draft, language, author, tags, "
        "summary, feedback, machine_translated, aliases, source, id)"
    ]


def test_an_unknown_language_is_an_error():
    assert errors(VALID.replace("language: de", "language: fr")) == [
        "content/x.md:4: language: unknown language 'fr' (site languages: de, en)"
    ]


def test_invalid_yaml_takes_its_line_from_the_parser():
    (line,) = errors(VALID.replace("tags: [NVIDIA, OpenAI]", "tags: [NVIDIA, OpenAI"))
    assert line.startswith("content/x.md:6: invalid YAML:")


def test_all_problems_of_a_file_are_reported_together():
    broken = VALID.replace("2026-11-25", "soon").replace("language: de", "language: xx")
    assert [line.split(": ")[1] for line in errors(broken)] == ["date", "language"]  # in line order


def test_missing_front_matter_and_required_keys():
    assert errors("Just text\n") == ["content/x.md:1: missing front matter: the file must start with a '---' line"]
    assert errors("---\ntitle: x\n") == ["content/x.md:1: front matter is not closed by a '---' line"]
    assert errors("---\ntitle: {de: T}\n---\nText\n") == [
        "content/x.md:1: date: missing",
        "content/x.md:1: language: missing",
    ]


def test_raw_html_is_off_unless_the_config_turns_it_on():
    text = VALID.replace("Der *Text*.", "<script>alert(1)</script>\n\n<b>fett</b>")
    safe = parse(text).body_html
    assert "<script>" not in safe and "&lt;script&gt;alert(1)&lt;/script&gt;" in safe
    assert "<b>fett</b>" in parse(text, unsafe_html=True).body_html


LITERAL = [
    "* not a list",
    "# not a heading",
    "1. not a numbered list",
    "> not a quote",
    "_not emphasis_ and *not emphasis* and __not strong__",
    "`not code` and ``not code either``",
    "<script>alert('x')</script> & &amp; &copy;",
    "[not a link](http://example.org) ![not an image](x.png) <http://example.org>",
    "- not a list + not a list either",
    "\\ a backslash \\* and 2 * 3 = 6",
]


def rendered_text(markdown_text: str) -> str:
    body = make_markdown(False).convert(markdown_text)
    return html.fromstring(f"<div>{body}</div>").text_content()


@pytest.mark.parametrize("plain", LITERAL)
def test_imported_plain_text_is_shown_literally(plain):
    assert rendered_text(literal_markdown(plain)) == plain


MARKDOWN_ISH = st.text(alphabet="*_`#>-+=1.0 <>[]()!&;:#xa/\\\t", min_size=1)
ANY_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1)


@settings(max_examples=500, deadline=None)
@given(st.one_of(MARKDOWN_ISH, ANY_TEXT))
def test_any_plain_paragraph_survives_markdown_literally(plain):
    expected = " ".join(plain.split())
    assert rendered_text(literal_markdown(plain)) == expected


def test_dump_then_parse_round_trips():
    front = FrontMatter(
        title={"de": "Titel: mit Doppelpunkt", "en": ""},
        published=Moment(dt.datetime(2026, 11, 25, 7, 30, tzinfo=dt.timezone(dt.timedelta(hours=1))), timed=True),
        language="de",
        tags=("C++", "yes", "2026"),
        summary={"de": "Kurz # nicht kommentiert.", "en": ""},
        feedback={"de": "Wie bewerten Sie den Schreibstil des Artikels?", "en": "How?"},
        source="seeds/a.txt",
    )
    article = parse_article(
        "content/x.md", dump_article(front, ("Absatz *eins*.", "1. Absatz")), LANGS, make_markdown(False)
    )
    assert article.title == {"de": "Titel: mit Doppelpunkt"}
    assert article.published == front.published and article.published.timed
    assert article.tags == ("C++", "yes", "2026")
    assert article.summary == {"de": "Kurz # nicht kommentiert."}
    assert article.feedback == front.feedback
    assert html.fromstring(article.body_html).text_content() == "Absatz *eins*.\n1. Absatz"


def test_an_unquoted_colon_in_a_title_says_to_quote_it():
    text = "---\ntitle:\n  de: Exportkontrollen: USA verschärfen Regeln\ndate: 2026-11-25\nlanguage: de\n---\nText.\n"
    with pytest.raises(ContentError) as caught:
        parse_article("content/x.md", text, ("de", "en"), make_markdown(False))
    assert caught.value.lines() == [
        "content/x.md:3: invalid YAML: mapping values are not allowed in this context; "
        "put a text that holds ': ' in quotes (de: \"Export: USA …\")"
    ]


def test_problems_are_reported_in_line_order():
    text = "---\ntitel: x\nlanguage: fr\ndate: 2026-13-01\ntitle: {de: T}\nsumary: y\n---\nText.\n"
    with pytest.raises(ContentError) as caught:
        parse_article("content/x.md", text, ("de", "en"), make_markdown(False))
    lines = [int(line.split(":")[1]) for line in caught.value.lines()]
    assert lines == sorted(lines) and len(lines) >= 4
