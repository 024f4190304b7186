"""``sitemap.xml`` and ``robots.txt``: every indexable page with its language versions.

Each ``<url>`` lists all language versions of its page as ``xhtml:link``
alternates, itself included, plus ``x-default``, as search engines expect;
pages kept out of search engines (404, thank-you, drafts and scheduled articles
in a build that shows them) are not listed. ``lastmod`` is an article's
correction date, else its publication (a W3C datetime when it has a time). The XML is
written line by line (a site of 10,000 articles has some 20,000 entries;
ElementTree took seconds for them), every value escaped.
"""

from __future__ import annotations

from functools import partial
from html import escape

from . import urls
from .config import Config
from .output import Output, fixed
from .pages import Page

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"


def sitemap(pages: list[Page], config: Config) -> list[Output]:
    """The sitemap is keyed by the listed pages' URLs and dates: their language versions follow
    from those (and the config), so it is written again only when a page comes, goes or moves."""
    listed = [page for page in pages if page.versions and not page.noindex]
    inputs = "\n".join(f"{page.url} {page.lastmod and page.lastmod.isoformat()}" for page in listed)
    robots = f"User-agent: *\nAllow: /\n\nSitemap: {urls.absolute(config.base_url, urls.SITEMAP)}\n"
    return [Output(urls.SITEMAP, inputs, partial(_urlset, listed, config)), fixed("robots.txt", robots.encode())]


def _urlset(pages: list[Page], config: Config) -> bytes:
    lines = ["<?xml version='1.0' encoding='utf-8'?>", f'<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}">']
    for page in pages:
        lines += ["  <url>", f"    <loc>{escape(urls.absolute(config.base_url, page.url))}</loc>"]
        if page.lastmod:
            lines.append(f"    <lastmod>{page.lastmod.isoformat()}</lastmod>")
        if page.url:  # the language chooser has no language versions of its own
            versions = [*page.versions.items(), ("x-default", page.versions[config.default_language])]
            lines += [
                f'    <xhtml:link rel="alternate" hreflang="{escape(lang)}" '
                f'href="{escape(urls.absolute(config.base_url, url))}" />'
                for lang, url in versions
            ]
        lines.append("  </url>")
    lines.append("</urlset>\n")
    return "\n".join(lines).encode()
