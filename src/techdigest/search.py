"""Site search with Pagefind, run on the article pages only; the only module that runs it.

Pagefind indexes each language with its own stemming (so "Partnerschaft"
finds "Partnerschaften") into a static bundle that the search page loads: no
server, no third-party request. Only the ``data-pagefind-body`` part of an
article page is indexed, so menus and footers never turn up as results.

Pagefind has no incremental mode: a bundle is made whole or not at all, and
its time and memory grow with its pages (a year of 1,800 articles in two
languages took it 4 s and 317 MiB). So each language's index is layered:

- *settled* bundles, one per year (``pagefind/de/2026/``), or per month range
  when a year holds more than :data:`SETTLED_PAGES` pages (``2026-07/``):
  each Pagefind run holds at most that many pages, however the dates fall;
- one small *recent* bundle (``pagefind/de/recent/``) of the pages that are
  new or changed since their settled bundle was made. An edit re-indexes only
  this layer; the settled bundle still holds the page as it was, and the
  layer's ``layers.json`` names that old version, which the search page drops
  from the results: by its Pagefind id, or by id and URL where more bundles
  hold the id (:mod:`layers`). With more than :data:`RECENT_PAGES`
  pages the layer is folded back: the settled bundles it touches are made
  again, and it is empty.

The search page merges the layers in the reader's browser (Pagefind's
``mergeIndex``). Which month a page belongs to is the page's own business
(:attr:`Output.search_month`); the writer stages each bundle and swaps it in
with the site. Within a re-made bundle, files whose bytes stayed the same are
linked from the old one, so they keep their mtime.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path

from . import urls
from .layers import layers_json, listing, page_ids
from .model import TechdigestError
from .output import Stamps, naming
from .parallel import cores
from .writer import Prepared, keep_unchanged

SETTLED_PAGES = 2_000  # pages of one language in one Pagefind run: ~200 MiB of memory, ~2 s
RECENT_PAGES = 100  # new or changed pages the recent layer holds before it is folded into the settled ones
_SPLITS = (1, 2, 3, 4, 6, 12)  # a year's settled bundles: 1 (the year), 2 (half-years), ... 12 (months)
_ROOM = 1 << 20  # bytes that must still be free after Pagefind wrote a bundle
_UNUSED = ("pagefind-*ui.*", "pagefind-highlight.js")  # Pagefind's ready-made UIs: the search page has its own

Held = dict[str, str]  # page name -> its key when the bundle indexed it


@dataclass(frozen=True)
class SearchState:
    """What the site's bundles hold, as the cache remembers it between builds."""

    bundles: dict[str, Held] = field(default_factory=dict)  # bundle folder -> the pages it indexed
    ids: dict[str, dict[str, str]] = field(default_factory=dict)  # bundle folder -> page -> Pagefind's id
    layers: dict[str, str] = field(default_factory=dict)  # language -> its layers.json, as planned
    files: dict[str, Stamps] = field(default_factory=dict)  # bundle folder -> its files as the build left them


@dataclass(frozen=True)
class Indexed:
    """The new site's search state, how many bundle files are new or changed, and the folders gone."""

    state: SearchState
    written: int
    dropped: tuple[str, ...] = ()


@dataclass
class _Layout:
    """One language's bundles in the new site, worked out before any Pagefind run."""

    lang: str
    settled: dict[str, list[str]]  # folder -> the pages it indexes
    kept: dict[str, Held] = field(default_factory=dict)  # carried settled folders, as they were made
    make: dict[str, list[str]] = field(default_factory=dict)  # settled folders made now
    recent: list[str] = field(default_factory=list)  # pages the recent layer indexes
    old: dict[str, dict[str, str]] = field(default_factory=dict)  # kept folder -> old versions: page -> id

    def remake(self, folder: str) -> None:
        self.make[folder] = self.settled[folder]
        del self.kept[folder]


