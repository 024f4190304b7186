"""What Pagefind's bundles hold, read from their files, and the ``layers.json`` that merges them.

Pagefind names each page of a bundle by an id (the start of its text's hash) and
writes one *fragment* file per page, named by the id and holding the page's URL.
The search page (``static/search.js``) loads the bundles a language's
``layers.json`` lists and leaves out the results that are old versions of pages:
this module says which, from the bundles' files (:mod:`search` decides which
bundles there are and which of their pages are old).
"""

from __future__ import annotations

import gzip
import json
import os
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

_FRAGMENT = b"pagefind_dcd"  # what Pagefind puts before the JSON of each page's fragment file


def layers_json(
    where: Mapping[str, Path], held: Mapping[str, Iterable[str]], old: set[tuple[str, str]], relative: list[str]
) -> str:
    """The ``layers.json`` of the bundles ``where`` lists (in the order the search page merges them):
    ``held``, each bundle's file names; ``old``, the (bundle, id) pairs of old versions; ``relative``,
    the bundles' addresses as the search page finds them from the file.

    Pagefind's ids are unique within a bundle only. An old version whose id no
    other bundle holds is left out by its id (``superseded``). An id that more
    bundles hold is the same page's twice (an edit that left the indexed text as
    it was: the recent bundle holds it again), or two pages' that happen to share
    it across bundles made apart (one pair in ~200 million: at 10,000 pages a
    language, one site in six). The search page tells those results apart by
    their URL, leaving out the URLs of old versions (``shared``), and shows each
    id and URL once.
    """
    holders: dict[str, list[str]] = defaultdict(list)
    for folder in where:
        for page_id in _fragment_ids(held[folder]):
            holders[page_id].append(folder)
    superseded = sorted(page_id for page_id, found in holders.items() if len(found) == 1 and (found[0], page_id) in old)
    shared = {}
    for page_id, found in sorted(holders.items()):
        if len(found) > 1:
            url = {folder: fragment_url(where[folder] / "fragment" / f"{page_id}.pf_fragment") for folder in found}
            current = {url[folder] for folder in found if (folder, page_id) not in old}
            shared[page_id] = sorted({url[folder] for folder in found if (folder, page_id) in old} - current)
    return json.dumps({"bundles": relative, "superseded": superseded, "shared": shared}, separators=(",", ":"))


def listing(bundle: Path) -> list[str]:
    """The names of a bundle's fragment files, as its stamps name them (``fragment/de_1a2b3c4.pf_fragment``)."""
    return [f"fragment/{name}" for name in os.listdir(bundle / "fragment")]


def _fragment_ids(names: Iterable[str]) -> Iterator[str]:
    """The ids of the pages a bundle holds, of its files' names."""
    for name in names:
        if name.startswith("fragment/") and name.endswith(".pf_fragment"):
            yield name[len("fragment/") : -len(".pf_fragment")]


def page_ids(bundle: Path) -> dict[str, str]:
    """Page name -> the id Pagefind gave it in ``bundle``, from its fragment files. Empty if they
    cannot be read, so that the bundle is made again."""
    found = {}
    try:
        for path in (bundle / "fragment").iterdir():
            url = fragment_url(path)
            page = url.lstrip("/") + ("index.html" if url.endswith("/") else "")
            found[page] = path.name.removesuffix(".pf_fragment")
    except (OSError, ValueError, KeyError, TypeError, EOFError):
        return {}
    return found


def fragment_url(path: Path) -> str:
    """The URL of the page whose fragment file ``path`` is (``/de/2026/slug/``)."""
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(_FRAGMENT):
        raise ValueError(f"{path}: not a Pagefind fragment")
    return str(json.loads(data[len(_FRAGMENT) :])["url"])
