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
from .i18n import language_name, load_translations
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
class NotFoundText:
    lang: str
    heading: str
    text: str
    link_text: str
    href: str


@dataclass(frozen=True)
class FeedbackView:
    """The rating form: posted to ``action``, or, without an endpoint, one prefilled issue link per rating."""

    prompt: Text
    action: str
    issue_links: tuple[Link, ...]


@dataclass(frozen=True)
class EntryView:
    """An article as listings show it; nothing more, so a body edit leaves listings untouched."""

    href: str
    slug: str
    title: Text
    date: dt.date
    tags: tuple[Link, ...]
    summary: Text


@dataclass(frozen=True)
class ArticleView(EntryView):
    summaries: tuple[Text, ...]
    body_html: str
    body_lang: str
    minutes: int
    feedback: FeedbackView | None


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
    pages = [
        _page(config, "", "root.html", config.default_language, urls.home, {
            "taglines": config.tagline,
            "language_homes": {code: urls.home(code) for code in config.languages},
        }),
        _page(config, urls.NOT_FOUND, "404.html", config.default_language, urls.home, {
            "messages": _not_found_texts(config),
        }),
    ]
    for lang in config.languages:
        pages.append(_page(config, urls.home(lang), "home.html", lang, urls.home, {
            "entries": [_entry(site, item, lang, urls.home(lang)) for item in site.articles],
        }))
        for item in site.articles:
            here = urls.article(lang, item)
            pages.append(_page(config, here, "article.html", lang, lambda code, a=item: urls.article(code, a), {
                "article": _article(site, item, lang, here, config),
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
                "entries": [_entry(site, item, lang, here) for item in site.tag_articles[slug]],
            }))
        pages.append(_page(config, urls.feedback_thanks(lang), "thanks.html", lang, urls.feedback_thanks, {}))
    _refuse_duplicates(pages)
    return pages


def publishing_files(config: Config) -> dict[str, bytes]:
    """Files GitHub Pages reads: no Jekyll processing, and the custom domain if there is one."""
    files = {".nojekyll": b""}
    if config.cname:
        files["CNAME"] = config.cname.encode() + b"\n"
    return files


def _page(
    config: Config, url: str, template: str, lang: str, url_in: Callable[[str], str], extra: dict[str, Any]
) -> Page:
    """A page with the context every template shares: navigation, switcher, alternates.

    The 404 page is served at whatever URL was missing, so its links are
    absolute paths under the base URL's path instead of relative ones.
    """
    if url == urls.NOT_FOUND:
        def link(target: str) -> str:
            return urls.site_path(config.base_url, target)
    else:
        def link(target: str) -> str:
            return urls.relative(url, target)
    indexed = url not in (urls.NOT_FOUND, *(urls.feedback_thanks(code) for code in config.languages))
    alternates = [
        Alternate(code, language_name(code), link(url_in(code)), urls.absolute(config.base_url, url_in(code)),
                  code == lang and url not in ("", urls.NOT_FOUND))
        for code in config.languages
    ]
    context = {
        "lang": lang,
        "site_title": config.title[lang],
        "tagline": config.tagline.get(lang, ""),
        "indexed": indexed,
        "canonical": urls.absolute(config.base_url, url),
        # the root chooser is the x-default of itself; elsewhere the default language's page is
        "x_default": urls.absolute(config.base_url, url_in(config.default_language) if url else ""),
        "alternates": alternates,
        "chooser": url in ("", urls.NOT_FOUND),
        "home_href": link(urls.home(lang)),
        "tags_href": link(urls.tags(lang)),
        "static_href": link(urls.static("")),
        **extra,
    }
    return Page(url=url, template=template, lang=lang, context=context)


def _not_found_texts(config: Config) -> list[NotFoundText]:
    """One block per language on the 404 page, each in its own language (not the page's)."""
    blocks = []
    for code in config.languages:
        catalog = load_translations(config.locales_dir, code)
        blocks.append(NotFoundText(
            lang=code,
            heading=catalog.gettext("Page not found"),
            text=catalog.gettext("There is no page at this address (any more)."),
            link_text=catalog.gettext("Go to the home page"),
            href=urls.site_path(config.base_url, urls.home(code)),
        ))
    return blocks


def _entry(site: Site, item: Article, lang: str, here: str) -> EntryView:
    return EntryView(
        href=urls.relative(here, urls.article(lang, item)),
        slug=item.slug,
        title=_text(item, "title", lang),
        date=item.date,
        tags=tuple(Link(t.name, urls.relative(here, urls.tag(lang, t.slug))) for t in site.article_tags[item.slug]),
        summary=_text(item, "summary", lang),
    )


def _article(site: Site, item: Article, lang: str, here: str, config: Config) -> ArticleView:
    entry = _entry(site, item, lang, here)
    others = [_text(item, "summary", code) for code in sorted(item.summary) if code not in (lang, entry.summary.lang)]
    return ArticleView(
        **vars(entry),
        summaries=tuple(s for s in (entry.summary, *others) if s.value),
        body_html=item.body_html,
        body_lang=item.language,
        minutes=max(1, math.ceil(item.word_count / WORDS_PER_MINUTE)),
        feedback=_feedback(item, lang, config),
    )


def _feedback(item: Article, lang: str, config: Config) -> FeedbackView | None:
    """How this page's reader can rate the article; None when no rating could be delivered."""
    if not item.feedback or not (config.feedback_endpoint or config.feedback_github_repo):
        return None
    prompt = _text(item, "feedback", lang)
    if config.feedback_endpoint:
        return FeedbackView(prompt, config.feedback_endpoint, ())
    page = urls.absolute(config.base_url, urls.article(lang, item))
    links = tuple(
        Link(str(rating), urls.feedback_issue(
            config.feedback_github_repo,
            title=f"Feedback: {rating}/5 for {item.slug} ({lang})",
            body=f"Article: {page}\nLanguage: {lang}\nRating: {rating}/5\n\nComment:\n",
        ))
        for rating in range(1, 6)
    )
    return FeedbackView(prompt, "", links)


def _text(item: Article, field_name: str, lang: str) -> Text:
    value, shown = item.text(field_name, lang)
    return Text(value, shown, shown != lang)


def _refuse_duplicates(pages: list[Page]) -> None:
    seen: set[str] = set()
    for page in pages:
        if page.output in seen:
            raise TechdigestError(f"two pages would be written to {page.output}")
        seen.add(page.output)
