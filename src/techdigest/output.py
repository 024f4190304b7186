"""Writing the site: only what changed, prepared aside, then committed in one step.

Every file of the site is an :class:`Output` with a key (a digest of what it
is made from). :func:`prepare` makes the outputs whose key changed (on all
cores) and puts them in a folder next to the site; nothing in the site is
touched until :func:`commit`, so whatever fails before (bad content, a
template error, Ctrl-C) leaves the previous site exactly as it was.

With a trustworthy record of the last build (its keys, and the size and mtime
of each file it wrote) the new files go to an *overlay* holding only the
changes, and the commit moves them into the site: a one-article edit costs a
few files, not a copy of the site. Without one (first build, another output
folder, no cache) a complete *staging* copy is made and swapped in; files
whose bytes did not change are hard-linked from the old site, so they keep
their mtime either way and a deploy uploads only what changed.

A build holds the lock of the output's parent folder from :func:`prepare` to
:func:`commit`, so what it finds next to the site of its own making (``.site-new-*``,
``.site-old-*``: a build killed with ``kill -9``) belongs to a dead build and is
removed. Nothing is ever set aside inside the site itself: whatever moment a
build dies, ``site/`` holds no folder that a deploy would publish by mistake.
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import urls
from .inputs import read_tree
from .locks import FolderLock
from .parallel import Progress, fork_map

Keys = dict[str, str]  # output file -> key of what it was made from
Stamps = dict[str, tuple[int, int]]  # output file -> (size, mtime_ns) as the build left it


@dataclass(frozen=True)
class Output:
    """One file of the site; ``make`` is called only when ``inputs`` changed since the last build."""

    name: str
    inputs: Any  # anything with a deterministic repr
    make: Callable[[], bytes]
    searchable: bool = False


@dataclass(frozen=True)
class Record:
    """What the last build left in the output folder, as the cache remembers it."""

    keys: Keys = field(default_factory=dict)
    stamps: Stamps = field(default_factory=dict)


@contextmanager
def naming(path: Path) -> Iterator[None]:
    """An OSError in the block names ``path``: a failing ``write`` (a full disk) does not say which file."""
    try:
        yield
    except OSError as exc:
        if exc.filename is not None:
            raise
        raise OSError(exc.errno, exc.strerror, str(path)) from None


_ASIDE = ("new", "old", "search")  # what a build sets aside next to its output folder


def aside_prefix(target: Path, purpose: str) -> str:
    """The name prefix of a folder set aside next to ``target`` (``.site-new-``), swept by the next build."""
    return f".{target.name}-{purpose}-"


def _leftovers(target: Path) -> tuple[str, ...]:
    """What a dead build of ``target`` may have left in its parent (and, from older versions, in it)."""
    name = glob.escape(target.name)
    return (*(f".{name}-{purpose}-*" for purpose in _ASIDE), f"{name}/{urls.SEARCH_BUNDLE}.*-old-*")


@dataclass(frozen=True)
class Prepared:
    """A build's files, ready to commit: in ``folder`` (an overlay of the changes, or a staging copy)."""

    target: Path
    folder: Path
    in_place: bool
    record: Record
    made: tuple[str, ...]
    written: tuple[str, ...]
    gone: tuple[str, ...]
    lock: FolderLock = field(repr=False, compare=False)  # of target.parent, until commit or discard

    def path(self, name: str) -> Path:
        """Where the file ``name`` of the new site is now."""
        if not self.in_place or name in self.written:
            return self.folder / name
        return self.target / name


def key(base: str, inputs: Any) -> str:
    return hashlib.blake2b(f"{base}|{inputs!r}".encode(), digest_size=16).hexdigest()


def fixed(name: str, data: bytes) -> Output:
    """An output whose bytes are known already (sitemap, robots.txt, .nojekyll)."""
    return Output(name, hashlib.blake2b(data, digest_size=16).hexdigest(), lambda: data)


