"""The one way techdigest reads a file of the project: config, seeds, content, templates, catalogs, assets.

One rule for every kind, so a file can never be published from where the
project does not reach:

- A symbolic link is followed only while it ends inside the project folder:
  a link to ``/etc/passwd`` or ``/proc/self/environ`` would publish that file.
  A link out, a broken link or a loop is refused, naming the file.
- Only regular files are read, checked before reading: a FIFO would block the
  build, a device would never end.
- Seeds and content files hold at most ``MAX_INPUT_BYTES``, so the memory a
  build takes stays bounded whatever is dropped into ``seeds/``.

Every refusal is a :class:`ContentError` naming the file as the editor knows it.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .model import ContentError, Problem

MAX_INPUT_BYTES = 1 << 20  # 1 MiB per seed or content file: some 150,000 words


def resolve(path: Path, label: str, root: Path) -> Path:
    """The real file behind ``path``, if it lies inside the project ``root``; else ``label: why``."""
    try:
        real = Path(os.path.realpath(path, strict=True))
    except OSError as exc:
        problem = "a link that leads nowhere" if exc.errno == errno.ENOENT and os.path.islink(path) else exc.strerror
        raise ContentError.single(label, 0, f"cannot read: {problem}") from None
    if not real.is_relative_to(root.resolve()):
        raise ContentError.single(
            label, 0, f"a link to {real}, outside the project: only links that stay inside the project are followed"
        )
    return real


def input_stat(path: Path, label: str, root: Path) -> os.stat_result:
    """The stat of a seed, content file or config that :func:`read_input` will read; costs nothing
    for a huge one."""
    return _checked(resolve(path, label, root), label)


def entry_stat(entry: os.DirEntry[str], label: str, root: Path) -> os.stat_result:
    """:func:`input_stat` of a file found by scanning a folder whose real path :func:`resolve` found
    inside the project (``os.scandir`` of that real path).

    A file there that is no link is inside the project too, so its ``lstat`` (one system call,
    no ``realpath`` walking every folder up to ``/``) is its stat; the rule for links is the same
    for both: a link is followed the whole way, as :func:`input_stat` does.
    """
    if entry.is_symlink():
        return input_stat(Path(entry.path), label, root)
    try:
        info = entry.stat(follow_symlinks=False)
    except OSError as exc:
        raise ContentError.single(label, 0, f"cannot read: {exc.strerror}") from None
    return _regular(info, label)


def read_input(path: Path, label: str, root: Path) -> bytes:
    """The bytes of a seed, content file or config, at most ``MAX_INPUT_BYTES``.

    The file opened is the one checked (its real path, links not followed again, without
    blocking), and one byte more than the limit is read, so a link swapped in meanwhile or a
    file that grew since its stat is refused too.
    """
    real = resolve(path, label, root)
    _checked(real, label)
    data = _read_regular(real, label, MAX_INPUT_BYTES + 1)
    _check_size(len(data), label)
    return data


def _checked(real: Path, label: str) -> os.stat_result:
    """The stat of ``real`` if it is a regular file within the size limit; else ``label: why``."""
    try:
        info = os.stat(real)
    except OSError as exc:
        raise ContentError.single(label, 0, f"cannot read: {exc.strerror}") from None
    return _regular(info, label)


def _regular(info: os.stat_result, label: str) -> os.stat_result:
    if not stat.S_ISREG(info.st_mode):
        raise ContentError.single(label, 0, "not a regular file")
    _check_size(info.st_size, label)
    return info


def read_tree(folder: Path, root: Path, skip: tuple[str, ...] = ()) -> dict[str, bytes]:
    """Every file below ``folder`` (templates, catalogs, static assets) by its path inside it.

    Links are followed while they stay inside the project, folders included,
    and a link to a folder it is in is a loop; all problems are raised at once.
    ``skip``: names of ``folder``'s own entries to leave out.
    """
    walk = _Walk(root)
    if folder.is_dir() or folder.is_symlink():
        label = folder.relative_to(root).as_posix() if folder.is_relative_to(root) else str(folder)
        real = resolve(folder, label, root)
        for entry in [entry for entry in _entries(real, label) if entry not in skip]:
            walk.collect(folder / entry, f"{label}/{entry}", entry, (real,))
    if walk.problems:
        raise ContentError(walk.problems)
    return walk.found


@dataclass
class _Walk:
    """What a walk over a folder of the project found: each file's bytes by name, and the problems."""

    root: Path
    found: dict[str, bytes] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def collect(self, path: Path, label: str, name: str, above: tuple[Path, ...]) -> None:
        """The file ``name`` at ``path`` (a folder: each entry in it); ``above``: the real folders it is in."""
        try:
            real = resolve(path, label, self.root)
            if real in above:
                raise ContentError.single(label, 0, "a loop of symbolic links (a link to a folder it is in)")
            if not real.is_dir():
                self.found[name] = _read_regular(real, label)
                return
            entries = _entries(real, label)
        except ContentError as exc:
            self.problems.extend(exc.problems)
            return
        for entry in entries:
            self.collect(path / entry, f"{label}/{entry}", f"{name}/{entry}", (*above, real))


def _read_regular(real: Path, label: str, limit: int = -1) -> bytes:
    """A regular file's bytes (at most ``limit``), opened without blocking and without following a link,
    so a FIFO is refused before anything waits on it and a link swapped in is not followed."""
    try:
        fd = os.open(real, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise ContentError.single(
                    label, 0, "not a regular file (a FIFO, socket or device); only files are read"
                )
            return handle.read(limit)
    except OSError as exc:
        raise ContentError.single(label, 0, f"cannot read: {exc.strerror}") from None


def _entries(folder: Path, label: str) -> list[str]:
    try:
        return sorted(os.listdir(folder))
    except OSError as exc:
        raise ContentError.single(label, 0, f"cannot read: {exc.strerror}") from None


def _check_size(size: int, label: str) -> None:
    if size > MAX_INPUT_BYTES:
        raise ContentError.single(
            label, 0, f"too large: a seed, content file or config may have at most {MAX_INPUT_BYTES:,} bytes (1 MiB)"
        )
