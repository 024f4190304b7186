"""``output`` (what a file of the site is) and ``writer`` (prepare aside, commit in one step)."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from conftest import snapshot

from techdigest.options import BuildOptions
from techdigest.output import Batch, Output, Record, fixed, key, naming
from techdigest.writer import commit, discard, keep_unchanged, prepare

ONE = BuildOptions(workers=1)


def outputs(**files: str) -> list[Output]:
    """``name=text`` as outputs keyed by their text; ``_`` in a name is ``/`` (``de_index`` is ``de/index``)."""
    return [Output(name.replace("_", "/"), text, lambda text=text: text.encode()) for name, text in files.items()]


def write(target: Path, previous: Record | None, batch: Batch) -> Record:
    prepared = prepare(batch, target, previous, ONE)
    commit(prepared)
    return prepared.record


def test_a_key_is_of_the_base_and_the_inputs_and_nothing_else():
    assert key("b", ("x", 1)) == key("b", ("x", 1))
    assert len({key("b", ("x", 1)), key("c", ("x", 1)), key("b", ("x", 2))}) == 3
    assert fixed("robots.txt", b"x").make() == b"x"
    assert fixed("a", b"x").inputs == fixed("b", b"x").inputs != fixed("a", b"y").inputs


def test_an_os_error_without_a_file_name_is_given_the_path():
    with pytest.raises(OSError) as caught, naming(Path("site/x.html")):
        raise OSError(errno.ENOSPC, "No space left on device")
    assert (caught.value.errno, caught.value.filename) == (errno.ENOSPC, "site/x.html")


def test_the_first_build_stages_a_copy_and_swaps_it_in(tmp_path):
    record = write(tmp_path / "site", None, Batch(outputs(index="home", de_index="de"), "v1"))
    assert snapshot(tmp_path / "site") == {"index": b"home", "de/index": b"de"}
    assert set(record.keys) == set(record.stamps) == {"index", "de/index"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"], "nothing set aside is left"


def test_with_a_record_only_changed_keys_are_made_and_gone_files_removed(tmp_path):
    site = tmp_path / "site"
    record = write(site, None, Batch(outputs(a="1", b_c="2", d="3"), "v1"))
    prepared = prepare(Batch(outputs(a="1", d="changed"), "v1"), site, record, ONE)
    assert (prepared.in_place, prepared.made, prepared.written, prepared.gone) == (True, ("d",), ("d",), ("b/c",))
    assert snapshot(site) == {"a": b"1", "b/c": b"2", "d": b"3"}, "nothing changes before the commit"
    commit(prepared)
    assert snapshot(site) == {"a": b"1", "d": b"changed"}
    assert not (site / "b").exists(), "an emptied folder goes too"


def test_a_new_base_makes_everything_but_writes_only_changed_bytes(tmp_path):
    site = tmp_path / "site"
    record = write(site, None, Batch(outputs(a="1", b="2"), "v1"))
    prepared = prepare(Batch(outputs(a="1", b="3"), "v2"), site, record, ONE)
    assert (sorted(prepared.made), prepared.written) == (["a", "b"], ("b",))
    discard(prepared)


def test_a_file_changed_by_hand_is_made_again_unless_verifying_is_off(tmp_path):
    site = tmp_path / "site"
    record = write(site, None, Batch(outputs(a="1"), "v1"))
    (site / "a").write_text("vandalized")
    trusting = prepare(Batch(outputs(a="1"), "v1"), site, record, BuildOptions(workers=1, verify_output=False))
    assert trusting.made == ()
    discard(trusting)
    write(site, record, Batch(outputs(a="1"), "v1"))
    assert (site / "a").read_text() == "1"


def test_kept_files_stay_and_the_rest_of_the_previous_site_is_gone(tmp_path):
    site = tmp_path / "site"
    record = write(site, None, Batch(outputs(a="1", b="2", c="3"), "v1"))
    kept = Record({"b": record.keys["b"]}, {"b": record.stamps["b"]})
    write(site, record, Batch(outputs(a="new"), "v1", kept))
    assert snapshot(site) == {"a": b"new", "b": b"2"}


def test_a_discarded_preparation_leaves_the_site_and_nothing_beside_it(tmp_path):
    site = tmp_path / "site"
    record = write(site, None, Batch(outputs(a="1"), "v1"))
    discard(prepare(Batch(outputs(a="2", b="3"), "v1"), site, record, ONE))
    assert snapshot(site) == {"a": b"1"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_staged_folder_is_swapped_in_whole_with_the_commit(tmp_path):
    site = tmp_path / "site"
    record = write(site, None, Batch(outputs(a="1", box_old="x"), "v1"))
    prepared = prepare(Batch(outputs(a="1"), "v1", Record({"box/old": "k"}, {})), site, record, ONE)
    assert prepared.carries("box")
    prepared.stage("box/").mkdir(parents=True)
    (prepared.folder / "box" / "new").write_text("y")
    commit(prepared)
    assert snapshot(site) == {"a": b"1", "box/new": b"y"}


def test_an_output_never_lands_outside_the_site(tmp_path):
    with pytest.raises(ValueError, match="outside the site"):
        prepare(Batch(outputs(x="1") + [Output("../evil", 1, lambda: b"")], "v1"), tmp_path / "site", None, ONE)
    assert not (tmp_path / "evil").exists()


def test_files_with_the_same_bytes_become_links_to_the_old_ones(tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    for folder, text in (("old", "same"), ("new", "same")):
        (tmp_path / folder / "a").write_text(text)
    (tmp_path / "new" / "b").write_text("fresh")
    assert keep_unchanged(tmp_path / "new", tmp_path / "old") == 1
    assert (tmp_path / "new" / "a").stat().st_ino == (tmp_path / "old" / "a").stat().st_ino
