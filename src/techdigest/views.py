"""What templates show of an article: texts with their real language, links ready to use.

Every text carries the language it is in, so a missing translation is shown
as the original, marked with its ``lang`` and flagged, never passed off as a
translation. Listings get an :class:`EntryView` only, without the body, so an
edit of an article's text does not touch the listings it appears in; its links
are site URLs, made relative for each page (:class:`Entries`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from . import urls
from .config import Config
from .i18n import format_names, load_translations
from .model import Article, Moment, Site, Text, shorten

WORDS_PER_MINUTE = 200
ISSUE_TITLE = 256  # characters GitHub keeps of an issue title
_WORDING = 40  # room for "Bewertung 4/5: " and its translations
MACHINE_TRANSLATOR = "Machine translation (techdigest translate)"
FEEDBACK_LABEL = "feedback"  # the label rating issues ask for (``techdigest feedback --github`` lists by it)


@dataclass(frozen=True)
class Link:
    text: str
    href: str
    count: int = 0


@dataclass(frozen=True)
class FeedbackView:
    """The rating form, the same in every mode: five radios 1-5, an optional comment, a submit button.

    With an endpoint it POSTs ``rating`` and ``comment`` with the article's ``article`` (slug),
    ``id`` and ``lang``. Without one it is a GET form to the repository's new-issue page, which
    needs no script and no server of ours: each radio is a ``title`` (the template words it in
    the page's language and ends it in ``marker``, which ``techdigest feedback`` reads back), the
    comment is the issue's ``body``, and a hidden ``labels`` asks for the ``feedback`` label.
    """

    prompt: Text
    action: str
    github: bool
    hidden: tuple[tuple[str, str], ...]  # (name, value) of the hidden fields, in order
    topic: str  # GitHub mode: the article's title, as the issue title names it
    marker: str  # GitHub mode: ``[techdigest LANG ID-OR-SLUG]``, the end of every issue title

    @property
    def rating_field(self) -> str:
        return "title" if self.github else "rating"

    @property
    def comment_field(self) -> str:
        return "body" if self.github else "comment"


@dataclass(frozen=True)
class EntryView:
    """An article as listings show it; nothing more, so a body edit leaves listings untouched.

    Its dates are in the site's time zone; ``status`` is "draft" or "scheduled" in a build that
    shows such articles (they are marked), else "".
    """

    href: str
    slug: str
    title: Text
    published: Moment
    updated: Moment | None
    byline: str  # the authors' names as a list reads in the page's language; "" without any
    status: str
    tags: tuple[Link, ...]
    summary: Text

    def linked(self, link: Callable[[str], str]) -> EntryView:
        """The entry with its links (made as site URLs) passed through ``link``: made relative to a
        page, or marked where :mod:`render` renders an entry once for every listing that shows it."""
        return replace(self, href=link(self.href), tags=tuple(replace(tag, href=link(tag.href)) for tag in self.tags))


@dataclass(frozen=True)
class Entries:
    """A listing page's entries, newest first: views linking to site URLs, and ``link``, which makes
    a site URL this page's link. So an entry's view and HTML are the same on every page listing it."""

    views: tuple[EntryView, ...]
    link: Callable[[str], str]


@dataclass(frozen=True)
class ArticleView(EntryView):
    summaries: tuple[Text, ...]
    body_html: str
    body_lang: str
    minutes: int
    feedback: FeedbackView | None
    structured_data: dict[str, Any]


def entry_view(site: Site, item: Article, lang: str) -> EntryView:
    """The article as listings in ``lang`` show it, its links as site URLs (see :meth:`EntryView.linked`)."""
    return EntryView(
        href=urls.article(lang, item),
        slug=item.slug,
        title=item.text("title", lang),
        published=item.published,  # in the site's time zone as read (content.parse_moment)
        updated=item.updated,
        byline=format_names(item.author, lang),
        status=site.status.get(item.slug, ""),
        tags=tuple(Link(t.name_in(lang), urls.tag(lang, t.slug_in(lang))) for t in site.article_tags[item.slug]),
        summary=item.text("summary", lang),
    )


def article_view(site: Site, item: Article, lang: str, here: str, config: Config) -> ArticleView:
    entry = entry_view(site, item, lang).linked(partial(urls.relative, here))
    canonical = urls.absolute(config.base_url, urls.article(lang, item))
    others = [item.text("summary", code) for code in sorted(item.summary) if code not in (lang, entry.summary.lang)]
    return ArticleView(
        **vars(entry),
        summaries=tuple(s for s in (entry.summary, *others) if s.value),
        body_html=item.body_html,
        body_lang=item.language,
        minutes=max(1, math.ceil(item.word_count / WORDS_PER_MINUTE)),
        feedback=_feedback(item, lang, config),
        structured_data={  # schema.org NewsArticle as JSON-LD, matching what the page shows
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": entry.title.value,
            "description": entry.summary.value,
            "datePublished": entry.published.isoformat(),
            "dateModified": (entry.updated or entry.published).isoformat(),
            "inLanguage": lang,
            "keywords": [tag.text for tag in entry.tags],
            "url": canonical,
            "mainEntityOfPage": canonical,
            "isAccessibleForFree": True,
            **({"author": [{"@type": "Person", "name": name} for name in item.author]} if item.author else {}),
            "publisher": {"@type": "Organization", "name": config.publisher, "url": config.base_url},
            **(_machine_translation(item, config) if entry.title.machine or entry.summary.machine else {}),
        },
    )


def _machine_translation(item: Article, config: Config) -> dict[str, Any]:
    """What JSON-LD says of a page whose texts a translation engine wrote and no editor reviewed yet:
    a translation of the original-language page, by a machine (schema.org's ``translator``)."""
    original = urls.absolute(config.base_url, urls.article(item.language, item))
    return {
        "translationOfWork": {"@type": "NewsArticle", "@id": original, "inLanguage": item.language},
        "translator": {"@type": "Organization", "name": MACHINE_TRANSLATOR},
        "creativeWorkStatus": "machine-translated, not yet reviewed by an editor",
    }


def _feedback(item: Article, lang: str, config: Config) -> FeedbackView | None:
    """How this page's reader can rate the article; None when no rating could be delivered."""
    if not item.feedback or not (config.feedback_endpoint or config.feedback_github_repo):
        return None
    prompt = item.text("feedback", lang)
    if config.feedback_endpoint:
        hidden = (("article", item.slug), ("id", item.id), ("lang", lang))
        return FeedbackView(prompt, config.feedback_endpoint, False, hidden, "", "")
    action = urls.github_new_issue(config.feedback_github_repo)
    marker = f"[techdigest {lang} {item.id or item.slug}]"
    # GitHub cuts an issue title at 256 characters: the article's title gives way, so the marker
    # that `techdigest feedback` counts by always fits (the wording before it is short in every language)
    topic = shorten(item.text("title", lang).value, ISSUE_TITLE - _WORDING - len(marker))
    return FeedbackView(prompt, action, True, (("labels", FEEDBACK_LABEL),), topic, marker)


@dataclass(frozen=True)
class Alternate:
    lang: str
    name: str
    href: str
    absolute: str
    current: bool


@dataclass(frozen=True)
class Pager:
    """Where a listing page stands: links to the newer and older page ("" at either end)."""

    number: int
    total: int
    newer: str
    older: str


@dataclass(frozen=True)
class NotFoundText:
    lang: str
    heading: str
    text: str
    link_text: str
    href: str


def not_found_texts(config: Config) -> list[NotFoundText]:
    """One block per language on the 404 page, each in its own language (not the page's)."""
    blocks = []
    for code in config.languages:
        catalog = load_translations(config.locales_dir, code)
        blocks.append(
            NotFoundText(
                lang=code,
                heading=catalog.gettext("Page not found"),
                text=catalog.gettext("There is no page at this address (any more)."),
                link_text=catalog.gettext("Go to the home page"),
                href=urls.site_path(config.base_url, urls.home(code)),
            )
        )
    return blocks
