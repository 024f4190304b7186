"""``cache``: a build's state kept on disk, atomically, tied to the code; a bad cache is a cold build."""

from __future__ import annotations

import pickle
from importlib.metadata import PackageNotFoundError, version

import pytest

from techdigest.build import build
from techdigest.cache import (
    _LIBRARIES,
    BuildState,
    _library_versions,
    cache_file,
    code_version,
    load_state,
    save_state,
)
from techdigest.config import CACHE_DIR, load_config
from techdigest.output import Record


@pytest.fixture
def config(project):
    return load_config(project)


STATE = BuildState(record=Record({"a": "k"}, {"a": (1, 2)}), search={"2026": "s"})


def test_a_saved_state_is_loaded_again_with_its_plan_holding_the_same_articles(config, project):
    state = build(config).state
    assert state.plan is not None
    loaded = load_state(config)
    assert loaded == state and loaded.plan == state.plan and loaded.plan.made == state.plan.made
    assert loaded.plan is not None and list(loaded.parsed) == list(state.parsed)
    articles = {entry.article.slug: entry.article for entry in loaded.parsed.values()}
    assert all(item is articles[item.slug] for item in loaded.plan.site.articles), "one object per article"
    assert (project / CACHE_DIR / ".gitignore").read_text() == "*\n"


def test_a_save_writes_only_the_parts_that_changed_and_removes_those_no_head_names(config, project):
    first = build(config).state
    parts = project / CACHE_DIR / "parts"
    before = {path.name: path.stat().st_mtime_ns for path in parts.iterdir()}
    text = (project / "content" / "chip-export.md").read_text()
    (project / "content" / "chip-export.md").write_text(text.replace("Neue Regeln", "Strengere Regeln"))
    second = build(config).state
    after = {path.name: path.stat().st_mtime_ns for path in parts.iterdir()}
    assert second.plan is not None and first.plan is not None and second.plan.made == first.plan.made
    new = sorted(after.keys() - before.keys())
    assert len(new) == 1 and new[0].startswith("articles-"), "one part of the articles, the plan kept"
    assert len(before.keys() - after.keys()) == 1, "the part it replaces is gone"
    assert all(after[name] == before[name] for name in after.keys() & before.keys())
    assert load_state(config) == second


def test_a_missing_or_damaged_part_is_a_cold_start(config, project):
    build(config)
    parts = sorted((project / CACHE_DIR / "parts").iterdir())
    parts[0].write_bytes(b"\x80\x05garbage")
    assert load_state(config) == BuildState()
    build(config)
    assert load_state(config) != BuildState()
    next(p for p in (project / CACHE_DIR / "parts").iterdir() if p.name.startswith("plan-")).unlink()
    assert load_state(config) == BuildState()


def test_no_cache_a_damaged_one_or_one_of_another_version_is_a_cold_start(config):
    assert load_state(config) == BuildState()
    save_state(config, STATE)
    assert load_state(config) == STATE
    cache_file(config).write_bytes(b"\x80\x05garbage")
    assert load_state(config) == BuildState()
    cache_file(config).write_bytes(pickle.dumps(("another version", STATE)))  # as older versions wrote it
    assert load_state(config) == BuildState()
    cache_file(config).write_bytes(pickle.dumps(("another version", [], None)) + pickle.dumps(STATE))
    assert load_state(config) == BuildState()
    cache_file(config).write_bytes(pickle.dumps((code_version(), [], None)) + pickle.dumps("not a state"))
    assert load_state(config) == BuildState()


def test_a_cache_that_cannot_be_written_is_no_error(config, project):
    (project / CACHE_DIR).write_text("a file, not a folder")
    save_state(config, STATE)
    assert load_state(config) == BuildState()


def test_what_a_build_killed_while_saving_left_is_removed(config, project):
    save_state(config, STATE)
    (project / CACHE_DIR / ".build-k1ll3d").write_bytes(b"half a pickle")
    (project / CACHE_DIR / "parts" / ".build-k1ll3d").write_bytes(b"half a part")
    assert load_state(config) == STATE
    assert sorted(p.name for p in (project / CACHE_DIR).iterdir()) == [".gitignore", "build.pickle", "parts"]
    assert list((project / CACHE_DIR / "parts").iterdir()) == []


def test_the_code_version_is_stable_in_a_process():
    assert code_version() == code_version() and len(code_version()) == 32


def test_the_library_versions_are_those_importlib_metadata_finds():
    def installed(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "-"

    assert _library_versions() == "|".join(f"{name}={installed(name)}" for name in _LIBRARIES)
