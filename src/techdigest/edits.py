"""Changes that commands make to content files: the one way techdigest writes into ``content/``.

An editor owns every content file, so a command (``publish``, ``rename``,
``remove``, ``import``) changes only what it must, the way the editor would: a
front-matter change goes through ruamel.yaml's round trip, which keeps the
editor's comments, key order and quoting; the body is kept byte for byte. A
new text is written aside and moved into place in one step, and only while
the file still holds what was read (an editor who saved meanwhile wins, and
is told to run the command again). Every writer holds the lock of
``content/`` (:func:`content_lock`), so two commands never interleave, and
whatever a killed one left aside is swept by the next.
"""

from __future__ import annotations

import io
import os
import secrets
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from .config import Config
from .content import FENCE, front_matter
from .inputs import read_input
from .locks import FolderLock
from .model import ContentError, printable
from .output import naming

if TYPE_CHECKING:  # ruamel is loaded by the first change made: a build that changes no file never loads it
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap

ASIDE = ".techdigest-"  # prefix of a content file while it is written
Front: TypeAlias = "CommentedMap"  # a front matter as the round trip loaded it: a dict that keeps comments and order
Change = Callable[[Front], None]


def content_lock(config: Config) -> FolderLock:
    """Held by whatever writes content files; sweeps what a writer killed meanwhile left aside."""
    config.content_dir.mkdir(parents=True, exist_ok=True)
    return FolderLock(config.content_dir, (f"{ASIDE}*",))


def content_path(config: Config, slug: str) -> tuple[Path, str]:
    """The content file of ``slug`` (``x``, ``x.md`` and ``content/x.md`` all name it) and its label;
    a path anywhere else names no content file (``../x`` is not taken as ``x``)."""
    name = slug.removeprefix("content/").removesuffix(".md")
    if not name or "/" in name or name in (".", ".."):
        raise ContentError.single(printable(slug), 0, "names no content file: give its slug (x) or content/x.md")
    return config.content_dir / f"{name}.md", f"content/{name}.md"


def edit_front_matter(config: Config, label: str, change: Change, *, rename_to: Path | None = None) -> str:
    """Applies ``change`` to the front matter of the content file ``label`` and returns the new text;
    with ``rename_to``, the changed file is written there (never over an existing file) and the old
    one removed. The caller holds :func:`content_lock`."""
    path = config.content_dir / Path(label).name
    data = read_input(path, label, config.root)
    text = data.decode("utf-8")
    new_text = changed_front_matter(label, text, change)
    if rename_to is None:
        replace_if_unchanged(path, data, new_text, label)
    else:
        write_new(rename_to, new_text)
        if path.read_bytes() != data:  # saved meanwhile: keep the editor's version, drop ours
            rename_to.unlink()
            raise ContentError.single(label, 0, "changed while it was being renamed; nothing was done, try again")
        path.unlink()
    return new_text


def changed_front_matter(label: str, text: str, change: Change) -> str:
    """``text`` with ``change`` applied to its front matter, everything else as it was."""
    front_matter(label, text)  # the file reads as the build reads it, or an error at its line
    head, rest = text.removeprefix("\ufeff").split("\n", 1)
    yaml_text, fence, body = rest.partition(f"\n{FENCE}")
    if not fence and rest.startswith(FENCE):  # an empty front matter
        yaml_text, body = "", rest[len(FENCE) :]
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.error import YAMLError

    loader = _round_trip()
    try:
        meta = loader.load(yaml_text) if yaml_text.strip() else CommentedMap()
    except YAMLError as exc:  # the build's reader took it: a difference between the two readers
        raise ContentError.single(label, 1, f"cannot be changed by techdigest: {str(exc).splitlines()[0]}") from None
    change(meta)
    out = io.StringIO()
    loader.dump(meta, out)
    new_text = f"{head}\n{out.getvalue()}{FENCE}{body}"
    front_matter(label, new_text)  # what we wrote reads back
    return new_text


