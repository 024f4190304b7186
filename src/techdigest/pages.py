"""``plan``: every page of the site, with the ready-made context its template needs.

Templates never compute URLs or pick languages: each page's context holds
links already relative to that page (absolute paths on the 404 page, which is
served at any depth), its language versions for the switcher and hreflang,
and the views of :mod:`views`. Feeds, sitemap and search read the same list.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from operator import attrgetter
from typing import Any, NamedTuple

from . import urls
from .config import Config
from .i18n import language_name, og_locale
from .model import Article, ContentError, Moment, Problem, Site, Tag, TechdigestError, Text
from .records import Removed
from .views import Alternate, Entries, EntryView, Link, Pager, article_view, entry_view, not_found_texts


@dataclass(frozen=True, slots=True)  # slots: a site has tens of thousands, planned on every build
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
    inputs: tuple[object, ...]
    context: Callable[[], dict[str, Any]]
    versions: dict[str, str] = field(default_factory=dict)
    lastmod: Moment | None = None
    noindex: bool = False  # a draft's or scheduled article's page: shown, but not for search engines
    search_month: str | None = None  # an article page's language and month, for the search index
    yields: bool = False  # left out when a live page has its URL (a removed article's, a tag's old URL)

    @property
    def output(self) -> str:
        return urls.output_file(self.url)


@dataclass(frozen=True)
class Listing:
    """Page ``number`` of a list of articles, newest first: the home page's (``tag`` None) or a tag's."""

    lang: str
    tag: str | None
    number: int


@dataclass(frozen=True)
class ArticlePage:
    lang: str
    position: int  # in the site's articles, newest first


@dataclass(frozen=True)
class Single:
    """A page that lists no article, named by its template (one per site, or per language)."""

    template: str
    lang: str


@dataclass(frozen=True)
class Redirect:
    """An old URL of an article (one of its ``aliases``) that leads to it."""

    url: str
    position: int  # the article's, in the site's articles


@dataclass(frozen=True)
class TagRedirect:
    """An old URL of a tag (its ``aliases`` in ``tags.toml``, kept by ``tags rename``) that leads to it."""

    url: str
    tag: str  # the tag's key in ``Site.tags``


@dataclass(frozen=True)
class Gone:
    """A URL of an article taken off the site (``removed.toml``), saying so."""

    url: str
    removed: Removed


# which page of the site: what :func:`plan` plans a page from
PageId = Listing | ArticlePage | Single | Redirect | TagRedirect | Gone


@dataclass(frozen=True, slots=True)
class _Shown:
    """What every page showing an article needs of it, made once per plan (an article is on a page
    per language, and on several listings in each)."""

    versions: dict[str, str]  # its URL in each language
    last_change: Moment
    entry: tuple[str, str, str]  # what a listing is keyed by for it: the entry's digest, tags and status


class _Draft(NamedTuple):
    """What makes a page besides the context every page shares (see :func:`_page`): a named tuple,
    as a build drafts one for every page of the site (made several times faster than a dataclass)."""

    url: str
    template: str
    lang: str
    url_in: Callable[[str], str] | None  # the page's URL in another language; None: not for search engines
    lastmod: Moment | None
    inputs: tuple[object, ...]
    extra: Callable[[str], dict[str, Any]]  # the template's own context, given the page's URL
    search_month: str | None = None
    noindex: bool = False  # has language versions, but is not for search engines (yet)
    yields: bool = False  # see Page.yields


def page_ids(site: Site, config: Config, removed: Sequence[Removed] = ()) -> list[PageId]:
    """Every page of the site, in the site's order (the sitemap's); ``removed``: what ``removed.toml``
    lists, whose URLs get a page saying so, unless a live page has that URL now (see :func:`plan`)."""
    ids: list[PageId] = [Single("root.html", config.default_language), Single("404.html", config.default_language)]
    for lang in config.languages:
        ids += [Listing(lang, None, number) for number in range(1, _page_count(site.articles, config) + 1)]
        ids += [ArticlePage(lang, position) for position in range(len(site.articles))]
        for slug, articles in site.tag_articles.items():
            ids += [Listing(lang, slug, number) for number in range(1, _page_count(articles, config) + 1)]
        ids += [Single(template, lang) for template in ("tags.html", "search.html", "thanks.html")]
    ids += [Redirect(alias, position) for position, item in enumerate(site.articles) for alias in item.aliases]
    ids += [TagRedirect(alias, key) for key, tag in site.tags.items() for alias in tag.aliases]
    ids += [Gone(url, entry) for entry in removed for url in entry.urls]
    return ids


def shown_on(site: Site, config: Config, page: PageId) -> Sequence[Article]:
    """The articles a page shows (its body, or entries of its list)."""
    if isinstance(page, ArticlePage | Redirect):
        return site.articles[page.position : page.position + 1]
    if isinstance(page, Listing):
        start = (page.number - 1) * config.per_page
        return _listed(site, page)[start : start + config.per_page]
    return ()


def plan(site: Site, config: Config, ids: Sequence[PageId], files: Collection[str] = frozenset()) -> list[Page]:
    """The pages ``ids`` of the site, with their contexts; raises on two pages written to one file.
    ``files``: the site's other files (feeds, static assets, …), which no alias may take either."""
    planner = _Planner(site, config)
    pages = [_page(config, planner.draft(page)) for page in ids]
    live = {page.output for page in pages if not page.yields}
    pages = [page for page in pages if not page.yields or not (page.output in live or _clashes(page.output, files))]
    seen = Counter(page.output for page in pages)
    _refuse_taken_aliases(seen, site, files)
    if len(seen) < len(pages):
        _refuse_duplicates(pages)
    return pages