def static_outputs(static_dir: Path, root: Path) -> list[Output]:
    """The template's assets, copied as they are (read by the project's one rule, :mod:`inputs`)."""
    return [fixed(urls.static(name), data) for name, data in sorted(read_tree(static_dir, root).items())]


def prepare(outputs: list[Output], base: str, target: Path, last: Record | None,
            progress: Progress | None = None, verify: bool = True, partial: bool = False) -> Prepared:
    """Make what changed since ``last`` into a folder beside ``target``; the site is not touched.

    With ``verify``, ``last`` is trusted only for files that still have the
    size and mtime it recorded: a file edited or deleted by hand is made again.
    (``serve`` writes to a private folder that nobody else touches.)
    ``partial``: ``outputs`` are only those that may have changed; the rest of
    the site stays as ``last`` recorded it.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    lock = FolderLock(target.parent, _leftovers(target))
    try:
        return _prepare(outputs, base, target, last, progress, verify, partial, lock)
    except BaseException:
        lock.release()
        raise


def _prepare(outputs: list[Output], base: str, target: Path, last: Record | None, progress: Progress | None,
             verify: bool, partial: bool, lock: FolderLock) -> Prepared:
    in_place = last is not None and target.is_dir()
    keys = {output.name: key(base, output.inputs) for output in outputs}
    last = last or Record()
    on_disk = _stamps(target, last.stamps) if in_place and verify else last.stamps
    current = {name for name, made in keys.items() if in_place and name in last.stamps
               and on_disk.get(name) == last.stamps[name] and made == last.keys.get(name)}
    todo = [output for output in outputs if output.name not in current]
    folder = Path(tempfile.mkdtemp(prefix=aside_prefix(target, "new"), dir=target.parent))
    try:
        old = target if target.is_dir() else None
        results = fork_map(lambda output: _place(output, folder, old, in_place), todo, progress)
        stamps = {name: last.stamps[name] for name in current}
        stamps |= {name: stamp for name, _, stamp in results}
        written = tuple(name for name, wrote, _ in results if wrote)
        gone = tuple(sorted(set(last.stamps) - set(keys))) if in_place and not partial else ()
        folder.chmod(0o755)
        made = tuple(output.name for output in todo)
        record = Record(last.keys | keys, last.stamps | stamps) if partial else Record(keys, stamps)
        return Prepared(target, folder, in_place, record, made, written, gone, lock)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def commit(prepared: Prepared, drop: Iterable[str] = (), remember: Callable[[], None] | None = None,
           stop_after: bool = False) -> None:
    """Make the prepared files the site: a swap, or moving the changes in (signals wait meanwhile).

    ``drop``: folders of the site that are gone (a search bundle of a year
    without articles now); ``remember``: what must happen with the commit or
    not at all (saving the build's cache, which describes the new site).
    Ctrl-C and SIGTERM wait until all of it is done: from the first step on,
    stopping would only leave a mixture behind. A signal that arrived
    meanwhile is then dropped, as the build it asked to stop has finished;
    with ``stop_after`` (``serve``, which runs on after a build) it takes effect.
    """
    with _signals_deferred(stop_after):
        try:
            _move_in(prepared, drop)
            if remember:
                remember()
        finally:
            prepared.lock.release()


def _move_in(prepared: Prepared, drop: Iterable[str]) -> None:
    """The swap of a staged copy; or the changes, the new search bundles and the removals, in place."""
    if not prepared.in_place:
        attic = Path(tempfile.mkdtemp(prefix=aside_prefix(prepared.target, "old"), dir=prepared.target.parent))
        _swap(prepared.folder, prepared.target, attic)
        shutil.rmtree(attic, ignore_errors=True)
        return
    bundles = prepared.folder / urls.SEARCH_BUNDLE
    for bundle in sorted(bundles.iterdir()) if bundles.is_dir() else ():
        (prepared.target / urls.SEARCH_BUNDLE).mkdir(exist_ok=True)
        _swap(bundle, prepared.target / urls.SEARCH_BUNDLE / bundle.name, prepared.folder)
    for folder in drop:
        _retire(prepared.target / folder, prepared.folder)
    folders: set[Path] = set()
    for name in prepared.written:
        destination = prepared.target / name
        if destination.parent not in folders:
            destination.parent.mkdir(parents=True, exist_ok=True)
            folders.add(destination.parent)
        os.replace(prepared.folder / name, destination)
    for name in prepared.gone:
        (prepared.target / name).unlink(missing_ok=True)
        _prune(prepared.target, (prepared.target / name).parent)
    shutil.rmtree(prepared.folder, ignore_errors=True)


def discard(prepared: Prepared) -> None:
    shutil.rmtree(prepared.folder, ignore_errors=True)
    prepared.lock.release()


def _stamps(folder: Path, names: Iterable[str]) -> Stamps:
    """Size and mtime of those files below ``folder`` that exist."""
    stamps: Stamps = {}
    root = str(folder)
    for name in names:
        try:
            info = os.stat(f"{root}/{name}")
        except OSError:
            continue
        stamps[name] = (info.st_size, info.st_mtime_ns)
    return stamps


def keep_unchanged(new: Path, old: Path) -> int:
    """Replace each file below ``new`` that has the same bytes below ``old`` by a link to it.

    Returns how many files below ``new`` are new or changed.
    """
    fresh = 0
    for path in new.rglob("*"):
        if not path.is_file():
            continue
        before = old / path.relative_to(new)
        try:
            if _holds(before, path.read_bytes()):
                temporary = path.with_name(f".{path.name}.link")
                os.link(before, temporary)
                os.replace(temporary, path)
                continue
        except OSError:  # links not supported here: keep the new file
            pass
        fresh += 1
    return fresh


def _holds(path: Path, data: bytes) -> bool:
    """Whether the file at ``path`` exists and has exactly these bytes (the size tells most)."""
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _place(output: Output, folder: Path, old: Path | None, in_place: bool) -> tuple[str, bool, tuple[int, int]]:
    """Make one output; write it only if its bytes changed. Returns (name, written, stamp)."""
    data = output.make()
    target = _inside(folder, output.name)
    previous = old / output.name if old else None
    try:
        if previous is not None and _holds(previous, data):
            if not in_place:
                os.link(previous, target)
            info = previous.stat()
            return output.name, False, (info.st_size, info.st_mtime_ns)
    except OSError:  # links not supported here: write it
        pass
    with naming(target):
        target.write_bytes(data)
    info = target.stat()
    return output.name, True, (info.st_size, info.st_mtime_ns)


def _inside(root: Path, name: str) -> Path:
    """The file ``name`` below ``root``, its folder created; never a path outside ``root``."""
    if name.startswith("/") or ".." in name.split("/"):
        raise ValueError(f"refusing to write outside the site: {name}")
    target = root / name
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


def _prune(root: Path, folder: Path) -> None:
    """Remove ``folder`` and its parents up to ``root`` while they are empty."""
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def _swap(new: Path, current: Path, attic: Path) -> None:
    """Two renames: the old folder is out of the way only for an instant, moved into ``attic``."""
    _retire(current, attic)
    os.rename(new, current)


def _retire(path: Path, attic: Path) -> None:
    """Move ``path`` (if it exists) into ``attic``, a folder outside the site that its owner removes:
    one rename, so the site never shows half of it, whatever moment the build dies."""
    if path.exists():
        os.rename(path, Path(tempfile.mkdtemp(dir=attic)) / path.name)


@contextmanager
def _signals_deferred(redeliver: bool) -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the block is done; then, with ``redeliver``, they take effect.

    Python's handlers are swapped for ones that only take note (blocking the
    signals would not do: in a process with other threads, such as ``serve``,
    the kernel hands them to a thread that does not block them). Handlers can
    only be set in the main thread; elsewhere signals never reach the code anyway.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = {signum: signal.signal(signum, lambda signum, _: received.append(signum))
                for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if received and redeliver:
            signal.raise_signal(received[0])
