"""Turns names (titles, tags) into ASCII slugs that are safe as one path segment.

python-slugify does the transliteration; we add what it would lose: German
umlauts become ``ae``/``oe``/``ue`` as a German reader spells them, and ``+``
and ``#`` become words, so ``C++``, ``C#`` and ``C`` stay three distinct tags.
"""

from __future__ import annotations

import re

from slugify import slugify as _slugify

_UMLAUTS = [("Ä", "Ae"), ("Ö", "Oe"), ("Ü", "Ue"), ("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")]
_SYMBOLS = [("+", " plus "), ("#", " sharp "), ("&", " and "), ("@", " at ")]
# what slugify makes, and so what a URL segment of ours may be: no '.', '..', '?', '#', '%' or space
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SLUG_RULE = "a-z, 0-9 and single hyphens between them"


def slugify(name: str, fallback: str, max_length: int = 60, symbols: bool = True) -> str:
    """A lower-case ASCII slug of ``[a-z0-9-]``; ``fallback`` when nothing is left.

    ``symbols`` spells out ``+ # & @`` (tag names); titles leave them out.
    """
    slug = _slugify(name, replacements=_UMLAUTS + (_SYMBOLS if symbols else []))
    if len(slug) > max_length:  # cut at a word boundary, keeping the words in order
        slug = slug[: max_length + 1].rsplit("-", 1)[0] if "-" in slug[:max_length] else slug[:max_length]
    return slug or fallback


def is_slug(text: str) -> bool:
    return _SLUG.fullmatch(text) is not None


def unique(slug: str, taken: set[str]) -> str:
    """``slug``, or ``slug-2``, ``slug-3``, … whichever is not yet in ``taken``."""
    candidate, n = slug, 1
    while candidate in taken:
        n += 1
        candidate = f"{slug}-{n}"
    return candidate
