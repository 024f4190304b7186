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
the old bundle, so they keep their mtime.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from . import urls
from .model import TechdigestError
from .output import Prepared, aside_prefix, keep_unchanged, naming
from .parallel import cores

Shards = dict[str, str]  # year -> key of its article pages
_ROOM = 1 << 20  # bytes that must still be free after Pagefind wrote a bundle


def shard_keys(prepared: Prepared, searchable: list[str]) -> Shards:
    digests: dict[str, Any] = {}
    for name in sorted(searchable):
        year = urls.article_year(name)
        digests.setdefault(year, hashlib.blake2b(digest_size=16)).update(
            f"{name}|{prepared.record.keys[name]}\n".encode())
    return {year: digest.hexdigest() for year, digest in sorted(digests.items())}


def update_search(prepared: Prepared, searchable: list[str], last: Shards, preview: bool,
                  announce: Callable[[], None]) -> tuple[Shards, int]:
    """Make the bundles the prepared site needs; returns the keys of the bundles it will have,
    and how many bundle files are new or changed.

    A staged copy of the site needs every bundle; in place, a year whose key
    changed is indexed again. ``serve`` (``preview``) keeps the bundles of its
    first build and only makes the one of a new year.
    """
    shards = shard_keys(prepared, searchable)
    exists = {year: (prepared.target / urls.search_bundle(year)).is_dir() for year in shards}
    if not prepared.in_place:
        redo = list(shards)
    elif preview:
        redo = [year for year in shards if not exists[year]]
    else:
        redo = [year for year in shards if not exists[year] or shards[year] != last.get(year)]
    if redo:
        announce()
    written = index_search(prepared, searchable, redo)
    return {year: shards[year] if year in redo else last.get(year, "") for year in shards}, written


def index_search(prepared: Prepared, searchable: list[str], years: list[str]) -> int:
    """Write the bundles of ``years`` into ``prepared.folder``, where the commit takes them from.

    Returns how many of their files are new or changed.
    """
    by_year: dict[str, list[str]] = {year: [] for year in years}
    for name in searchable:
        by_year.get(urls.article_year(name), []).append(name)
    with ThreadPoolExecutor(cores()) as pool:  # Pagefind processes side by side, a year each
        return sum(pool.map(lambda year: _index_year(prepared, year, by_year[year]), years))


def _index_year(prepared: Prepared, year: str, names: list[str]) -> int:
    bundle = prepared.folder / urls.search_bundle(year)
    if not prepared.in_place:  # a whole staged site: Pagefind reads it where it is
        _pagefind(prepared.folder, year, bundle)
    else:  # an overlay of changes: show Pagefind the new site's pages of that year, as links
        with tempfile.TemporaryDirectory(prefix=aside_prefix(prepared.target, "search"), dir=prepared.folder.parent,
                                         ignore_cleanup_errors=True) as work:
            for name in names:
                (Path(work) / name).parent.mkdir(parents=True, exist_ok=True)
                os.link(prepared.path(name), Path(work) / name)
            _pagefind(Path(work), year, bundle)
    return keep_unchanged(bundle, prepared.target / urls.search_bundle(year))


def _pagefind(site: Path, year: str, bundle: Path) -> None:
    # Ctrl-C or SIGTERM while Pagefind runs: subprocess.run kills it, and the caller removes the folder
    result = subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(site), "--glob", urls.article_glob(year),
         "--output-path", str(bundle), "--quiet"],
        capture_output=True, text=True,
    )
    if result.returncode != 0:
        message = (result.stderr or result.stdout).strip().splitlines()
        shutil.rmtree(bundle, ignore_errors=True)
        raise TechdigestError(f"search: pagefind failed: {message[-1] if message else result.returncode}")
    _check_room(bundle)
    entry = bundle / "pagefind-entry.json"
    if entry.is_file():  # pagefind lists the languages in hash order: sort them, so builds are byte-identical
        with naming(entry):
            try:
                languages = json.loads(entry.read_bytes())
            except ValueError:
                raise TechdigestError(f"{entry}: search: Pagefind wrote a damaged index") from None
            entry.write_bytes(json.dumps(languages, sort_keys=True, ensure_ascii=False,
                                         separators=(",", ":")).encode())


def _check_room(bundle: Path) -> None:
    """Pagefind says nothing and exits 0 when the disk fills up while it writes: a bundle made with
    (almost) no room left may be cut short, so it is refused rather than published."""
    info = os.statvfs(bundle)
    if info.f_bavail * info.f_frsize < _ROOM:
        raise TechdigestError(f"{bundle.parent}: search: the disk is full (less than {_ROOM >> 20} MiB free), so "
                              "the search index may be cut short; free some space and build again")