def update_search(
    prepared: Prepared, searched: dict[str, str], previous: SearchState, verify: bool, announce: Callable[[], None]
) -> Indexed:
    """Make the bundles the prepared site needs, of the pages ``searched`` (by their search month).

    A bundle the new site does not carry over is made; a page that changed since
    its bundle was made goes to the recent layer. With ``verify``, a carried
    bundle is trusted only if its files have the sizes and mtimes the previous
    build left (``serve``, whose folder nobody else touches, trusts its own).
    """
    months: dict[str, dict[str, str]] = defaultdict(dict)
    for name, searched_month in searched.items():
        lang, month = searched_month.split("/")
        months[lang][name] = month
    ids = dict(previous.ids)
    layouts = [_Layout(lang, _settle(lang, months[lang])) for lang in sorted(months)]
    for layout in layouts:
        _plan(prepared, layout, previous, ids, verify)
    jobs: list[tuple[str, list[str]]] = []
    bundles: dict[str, Held] = {}
    for layout in layouts:
        recent = urls.search_recent(layout.lang)
        bundles |= layout.kept | {folder: _held(prepared, names) for folder, names in layout.make.items()}
        bundles[recent] = _held(prepared, layout.recent)
        if previous.bundles.get(recent) != bundles[recent] or not _intact(prepared, previous, recent, verify):
            jobs.append((recent, layout.recent))
        jobs += list(layout.make.items())
    if jobs:
        announce()
    with ThreadPoolExecutor(cores()) as pool:  # Pagefind processes side by side
        list(pool.map(lambda job: _make(prepared, *job), jobs))
        made = {folder for folder, _ in jobs}
        layers = {layout.lang: _relayer(prepared, layout, made, previous) for layout in layouts}
        staged = sorted(folder for folder in bundles if (prepared.folder / folder).is_dir())  # made, or relisted
        placed = dict(zip(staged, pool.map(partial(_place, prepared), staged), strict=True))
    files = {folder: previous.files[folder] for folder in bundles if folder not in placed}
    files |= {folder: stamps for folder, (_, stamps) in placed.items()}
    kept = {folder for layout in layouts for folder in layout.kept}
    state = SearchState(bundles, {folder: found for folder, found in ids.items() if folder in kept}, layers, files)
    written = sum(count for count, _ in placed.values())
    return Indexed(state, written, tuple(sorted(folder for folder in previous.bundles if folder not in bundles)))


def _relayer(prepared: Prepared, layout: _Layout, made: set[str], previous: SearchState) -> str:
    """The language's ``layers.json``, written into its recent bundle if that was ``made`` now, or else
    if the file changed: into a copy of the carried bundle then (:func:`_place` links its files back)."""
    recent = urls.search_recent(layout.lang)
    before = previous.layers.get(layout.lang)
    layers = _layers(prepared, layout, made, previous.files)
    if recent not in made and layers != before:
        ignore = shutil.ignore_patterns(urls.SEARCH_LAYERS)
        shutil.copytree(prepared.target / recent, prepared.stage(recent), ignore=ignore)
    if recent in made or layers != before:
        (prepared.folder / recent / urls.SEARCH_LAYERS).write_text(layers)
    return layers


def _intact(prepared: Prepared, previous: SearchState, folder: str, verify: bool) -> bool:
    """Whether the site carries ``folder`` as the previous build left it: the same files, each with the
    size and mtime it had then. A bundle edited by hand or damaged is made again, as the writer
    makes a page again (a stat per file: ~3 µs, 0.1 s for 20,000 pages in two languages, which
    ``serve`` saves on each save: without ``verify``, a bundle the previous build left is trusted)."""
    if not prepared.carries(folder) or folder not in previous.files:
        return False
    return not verify or _stamps(prepared.target / folder) == previous.files[folder]


