"""Site search with Pagefind, run on the article pages only; the only module that runs it.

Pagefind indexes each ``<html lang>`` separately with its own stemming (so
"Partnerschaft" finds "Partnerschaften") and writes a static bundle that the
search pages load: no server, no third-party request. Only the article pages
are indexed, and within them only the ``data-pagefind-body`` part, so menus and
footers never turn up as results. The bundle is rebuilt only when an indexed
page changed.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from . import urls
from .model import TechdigestError

Bundle = tuple[str, dict[str, bytes]]


def search_bundle(pages: dict[str, bytes], previous: Bundle | None) -> Bundle:
    """``pages``: output path -> HTML of every page to index; returns (fingerprint, bundle files)."""
    digest = hashlib.sha256()
    for name in sorted(pages):
        digest.update(name.encode() + b"\0" + pages[name] + b"\0")
    fingerprint = digest.hexdigest()
    if previous and previous[0] == fingerprint:
        return previous
    if not pages:
        return fingerprint, {}
    # Ctrl-C or SIGTERM while Pagefind runs: subprocess.run kills it, but it may still be writing
    # for a moment, and a failing clean-up must not hide the interruption
    with tempfile.TemporaryDirectory(prefix="techdigest-search-", ignore_cleanup_errors=True) as work:
        source, bundle = Path(work) / "site", Path(work) / "bundle"
        for name, html in pages.items():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            (source / name).write_bytes(html)
        result = subprocess.run(
            [sys.executable, "-m", "pagefind", "--site", str(source), "--output-path", str(bundle), "--quiet"],
            capture_output=True, text=True,
        )
        if result.returncode != 0:
            message = (result.stderr or result.stdout).strip().splitlines()
            raise TechdigestError(f"search: pagefind failed: {message[-1] if message else result.returncode}")
        files = {
            urls.SEARCH_BUNDLE + p.relative_to(bundle).as_posix(): p.read_bytes()
            for p in sorted(bundle.rglob("*")) if p.is_file()
        }
    entry = urls.SEARCH_BUNDLE + "pagefind-entry.json"
    if entry in files:  # pagefind lists the languages in hash order: sort them, so builds are byte-identical
        files[entry] = json.dumps(json.loads(files[entry]), sort_keys=True, ensure_ascii=False,
                                  separators=(",", ":")).encode()
    return fingerprint, files
