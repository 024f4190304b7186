"""Reader ratings received by the preview server: checking, storing, counting.

Storage is append-only JSON Lines, one submission per line, each written with
a single ``write`` on a file opened for appending and under an exclusive lock:
a crash can at worst leave one incomplete last line, never touch an earlier
one, and ``tally`` skips (and reports) a line it cannot read.

A submission is a write to the editor's disk, so only the preview's own pages
may send one: a request another site's page makes (``Origin`` or
``Sec-Fetch-Site`` say so) is refused, and so is a body larger than the largest
valid form, by its announced length, before it is read.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

MAX_COMMENT = 2_000  # characters (code points), as the form's maxlength counts them
# the largest valid form: a comment of characters that take 4 bytes in UTF-8, each byte
# percent-encoded (12 bytes a character), and room for the other fields and multipart headers
MAX_BODY = MAX_COMMENT * 12 + 4_096
ACCEPTED_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class Rejected(Exception):
    """A submission that is not stored; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Submission:
    article: str
    lang: str
    rating: int
    comment: str
    time: str


@dataclass(frozen=True)
class Tally:
    article: str
    count: int
    mean: float
    by_language: dict[str, int]


def check_request(headers: Mapping[str, str], origin: str) -> None:
    """Refuse, before the body is read, what no form on the site at ``origin`` (``http://host:port``) sends."""
    sender = headers.get("Origin")
    if sender is not None and sender != origin:
        raise Rejected(403, f"forms are only accepted from {origin}, not from {sender}")
    site = headers.get("Sec-Fetch-Site")
    if site not in (None, "same-origin", "none"):
        raise Rejected(403, f"forms are only accepted from {origin}, not from a {site} page")
    content_type = headers.get("Content-Type", "")
    if content_type.split(";")[0].strip().lower() not in ACCEPTED_TYPES:
        raise Rejected(415, f"unsupported content type {content_type!r}; send a form")
    size = headers.get("Content-Length", "0")
    if not size.isdigit():
        raise Rejected(400, f"invalid Content-Length {size!r}")
    if int(size) > MAX_BODY:
        raise Rejected(413, f"request too large ({size} bytes, at most {MAX_BODY})")


def parse_submission(
    fields: Mapping[str, str], articles: Collection[str], languages: Collection[str], now: dt.datetime
) -> Submission:
    article = fields.get("article", "")
    lang = fields.get("lang", "")
    rating = fields.get("rating", "")
    comment = fields.get("comment", "").replace("\r\n", "\n").strip()  # browsers send a textarea's lines as CRLF
    if article not in articles:
        raise Rejected(400, f"unknown article {article!r}")
    if lang not in languages:
        raise Rejected(400, f"unknown language {lang!r}")
    if rating not in {"1", "2", "3", "4", "5"}:
        raise Rejected(400, f"rating must be a whole number from 1 to 5, not {rating!r}")
    if len(comment) > MAX_COMMENT:
        raise Rejected(413, f"comment too long ({len(comment)} characters, at most {MAX_COMMENT})")
    return Submission(article, lang, int(rating), comment, now.astimezone(dt.UTC).isoformat(timespec="seconds"))


def append(path: Path, submission: Submission) -> None:
    line = json.dumps(asdict(submission), ensure_ascii=False, sort_keys=True) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def tally(path: Path) -> tuple[list[Tally], list[int]]:
    """Per-article counts and means, and the numbers of lines that could not be read."""
    ratings: dict[str, list[tuple[str, int]]] = {}
    unreadable: list[int] = []
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, 1):
            try:
                entry = json.loads(line)
                rating = int(entry["rating"])
                ratings.setdefault(str(entry["article"]), []).append((str(entry["lang"]), rating))
            except (ValueError, KeyError, TypeError):
                if line.strip():
                    unreadable.append(number)
    tallies = []
    for article, entries in sorted(ratings.items()):
        by_language: dict[str, int] = {}
        for lang, _ in entries:
            by_language[lang] = by_language.get(lang, 0) + 1
        tallies.append(Tally(article, len(entries), sum(r for _, r in entries) / len(entries), by_language))
    return tallies, unreadable
