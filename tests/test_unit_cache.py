"""``cache``: a build's state kept on disk, atomically, tied to the code; a bad cache is a cold build."""

from __future__ import annotations

import pickle
from importlib.metadata import PackageNotFoundError, version

import pytest

from techdigest.build import build
from techdigest.cache import (
    _LIBRARIES,
    CACHE_DIR,
    BuildState,
    _library_versions,
    cache_file,
    code_version,
    load_state,
    save_state,
)
from techdigest.config import load_config
from techdigest.output import Record


@pytest.fixture
def config(project):
    return load_config(project)


STATE = BuildState(record=Record({"a": "k"}, {"a": (1, 2)}), search={"2026": "s"})


def test_a_saved_state_is_loaded_again_without_its_plan(config, project):
    state = build(config).state
    assert state.plan is not None
    loaded = load_state(config)
    assert loaded == state and loaded.plan is None
    assert (project / CACHE_DIR / ".gitignore").read_text() == "*\n"


def test_no_cache_a_damaged_one_or_one_of_another_version_is_a_cold_start(config):
    assert load_state(config) == BuildState()
    save_state(config, STATE)
    assert load_state(config) == STATE
    cache_file(config).write_bytes(b"\x80\x05garbage")
    assert load_state(config) == BuildState()
    cache_file(config).write_bytes(pickle.dumps(("another version", STATE)))
    assert load_state(config) == BuildState()
    cache_file(config).write_bytes(pickle.dumps((code_version(), "not a state")))
    assert load_state(config) == BuildState()


def test_a_cache_that_cannot_be_written_is_no_error(config, project):
    (project / CACHE_DIR).write_text("a file, not a folder")
    save_state(config, STATE)
    assert load_state(config) == BuildState()


def test_what_a_build_killed_while_saving_left_is_removed(config, project):
    save_state(config, STATE)
    (project / CACHE_DIR / ".build-k1ll3d").write_bytes(b"half a pickle")
    assert load_state(config) == STATE
    assert sorted(p.name for p in (project / CACHE_DIR).iterdir()) == [".gitignore", "build.pickle"]


def test_the_code_version_is_stable_in_a_process():
    assert code_version() == code_version() and len(code_version()) == 32


def test_the_library_versions_are_those_importlib_metadata_finds():
    def installed(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "-"

    assert _library_versions() == "|".join(f"{name}={installed(name)}" for name in _LIBRARIES)
