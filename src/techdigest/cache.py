"""What a build remembers for the next one, in memory (``serve``) or in ``.techdigest-cache/``.

The parsed articles (by the digest of their file), the record of what the
build left in the output folder (each file's key, size and mtime) and the plan
of the site, so the next build parses, plans and renders only what changed. Not
the HTML: the files in the output folder are the cache of that. The cache is
tied to techdigest's own code and to the versions of the libraries that shape
the output; a mismatch, a damaged or unreadable cache only means a cold build,
never an error.

On disk it is saved in parts, so that a build after a one-word edit writes
kilobytes, not the 40 MB that 10,000 articles take: ``build.pickle`` (the head)
names the parts it goes with (``parts/``: the articles in 64 parts, each named
by what its articles were made of, and the plan, named by its :attr:`Plan.made`)
and holds the rest. New parts are written first, the head last, in one rename.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import pickle
import shutil
import sys
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import IO

from .changes import Plan
from .config import Config, private_folder
from .corpus import ParsedFiles
from .locks import FolderLock
from .model import Article
from .output import Record
from .search import SearchState

_PARTS_DIR = "parts"  # beside the head, build.pickle: the articles in parts, and the plan
_PARTS = 64  # a build that parsed one file again writes one part of the articles, ~1/64 of them
_PROTOCOL = pickle.HIGHEST_PROTOCOL
_LIBRARIES = ("markdown", "jinja2", "babel", "feedgen", "pagefind", "pyyaml")


@dataclass(frozen=True)
class BuildState:
    parsed: ParsedFiles = field(default_factory=dict)
    record: Record = field(default_factory=Record)
    search: SearchState = field(default_factory=SearchState)  # what the site's search bundles hold
    output: Path | None = None
    plan: Plan | None = field(default=None, compare=False)  # for the next narrow build (changes.select)


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
    return config.cache_dir / "build.pickle"


def _lock(folder: Path) -> FolderLock:
    """The cache's lock; what a build killed while saving left is removed."""
    return FolderLock(folder, (".build-*", f"{_PARTS_DIR}/.build-*"))


def load_state(config: Config) -> BuildState:
    """The last build's state; first, what a build killed while saving it left is removed."""
    with contextlib.suppress(OSError):  # no cache folder yet, or not ours to clean
        _lock(cache_file(config).parent).release()
    try:
        return _read(cache_file(config))
    except Exception:  # noqa: BLE001 - missing or damaged: build cold, and save every part anew
        with contextlib.suppress(OSError), _lock(cache_file(config).parent):
            shutil.rmtree(cache_file(config).parent / _PARTS_DIR, ignore_errors=True)
        return BuildState()


def save_state(config: Config, state: BuildState) -> None:
    """Atomically: a build stopped while saving leaves the old cache or the new one, never half of one.

    A cache that cannot be written (a full disk, a read-only project) is no
    error: the next build is only slower. The old cache still matches every
    file it records, and the files it does not match are made again.
    """
    try:
        lock = _lock(private_folder(config.cache_dir))  # another build of this project may be saving too
    except OSError:
        return
    with lock:
        _write(cache_file(config), state)


def _read(path: Path) -> BuildState:
    """The head (``build.pickle``: the version, the names of the parts, then the state without its
    articles), the articles' parts, the plan with its articles found again by their files."""
    with path.open("rb") as handle:
        version, parts, plan = pickle.load(handle)
        if version != code_version():
            return BuildState()
        state = pickle.load(handle)
    if not isinstance(state, BuildState):
        return BuildState()
    parsed: ParsedFiles = {}
    for name in parts:
        parsed |= pickle.loads((path.parent / _PARTS_DIR / name).read_bytes())
    parsed = dict(sorted(parsed.items()))  # in the order of file names, as a build reads them
    if plan is not None:
        with (path.parent / _PARTS_DIR / plan).open("rb") as handle:
            state = dataclasses.replace(state, plan=_PlanReader(handle, parsed).load())
    if not isinstance(state.plan, Plan | None):
        return BuildState()
    return dataclasses.replace(state, parsed=parsed)


def _write(path: Path, state: BuildState) -> None:
    """The parts not on disk yet, then the head, replaced in one rename: the commit of the new cache;
    then the parts that no head names any more are removed. Any OSError only means no cache."""
    folder = path.parent / _PARTS_DIR
    parts = {_part_name(part): part for part in _parts(state.parsed)}
    plan = None if state.plan is None else f"plan-{state.plan.made}.pickle"
    try:
        folder.mkdir(exist_ok=True)
        for name, part in parts.items():
            if not (folder / name).is_file():
                _replace(folder / name, partial(pickle.dump, part, protocol=_PROTOCOL))
        if plan is not None and not (folder / plan).is_file():
            _replace(folder / plan, lambda out: _PlanWriter(out, _PROTOCOL).dump(state.plan))
        head = dataclasses.replace(state, parsed={}, plan=None)

        def dump_head(out: IO[bytes]) -> None:
            pickle.dump((code_version(), list(parts), plan), out, _PROTOCOL)
            pickle.dump(head, out, _PROTOCOL)

        _replace(path, dump_head)
        for old in os.listdir(folder):
            if old not in parts and old != plan:
                (folder / old).unlink(missing_ok=True)
    except OSError:
        return


def _replace(path: Path, dump: Callable[[IO[bytes]], object]) -> None:
    """``path`` written aside (a ``.build-*`` file, which the next build removes if this one dies), then
    renamed into place."""
    handle, temporary = tempfile.mkstemp(prefix=".build-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            dump(out)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _parts(parsed: ParsedFiles) -> list[ParsedFiles]:
    """The articles in :data:`_PARTS` parts, each file always in the same one."""
    parts: list[ParsedFiles] = [{} for _ in range(_PARTS)]
    for label, entry in parsed.items():
        parts[zlib.crc32(label.encode()) % _PARTS][label] = entry
    return [part for part in parts if part]


def _part_name(part: ParsedFiles) -> str:
    """A part's file name, from what its articles were made of: the same files read by the same code
    (a file's stamp and digest decide its article) give the same name, so the part is written once."""
    made_of = pickle.dumps([(label, entry.stamp, entry.digest) for label, entry in part.items()], _PROTOCOL)
    return f"articles-{hashlib.blake2b(code_version().encode() + made_of, digest_size=16).hexdigest()}.pickle"


class _PlanWriter(pickle.Pickler):
    """The plan with each article named by its file: the articles are in the parts already."""

    def persistent_id(self, obj: object) -> str | None:
        return obj.path if type(obj) is Article else None


class _PlanReader(pickle.Unpickler):
    """The plan, its articles those of the parts (the same objects, as a build made them)."""

    def __init__(self, handle: IO[bytes], parsed: ParsedFiles) -> None:
        super().__init__(handle)
        self._parsed = parsed

    def persistent_load(self, pid: object) -> Article:
        return self._parsed[str(pid)].article
