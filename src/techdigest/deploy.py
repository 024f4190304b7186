"""``techdigest deploy``: the built site onto a ``gh-pages`` branch, for users without Actions.

ghp-import does the work: it commits the folder as the whole tree of the
branch (history kept, working tree untouched) and pushes it. ``.nojekyll``
and ``CNAME`` are the build's (:mod:`hosting`): the folder is published as built.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from ghp_import import GhpError, ghp_import

from .model import TechdigestError


def publish(site: Path, repo: Path, *, remote: str, branch: str, push: bool) -> None:
    previous = Path.cwd()
    os.chdir(repo)  # ghp-import works on the repository of the current folder
    try:
        ghp_import(
            str(site),
            mesg="Publish the techdigest site",
            remote=remote,
            branch=branch,
            push=push,
            nojekyll=False,
            cname=None,
            force=False,
        )
    except GhpError as exc:
        raise TechdigestError(f"deploy: {str(exc).strip()}") from None
    except subprocess.CalledProcessError as exc:
        raise TechdigestError(f"deploy: 'git {' '.join(exc.cmd[1:])}' failed (exit {exc.returncode})") from None
    finally:
        os.chdir(previous)
