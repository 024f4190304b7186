"""``techdigest deploy``: the built site onto a ``gh-pages`` branch, for users without Actions.

ghp-import does the work: it commits the folder as the whole tree of the
branch (history kept, working tree untouched) and pushes it. ``.nojekyll``
and ``CNAME`` are the build's (:mod:`hosting`): the folder is published as built.
The repository the remote names on GitHub is where readers' ratings go, unless the
config names one (:func:`techdigest.github.remote_repository`), as the Pages workflow does.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from ghp_import import GhpError, ghp_import

from .model import TechdigestError


def publish(site: Path, repo: Path, *, remote: str, branch: str, push: bool) -> str:
    """Commits ``site`` as the whole tree of ``branch`` (and pushes it); returns the commit's message,
    which names what changed, or "" when the branch holds exactly this site already (no empty commit)."""
    changed = _changed_files(site, repo, branch)
    if changed == []:  # still pushed: an earlier push may have failed after its commit
        if push:
            try:
                _git(repo, "push", remote, branch)
            except subprocess.CalledProcessError as exc:
                raise _git_failed(exc) from None
        return ""
    message = "Publish the techdigest site"
    if changed is not None:
        shown = ", ".join(changed[:5]) + (f" and {len(changed) - 5} more" if len(changed) > 5 else "")
        message += f": {len(changed)} file{'s' if len(changed) != 1 else ''} changed ({shown})"
    previous = Path.cwd()
    os.chdir(repo)  # ghp-import works on the repository of the current folder
    try:
        ghp_import(
            str(site),
            mesg=message,
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
        raise _git_failed(exc) from None
    finally:
        os.chdir(previous)
    return message


def _changed_files(site: Path, repo: Path, branch: str) -> list[str] | None:
    """The files that differ between ``branch`` and ``site`` (None: no such branch yet), found by
    writing the site's tree into a throwaway index: nothing of the repository's own state changes."""
    try:
        git_dir = _git(repo, "rev-parse", "--absolute-git-dir").strip()
        before = subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", f"{branch}^{{tree}}"],
            cwd=repo,
            capture_output=True,
            text=True,
            check=False,
        )
        if before.returncode != 0:
            return None
        with tempfile.TemporaryDirectory() as scratch:
            env = {**os.environ, "GIT_INDEX_FILE": str(Path(scratch) / "index"), "GIT_DIR": git_dir}
            _git(site, "--work-tree=.", "add", "--all", "--force", ".", env=env)
            after = _git(site, "write-tree", env=env).strip()
        return _git(repo, "diff", "--name-only", before.stdout.strip(), after).split()
    except subprocess.CalledProcessError as exc:
        raise _git_failed(exc) from None


def _git(folder: Path, *args: str, env: dict[str, str] | None = None) -> str:
    return subprocess.run(["git", *args], cwd=folder, env=env, capture_output=True, text=True, check=True).stdout


def _git_failed(exc: subprocess.CalledProcessError) -> TechdigestError:
    command = exc.cmd[1:] if isinstance(exc.cmd, list) else exc.cmd
    return TechdigestError(f"deploy: 'git {' '.join(map(str, command))}' failed (exit {exc.returncode})")
