"""Property-based tests: the seed parser and slugs never crash and never leave the site."""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from pathlib import Path
from urllib.parse import urljoin

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html

from techdigest import content, urls
from techdigest.config import parse_config
from techdigest.content import dump_article, parse_article
from techdigest.importer import draft_front_matter
from techdigest.markup import make_markdown
from techdigest.model import ContentError
from techdigest.seeds import parse_seed
from techdigest.slugs import slugify

CONFIG = parse_config(
    Path("."),
    {
        "base_url": "https://x.test/",
        "languages": ["de", "en"],
        "default_language": "de",
        "title": {"de": "t", "en": "t"},
    },
)
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400)
SEEDISH = st.lists(
    st.one_of(
        TEXT,
        st.sampled_from(
            [
                "Schlagwörter: A + B",
                "Tags: C++ + C#",
                "Wie bewerten Sie den Schreibstil des Artikels?",
                "",
                "+ + +",
                "Schlagwörter:",
                "# x",
                "<script>x</script>",
            ]
        ),
    ),
    max_size=8,
).map("\n".join)
LINE = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=120)


@settings(max_examples=300, deadline=None)
@given(SEEDISH)
def test_the_seed_parser_never_crashes(text):
    try:
        seed = parse_seed(text, "x.txt")
    except ContentError as exc:
        assert all(line.startswith("x.txt") for line in exc.lines())
        return
    assert seed.paragraphs and all(p.strip() for p in seed.paragraphs)
    assert all(tag.strip() and " + " not in f" {tag} " for tag in seed.tags)


@settings(max_examples=500, deadline=None)
@given(TEXT)
def test_slugs_are_always_one_safe_path_segment_inside_the_site(name):
    slug = slugify(name, fallback="tag")
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug) and len(slug) <= 60
    for lang in ("de", "en"):
        path = posixpath.normpath(posixpath.join("site", urls.output_file(urls.tag(lang, slug))))
        assert path.startswith(f"site/{lang}/tags/")


@settings(max_examples=150, deadline=None)
@given(st.lists(LINE, min_size=1, max_size=5), st.lists(LINE, max_size=4))
def test_seed_to_content_file_and_back_round_trips(paragraphs, tags):
    tags = [t.replace("+", "") for t in tags]  # a "+" between spaces would split a tag
    text = "\n".join(paragraphs) + "\nSchlagwörter: " + " + ".join(tags) + "\n"
    try:
        seed = parse_seed(text, "x.txt")
    except ContentError:
        return  # nothing left once blank lines are dropped, or only metadata
    front = draft_front_matter(seed, "seeds/x.txt", dt.date(2026, 11, 25), CONFIG)
    article = parse_article("content/x.md", dump_article(front, seed.paragraphs), ("de", "en"), make_markdown(False))
    assert article.tags == seed.tags
    assert article.title == {k: " ".join(v.split()) for k, v in front.title.items() if v.strip()}
    shown = [p.text_content() for p in html.fromstring(f"<div>{article.body_html}</div>").xpath("p")]
    assert shown == list(seed.paragraphs)


# words as a seed's cleaned texts hold them: any printable character of the Basic Multilingual Plane
# but a space, and what YAML reads as syntax
WORD = st.one_of(
    st.text(st.characters(max_codepoint=0xFFFF, blacklist_categories=("Cs", "Cc", "Cf", "Co", "Cn", "Z")), min_size=1),
    st.sampled_from(["-", "?", ":", "#", "'", '"', "&a", "*a", "!x", "|", ">", "%", "@", "`", "---", "...", "null"]),
)
CLEANED = st.lists(WORD, max_size=40).map(" ".join)


@settings(max_examples=500, deadline=None)
@given(CLEANED, CLEANED, st.lists(CLEANED, max_size=3))
def test_libyaml_writes_cleaned_texts_as_pyyaml_does(title, summary, tags):
    """dump_article writes such front matter with libyaml's emitter, which must give PyYAML's bytes."""
    data = {"title": {"de": title, "en": ""}, "tags": tags, "summary": {"de": summary}, "source": f"seeds/{title}"}
    assert all(content._emitted_alike(text) for text in content._texts(data))
    assert _dumped(data, content._FastDumper) == _dumped(data, content._Dumper)


def _dumped(data: dict[str, object], dumper: type[yaml.SafeDumper]) -> str:
    return yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False, width=100)


SEGMENT = st.from_regex(r"[a-z0-9][a-z0-9-]{0,6}", fullmatch=True)
SITE_URL = st.builds(
    lambda parts, end: "/".join(parts) + end,
    st.lists(SEGMENT, max_size=4),
    st.sampled_from(["/", "/index.html", "/feed.xml", ""]),
)


@settings(max_examples=500, deadline=None)
@given(SITE_URL, SITE_URL)
def test_relative_links_lead_where_they_should(source, target):
    source, target = source.lstrip("/"), target.lstrip("/")
    link = urls.relative(source, target)
    assert urljoin("http://x/sub/" + source, link) == "http://x/sub/" + target
