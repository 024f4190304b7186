"""Writes the rendered site into a temporary folder and swaps it in when complete.

Whatever fails before the swap (a template error halfway, Ctrl-C, SIGTERM),
the previous ``site/`` stays exactly as it was and no temporary folder is left.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def write_site(files: dict[str, bytes], static_dir: Path, output_dir: Path) -> None:
    output_dir = output_dir.resolve()
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}-new-", dir=output_dir.parent))
    try:
        if static_dir.is_dir():
            shutil.copytree(static_dir, staging / "static")
        for name in sorted(files):
            target = (staging / name).resolve()
            if not target.is_relative_to(staging.resolve()):
                raise ValueError(f"refusing to write outside the site: {name}")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(files[name])
        staging.chmod(0o755)
        _swap(staging, output_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap(staging: Path, output_dir: Path) -> None:
    """Two renames: the old site is out of the way only for an instant."""
    if not output_dir.exists():
        os.rename(staging, output_dir)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}-old-", dir=output_dir.parent))
    os.rename(output_dir, retired / "site")
    os.rename(staging, output_dir)
    shutil.rmtree(retired, ignore_errors=True)
