"""Exclusive locks on folders, for every writer that sets files aside in one.

A build (next to ``site/``), an import (in ``content/``) and the cache (in
``.techdigest-cache/``) each write new files under a temporary name first. A
``kill -9`` can leave such a file behind; only a writer that holds the folder's
lock knows that whatever is set aside there belongs to a dead writer, and may
remove it. Two builds or two imports at once wait for each other instead of
taking the same seed twice or sweeping each other's work.
"""

from __future__ import annotations

import contextlib
import fcntl
import multiprocessing.util
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

ALIVE = "alive"  # the folder in an owned folder that its owner holds locked


class FolderLock:
    """An exclusive lock on a folder, for everyone who sets files aside in it.

    Whoever holds it knows that the ``leftovers`` (patterns of what writers
    set aside there) were left by a dead writer, and removes them. ``flock``
    on the folder itself: no lock file is left behind, and the lock goes with
    the process however it dies. The build's forked workers close their copy
    at once: orphaned by a ``kill -9``, they would otherwise hold it forever.
    """

    def __init__(self, folder: Path, leftovers: Iterable[str] = ()) -> None:
        self._fd: int | None = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        multiprocessing.util.register_after_fork(self, FolderLock.release)
        try:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:  # say why nothing happens, then wait
                print(f"waiting for another techdigest process working in {folder} …", file=sys.stderr, flush=True)
                fcntl.flock(self._fd, fcntl.LOCK_EX)
            for pattern in leftovers:
                for path in folder.glob(pattern):
                    _remove(path)
        except BaseException:
            self.release()
            raise

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> FolderLock:
        return self

    def __exit__(self, *_: object) -> None:
        self.release()


@contextmanager
def owned_folder(parent: Path, prefix: str) -> Iterator[Path]:
    """A new folder in a folder that other processes share (``/tmp``), held while in use and removed
    afterwards; first, the folders of owners killed with ``kill -9`` are removed (:func:`remove_abandoned`)."""
    remove_abandoned(parent, f"{prefix}*", ALIVE)
    home = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    try:
        (home / f".{ALIVE}").mkdir()
        lock = FolderLock(home / f".{ALIVE}")
    except BaseException:
        shutil.rmtree(home, ignore_errors=True)
        raise
    try:
        (home / f".{ALIVE}").rename(home / ALIVE)  # only now may another process look at it: it is locked
        yield home
    finally:
        for entry in home.iterdir():  # ``alive`` last: killed meanwhile, the rest is still swept
            if entry.name != ALIVE:
                _remove(entry)
        shutil.rmtree(home, ignore_errors=True)
        lock.release()


def remove_abandoned(parent: Path, pattern: str, held: str) -> None:
    """Removes the folders in ``parent`` matching ``pattern`` whose ``held`` subfolder nobody holds
    a :class:`FolderLock` on: their owner is dead (``serve`` killed with ``kill -9`` leaves its whole
    preview behind). A folder without ``held`` is not one of ours, or not ready: it stays, as does
    anything that is not a folder of this user's (``parent`` may be shared: ``/tmp``, ``/dev/shm``)."""
    for folder in parent.glob(pattern):
        try:
            info = folder.lstat()
            if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
                continue
            fd = os.open(folder / held, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue  # alive
        else:
            _remove(folder)
        finally:
            os.close(fd)


def _remove(path: Path) -> None:
    """Remove what is at ``path``, as far as this user may (what stays is in nobody's way)."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
