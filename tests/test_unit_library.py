"""``library.index``: articles into a Site, newest first, tags matched by identity with unique slugs."""

from __future__ import annotations

from conftest import article

from techdigest.library import index
from techdigest.tagnames import TagEntry, TagNames


def test_articles_are_newest_first_and_a_day_is_ordered_by_slug_descending():
    site = index([article("a", "2026-01-02"), article("c", "2026-03-01"), article("b", "2026-01-02")])
    assert [item.slug for item in site.articles] == ["c", "b", "a"]


def test_tags_spelled_differently_are_one_tag_named_as_the_oldest_article_spells_it():
    site = index([article("new", "2026-02-01", "[nvidia]"), article("old", "2025-02-01", "[NVIDIA]")])
    assert list(site.tags.values()) == [site.tags["nvidia"]]
    assert site.tags["nvidia"].name == "NVIDIA"
    assert [item.slug for item in site.tag_articles["nvidia"]] == ["new", "old"]


def test_similar_tags_get_different_ascii_slugs():
    site = index([article("x", tags='["C++", "C#", C, " c "]')])
    assert sorted((tag.name, slug) for slug, tag in site.tags.items()) == [
        ("C", "c"),
        ("C#", "c-sharp"),
        ("C++", "c-plus-plus"),
    ]
    assert [tag.name for tag in site.article_tags["x"]] == ["C++", "C#", "C"]  # " c " is C again


def test_each_article_has_a_key_of_its_tags_names_and_slugs_and_an_untagged_one_an_empty_one():
    site = index([article("x", tags="[Chips, KI]"), article("z", tags="[chips, ki]"), article("y", tags="[]")])
    assert site.tag_keys["x"] == site.tag_keys["z"] != ""
    assert site.tag_keys["y"] == ""
    assert site.article_tags["y"] == ()
    renamed = index([article("x", tags="[Chips, KI]")], names=TagNames((TagEntry("KI", {"en": "AI"}),)))
    assert renamed.tag_keys["x"] != site.tag_keys["x"]
    assert index([article("x", tags="[KI, Chips]")]).tag_keys["x"] != site.tag_keys["x"]  # shown in their order


def test_no_articles_is_an_empty_site():
    site = index([])
    assert (site.articles, site.tags, site.tag_articles) == ((), {}, {})
