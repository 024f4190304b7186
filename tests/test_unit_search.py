"""``search``: settled Pagefind bundles per language and year (or months), and a small recent layer
that takes each edit, with the ids of the old versions the search page leaves out."""

from __future__ import annotations

import gzip
import json
import random
import shutil
from pathlib import Path

import pytest
from conftest import colliding, fragment, searchable

from techdigest import search
from techdigest.options import BuildOptions
from techdigest.output import Batch, Output, Record, key
from techdigest.search import Indexed, SearchState, update_search
from techdigest.writer import Prepared, commit, prepare

ONE = BuildOptions(workers=1)


def article(month: str, slug: str, words: str, lang: str = "en") -> Output:
    html = f'<!doctype html><html lang="{lang}"><body><main data-pagefind-body><h1>{words}</h1></main></body></html>'
    return Output(f"{lang}/{month[:4]}/{slug}/index.html", words, html.encode, search_month=f"{lang}/{month}")


class Site:
    """A site built again and again from outputs, with the record and search state a build keeps."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.record: Record | None = None
        self.state = SearchState()
        self.announced = 0

    def build(self, outputs: list[Output], verify: bool = True) -> Indexed:
        prepared: Prepared = prepare(Batch(outputs, "v1"), self.folder, self.record, ONE)
        searched = {o.name: o.search_month for o in outputs if o.search_month is not None}
        indexed = update_search(prepared, searched, self.state, verify, self.announce)
        commit(prepared, indexed.dropped)
        keys = {o.name: key("v1", o.inputs) for o in outputs}
        stamps = {n: ((self.folder / n).stat().st_size, (self.folder / n).stat().st_mtime_ns) for n in keys}
        self.record, self.state = Record(keys, stamps), indexed.state
        return indexed

    def announce(self) -> None:
        self.announced += 1

    def layers(self, lang: str = "en") -> dict[str, list[str]]:
        return json.loads((self.folder / "pagefind" / lang / "recent" / "layers.json").read_text())

    def bundles(self, lang: str = "en") -> list[str]:
        return sorted(p.name for p in (self.folder / "pagefind" / lang).iterdir())

    def urls(self, bundle: str, lang: str = "en") -> dict[str, str]:
        """Page URL -> Pagefind id, of the pages a bundle holds, and what it holds of them."""
        found = {}
        for path in (self.folder / "pagefind" / lang / bundle / "fragment").iterdir():
            data = json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
            found[data["url"]] = path.name.removesuffix(".pf_fragment")
        return found

    def text(self, bundle: str, url: str, lang: str = "en") -> str:
        for path in (self.folder / "pagefind" / lang / bundle / "fragment").iterdir():
            data = json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
            if data["url"] == url:
                return str(data["content"])
        raise AssertionError(f"{url} not in {bundle}")


@pytest.fixture
def site(tmp_path: Path) -> Site:
    return Site(tmp_path / "site")


def test_a_settled_bundle_per_language_and_year_and_layers_listing_them_newest_first(site):
    pages = [
        article("2025-03", "a", "Quantum"),
        article("2026-01", "b", "Chips"),
        article("2026-02", "c", "Kühlung", lang="de"),
        Output("en/index.html", 1, lambda: b""),
    ]
    indexed = site.build(pages)
    assert indexed.written > 0 and indexed.dropped == ()
    assert site.bundles("en") == ["2025", "2026", "recent"] and site.bundles("de") == ["2026", "recent"]
    assert site.layers("en") == {"bundles": ["../2026/", "../2025/"], "superseded": [], "shared": {}}
    assert site.urls("2026").keys() == {"/en/2026/b/"}
    assert (site.folder / "pagefind/en/recent/pagefind.js").exists() is False, "no recent pages: no index there"


def test_an_unchanged_site_runs_no_pagefind_and_an_edit_goes_to_the_recent_layer_only(site):
    pages = [article("2025-03", "a", "Quantum"), article("2026-01", "b", "Chips")]
    site.build(pages)
    settled = site.urls("2026")
    again = site.build(pages)
    assert (again.written, site.announced) == (0, 1), "Pagefind did not run the second time"
    inode = (site.folder / "pagefind/en/2026/pagefind-entry.json").stat().st_ino

    site.build([article("2025-03", "a", "Quantum"), article("2026-01", "b", "Compilers")])
    assert (site.folder / "pagefind/en/2026/pagefind-entry.json").stat().st_ino == inode, "settled bundle kept"
    assert "Chips" in site.text("2026", "/en/2026/b/"), "the settled bundle still holds the old version"
    assert "Compilers" in site.text("recent", "/en/2026/b/")
    assert site.layers() == {
        "bundles": ["./", "../2026/", "../2025/"],
        "superseded": [settled["/en/2026/b/"]],
        "shared": {},
    }

    site.build([article("2025-03", "a", "Quantum"), article("2026-01", "b", "Compilers, again")])
    assert site.layers()["superseded"] == [settled["/en/2026/b/"]], "the same old version, read once"
    assert "again" in site.text("recent", "/en/2026/b/")


def test_a_removed_page_is_left_out_and_a_new_one_goes_to_the_recent_layer(site):
    site.build([article("2026-01", "a", "Quantum"), article("2026-02", "b", "Chips")])
    settled = site.urls("2026")
    site.build([article("2026-02", "b", "Chips"), article("2026-03", "c", "Wafer")])
    assert site.layers()["superseded"] == [settled["/en/2026/a/"]]
    assert site.urls("recent").keys() == {"/en/2026/c/"}


def test_the_recent_layer_is_folded_back_when_it_grows_past_its_size(site, monkeypatch):
    monkeypatch.setattr(search, "RECENT_PAGES", 1)
    site.build([article("2025-01", "a", "Quantum"), article("2026-01", "b", "Chips")])
    untouched = (site.folder / "pagefind/en/2025/pagefind-entry.json").stat().st_ino
    site.build([article("2025-01", "a", "Quantum"), article("2026-01", "b", "Compilers")])
    assert site.urls("recent").keys() == {"/en/2026/b/"}
    site.build([article("2025-01", "a", "Quantum"), article("2026-01", "b", "Compilers"), article("2026-02", "c", "x")])
    assert site.layers() == {"bundles": ["../2026/", "../2025/"], "superseded": [], "shared": {}}
    assert "Compilers" in site.text("2026", "/en/2026/b/") and site.urls("2026").keys() == {
        "/en/2026/b/",
        "/en/2026/c/",
    }
    assert (site.folder / "pagefind/en/2025/pagefind-entry.json").stat().st_ino == untouched


def test_a_year_with_more_pages_than_a_bundle_holds_is_split_into_month_ranges(site, monkeypatch):
    monkeypatch.setattr(search, "SETTLED_PAGES", 2)
    pages = [article(f"2026-{m:02d}", f"p{m}", f"Page {m}") for m in (1, 2, 5, 8, 9)] + [article("2025-04", "x", "x")]
    site.build(pages)
    # thirds of the year: 2 + 2 + 1 pages (halves would hold 3 + 2)
    assert site.bundles() == ["2025", "2026-01", "2026-05", "2026-09", "recent"]
    assert site.urls("2026-05").keys() == {"/en/2026/p5/", "/en/2026/p8/"}
    site.build(pages[:1] + [article("2025-04", "x", "x")])
    assert site.bundles() == ["2025", "2026", "recent"], "the split is dropped when the year fits again"


def test_a_damaged_settled_bundle_is_made_again_instead_of_trusted(site):
    site.build([article("2026-01", "a", "Quantum"), article("2026-02", "b", "Chips")])
    for path in (site.folder / "pagefind/en/2026/fragment").iterdir():
        path.write_bytes(b"not gzip")
    site.build([article("2026-01", "a", "Quantum"), article("2026-02", "b", "Compilers")])
    assert "Compilers" in site.text("2026", "/en/2026/b/")
    assert site.layers() == {"bundles": ["../2026/"], "superseded": [], "shared": {}}


def test_without_verify_the_bundles_are_trusted_unread_and_an_edit_still_goes_to_the_recent_layer(site):
    """As ``serve`` builds: its folder is its own, so it does not stat each bundle file on a save."""
    site.build([article("2026-01", "a", "Quantum"), article("2026-02", "b", "Chips")])
    entry = site.folder / "pagefind/en/2026/pagefind-entry.json"
    entry.write_text("edited by hand")  # not looked at
    site.build([article("2026-01", "a", "Quantum"), article("2026-02", "b", "Compilers")], verify=False)
    assert entry.read_text() == "edited by hand"
    assert site.layers()["bundles"] == ["./", "../2026/"]
    assert "Compilers" in site.text("recent", "/en/2026/b/")


def found(site: Site, lang: str = "en") -> dict[str, list[str]]:
    """What the language's search page finds (conftest.searchable): page URL -> its texts."""
    return searchable(site.folder / "pagefind" / lang / "recent" / "layers.json")


