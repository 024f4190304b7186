"""``search``: one Pagefind bundle per year, made from the pages that name it, only when needed."""

from __future__ import annotations

from pathlib import Path

from techdigest.options import BuildOptions
from techdigest.output import Batch, Output, Record, key
from techdigest.search import Indexed, update_search
from techdigest.writer import Prepared, commit, prepare

ONE = BuildOptions(workers=1)
ANNOUNCED: list[Path] = []  # update_search says so before it runs Pagefind


def article(year: str, slug: str, words: str) -> Output:
    html = f'<!doctype html><html lang="en"><body><main data-pagefind-body><h1>{words}</h1></main></body></html>'
    return Output(f"en/{year}/{slug}/index.html", words, html.encode, search_bundle=year)


def index(site: Path, outputs: list[Output], previous: Record | None, keys: dict[str, str], refresh: bool) -> Indexed:
    """Prepare ``outputs``, make their search bundles, commit: what update_search said."""
    prepared: Prepared = prepare(Batch(outputs, "v1"), site, previous, ONE)
    indexed = update_search(prepared, outputs, keys, refresh, lambda: ANNOUNCED.append(site))
    commit(prepared)
    return indexed


def bundles(site: Path) -> list[str]:
    return sorted(p.name for p in (site / "pagefind").iterdir())


def test_a_bundle_per_year_of_the_pages_naming_one(tmp_path):
    site = tmp_path / "site"
    pages = [article("2025", "a", "Quantum"), article("2026", "b", "Chips"), Output("en/index.html", 1, lambda: b"")]
    indexed = index(site, pages, None, {}, refresh=True)
    assert sorted(indexed.keys) == ["2025", "2026"] and indexed.written > 0
    assert bundles(site) == ["2025", "2026"]
    assert (site / "pagefind" / "2026" / "pagefind-entry.json").is_file()


def test_an_unchanged_year_keeps_its_bundle_and_a_changed_one_is_made_again(tmp_path):
    site = tmp_path / "site"
    pages = [article("2025", "a", "Quantum"), article("2026", "b", "Chips")]
    first = index(site, pages, None, {}, refresh=True)
    previous = Record(*_record_of(site, pages))
    ANNOUNCED.clear()
    again = index(site, pages, previous, first.keys, refresh=True)
    assert (again.keys, again.written, ANNOUNCED) == (first.keys, 0, []), "Pagefind did not run"
    before = (site / "pagefind" / "2025").stat().st_ino
    edited = [article("2025", "a", "Quantum"), article("2026", "b", "Compilers")]
    changed = index(site, edited, previous, first.keys, refresh=True)
    assert changed.keys["2025"] == first.keys["2025"] and changed.keys["2026"] != first.keys["2026"]
    assert (site / "pagefind" / "2025").stat().st_ino == before, "the untouched year stays as it was"


def test_without_refresh_a_carried_bundle_stays_even_when_its_pages_changed(tmp_path):
    site = tmp_path / "site"
    pages = [article("2026", "b", "Chips")]
    first = index(site, pages, None, {}, refresh=True)
    previous = Record(*_record_of(site, pages))
    kept = index(site, [article("2026", "b", "Compilers")], previous, first.keys, refresh=False)
    assert (kept.keys, kept.written) == (first.keys, 0)


def _record_of(site: Path, outputs: list[Output]) -> tuple[dict[str, str], dict[str, tuple[int, int]]]:
    """The keys and stamps a build of ``outputs`` left in ``site`` (as the cache would remember them)."""
    keys = {o.name: key("v1", o.inputs) for o in outputs}
    stamps = {n: ((site / n).stat().st_size, (site / n).stat().st_mtime_ns) for n in keys}
    return keys, stamps
