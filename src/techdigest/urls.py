"""The single home of the URL scheme; every link on the site is made here.

Site URLs are kept relative to the site root (``de/2026/slug/``). Pages link to
each other with relative links computed from the page's own URL, so the same
files work at a domain's root and under a GitHub Pages sub-path (``/REPO/``);
only canonical and hreflang links, which must be absolute, use the base URL.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from .model import Article

NOT_FOUND = "404.html"
SEARCH_BUNDLE = "pagefind/"
SEARCH_LAYERS = "layers.json"  # a language's search indexes, for the search page
SITEMAP = "sitemap.xml"


def home(lang: str) -> str:
    return f"{lang}/"


def article(lang: str, item: Article) -> str:
    return f"{lang}/{item.date.year}/{item.slug}/"


def article_versions(languages: tuple[str, ...], item: Article) -> list[str]:
    """The article's URL in each language: what an alias keeps alive after a rename or a year move."""
    return [article(lang, item) for lang in languages]


def alias_language(alias: str, languages: tuple[str, ...], default: str) -> str:
    """The language whose version an old URL leads to: its first folder's, else the default one."""
    first = alias.split("/", 1)[0]
    return first if first in languages else default


def search_bundle(lang: str, part: str) -> str:
    """A settled search index: of a year's articles in ``lang`` (``2026``), or of some months (``2026-07``)."""
    return f"{SEARCH_BUNDLE}{lang}/{part}/"


def search_recent(lang: str) -> str:
    """The search index of the articles in ``lang`` new or changed since their settled one was made;
    it holds the language's :data:`SEARCH_LAYERS`."""
    return f"{SEARCH_BUNDLE}{lang}/recent/"


def tags(lang: str) -> str:
    return f"{lang}/tags/"


def tag(lang: str, slug: str) -> str:
    return f"{lang}/tags/{slug}/"


def paginated(first: str, number: int) -> str:
    """Page ``number`` of a listing whose first page is ``first`` (``de/`` → ``de/page/2/``)."""
    return first if number == 1 else f"{first}page/{number}/"


def feed(lang: str) -> str:
    return f"{lang}/feed.xml"


def tag_feed(lang: str, slug: str) -> str:
    return f"{lang}/tags/{slug}/feed.xml"


def search(lang: str) -> str:
    return f"{lang}/search/"


def feedback_thanks(lang: str) -> str:
    return f"{lang}/feedback/thanks/"


def static(name: str) -> str:
    return f"static/{name}"


def output_file(url: str) -> str:
    """The file that serves ``url``: directories get their ``index.html``."""
    return url + "index.html" if url == "" or url.endswith("/") else url


def relative(from_url: str, to_url: str) -> str:
    """The shortest link from the page at ``from_url`` to ``to_url``, both site-relative.

    Both are normalized paths made by this module (no ``.`` or ``..``), so the
    common folders can simply be dropped; ``posixpath.relpath`` would do the
    same at several times the cost, and a site has tens of links per page.
    """
    here = from_url.split("/")[:-1]  # the folders of the page
    there = to_url.split("/")
    common = 0
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    link = "../" * (len(here) - common) + "/".join(there[common:])
    return link or "./"


def absolute(base_url: str, url: str) -> str:
    return base_url + url


def site_path(base_url: str, url: str) -> str:
    """An absolute path (``/REPO/de/``) for pages served at unknown depth, like 404.html."""
    return urlsplit(base_url).path + url


def github_new_issue(repo: str) -> str:
    """GitHub's new-issue page of ``repo`` (OWNER/REPO), which reads ``title``, ``body`` and ``labels``
    from its query: the rating form's action where the site has no form backend."""
    return f"https://github.com/{repo}/issues/new"