def test_a_page_that_moved_into_a_bundle_made_anew_is_found_there(site, monkeypatch):
    """The page's old version stays in a kept bundle with the same text, so the same Pagefind id, as
    its version in the new bundle: listing that id as an old version would hide the page."""
    monkeypatch.setattr(search, "SETTLED_PAGES", 2)
    months = {"a": "2026-01", "b": "2026-02", "e": "2026-05", "f": "2026-06", "i": "2026-09"}
    pages = {slug: article(month, slug, slug.upper()) for slug, month in months.items()}
    site.build(list(pages.values()))
    assert site.bundles() == ["2026-01", "2026-05", "2026-09", "recent"]
    pages["b"] = article("2026-10", "b", "B")  # its date moved into the last third: to the recent layer
    site.build(list(pages.values()))
    assert site.urls("recent").keys() == {"/en/2026/b/"}
    del pages["e"], pages["f"]  # the year fits into halves again: 2026-01 stays, 2026-07 is new
    site.build(list(pages.values()))
    assert site.bundles() == ["2026-01", "2026-07", "recent"]
    assert found(site) == {"/en/2026/a/": ["A|A."], "/en/2026/b/": ["B|B."], "/en/2026/i/": ["I|I."]}


@pytest.mark.parametrize("damage", ["recent/layers.json", "2026/pagefind-entry.json", "2026/fragment", "2025"])
def test_a_bundle_changed_by_hand_is_made_again_as_the_pages_are(site, damage):
    """As the writer does for pages: what the build left in a bundle is trusted only while each file
    still has the size and mtime it was left with."""
    pages = [article("2025-03", "a", "Quantum"), article("2026-01", "b", "Chips")]
    site.build(pages)
    before = files(site.folder / "pagefind")
    target = site.folder / "pagefind/en" / damage
    if damage.endswith("fragment"):
        for path in target.iterdir():
            path.write_bytes(b"not gzip")
    elif target.is_dir():
        shutil.rmtree(target)
    else:
        target.unlink()
    site.build(pages)
    assert files(site.folder / "pagefind") == before


