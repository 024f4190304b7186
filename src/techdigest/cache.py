"""What a build remembers for the next one, in memory (``serve``) or in ``.techdigest-cache/``.

The parsed articles (by the digest of their file) and the record of what the
build left in the output folder (each file's key, size and mtime), so the next
build parses and renders only what changed. Not the HTML: the files in the
output folder are the cache of that. The file is tied to techdigest's own code
and to the versions of the libraries that shape the output; a mismatch, a
damaged or unreadable cache only means a cold build, never an error.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import pickle
import sys
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .changes import Plan
from .config import Config
from .corpus import ParsedFiles
from .locks import FolderLock
from .output import Record
from .search import SearchState

CACHE_DIR = ".techdigest-cache"
_LIBRARIES = ("markdown", "jinja2", "babel", "feedgen", "pagefind", "pyyaml")


@dataclass(frozen=True)
class BuildState:
    parsed: ParsedFiles = field(default_factory=dict)
    record: Record = field(default_factory=Record)
    search: SearchState = field(default_factory=SearchState)  # what the site's search bundles hold
    output: Path | None = None
    plan: Plan | None = field(default=None, compare=False)  # kept in memory only, for serve's next save


@cache
def code_version() -> str:
    """techdigest's source and the library versions: another version may render other bytes."""
    digest = hashlib.blake2b(sys.version.encode(), digest_size=16)
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    digest.update(_library_versions().encode())
    return digest.hexdigest()


def _library_versions() -> str:
    """``markdown=3.7|jinja2=…``: each of :data:`_LIBRARIES` as installed (``-``: not found), from the name
    of its ``*.dist-info`` folder, the first on ``sys.path`` as ``importlib.metadata.version`` finds it;
    read here, as importing ``importlib.metadata`` would cost every build ~40 ms."""
    wanted = {_project(name): name for name in _LIBRARIES}
    found: dict[str, str] = {}
    for folder in sys.path:
        try:
            entries = os.listdir(folder or ".")
        except OSError:  # a zip file, or gone
            continue
        for entry in entries:
            project, _, installed = entry.removesuffix(".dist-info").partition("-")
            if entry.endswith(".dist-info") and (name := wanted.get(_project(project))):
                found.setdefault(name, installed)
    return "|".join(f"{name}={found.get(name, '-')}" for name in _LIBRARIES)


def _project(name: str) -> str:
    """A project's name as dist-info folders spell it in any of their forms (``PyYAML``, ``pyyaml``)."""
    return name.lower().replace("-", "_").replace(".", "_")


def cache_file(config: Config) -> Path:
    return config.root / CACHE_DIR / "build.pickle"


def private_folder(config: Config) -> Path:
    """``.techdigest-cache/``, made if need be: the project's own files, ignored by git."""
    folder = config.root / CACHE_DIR
    folder.mkdir(exist_ok=True)
    (folder / ".gitignore").write_text("*\n")
    return folder


def _lock(folder: Path) -> FolderLock:
    """The cache's lock; what a build killed while saving left is removed."""
    return FolderLock(folder, (".build-*",))


def load_state(config: Config) -> BuildState:
    """The last build's state; first, what a build killed while saving it left is removed."""
    with contextlib.suppress(OSError):  # no cache folder yet, or not ours to clean
        _lock(cache_file(config).parent).release()
    try:
        with cache_file(config).open("rb") as handle:
            stored_version, state = pickle.load(handle)
    except Exception:  # noqa: BLE001 - missing, damaged, or from another version: build cold
        return BuildState()
    return state if stored_version == code_version() and isinstance(state, BuildState) else BuildState()


def save_state(config: Config, state: BuildState) -> None:
    """Atomically: a build stopped while saving leaves the old cache or the new one, never half of one.

    A cache that cannot be written (a full disk, a read-only project) is no
    error: the next build is only slower. The old cache still matches every
    file it records, and the files it does not match are made again.
    """
    try:
        lock = _lock(private_folder(config))  # another build of this project may be saving too
    except OSError:
        return
    with lock:
        _write(cache_file(config), state)


def _write(path: Path, state: BuildState) -> None:
    """Aside, then renamed into place; any OSError only means no cache."""
    try:
        handle, temporary = tempfile.mkstemp(prefix=".build-", dir=path.parent)
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as out:
            pickle.dump((code_version(), dataclasses.replace(state, plan=None)), out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
