"""Writing the site: only what changed, prepared aside, then committed in one step.

:func:`prepare` makes the outputs whose key changed (on all
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
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .locks import FolderLock, owned_folder
from .options import BuildOptions
from .output import Batch, Keys, Output, Record, Stamps, key, naming
from .parallel import fork_map
from .signals import signals_deferred


@dataclass(frozen=True)
class _Placed:
    """One output made: whether its bytes had to be written, and the stamp of its file."""

    name: str
    written: bool
    stamp: tuple[int, int]


MEMORY = Path("/dev/shm")  # Linux's folder in memory, shared by all processes: for folders of links
VIEW_PREFIX = ".techdigest-view-"  # a view's folder there (or next to the site)

# what a build sets aside next to its output folder ("work", "search": what older versions set aside)
_ASIDE = ("new", "old", "work", "search")


def aside_prefix(target: Path, purpose: str) -> str:
    """The name prefix of a folder set aside next to ``target`` (``.site-new-``), swept by the next build."""
    return f".{target.name}-{purpose}-"


def _leftovers(target: Path) -> tuple[str, ...]:
    """What a dead build of ``target`` may have left in its parent (and, from older versions, in it)."""
    name = glob.escape(target.name)
    return (*(f".{name}-{purpose}-*" for purpose in _ASIDE), f"{name}/*/.*-old-*", f"{glob.escape(VIEW_PREFIX)}*")


@dataclass(frozen=True)
class Prepared:
    """A build's files, ready to commit: in ``folder`` (an overlay of the changes, or a staging copy).

    Beside files, a build may stage whole folders (:meth:`stage`), which the
    commit swaps in as a whole, and read the new site before it is committed
    (:meth:`path`, :meth:`view`).
    """

    target: Path
    folder: Path
    in_place: bool
    record: Record
    made: tuple[str, ...]
    written: tuple[str, ...]
    gone: tuple[str, ...]
    lock: FolderLock = field(repr=False, compare=False)  # of target.parent, until commit or discard
    staged: list[str] = field(default_factory=list, compare=False)  # folders to swap in, by name

    def path(self, name: str) -> Path:
        """Where the file ``name`` of the new site is now."""
        if not self.in_place or name in self.written:
            return self.folder / name
        return self.target / name

    def key(self, name: str) -> str:
        """The key of the file ``name`` of the new site."""
        return self.record.keys[name]

    def stage(self, name: str) -> Path:
        """An empty folder that the commit makes the site's folder ``name`` (``a/b/``), in one rename."""
        self.staged.append(name.rstrip("/"))
        return self.folder / name

    def carries(self, name: str) -> bool:
        """Whether the site's folder ``name`` is there and stays, unless staged anew."""
        return self.in_place and (self.target / name).is_dir()

    @contextmanager
    def view(self, names: Iterable[str]) -> Iterator[Path]:
        """A folder in which the files ``names`` of the new site are found at their names, for a tool
        that reads a folder: symbolic links to the new and the unchanged files, and nothing else.

        (Hard links would change each file's inode: on a journaling file system that costs half a
        millisecond a file, 1 s for a search bundle of 2,000 pages.) The links and their folders
        live in memory where the system has a folder for that (:data:`MEMORY`): on a disk, a view
        of 2,000 pages is 4,000 inodes written and freed again, and an ext4 without a journal
        then skips each recently freed inode when it makes the next files, the site's among them.
        """
        targets = {name: self.path(name) for name in names}
        places = [MEMORY] if MEMORY.is_dir() and os.access(MEMORY, os.W_OK | os.X_OK) else []
        for place in [*places, self.folder.parent]:
            held = ExitStack()
            try:
                work = held.enter_context(owned_folder(place, VIEW_PREFIX))
                _link(work, targets)
            except OSError:
                held.close()
                if place != self.folder.parent:  # the memory is full or refused: on the disk then
                    continue
                raise
            with held:
                yield work
            return


def _link(folder: Path, targets: dict[str, Path]) -> None:
    """Symbolic links in ``folder`` at the given names, to the given files."""
    made: set[str] = set()
    for name, target in targets.items():
        if (parent := os.path.dirname(name)) not in made:
            os.makedirs(os.path.join(folder, parent), exist_ok=True)
            made.add(parent)
        os.symlink(target, os.path.join(folder, name))