def files(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def twins(scratch: Path) -> tuple[Output, Output]:
    """Page a of 2025 and page b of 2026, whose texts give them the same Pagefind id in their bundles."""
    Site(scratch).build([article("2025-03", "a", "Kennung 000000"), article("2026-03", "b", "Kennung 000000")])
    bundles = scratch / "pagefind/en"
    first, second = colliding(fragment(bundles / "2025", "/en/2025/a/"), fragment(bundles / "2026", "/en/2026/b/"))
    return article("2025-03", "a", f"Kennung {first}"), article("2026-03", "b", f"Kennung {second}")


def test_two_pages_with_the_same_pagefind_id_in_two_bundles_are_both_found(site, tmp_path):
    a, b = twins(tmp_path / "scratch")
    site.build([a, b])
    assert site.urls("2025")["/en/2025/a/"] == site.urls("2026")["/en/2026/b/"]
    assert found(site).keys() == {"/en/2025/a/", "/en/2026/b/"}


def test_the_old_version_of_an_edited_page_hides_no_other_page_with_the_same_id(site, tmp_path):
    a, b = twins(tmp_path / "scratch")
    site.build([a, b])
    site.build([article("2025-03", "a", "Quantum"), b])
    assert found(site) == {"/en/2025/a/": ["Quantum|Quantum."], "/en/2026/b/": [f"{b.inputs}|{b.inputs}."]}


def test_an_edit_that_leaves_the_indexed_text_as_it_was_shows_the_page_once(site):
    """Its new version in the recent bundle has the same id as the old one: both are kept, told
    apart by their URL, which is the same, so the search page shows one of them."""
    site.build([article("2026-01", "b", "Chips")])
    same = article("2026-01", "b", "Chips")
    site.build([Output(same.name, "retagged", same.make, same.search_month)])
    page = site.urls("2026")["/en/2026/b/"]
    assert site.urls("recent") == {"/en/2026/b/": page}
    assert site.layers() == {"bundles": ["./", "../2026/"], "superseded": [], "shared": {page: []}}
    assert found(site) == {"/en/2026/b/": ["Chips|Chips."]}


@pytest.mark.parametrize("seed", [6, 8, 14])
def test_any_sequence_of_builds_is_searched_as_a_cold_build_would_be(tmp_path, monkeypatch, seed):
    """Pages added, removed, edited, moved to other months (same text), and changed where the index
    does not look, a few at a time in two languages and years, with bundles of three pages and a
    recent layer of three: after each build the search finds what a cold build's search finds."""
    monkeypatch.setattr(search, "SETTLED_PAGES", 3)
    monkeypatch.setattr(search, "RECENT_PAGES", 3)
    rng, words = random.Random(seed), ["Quantum", "Chips", "Wafer", "Kühlung", "Compiler", "Rust"]
    site, pages = Site(tmp_path / "site"), {}
    for step in range(10):
        for _ in range(rng.randint(1, 4)):
            page, choice = (rng.choice(["en", "de"]), f"p{rng.randint(0, 9)}"), rng.random()
            month, text, version = pages.get(page, ("", "", 0))
            if page not in pages or choice < 0.4:
                pages[page] = (
                    f"{rng.choice(['2025', '2026'])}-{rng.randint(1, 12):02d}",
                    " ".join(rng.sample(words, 2)),
                    0,
                )
            elif choice < 0.5:
                pages[page] = (month, text, version + 1)  # not in the indexed text
            elif choice < 0.6:
                del pages[page]
            elif choice < 0.8:
                pages[page] = (f"{month[:4]}-{rng.randint(1, 12):02d}", text, version)
            else:
                pages[page] = (month, " ".join(rng.sample(words, 2)), version)
        made = [article(month, slug, text, lang) for (lang, slug), (month, text, _) in sorted(pages.items())]
        versions = [version for _, _, version in (pages[page] for page in sorted(pages))]
        outputs = [Output(o.name, (o.inputs, v), o.make, o.search_month) for o, v in zip(made, versions, strict=True)]
        site.build(outputs)
        cold = Site(tmp_path / f"cold{step}")
        cold.build(outputs)
        for lang in {lang for lang, _ in pages}:
            assert found(site, lang) == found(cold, lang), f"step {step}"
