"""``plan``: every page of the site, with the ready-made context its template needs.

Templates never compute URLs or pick languages: each page gets views whose
links are already relative to that page, and whose texts carry the language
they are really in, so an untranslated title is marked ``lang="de"`` and
flagged on an English page instead of passing for a translation.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import urls
from .config import Config
from .i18n import language_name
from .model import Article, Site, TechdigestError

WORDS_PER_MINUTE = 200


@dataclass(frozen=True)
class Text:
    """A text and the language it is in; ``fallback`` when it stands in for a translation."""

    value: str
    lang: str
    fallback: bool


@dataclass(frozen=True)
class Link:
    text: str
    href: str
    count: int = 0


@dataclass(frozen=True)
class Alternate:
    lang: str
    name: str
    href: str
    absolute: str
    current: bool


@dataclass(frozen=True)
class ArticleView:
    href: str
    slug: str
    title: Text
    date: dt.date
    tags: tuple[Link, ...]
    summary: Text
    summaries: tuple[Text, ...]
    body_html: str
    body_lang: str
    minutes: int
    feedback: Text | None


@dataclass(frozen=True)
class Page:
    url: str
    template: str
    lang: str
    context: dict[str, Any]

    @property
    def output(self) -> str:
        return urls.output_file(self.url)


def plan(site: Site, config: Config) -> list[Page]:
    pages = [_page(config, "", "root.html", config.default_language, urls.home, {
        "taglines": config.tagline,
        "language_homes": {code: urls.home(code) for code in config.languages},
    })]
    for lang in config.languages:
        pages.append(_page(config, urls.home(lang), "home.html", lang, urls.home, {
            "entries": [_view(site, item, lang, urls.home(lang)) for item in site.articles],
        }))
        for item in site.articles:
            here = urls.article(lang, item)
            pages.append(_page(config, here, "article.html", lang, lambda code, a=item: urls.article(code, a), {
                "article": _view(site, item, lang, here),
            }))
        here = urls.tags(lang)
        pages.append(_page(config, here, "tags.html", lang, urls.tags, {
            "tags": [
                Link(tag.name, urls.relative(here, urls.tag(lang, slug)), len(site.tag_articles[slug]))
                for slug, tag in sorted(site.tags.items(), key=lambda kv: kv[1].name.casefold())
            ],
        }))
        for slug, tag in site.tags.items():
            here = urls.tag(lang, slug)
            pages.append(_page(config, here, "tag.html", lang, lambda code, s=slug: urls.tag(code, s), {
                "tag": tag,
                "entries": [_view(site, item, lang, here) for item in site.tag_articles[slug]],
            }))
    _refuse_duplicates(pages)
    return pages


def _page(
    config: Config, url: str, template: str, lang: str, url_in: Callable[[str], str], extra: dict[str, Any]
) -> Page:
    """A page with the context every template shares: navigation, switcher, alternates."""
    alternates = [
        Alternate(code, language_name(code), urls.relative(url, url_in(code)),
                  urls.absolute(config.base_url, url_in(code)), code == lang)
        for code in config.languages
    ]
    context = {
        "lang": lang,
        "site_title": config.title[lang],
        "tagline": config.tagline.get(lang, ""),
        "canonical": urls.absolute(config.base_url, url),
        # the root chooser is the x-default of itself; elsewhere the default language's page is
        "x_default": urls.absolute(config.base_url, url_in(config.default_language) if url else ""),
        "alternates": alternates,
        "home_href": urls.relative(url, urls.home(lang)),
        "tags_href": urls.relative(url, urls.tags(lang)),
        "root_href": urls.relative(url, ""),
        "static_href": urls.relative(url, urls.static("")),
        "feedback_endpoint": config.feedback_endpoint,
        **extra,
    }
    return Page(url=url, template=template, lang=lang, context=context)


def _view(site: Site, item: Article, lang: str, here: str) -> ArticleView:
    own = _text(item, "summary", lang)
    others = [_text(item, "summary", code) for code in sorted(item.summary) if code not in (lang, own.lang)]
    feedback = _text(item, "feedback", lang) if item.feedback else None
    return ArticleView(
        href=urls.relative(here, urls.article(lang, item)),
        slug=item.slug,
        title=_text(item, "title", lang),
        date=item.date,
        tags=tuple(Link(t.name, urls.relative(here, urls.tag(lang, t.slug))) for t in site.article_tags[item.slug]),
        summary=own,
        summaries=tuple(s for s in (own, *others) if s.value),
        body_html=item.body_html,
        body_lang=item.language,
        minutes=max(1, math.ceil(item.word_count / WORDS_PER_MINUTE)),
        feedback=feedback,
    )


def _text(item: Article, field_name: str, lang: str) -> Text:
    value, shown = item.text(field_name, lang)
    return Text(value, shown, shown != lang)


def _refuse_duplicates(pages: list[Page]) -> None:
    seen: set[str] = set()
    for page in pages:
        if page.output in seen:
            raise TechdigestError(f"two pages would be written to {page.output}")
        seen.add(page.output)
