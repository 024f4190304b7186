"""Writes the rendered site into a temporary folder and swaps it in when complete.

Whatever fails before the swap (a template error halfway, Ctrl-C, SIGTERM),
the previous ``site/`` stays exactly as it was and no temporary folder is left.
A file whose bytes did not change is hard-linked from the previous site rather
than written, so it keeps its mtime (a deploy uploads only what changed) and
an unchanged rebuild costs little more than the links.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
from collections.abc import Mapping
from pathlib import Path


def write_site(files: dict[str, bytes], static_dir: Path, output_dir: Path, known: Mapping[str, bytes]) -> int:
    """Replace ``output_dir`` with ``files`` plus ``static_dir`` as ``static/``; return files written.

    ``known`` is what the caller wrote into ``output_dir`` last time: a file
    that is the very same object there is linked without reading it back.
    """
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}-new-", dir=output_dir.parent))
    try:
        written = 0
        folders: set[Path] = set()
        for name, data in sorted((files | _static(static_dir)).items()):
            target = _inside(staging, name, folders)
            if not _link_unchanged(output_dir / name, target, data, known.get(name)):
                target.write_bytes(data)
                written += 1
        staging.chmod(0o755)
        _swap(staging, output_dir)
        return written
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def update_site(files: dict[str, bytes], static_dir: Path, output_dir: Path, known: Mapping[str, bytes]) -> int:
    """Bring ``output_dir`` up to date in place, touching only what changed; return files written.

    For the preview server's private folder, where a rebuild must cost only
    what the change needs: each changed file is replaced atomically (a reader
    never sees half a file), files that are gone are removed, nothing else is
    touched. ``build`` into ``site/`` uses :func:`write_site` instead.
    """
    everything = files | _static(static_dir)
    written = 0
    folders: set[Path] = set()
    for name, data in sorted(everything.items()):
        if known.get(name) is data:
            continue
        target = _inside(output_dir, name, folders)
        if target.is_file() and target.read_bytes() == data:
            continue
        temporary = target.with_name(f".{target.name}.new")
        temporary.write_bytes(data)
        os.replace(temporary, target)
        written += 1
    for name in set(known) - set(everything):
        (output_dir / name).unlink(missing_ok=True)
    return written


def _static(static_dir: Path) -> dict[str, bytes]:
    if not static_dir.is_dir():
        return {}
    return {f"static/{p.relative_to(static_dir).as_posix()}": p.read_bytes()
            for p in sorted(static_dir.rglob("*")) if p.is_file()}


def _inside(root: Path, name: str, folders: set[Path]) -> Path:
    """The file ``name`` below ``root``, its folder created; never a path outside ``root``."""
    root = root.resolve()
    target = (root / name).resolve()
    if not target.is_relative_to(root):
        raise ValueError(f"refusing to write outside the site: {name}")
    if target.parent not in folders:
        target.parent.mkdir(parents=True, exist_ok=True)
        folders.add(target.parent)
    return target


def _link_unchanged(old: Path, target: Path, data: bytes, last_written: bytes | None) -> bool:
    try:
        if last_written is not data and old.read_bytes() != data:
            return False
        os.link(old, target)
    except OSError:  # no previous file, or links not supported here: write it
        return False
    return True


def _swap(staging: Path, output_dir: Path) -> None:
    """Two renames: the old site is out of the way only for an instant.

    Ctrl-C and SIGTERM wait until the swap and the clean-up are done: from the
    first rename on, the new site is complete, so stopping then would only
    leave the old copy behind. A signal that arrived meanwhile is dropped, as
    the build it asked to stop has finished.
    """
    stop_signals = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)
    try:
        if output_dir.exists():
            retired = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}-old-", dir=output_dir.parent))
            os.rename(output_dir, retired / "site")
            os.rename(staging, output_dir)
            shutil.rmtree(retired, ignore_errors=True)
        else:
            os.rename(staging, output_dir)
    finally:
        while signal.sigtimedwait(stop_signals, 0) is not None:
            pass
        signal.pthread_sigmask(signal.SIG_UNBLOCK, stop_signals)
