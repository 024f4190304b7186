"""Site search with Pagefind, run on the article pages only; the only module that runs it.

Pagefind indexes each ``<html lang>`` separately with its own stemming (so
"Partnerschaft" finds "Partnerschaften") and writes a static bundle that the
search pages load: no server, no third-party request. Only the article pages
are indexed, and within them only the ``data-pagefind-body`` part, so menus and
footers never turn up as results.

Pagefind has no incremental mode, and indexing 20,000 pages takes it half a
minute and more than a gigabyte. So the index is cut into one bundle per
year of articles (``pagefind/2026/``), merged again in the reader's browser
(Pagefind's ``mergeIndex``): an edit re-indexes only its year, the years
nobody touched keep their bundles, and each Pagefind run holds one year.
Within a re-indexed year, files whose bytes stayed the same are linked from
the old bundle, so they keep their mtime. Which bundle indexes a page is the
page's own business (:attr:`Output.search_bundle`); the writer stages each
bundle and swaps it in with the site.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from . import urls
from .model import TechdigestError
from .output import Output, naming
from .parallel import cores
from .writer import Prepared, keep_unchanged

BundleKeys = dict[str, str]  # search bundle (a year) -> key of the pages it indexes
_ROOM = 1 << 20  # bytes that must still be free after Pagefind wrote a bundle


@dataclass(frozen=True)
class Indexed:
    """The bundles the new site has, by key, and how many of their files are new or changed."""

    keys: BundleKeys
    written: int


def bundle_keys(prepared: Prepared, pages: dict[str, list[str]]) -> BundleKeys:
    """Each bundle's key: of the names and keys of the pages it indexes."""
    keys = {}
    for bundle, names in sorted(pages.items()):
        digest = hashlib.blake2b(digest_size=16)
        for name in sorted(names):
            digest.update(f"{name}|{prepared.key(name)}\n".encode())
        keys[bundle] = digest.hexdigest()
    return keys


def update_search(
    prepared: Prepared, outputs: list[Output], previous: BundleKeys, refresh: bool, announce: Callable[[], None]
) -> Indexed:
    """Make the bundles the prepared site needs, of the outputs that carry one.

    A bundle the new site does not carry over is made; with ``refresh``, also
    one whose key changed. (``serve`` keeps the bundles of its first build:
    indexing a year again on each save would cost seconds.)
    """
    pages: dict[str, list[str]] = {}
    for output in outputs:
        if output.search_bundle is not None:
            pages.setdefault(output.search_bundle, []).append(output.name)
    keys = bundle_keys(prepared, pages)
    redo = [
        bundle
        for bundle in keys
        if not prepared.carries(urls.search_bundle(bundle)) or (refresh and keys[bundle] != previous.get(bundle))
    ]
    if redo:
        announce()
    with ThreadPoolExecutor(cores()) as pool:  # Pagefind processes side by side, a year each
        written = sum(pool.map(lambda bundle: _index(prepared, bundle, pages[bundle]), redo))
    return Indexed({bundle: keys[bundle] if bundle in redo else previous.get(bundle, "") for bundle in keys}, written)


def _index(prepared: Prepared, bundle: str, names: list[str]) -> int:
    """Write the bundle into the prepared site; how many of its files are new or changed."""
    folder = prepared.stage(urls.search_bundle(bundle))
    with prepared.view(names) as site:
        _pagefind(site, bundle, folder)
    return keep_unchanged(folder, prepared.target / urls.search_bundle(bundle))


def pagefind_command(site: Path, year: str, bundle: Path) -> list[str]:
    """How Pagefind indexes the article pages of ``year`` below ``site`` into ``bundle`` (the benchmark
    runs it alone the same way)."""
    return [sys.executable, "-m", "pagefind", "--site", str(site), "--glob", urls.article_glob(year),
            "--output-path", str(bundle), "--quiet"]  # fmt: skip


def _pagefind(site: Path, year: str, bundle: Path) -> None:
    # Ctrl-C or SIGTERM while Pagefind runs: subprocess.run kills it, and the caller removes the folder
    result = subprocess.run(pagefind_command(site, year, bundle), check=False, capture_output=True, text=True)
    if result.returncode != 0:
        message = (result.stderr or result.stdout).strip().splitlines()
        shutil.rmtree(bundle, ignore_errors=True)
        raise TechdigestError(f"search: pagefind failed: {message[-1] if message else result.returncode}")
    shown = urls.search_bundle(year)  # as the site will have it: ``bundle`` is a folder set aside
    _check_room(bundle, shown)
    entry = bundle / "pagefind-entry.json"
    if entry.is_file():  # pagefind lists the languages in hash order: sort them, so builds are byte-identical
        with naming(entry):
            try:
                languages = json.loads(entry.read_bytes())
            except ValueError:
                raise TechdigestError(f"{shown}pagefind-entry.json: search: Pagefind wrote a damaged index") from None
            entry.write_bytes(json.dumps(languages, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode())


def _check_room(bundle: Path, shown: str) -> None:
    """Pagefind says nothing and exits 0 when the disk fills up while it writes: a bundle made with
    (almost) no room left may be cut short, so it is refused rather than published."""
    info = os.statvfs(bundle)
    if info.f_bavail * info.f_frsize < _ROOM:
        raise TechdigestError(
            f"{shown}: search: the disk is full (less than {_ROOM >> 20} MiB free), so "
            "the search index may be cut short; free some space and build again"
        )