def _clashes(output: str, files: Collection[str]) -> bool:
    """A page at ``output`` would replace one of ``files``, or need a folder where one of them is a
    file (``static/style.css/``), or land among the search bundles, which Pagefind writes."""
    parts = output.split("/")
    return output.startswith(urls.SEARCH_BUNDLE) or any("/".join(parts[:n]) in files for n in range(1, len(parts) + 1))


def _page_count(articles: Sequence[Article], config: Config) -> int:
    return max(1, -(-len(articles) // config.per_page))


def _listed(site: Site, page: Listing) -> Sequence[Article]:
    return site.articles if page.tag is None else site.tag_articles[page.tag]


class _Planner:
    """Drafts pages of one site; what several pages share is computed once."""

    def __init__(self, site: Site, config: Config) -> None:
        self.site = site
        self.config = config
        # when the site last changed for a reader: its newest article, or a later correction
        self.newest = _latest(map(_last_change, site.articles))
        self._entries: dict[tuple[str, str], EntryView] = {}
        self._shown: dict[str, _Shown] = {}

    def shown(self, item: Article) -> _Shown:
        """What the pages showing ``item`` need of it, made on first use."""
        if (found := self._shown.get(item.slug)) is None:
            site = self.site
            found = self._shown[item.slug] = _Shown(
                {code: urls.article(code, item) for code in self.config.languages},
                _last_change(item),
                (item.entry_digest, site.tag_keys[item.slug], site.status.get(item.slug, "")),
            )
        return found

    def entry(self, item: Article, lang: str) -> EntryView:
        """An article's entry in ``lang``: the same on the home page and its tags' pages, made once."""
        key = (item.slug, lang)
        if (view := self._entries.get(key)) is None:
            view = self._entries[key] = entry_view(self.site, item, lang)
        return view

    def draft(self, page: PageId) -> _Draft:
        if isinstance(page, ArticlePage):
            return self._article(page.lang, self.site.articles[page.position])
        if isinstance(page, Listing):
            return self._listing(page)
        if isinstance(page, Redirect):
            item = self.site.articles[page.position]
            return self._redirect(
                page.url, partial(_article_url, item=item), partial(item.text, "title"), item.entry_digest
            )
        if isinstance(page, TagRedirect):
            tag = self.site.tags[page.tag]
            return self._redirect(page.url, partial(_tag_url, tag=tag), partial(_tag_name, tag), tag.key, moved="tag")
        if isinstance(page, Gone):
            return self._gone(page.url, page.removed)
        return self._single(page)

    def _redirect(
        self,
        url: str,
        target_in: Callable[[str], str],
        title_in: Callable[[str], Text],
        key: str,
        moved: str = "article",
    ) -> _Draft:
        """An old URL of an article or a tag (``moved``): a page that sends browsers on at once (meta
        refresh, relative, so it works wherever the site is served) and search engines to the page
        (canonical, noindex), in the old URL's language. A tag's old URL gives way to a live page."""
        config = self.config
        lang = urls.alias_language(url, config.languages, config.default_language)
        target = target_in(lang)

        def extra(here: str) -> dict[str, Any]:
            return {
                "target_href": urls.relative(here, target),
                "canonical": urls.absolute(config.base_url, target),
                "target_title": title_in(lang),
                "moved": moved,
            }

        return _Draft(url, "redirect.html", lang, None, None, (target, key), extra, yields=moved == "tag")

    def _gone(self, url: str, removed: Removed) -> _Draft:
        """A URL of a removed article: a page saying so, with the day (not a redirect home, which
        search engines take for a soft 404 and which hides that something was withdrawn)."""
        lang = urls.alias_language(url, self.config.languages, self.config.default_language)
        return _Draft(
            url, "removed.html", lang, None, None, (removed.date,), lambda here: {"removed": removed.date}, yields=True
        )

    def feeds(self, lang: str, here: str, *tags: Tag) -> list[Link]:
        config = self.config
        own = [
            Link(f"{config.title[lang]}: {t.name_in(lang)}", urls.relative(here, urls.tag_feed(lang, t.slug_in(lang))))
            for t in tags
        ]
        return [*own, Link(config.title[lang], urls.relative(here, urls.feed(lang)))]

    def _article(self, lang: str, item: Article) -> _Draft:
        shown = self.shown(item)
        status = self.site.status.get(item.slug, "")

        def extra(here: str) -> dict[str, Any]:
            view = article_view(self.site, item, lang, here, self.config)
            return {
                "article": view,
                "description": view.summary.value,
                "og_type": "article",
                "feeds": self.feeds(lang, here),
            }

        return _Draft(
            shown.versions[lang],
            "article.html",
            lang,
            shown.versions.__getitem__,
            shown.last_change,
            (item.digest, self.site.tag_keys[item.slug], status),
            extra,
            search_month=f"{lang}/{item.date:%Y-%m}",
            noindex=bool(status),
        )

    def _listing(self, page: Listing) -> _Draft:
        """One page of a list: each page gets its slice of the one sorted list, so the cost stays
        linear in the number of articles however many pages and tags there are."""
        site, lang, number = self.site, page.lang, page.number
        articles = _listed(site, page)
        total = _page_count(articles, self.config)
        chunk = shown_on(site, self.config, page)
        tag = None if page.tag is None else site.tags[page.tag]
        first_page = urls.home if tag is None else partial(_tag_url, tag=tag)

        def url_in(code: str, number: int = number) -> str:
            return urls.paginated(first_page(code), number)

        def extra(here: str) -> dict[str, Any]:
            own = (
                {"feeds": self.feeds(lang, here)}
                if tag is None
                else {"tag_name": tag.name_in(lang), "count": len(articles), "feeds": self.feeds(lang, here, tag)}
            )
            pager = Pager(
                number=number,
                total=total,
                newer=urls.relative(here, url_in(lang, number - 1)) if number > 1 else "",
                older=urls.relative(here, url_in(lang, number + 1)) if number < total else "",
            )
            entries = Entries(tuple(self.entry(item, lang) for item in chunk), partial(urls.relative, here))
            return {**own, "entries": entries, "pager": pager}

        inputs = () if tag is None else (tag.key, len(articles))
        shown = [self.shown(item) for item in chunk]
        return _Draft(
            url_in(lang),
            "home.html" if tag is None else "tag.html",
            lang,
            url_in,
            _latest(entry.last_change for entry in shown),
            (*inputs, number, total, [entry.entry for entry in shown]),
            extra,
        )

    def _single(self, page: Single) -> _Draft:
        config, lang, newest = self.config, page.lang, self.newest
        if page.template == "root.html":
            return _Draft(
                "",
                "root.html",
                lang,
                urls.home,
                newest,
                (),
                lambda here: {
                    "taglines": config.tagline,
                    "language_homes": {code: urls.home(code) for code in config.languages},
                    "default_language": config.default_language,
                },
            )
        if page.template == "404.html":
            return _Draft(
                urls.NOT_FOUND,
                "404.html",
                lang,
                None,
                None,
                (),
                lambda here: {
                    "messages": not_found_texts(config),
                },
            )
        if page.template == "tags.html":
            return self._tag_index(lang)
        if page.template == "search.html":
            return self._search(lang)
        return _Draft(urls.feedback_thanks(lang), "thanks.html", lang, None, None, (), lambda here: {})

    def _tag_index(self, lang: str) -> _Draft:
        site = self.site
        tag_list = [
            (tag, len(site.tag_articles[slug]))
            for slug, tag in sorted(site.tags.items(), key=lambda kv: (kv[1].name_in(lang).casefold(), kv[0]))
        ]
        tag_key = tuple((tag.key, count) for tag, count in tag_list)
        return _Draft(
            urls.tags(lang),
            "tags.html",
            lang,
            urls.tags,
            self.newest,
            tag_key,
            lambda here: {
                "tags": [
                    Link(tag.name_in(lang), urls.relative(here, _tag_url(lang, tag)), count) for tag, count in tag_list
                ],
            },
        )

    def _search(self, lang: str) -> _Draft:
        """The search page reads which indexes there are from the language's layers.json when it
        runs, so it stays the same page whatever the indexes hold."""
        indexed = bool(self.site.articles)
        return _Draft(
            urls.search(lang),
            "search.html",
            lang,
            urls.search,
            self.newest,
            (indexed,),
            lambda here: {  # relative, as every link: the site works wherever it is served
                "search_base": urls.relative(here, ""),
                "search_layers": urls.relative(here, urls.search_recent(lang) + urls.SEARCH_LAYERS) if indexed else "",
            },
        )


def _page(config: Config, draft: _Draft) -> Page:
    """A page with the context every template shares: navigation, switcher, metadata.

    Pages without ``url_in`` (404, thank-you) are kept out of search engines.
    """
    versions = {code: draft.url_in(code) for code in config.languages} if draft.url_in else {}
    return Page(
        url=draft.url,
        template=draft.template,
        lang=draft.lang,
        inputs=(draft.url, draft.template, versions, *draft.inputs),
        context=partial(_context, config, draft, versions),
        versions=versions,
        lastmod=draft.lastmod,
        noindex=draft.noindex,
        search_month=draft.search_month,
        yields=draft.yields,
    )


def _context(config: Config, draft: _Draft, versions: dict[str, str]) -> dict[str, Any]:
    """The 404 page is served at any depth, so its links are absolute paths under the base URL's
    path; every other page links relative to itself."""
    url, lang = draft.url, draft.lang
    link = partial(urls.site_path, config.base_url) if url == urls.NOT_FOUND else partial(urls.relative, url)
    switch_to = draft.url_in or urls.home
    alternates = [
        Alternate(
            code,
            language_name(code),
            link(switch_to(code)),
            urls.absolute(config.base_url, switch_to(code)),
            code == lang and url not in ("", urls.NOT_FOUND),
        )
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
        "indexed": bool(versions),  # has language versions: canonical, hreflang, Open Graph
        # kept out of search engines: no language versions, or a draft's or scheduled article's page
        # (which keeps its metadata, so the editor previews what will be published)
        "noindex": not versions or draft.noindex,
        "canonical": urls.absolute(config.base_url, url),
        # the root chooser is the x-default of itself; elsewhere the default language's page is
        "x_default": urls.absolute(config.base_url, switch_to(config.default_language) if url else ""),
        "alternates": alternates,
        "chooser": url in ("", urls.NOT_FOUND),
        # the logo leads home; on the 404 page (either language may have been wanted) to the chooser
        "brand_href": "" if url == "" else link("" if url == urls.NOT_FOUND else urls.home(lang)),
        "home_href": link(urls.home(lang)),
        "tags_href": link(urls.tags(lang)),
        "search_href": link(urls.search(lang)),
        "static_href": link(urls.static("")),
        "feeds": [],
        **draft.extra(url),
    }


def _latest(moments: Iterable[Moment]) -> Moment | None:
    """The latest of ``moments`` (the first of equal ones), None of none."""
    return max(moments, key=attrgetter("at"), default=None)


def _last_change(item: Article) -> Moment:
    """When an article last changed for a reader: its correction's date, else its publication."""
    return item.updated or item.published


def _tag_name(tag: Tag, lang: str) -> Text:
    return Text(tag.name_in(lang), lang, False)


def _tag_url(lang: str, tag: Tag) -> str:
    return urls.tag(lang, tag.slug_in(lang))


def _article_url(lang: str, item: Article) -> str:
    return urls.article(lang, item)


def _refuse_taken_aliases(seen: Counter[str], site: Site, files: Collection[str]) -> None:
    """An alias whose URL another page (or another alias, or a file of the site) has already: an
    error at its line. ``seen``: how many pages are written to each file."""
    problems = [
        Problem(item.path, item.lines.get("aliases", 0), f"aliases: {alias} is the URL of another page already")
        for item in site.articles
        for alias in item.aliases
        if seen[urls.output_file(alias)] > 1 or _clashes(urls.output_file(alias), files)
    ]
    if problems:
        raise ContentError(problems)


def _refuse_duplicates(pages: list[Page]) -> None:
    seen: set[str] = set()
    for page in pages:
        if page.output in seen:
            raise TechdigestError(f"two pages would be written to {page.output}")
        seen.add(page.output)