def prepare(batch: Batch, target: Path, previous: Record | None, options: BuildOptions | None = None) -> Prepared:
    """Make what changed since ``previous`` into a folder beside ``target``; the site is not touched.

    ``options``: in how many processes (``workers``), reporting progress to whom; with
    ``verify_output``, ``previous`` is trusted only for files that still have the
    size and mtime it recorded: a file edited or deleted by hand is made again.
    (``serve`` writes to a private folder that nobody else touches.)
    """
    options = options or BuildOptions()
    target.parent.mkdir(parents=True, exist_ok=True)
    lock = FolderLock(target.parent, _leftovers(target))
    try:
        in_place = previous is not None and target.is_dir()
        keys = {output.name: key(batch.base, output.inputs) for output in batch.outputs}
        current = (
            _current(keys, target, previous, options.verify_output) if previous is not None and in_place else set()
        )
        folder = Path(tempfile.mkdtemp(prefix=aside_prefix(target, "new"), dir=target.parent))
    except BaseException:
        lock.release()
        raise
    try:
        todo = [output for output in batch.outputs if output.name not in current]
        old = target if target.is_dir() else None
        results = fork_map(
            lambda output: _place(output, folder, old, in_place, target),
            todo,
            options.progress("rendering"),
            workers=options.workers,
        )
        previous = previous or Record()
        stamps = {name: previous.stamps[name] for name in current} | {done.name: done.stamp for done in results}
        kept = batch.kept
        gone = tuple(sorted(n for n in previous.stamps if n not in keys and n not in kept.stamps)) if in_place else ()
        folder.chmod(0o755)
        return Prepared(
            target,
            folder,
            in_place,
            Record(kept.keys | keys, kept.stamps | stamps),
            tuple(o.name for o in todo),
            tuple(done.name for done in results if done.written),
            gone,
            lock,
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        lock.release()
        raise


def _current(keys: Keys, target: Path, previous: Record, verify: bool) -> set[str]:
    """The outputs that ``target`` holds as ``previous`` recorded them, made with the same key."""
    recorded = [name for name, made in keys.items() if made == previous.keys.get(name) and name in previous.stamps]
    on_disk = _stamps(target, recorded) if verify else previous.stamps
    return {name for name in recorded if on_disk.get(name) == previous.stamps[name]}


def commit(
    prepared: Prepared,
    drop: Iterable[str] = (),
    remember: Callable[[], None] | None = None,
    stop_after: bool = False,
    *,
    on_stage: Callable[[str], None] | None = None,
) -> None:
    """Make the prepared files the site: a swap, or moving the changes in (signals wait meanwhile).

    ``drop``: folders of the site that are gone; ``remember``: what must happen with the commit or
    not at all (saving the build's cache, which describes the new site).
    Ctrl-C and SIGTERM wait until all of it is done: from the first step on,
    stopping would only leave a mixture behind. A signal that arrived
    meanwhile is then dropped, as the build it asked to stop has finished;
    with ``stop_after`` (``serve``, which runs on after a build) it takes effect.
    ``on_stage("committing")`` is called once signals wait, before the first step (``BuildOptions.on_stage``).
    """
    with signals_deferred(redeliver=stop_after):
        try:
            if on_stage:
                on_stage("committing")
            _move_in(prepared, drop)
            if remember:
                remember()
        finally:
            prepared.lock.release()


def _move_in(prepared: Prepared, drop: Iterable[str]) -> None:
    """The swap of a staged copy; or the changes, the staged folders and the removals, in place."""
    if not prepared.in_place:
        attic = Path(tempfile.mkdtemp(prefix=aside_prefix(prepared.target, "old"), dir=prepared.target.parent))
        _swap(prepared.folder, prepared.target, attic)
        shutil.rmtree(attic, ignore_errors=True)
        return
    for name in sorted(prepared.staged):
        (prepared.target / name).parent.mkdir(parents=True, exist_ok=True)
        _swap(prepared.folder / name, prepared.target / name, prepared.folder)
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


def intact(target: Path, record: Record) -> bool:
    """Whether every file ``record`` names is in ``target`` with the size and mtime it recorded: none
    was edited or deleted by hand since (a stat per file, ~2 µs)."""
    return _stamps(target, record.stamps) == record.stamps


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


def _place(output: Output, folder: Path, old: Path | None, in_place: bool, site: Path) -> _Placed:
    """Make one output; write it only if its bytes changed. An error names the file of the ``site``
    it was made for, not the folder it was written aside in (which is gone by the time one reads it)."""
    data = output.make()
    target = _inside(folder, output.name)
    previous = old / output.name if old else None
    try:
        if previous is not None and _holds(previous, data):
            if not in_place:
                os.link(previous, target)
            info = previous.stat()
            return _Placed(output.name, False, (info.st_size, info.st_mtime_ns))
    except OSError:  # links not supported here: write it
        pass
    with naming(site / output.name):
        target.write_bytes(data)
    info = target.stat()
    return _Placed(output.name, True, (info.st_size, info.st_mtime_ns))


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
