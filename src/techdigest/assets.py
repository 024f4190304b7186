"""The template's static assets (``templates/static/``), as outputs copied as they are.

Links are followed only as long as they stay inside the project: a link to
``/etc/passwd`` or ``/proc/self/environ`` would publish that file. A link
out, a broken link, a loop, a FIFO or device, a file that cannot be read:
each is an error naming it, all of them at once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from . import urls
from .inputs import read_asset, resolve
from .model import ContentError, Problem
from .output import Output, fixed


@dataclass
class _Found:
    """What a walk over the assets found: each file's bytes by name, and the problems."""

    project: Path
    files: dict[str, bytes] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def static_outputs(static_dir: Path, root: Path) -> list[Output]:
    """The assets below ``static_dir``, each a regular file inside the project ``root``."""
    found = _Found(root.resolve())
    if static_dir.is_dir() or static_dir.is_symlink():
        _collect(static_dir, static_dir.relative_to(root).as_posix(), "", (), found)
    if found.problems:
        raise ContentError(found.problems)
    return [fixed(urls.static(name), data) for name, data in sorted(found.files.items())]


def _collect(path: Path, label: str, name: str, above: tuple[Path, ...], found: _Found) -> None:
    """The asset ``name`` at ``path`` into ``found`` (a folder: each entry in it), or a problem."""
    try:
        real = resolve(path, label, found.project)
        if real in above:
            raise ContentError.single(label, 0, "a loop of symbolic links (a link to a folder it is in)")
        if not real.is_dir():
            found.files[name] = read_asset(real, label)
            return
    except ContentError as exc:
        found.problems.extend(exc.problems)
        return
    for entry in sorted(os.listdir(real)):
        _collect(path / entry, f"{label}/{entry}", f"{name}/{entry}".lstrip("/"), (*above, real), found)
