"""``sitemap.xml`` and ``robots.txt``: every indexable page with its language versions.

Each ``<url>`` lists all language versions of its page as ``xhtml:link``
alternates, itself included, plus ``x-default``, as search engines expect;
pages kept out of search engines (404, thank-you) are not listed.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from . import urls
from .config import Config
from .pages import Page

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"


def sitemap(pages: list[Page], config: Config) -> dict[str, bytes]:
    ET.register_namespace("", SITEMAP_NS)
    ET.register_namespace("xhtml", XHTML_NS)
    root = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    for page in pages:
        if not page.versions:
            continue
        entry = ET.SubElement(root, f"{{{SITEMAP_NS}}}url")
        ET.SubElement(entry, f"{{{SITEMAP_NS}}}loc").text = urls.absolute(config.base_url, page.url)
        if page.lastmod:
            ET.SubElement(entry, f"{{{SITEMAP_NS}}}lastmod").text = page.lastmod.isoformat()
        if page.url == "":  # the language chooser has no language versions of its own
            continue
        versions = [*page.versions.items(), ("x-default", page.versions[config.default_language])]
        for lang, url in versions:
            ET.SubElement(entry, f"{{{XHTML_NS}}}link", rel="alternate", hreflang=lang,
                          href=urls.absolute(config.base_url, url))
    ET.indent(root)
    robots = f"User-agent: *\nAllow: /\n\nSitemap: {urls.absolute(config.base_url, urls.SITEMAP)}\n"
    return {
        urls.SITEMAP: ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n",
        "robots.txt": robots.encode(),
    }