def _stamps(folder: Path | str, inside: str = "") -> Stamps:
    """Size and mtime of each file below ``folder`` that can be read, by its name relative to it
    (one scan a folder, each entry stat'ed by its own path: no path joined per file)."""
    stamps: Stamps = {}
    try:
        entries = os.scandir(folder)
    except OSError:
        return stamps
    with entries:
        for entry in entries:
            name = f"{inside}{entry.name}"
            try:
                if entry.is_dir():
                    if not entry.is_symlink():
                        stamps |= _stamps(entry.path, f"{name}/")
                    continue
                info = entry.stat()
            except OSError:  # gone meanwhile, or a link to nothing: left out, so the bundle is made again
                continue
            stamps[name] = (info.st_size, info.st_mtime_ns)
    return stamps


def _plan(
    prepared: Prepared, layout: _Layout, previous: SearchState, ids: dict[str, dict[str, str]], verify: bool
) -> None:
    """Which settled bundles of the layout's language are kept or made, and what the recent layer
    holds; ``ids`` gets the Pagefind ids of the kept bundles that had to be read."""
    for folder, names in layout.settled.items():
        before = previous.bundles.get(folder)
        if before is None or not _intact(prepared, previous, folder, verify):
            layout.make[folder] = names
        else:
            layout.kept[folder] = before
    pages = {name for names in layout.settled.values() for name in names}
    pending = {folder: _pending(prepared, held, layout.settled[folder]) for folder, held in layout.kept.items()}
    pending = {folder: (stale, fresh) for folder, (stale, fresh) in pending.items() if stale or fresh}
    if len({name for stale, fresh in pending.values() for name in stale + fresh}) > RECENT_PAGES:
        for folder in pending:  # fold the recent layer into the settled bundles
            layout.remake(folder)
        pending = {}
    for folder, (stale, _) in list(pending.items()):
        if stale and not set(stale) <= ids.get(folder, {}).keys():
            ids[folder] = page_ids(prepared.target / folder)
            if not set(stale) <= ids[folder].keys():  # the bundle on disk is not the one the cache remembers
                layout.remake(folder)
                del pending[folder]
    while moved := _moved(pending, pages):
        for folder in moved:
            layout.remake(folder)
            del pending[folder]
    layout.old = {folder: {name: ids[folder][name] for name in stale} for folder, (stale, _) in pending.items()}
    layout.recent = sorted(name for _, fresh in pending.values() for name in fresh)


def _moved(pending: dict[str, tuple[list[str], list[str]]], pages: set[str]) -> list[str]:
    """The pending bundles holding an old version of a page that now lives in a settled bundle made
    in this build, not in the recent layer. Its text may not have changed, so neither has its
    Pagefind id: leaving that id out would hide the page itself. Such a bundle is made again."""
    recent = {name for _, fresh in pending.values() for name in fresh}
    return [folder for folder, (stale, _) in pending.items() if any(n in pages and n not in recent for n in stale)]


def _settle(lang: str, months: dict[str, str]) -> dict[str, list[str]]:
    """The settled bundles of ``lang`` and their pages: a year each, or month ranges of a year whose
    pages would not fit into one (as few ranges as keep each within :data:`SETTLED_PAGES`)."""
    counts: dict[str, Counter[int]] = defaultdict(Counter)
    for month in months.values():
        counts[month[:4]][int(month[5:])] += 1
    spans = {year: _span(per_month) for year, per_month in counts.items()}
    settled: dict[str, list[str]] = defaultdict(list)
    for name, month in sorted(months.items()):
        year, span = month[:4], spans[month[:4]]
        part = year if span == 12 else f"{year}-{(int(month[5:]) - 1) // span * span + 1:02d}"
        settled[urls.search_bundle(lang, part)].append(name)
    return settled


def _span(per_month: Counter[int]) -> int:
    """How many months one settled bundle of a year covers."""
    for parts in _SPLITS:
        span = 12 // parts
        if all(sum(per_month[m] for m in range(start, start + span)) <= SETTLED_PAGES for start in range(1, 13, span)):
            return span
    return 1  # a month of more pages than that is still one bundle


