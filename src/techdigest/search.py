"""Site search with Pagefind, run on the article pages only; the only module that runs it.

Pagefind indexes each ``<html lang>`` separately with its own stemming (so
"Partnerschaft" finds "Partnerschaften") and writes a static bundle that the
search pages load: no server, no third-party request. Only the article pages
are indexed, and within them only the ``data-pagefind-body`` part, so menus and
footers never turn up as results.

Pagefind has no incremental mode: it is run again, over all article pages,
only when one of them changed (the search key covers their keys), and the
bundle files whose bytes stayed the same are linked from the old bundle, so
they keep their mtime.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from . import urls
from .model import TechdigestError
from .output import Prepared, keep_unchanged


def search_key(prepared: Prepared, searchable: list[str]) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for name in sorted(searchable):
        digest.update(f"{name}|{prepared.record.keys[name]}\n".encode())
    return digest.hexdigest()


def index_search(prepared: Prepared, searchable: list[str]) -> int:
    """Write the bundle for the prepared site into ``prepared.folder``, where the commit takes it from.

    Returns how many of its files are new or changed.
    """
    bundle = prepared.folder / urls.SEARCH_BUNDLE
    if not searchable:  # no articles: an empty bundle replaces any old one
        bundle.mkdir()
    elif not prepared.in_place:  # a whole staged site: Pagefind reads it where it is
        _pagefind(prepared.folder, bundle)
    else:  # an overlay of changes: show Pagefind the new site's article pages, as links
        with tempfile.TemporaryDirectory(prefix=".techdigest-search-", dir=prepared.folder.parent,
                                         ignore_cleanup_errors=True) as work:
            for name in searchable:
                (Path(work) / name).parent.mkdir(parents=True, exist_ok=True)
                os.link(prepared.path(name), Path(work) / name)
            _pagefind(Path(work), bundle)
    return keep_unchanged(bundle, prepared.target / urls.SEARCH_BUNDLE)


def _pagefind(site: Path, bundle: Path) -> None:
    # Ctrl-C or SIGTERM while Pagefind runs: subprocess.run kills it, and the caller removes the folder
    result = subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(site), "--glob", urls.ARTICLE_GLOB,
         "--output-path", str(bundle), "--quiet"],
        capture_output=True, text=True,
    )
    if result.returncode != 0:
        message = (result.stderr or result.stdout).strip().splitlines()
        shutil.rmtree(bundle, ignore_errors=True)
        raise TechdigestError(f"search: pagefind failed: {message[-1] if message else result.returncode}")
    entry = bundle / "pagefind-entry.json"
    if entry.is_file():  # pagefind lists the languages in hash order: sort them, so builds are byte-identical
        entry.write_bytes(json.dumps(json.loads(entry.read_bytes()), sort_keys=True, ensure_ascii=False,
                                     separators=(",", ":")).encode())
