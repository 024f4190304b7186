"""``plan``: every page of the site, with the ready-made context its template needs.

Templates never compute URLs or pick languages: each page's context holds
links already relative to that page (absolute paths on the 404 page, which is
served at any depth), its language versions for the switcher and hreflang,
and the views of :mod:`views`. Feeds, sitemap and search read the same list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import Any

from . import urls
from .config import Config
from .i18n import language_name, load_translations, og_locale
from .library import tags_of
from .model import Article, Site, Tag, TechdigestError
from .output import Output, fixed
from .views import Link, article_view, entry_view


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


@dataclass(frozen=True)
class Page:
    """One HTML page; ``versions`` maps each language to its URL (empty: not for search engines).

    ``inputs`` names everything the page shows besides the config, templates
    and catalogs (the articles by digest, their tags, the pager), cheaply, so a
    rebuild can tell which pages changed without building any context;
    ``context`` builds what the template gets, only for the pages rendered.
    """

    url: str
    template: str
    lang: str
    inputs: tuple[Any, ...]
    context: Callable[[], dict[str, Any]]
    versions: dict[str, str] = field(default_factory=dict)
    lastmod: dt.date | None = None
    searchable: bool = False

    @cached_property
    def output(self) -> str:
        return urls.output_file(self.url)


def plan(site: Site, config: Config, only: set[str] | None = None) -> list[Page]:
    """Every page of the site; with ``only`` (slugs of articles whose text changed, nothing else
    did: ``serve``), just the pages showing those articles."""
    newest = site.articles[0].date if site.articles else None
    pages = [] if only is not None else [
        _page(config, "", "root.html", config.default_language, urls.home, newest, (), lambda here: {
            "taglines": config.tagline,
            "language_homes": {code: urls.home(code) for code in config.languages},
        }),
        _page(config, urls.NOT_FOUND, "404.html", config.default_language, None, None, (), lambda here: {
            "messages": _not_found_texts(config),
        }),
    ]
    for lang in config.languages:
        pages += _language_pages(site, config, lang, newest, only)
    _refuse_duplicates(pages)
    return pages


def _language_pages(site: Site, config: Config, lang: str, newest: dt.date | None,
                    only: set[str] | None) -> list[Page]:
    def feeds(here: str, *tags: Tag) -> list[Link]:
        own = [Link(f"{config.title[lang]}: {t.name}", urls.relative(here, urls.tag_feed(lang, t.slug))) for t in tags]
        return [*own, Link(config.title[lang], urls.relative(here, urls.feed(lang)))]

    pages = _listing(config, site, lang, urls.home, "home.html", site.articles, (), lambda here: {"feeds": feeds(here)},
                     only)
    for item in site.articles if only is None else [a for a in site.articles if a.slug in only]:
        def article(here: str, item: Article = item) -> dict[str, Any]:
            view = article_view(site, item, lang, here, config)
            return {"article": view, "description": view.summary.value, "og_type": "article", "feeds": feeds(here)}
        pages.append(_page(config, urls.article(lang, item), "article.html", lang, partial(_article_url, item=item),
                           item.date, (item.digest, site.tag_keys[item.slug]), article, searchable=True))
    for slug, tag in site.tags.items() if only is None else tags_of(site, only):
        def extra(here: str, tag: Tag = tag) -> dict[str, Any]:
            return {"tag": tag, "count": len(site.tag_articles[tag.slug]), "feeds": feeds(here, tag)}
        pages += _listing(config, site, lang, partial(_tag_url, slug=slug), "tag.html", site.tag_articles[slug],
                          (tag.slug, tag.name, len(site.tag_articles[slug])), extra, only)
    if only is not None:  # the tag index, search and thank-you pages show no article
        return pages
    tag_list = [(tag, len(site.tag_articles[slug])) for slug, tag in sorted(site.tags.items(),
                                                                             key=lambda kv: kv[1].name.casefold())]
    tag_key = tuple((tag.slug, tag.name, count) for tag, count in tag_list)
    pages.append(_page(config, urls.tags(lang), "tags.html", lang, urls.tags, newest, tag_key, lambda here: {
        "tags": [Link(tag.name, urls.relative(here, urls.tag(lang, tag.slug)), count) for tag, count in tag_list],
    }))
    # one search bundle per year of articles, newest first: the first one brings the UI, the others are merged
    years = sorted({str(item.date.year) for item in site.articles}, reverse=True)
    pages.append(_page(config, urls.search(lang), "search.html", lang, urls.search, newest, tuple(years), lambda here: {
        "search_base": urls.site_path(config.base_url, ""),
        "search_bundles": [urls.site_path(config.base_url, urls.search_bundle(year)) for year in years],
    }))
    pages.append(_page(config, urls.feedback_thanks(lang), "thanks.html", lang, None, None, (), lambda here: {}))
    return pages


def _listing(
    config: Config,
    site: Site,
    lang: str,
    first_page: Callable[[str], str],
    template: str,
    articles: Sequence[Article],
    inputs: tuple[Any, ...],
    extra: Callable[[str], dict[str, Any]],
    only: set[str] | None,
) -> list[Page]:
    """A list of articles, newest first, cut into pages of ``config.per_page``.

    Each page gets its slice of the one sorted list, so the cost stays linear
    in the number of articles however many pages and tags there are. With
    ``only``, just the pages listing one of those articles.
    """
    size = config.per_page
    chunks = [articles[start:start + size] for start in range(0, len(articles), size)] or [()]
    pages = []
    wanted = None if only is None else {i // size + 1 for i, item in enumerate(articles) if item.slug in only}
    for number, chunk in enumerate(chunks, 1):
        if wanted is not None and number not in wanted:
            continue

        def url_in(code: str, number: int = number) -> str:
            return urls.paginated(first_page(code), number)

        def context(here: str, number: int = number, chunk: Sequence[Article] = chunk) -> dict[str, Any]:
            pager = Pager(
                number=number,
                total=len(chunks),
                newer=urls.relative(here, url_in(lang, number - 1)) if number > 1 else "",
                older=urls.relative(here, url_in(lang, number + 1)) if number < len(chunks) else "",
            )
            return {**extra(here), "entries": [entry_view(site, item, lang, here) for item in chunk], "pager": pager}

        shown = [(item.entry_digest, site.tag_keys[item.slug]) for item in chunk]
        pages.append(_page(config, url_in(lang), template, lang, url_in, chunk[0].date if chunk else None,
                           (*inputs, number, len(chunks), shown), context))
    return pages


def publishing_files(config: Config) -> list[Output]:
    """Files GitHub Pages reads: no Jekyll processing, and the custom domain if there is one."""
    files = [fixed(".nojekyll", b"")]
    if config.cname:
        files.append(fixed("CNAME", config.cname.encode() + b"\n"))
    return files


def _page(
    config: Config,
    url: str,
    template: str,
    lang: str,
    url_in: Callable[[str], str] | None,
    lastmod: dt.date | None,
    inputs: tuple[Any, ...],
    extra: Callable[[str], dict[str, Any]],
    searchable: bool = False,
) -> Page:
    """A page with the context every template shares: navigation, switcher, metadata.

    ``url_in`` gives the page's URL in another language; pages without it (404,
    thank-you) are kept out of search engines. The 404 page is served at any
    depth, so its links are absolute paths under the base URL's path.
    """
    versions = {code: url_in(code) for code in config.languages} if url_in else {}

    def context() -> dict[str, Any]:
        if url == urls.NOT_FOUND:
            def link(target: str) -> str:
                return urls.site_path(config.base_url, target)
        else:
            def link(target: str) -> str:
                return urls.relative(url, target)
        switch_to = url_in or urls.home
        alternates = [
            Alternate(code, language_name(code), link(switch_to(code)),
                      urls.absolute(config.base_url, switch_to(code)), code == lang and url not in ("", urls.NOT_FOUND))
            for code in config.languages
        ]
        return {
            "lang": lang,
            "site_title": config.title[lang],
            "tagline": config.tagline.get(lang, ""),
            "description": config.tagline.get(lang, ""),
            "og_type": "website",
            "og_locale": og_locale(lang),
            "og_locale_alternates": [og_locale(code) for code in versions if code != lang],
            "indexed": bool(versions),
            "canonical": urls.absolute(config.base_url, url),
            # the root chooser is the x-default of itself; elsewhere the default language's page is
            "x_default": urls.absolute(config.base_url, switch_to(config.default_language) if url else ""),
            "alternates": alternates,
            "chooser": url in ("", urls.NOT_FOUND),
            "home_href": link(urls.home(lang)),
            "tags_href": link(urls.tags(lang)),
            "search_href": link(urls.search(lang)),
            "static_href": link(urls.static("")),
            "feeds": [],
            **extra(url),
        }

    return Page(url=url, template=template, lang=lang, inputs=(url, template, versions, *inputs), context=context,
                versions=versions, lastmod=lastmod, searchable=searchable)


def _tag_url(lang: str, slug: str) -> str:
    return urls.tag(lang, slug)


def _article_url(lang: str, item: Article) -> str:
    return urls.article(lang, item)


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


def _refuse_duplicates(pages: list[Page]) -> None:
    seen: set[str] = set()
    for page in pages:
        if page.output in seen:
            raise TechdigestError(f"two pages would be written to {page.output}")
        seen.add(page.output)
