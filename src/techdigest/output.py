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
        static = {
            f"static/{p.relative_to(static_dir).as_posix()}": p.read_bytes()
            for p in sorted(static_dir.rglob("*")) if p.is_file()
        } if static_dir.is_dir() else {}
        written = 0
        folders: set[Path] = set()
        root = staging.resolve()
        for name, data in sorted((files | static).items()):
            target = (root / name).resolve()
            if not target.is_relative_to(root):
                raise ValueError(f"refusing to write outside the site: {name}")
            if target.parent not in folders:
                target.parent.mkdir(parents=True, exist_ok=True)
                folders.add(target.parent)
            if not _link_unchanged(output_dir / name, target, data, known.get(name)):
                target.write_bytes(data)
                written += 1
        staging.chmod(0o755)
        _swap(staging, output_dir)
        return written
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


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