def replace_if_unchanged(path: Path, expected: bytes, text: str, label: str) -> None:
    """``text`` into ``path`` in one step, if ``path`` still holds ``expected``."""
    aside = _aside(path, text)
    try:
        if path.read_bytes() != expected:
            raise ContentError.single(label, 0, "changed while techdigest was changing it; nothing was done, try again")
        os.replace(aside, path)
    finally:
        aside.unlink(missing_ok=True)


def replace_file(path: Path, text: str) -> None:
    """``text`` into ``path`` in one step (a record of the project, written whole under the content lock)."""
    aside = _aside(path, text)
    try:
        os.replace(aside, path)
    finally:
        aside.unlink(missing_ok=True)


def write_new(target: Path, text: str) -> None:
    """A new file, never replacing one that appeared meanwhile; created as any new file is
    (0666 less the umask), not private."""
    if problem := _link(_aside(target, text), target):
        raise problem


_SYNCING = 16  # files written and synced at once (measured: 1,000 syncs 2-4 s one by one, 0.2 s 16 at once)


class NewFiles:
    """Many new files, each written as :func:`write_new` writes one, their syncs waited for together.

    A sync waits for the disk: a thousand of them one after another take seconds, while the file
    system commits syncs that wait at the same time together, in a few journal commits. So each
    file is written and synced aside on one of ``_SYNCING`` threads as soon as it is added (the
    caller meanwhile prepares the next), and :meth:`place` links each into place once its sync has
    returned: as before, no file is ever in place half-written, nor replaces one. Used as a context
    manager: whatever was written aside and not placed is removed when it ends.
    """

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(_SYNCING)
        self._added: list[tuple[Path, Future[Path]]] = []

    def __enter__(self) -> NewFiles:
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool.shutdown()  # every write returned
        for _, written in self._added:
            if written.exception() is None:
                written.result().unlink(missing_ok=True)

    def add(self, target: Path, text: str) -> None:
        self._added.append((target, self._pool.submit(_aside, target, text)))

    def place(self) -> Iterator[tuple[Path, ContentError | None]]:
        """Each file added, in order, with None once it is in place, or why it is not (a file of
        that name appeared meanwhile); an OSError of its writing is raised here."""
        for target, written in self._added:
            yield target, _link(written.result(), target)
        for folder in {target.parent for target, _ in self._added}:  # the new names last a crash too
            _sync_folder(folder)


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _link(aside: Path, target: Path) -> ContentError | None:
    """The synced file ``aside`` linked to ``target``, unless a file of that name exists (then the
    problem); ``aside`` is removed either way."""
    try:
        os.link(aside, target)  # fails instead of replacing a file that appeared meanwhile
    except FileExistsError:
        return ContentError.single(f"content/{target.name}", 0, "exists already; not overwritten")
    finally:
        os.unlink(aside)
    return None


def _aside(target: Path, text: str) -> Path:
    """``text`` written and synced beside ``target``, under a name every content reader skips."""
    aside = target.with_name(f"{ASIDE}{secrets.token_hex(8)}.tmp")
    fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with naming(target), os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        aside.unlink(missing_ok=True)
        raise
    return aside


def _round_trip() -> YAML:
    """ruamel's round trip set to write as ``import`` does (lists unindented, 100 columns)."""
    from ruamel.yaml import YAML

    loader = YAML(typ="rt")
    loader.preserve_quotes = True
    loader.width = 100
    loader.indent(mapping=2, sequence=2, offset=0)
    return loader


def set_key(meta: CommentedMap, key: str, value: object, *, before: str = "source") -> None:
    """``key`` set to ``value``: in its place if it is there, else just before ``before`` (or last)."""
    if key in meta:
        meta[key] = value
    elif before in meta:
        meta.insert(list(meta).index(before), key, value)
    else:
        meta[key] = value
