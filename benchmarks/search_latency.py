"""Search as the reader meets it: time from typing to results, and the index bytes it loads.

Usage: python benchmarks/search_latency.py [--size 10000] [--runs 3] [--keep DIR]

Builds bench.py's corpus of ``--size`` articles (or, with --keep, reuses the project built there
before), serves its site on 127.0.0.1 and, in headless Chromium (Debian's, through Playwright),
opens a search page for each of five fixed queries in a fresh browser context (an empty cache,
as a first visit), lets it load, types the query and measures:

- ms from typing to the first result shown (the page waits for typing to pause before it
  searches: that wait is part of every figure),
- the number and bytes (Content-Length) of the requests under ``pagefind/`` the page made, all
  of them (layers.json, Pagefind's script, worker and WebAssembly, entry, meta and index chunks,
  fragments of the shown results), and those made after typing.

Each query runs --runs times; the report gives median and max over all of them. It also reports
what the index costs to make and to store: the cold build's search indexing time and the
bundles' size on disk. Then it checks that search follows an edit: a word added to the oldest
article is found after a `techdigest build`, and no longer found once it is taken out again
(two touch-one builds, timed).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench import generate, run_build

CHROMIUM = "/usr/bin/chromium"
# (search page's language, query): German body words, German and English summary and title words
QUERIES = [
    ("de", "Halbleiter"),
    ("de", "Glasfaser Mobilfunk"),
    ("de", "Übernahme"),
    ("en", "Rechenzentrum"),
    ("en", "Akku Ladesäule"),
]


@dataclass(frozen=True)
class Search:
    """One query on a freshly opened search page."""

    ms: float  # from typing to the first result shown
    requests: int  # under pagefind/, since the page was opened
    bytes: int
    requests_after_typing: int
    bytes_after_typing: int


def project(size: int, days: int, keep: Path | None) -> tuple[Path, float | None]:
    """The bench corpus of ``size`` articles over ``days`` days, built: made in ``keep`` unless it is
    there already; and the seconds its cold build spent indexing for search (None: built before)."""
    root = (keep or Path(tempfile.mkdtemp(prefix=f"techdigest-search-{size}-"))) / f"project-{size}-{days}"
    if (root / "site" / "pagefind").is_dir():
        return root, None
    root.mkdir(parents=True)
    generate(root, size, days)
    return root, run_build(root).search_seconds


@contextmanager
def served(site: Path) -> Iterator[str]:
    """The site on 127.0.0.1 at a free port, as its root."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def search(browser, root: str, lang: str, query: str) -> Search:  # type: ignore[no-untyped-def]
    """Open the search page in an empty context, wait until it has loaded, type ``query``."""
    context = browser.new_context()
    sizes: list[tuple[float, int]] = []  # (when, bytes) of each response under pagefind/

    def seen(response) -> None:  # type: ignore[no-untyped-def]
        if "/pagefind/" in response.url:
            sizes.append((time.perf_counter(), int(response.header_value("content-length") or 0)))

    try:
        tab = context.new_page()
        tab.on("response", seen)
        tab.goto(root + f"{lang}/search/", wait_until="networkidle")
        typed = time.perf_counter()
        tab.locator("input[name=q]").fill(query)
        tab.locator(".search-results a").first.wait_for()
        shown = time.perf_counter()
        tab.wait_for_load_state("networkidle")  # the fragments of the other shown results
        after = [size for when, size in sizes if when >= typed]
        total = [size for _, size in sizes]
        return Search((shown - typed) * 1000, len(total), sum(total), len(after), sum(after))
    finally:
        context.close()


def searches(site: Path, runs: int) -> dict[tuple[str, str], list[Search]]:
    from playwright.sync_api import sync_playwright

    results: dict[tuple[str, str], list[Search]] = {q: [] for q in QUERIES}
    with served(site) as root, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            for _ in range(runs):
                for lang, query in QUERIES:
                    results[lang, query].append(search(browser, root, lang, query))
        finally:
            browser.close()
    return results


def found(site: Path, query: str) -> list[str]:
    """The result links the German search page shows for ``query`` (all of them)."""
    from playwright.sync_api import sync_playwright

    with served(site) as root, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            tab = browser.new_page()
            tab.goto(root + f"de/search/?q={query}")
            tab.locator(".search-status").filter(has_text=query).wait_for()
            while tab.locator(".search-more").is_visible():
                tab.locator(".search-more").click()
            return [link.get_attribute("href") or "" for link in tab.locator(".search-results a").all()]
        finally:
            browser.close()


def follows_edits(root: Path) -> None:
    """A new word is found after one build, and gone after the next: each a touch-one build."""
    article = root / "content" / "meldung-00000.md"
    text = article.read_text(encoding="utf-8")
    word = f"Quellcodeprüfung{time.time_ns() % 10**6}"
    article.write_text(text.replace("\n\n", f"\n\n{word} ", 1), encoding="utf-8")
    added = run_build(root)
    shown = found(root / "site", word)
    article.write_text(text, encoding="utf-8")
    removed = run_build(root)
    after = found(root / "site", word)
    for what, built, links in (("added", added, shown), ("taken out", removed, after)):
        print(f"  edit, word {what}: build {built.seconds:.2f} s (search {built.search_seconds:.2f} s), found: {links}")
    if shown != ["/de/2020/meldung-00000/"] or after:
        raise SystemExit("search did not follow the edit")


def bundle_size(site: Path) -> int:
    return sum(p.stat().st_size for p in (site / "pagefind").rglob("*") if p.is_file())


def report(results: dict[tuple[str, str], list[Search]]) -> None:
    every = [s for runs in results.values() for s in runs]
    print(f"  {'query':<26} {'ms':>7} {'requests':>9} {'KiB':>8} {'after typing':>13} {'KiB':>8}")
    for (lang, query), runs in results.items():
        m = {f: statistics.median(getattr(s, f) for s in runs) for f in Search.__dataclass_fields__}
        print(
            f"  {lang + ': ' + query:<26} {m['ms']:>7.0f} {m['requests']:>9.0f} {m['bytes'] / 1024:>8.0f}"
            f" {m['requests_after_typing']:>13.0f} {m['bytes_after_typing'] / 1024:>8.0f}"
        )
    for name, pick in (("median", statistics.median), ("max", max)):
        print(
            f"  {name:<26} {pick(s.ms for s in every):>7.0f} {pick(s.requests for s in every):>9}"
            f" {pick(s.bytes for s in every) / 1024:>8.0f} {pick(s.requests_after_typing for s in every):>13}"
            f" {pick(s.bytes_after_typing for s in every) / 1024:>8.0f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="build the corpus here, or reuse the one built here before")
    parser.add_argument("--days", type=int, default=2000, help="dates spread over this many days (365: one year)")
    args = parser.parse_args()
    root, indexing = project(args.size, args.days, args.keep)
    site = root / "site"
    print(f"search at N = {args.size}, {args.runs} runs of {len(QUERIES)} queries, Python {sys.version.split()[0]}")
    made = "reused" if indexing is None else f"{indexing:.2f} s in the cold build"
    print(f"  search indexing: {made}; bundles on disk: {bundle_size(site) / 2**20:.1f} MiB")
    report(searches(site, args.runs))
    follows_edits(root)
    if not args.keep:
        shutil.rmtree(root.parent)


if __name__ == "__main__":
    main()
