"""What a build writes: every file of the site is an :class:`Output` with a key.

The key is a digest of what the file is made from, so the writer
(:mod:`writer`) makes again only the outputs whose key changed; a
:class:`Record` remembers, for the next build, each file's key and the size
and mtime it was left with.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

Keys = dict[str, str]  # output file -> key of what it was made from
Stamps = dict[str, tuple[int, int]]  # output file -> (size, mtime_ns) as the build left it


@dataclass(frozen=True)
class Output:
    """One file of the site; ``make`` is called only when ``inputs`` changed since the previous build."""

    name: str
    inputs: object  # anything with a deterministic repr
    make: Callable[[], bytes]
    search_month: str | None = None  # an indexed page's language and month: "de/2026-07"


@dataclass(frozen=True)
class Record:
    """What the previous build left in the output folder, as the cache remembers it."""

    keys: Keys = field(default_factory=dict)
    stamps: Stamps = field(default_factory=dict)


@dataclass(frozen=True)
class Batch:
    """What a build asks the writer for: ``outputs``, each keyed by ``base`` (what every file depends
    on: code, templates, settings) and its inputs; the files ``kept`` stay as the previous build
    recorded them unless they are among the outputs, every other file of the previous site is gone."""

    outputs: list[Output]
    base: str
    kept: Record = field(default_factory=Record)


@contextmanager
def naming(path: Path) -> Iterator[None]:
    """An OSError in the block names ``path``: a failing ``write`` (a full disk) does not say which file."""
    try:
        yield
    except OSError as exc:
        if exc.filename is not None:
            raise
        raise OSError(exc.errno, exc.strerror, str(path)) from None


def key(base: str, inputs: object) -> str:
    return hashlib.blake2b(f"{base}|{inputs!r}".encode(), digest_size=16).hexdigest()


def fixed(name: str, data: bytes) -> Output:
    """An output whose bytes are known already (sitemap, robots.txt, .nojekyll)."""
    return Output(name, hashlib.blake2b(data, digest_size=16).hexdigest(), lambda: data)
