"""The template's static assets (``templates/static/``), as outputs copied as they are.

They are read by the project's one rule for files (:mod:`inputs`): a link to
``/etc/passwd`` or ``/proc/self/environ`` would publish that file.
"""

from __future__ import annotations

from pathlib import Path

from . import urls
from .inputs import read_tree
from .output import Output, fixed


def static_outputs(static_dir: Path, root: Path) -> list[Output]:
    """The assets below ``static_dir``, each a regular file inside the project ``root``."""
    return [fixed(urls.static(name), data) for name, data in sorted(read_tree(static_dir, root).items())]