def _pending(prepared: Prepared, held: Held, names: list[str]) -> tuple[list[str], list[str]]:
    """Of a kept bundle: the pages it holds in an old version (or no longer should), and the pages of
    its months it lacks or holds in an old version."""
    current = set(names)
    stale = [name for name, key in held.items() if name not in current or prepared.key(name) != key]
    return stale, [name for name in names if held.get(name) != prepared.key(name)]


def _held(prepared: Prepared, names: Iterable[str]) -> Held:
    return {name: prepared.key(name) for name in names}


def _layers(prepared: Prepared, layout: _Layout, made: set[str], files: dict[str, Stamps]) -> str:
    """The language's ``layers.json`` (:func:`layers.layers_json`): its bundles, the recent one first
    if it holds pages, then the newest; each read where the new site has it."""
    recent = urls.search_recent(layout.lang)
    settled = sorted(layout.kept.keys() | layout.make.keys(), reverse=True)
    listed = ([recent] if layout.recent else []) + settled
    where = {folder: (prepared.folder if folder in made else prepared.target) / folder for folder in listed}
    held = {folder: listing(where[folder]) if folder in made else files[folder].keys() for folder in listed}
    old = {(folder, page_id) for folder, pages in layout.old.items() for page_id in pages.values()}
    relative = (["./"] if layout.recent else []) + [f"../{Path(folder).name}/" for folder in settled]
    return layers_json(where, held, old, relative)


def _make(prepared: Prepared, folder: str, names: list[str]) -> None:
    """Index ``names`` into the bundle ``folder`` of the prepared site (a recent one may hold none)."""
    staged = prepared.stage(folder)
    if names:
        with prepared.view(names) as site:
            _pagefind(site, staged, folder)
    else:
        staged.mkdir(parents=True)


def _place(prepared: Prepared, folder: str) -> tuple[int, Stamps]:
    """A staged bundle's files that kept their bytes linked from the site's (so they keep their mtime):
    how many of its files are new or changed, and the stamps of all (which the commit keeps)."""
    staged = prepared.folder / folder
    return keep_unchanged(staged, prepared.target / folder), _stamps(staged)


def pagefind_command(site: Path, bundle: Path) -> list[str]:
    """How Pagefind indexes the pages below ``site`` (a view holding one bundle's pages) into ``bundle``:
    its binary itself, not ``python -m pagefind``, which starts a Python only to find it (0.1 s a run)."""
    return [str(_pagefind_binary()), "--site", str(site), "--output-path", str(bundle), "--quiet"]


@cache
def _pagefind_binary() -> Path:
    """The binary the pagefind package runs (its ``pagefind_bin`` dependency, or PAGEFIND_BINARY_PATH)."""
    from pagefind.service import get_executable  # imports asyncio: only for a build that indexes

    binary = get_executable()
    if binary is None:
        raise TechdigestError("search: Pagefind's binary is missing; reinstall techdigest (pip install pagefind[bin])")
    return binary


def _pagefind(site: Path, bundle: Path, shown: str) -> None:
    """``shown``: the bundle's folder as the site will have it (``bundle`` is a folder set aside)."""
    # Ctrl-C or SIGTERM while Pagefind runs: subprocess.run kills it, and the caller removes the folder
    result = subprocess.run(pagefind_command(site, bundle), check=False, capture_output=True, text=True)
    if result.returncode != 0:
        message = (result.stderr or result.stdout).strip().splitlines()
        shutil.rmtree(bundle, ignore_errors=True)
        raise TechdigestError(f"search: pagefind failed: {message[-1] if message else result.returncode}")
    _check_room(bundle, shown)
    for pattern in _UNUSED:  # ~420 KB per bundle that no page loads
        for path in bundle.glob(pattern):
            path.unlink()
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
