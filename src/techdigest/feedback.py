"""Reader ratings: those the preview server receives (checked, stored), and counting all of them.

A rating names its article by the permanent ``id`` (and the slug it had then):
counted by id, a renamed article's ratings are counted under its current slug
and title; a rating without id (older lines, older pages) is found by its slug,
a current one or an old one (the article's ``aliases``). Ratings from the
preview's file and from the GitHub issues (:func:`from_issues`; the title ends
in ``[techdigest LANG ID-OR-SLUG]``) are checked alike: 1 to 5, a known
article, a site language; each other one is :class:`Skipped`, saying why.

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
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .model import Article, excerpt

if TYPE_CHECKING:
    from .github import Issue
    from .records import Removed

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
    article: str  # the slug at the time
    id: str  # the article's permanent id ("" for an article without one)
    lang: str
    rating: int
    comment: str
    time: str


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
    fields: Mapping[str, str], articles: Mapping[str, str], languages: Collection[str], now: dt.datetime
) -> Submission:
    """The form's fields checked; ``articles``: each slug's id (``""`` for an article without one)."""
    article = fields.get("article", "")
    identity = fields.get("id", "")
    lang = fields.get("lang", "")
    rating = fields.get("rating", "")
    comment = fields.get("comment", "").replace("\r\n", "\n").strip()  # browsers send a textarea's lines as CRLF
    if article not in articles:
        raise Rejected(400, f"unknown article {article!r}")
    if identity not in ("", articles[article]):
        raise Rejected(400, f"id {identity!r} is not the id of {article!r}")
    if lang not in languages:
        raise Rejected(400, f"unknown language {lang!r}")
    if rating not in {"1", "2", "3", "4", "5"}:
        raise Rejected(400, f"rating must be a whole number from 1 to 5, not {rating!r}")
    if len(comment) > MAX_COMMENT:
        raise Rejected(413, f"comment too long ({len(comment)} characters, at most {MAX_COMMENT})")
    # the id the preview knows when the page sent none (a page built before articles had ids)
    return Submission(
        article,
        identity or articles[article],
        lang,
        int(rating),
        comment,
        now.astimezone(dt.UTC).isoformat(timespec="seconds"),
    )


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


@dataclass(frozen=True)
class Rating:
    """One rating as a source holds it, not yet checked; ``where``: ``feedback.jsonl:4``, ``OWNER/REPO#12``."""

    where: str
    id: str
    slug: str
    lang: str
    rating: object
    comment: str
    time: str


@dataclass(frozen=True)
class Skipped:
    """A rating not counted: where it is, why (``kind``: the summary counts these), and what it said."""

    where: str
    kind: str
    detail: str = ""

    @property
    def reason(self) -> str:
        return f"{self.kind} {self.detail}" if self.detail else self.kind


def read_jsonl(path: Path, label: str) -> tuple[list[Rating], list[Skipped]]:
    """The preview's ratings; a line without ``id`` is older (found by its slug); a torn (or too deeply
    nested) one is skipped, and so is one whose ``comment`` or ``time`` is there but is no text."""
    ratings: list[Rating] = []
    skipped: list[Skipped] = []
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, 1):
            where = f"{label}:{number}"
            try:
                entry = json.loads(line)
                fields = [str(entry.get(key) or "") for key in ("id", "article", "lang")]
            except (ValueError, AttributeError, RecursionError):
                if line.strip():
                    skipped.append(Skipped(where, "unreadable line"))
                continue
            texts = {key: "" if entry.get(key) is None else entry[key] for key in ("comment", "time")}
            if wrong := [key for key, value in texts.items() if not isinstance(value, str)]:
                skipped.append(Skipped(where, f"{wrong[0]} not a text", excerpt(texts[wrong[0]])))
                continue
            identity, slug, lang = fields
            ratings.append(Rating(where, identity, slug, lang, entry.get("rating"), texts["comment"], texts["time"]))
    return ratings, skipped


# the machine-readable end of a rating issue's title, which makes an issue a rating: language, article id or slug
ISSUE_MARKER = re.compile(r"\[techdigest ([a-z]{2,3}) ([0-9a-f-]{36}|[a-z0-9-]+)\]\s*$")
# the rating: the title's first number, standing alone and right before "/5" ("Bewertung 4/5: …")
ISSUE_RATING = re.compile(r"^\D*(\d+)/5(?!\d)", re.ASCII)
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def from_issues(repo: str, issues: Iterable[Issue]) -> list[Rating]:
    """The issues whose title ends in the rating marker (with or without the ``feedback`` label:
    a reader without triage rights cannot set labels); every other issue is no rating at all.
    The rating is the title's first number, right before ``/5``; a title whose first number is not
    1 to 5 that way (``Rating 45/5``, ``4.5/5``, none) gives a rating :func:`summarize` skips."""
    ratings = []
    for issue in issues:
        found = ISSUE_MARKER.search(issue.title)
        if found:
            lang, key = found.groups()
            identity = key if _UUID.fullmatch(key) else ""
            comment = issue.body.replace("\r\n", "\n").strip()
            ratings.append(
                Rating(
                    f"{repo}#{issue.number}", identity, key, lang, _title_rating(issue.title), comment, issue.created_at
                )
            )
    return ratings


def _title_rating(title: str) -> object:
    """1 to 5 as the title gives it, else what stands there (the number, or the title) to name when skipped."""
    found = ISSUE_RATING.match(title)
    if found is None:
        return ISSUE_MARKER.sub("", title).strip()
    number = found[1]
    return int(number) if len(number) <= 3 and not number.startswith("0") else number  # "05": as written


@dataclass(frozen=True)
class Known:
    """The articles a rating can be for: by id, by slug, by an old slug (its aliases); and the ids
    and slugs of removed ones (``removed.toml``), so their ratings are skipped saying why."""

    by_id: dict[str, Article]
    by_slug: dict[str, Article]
    old_slugs: dict[str, Article]
    removed: frozenset[str]

    @classmethod
    def of(cls, articles: Iterable[Article], removed: Iterable[Removed]) -> Known:
        articles = list(articles)
        old = {alias.rstrip("/").rsplit("/", 1)[-1]: a for a in articles for alias in a.aliases if alias.endswith("/")}
        return cls(
            {a.id: a for a in articles if a.id},
            {a.slug: a for a in articles},
            old,
            frozenset(key for r in removed for key in (r.id, r.slug) if key),
        )

    def find(self, rating: Rating) -> Article | Skipped:
        """The article rated (a renamed one by its id, else by an old slug), or why there is none."""
        found = self.by_id.get(rating.id) or self.by_slug.get(rating.slug) or self.old_slugs.get(rating.slug)
        if found:
            return found
        kind = "removed article" if rating.id in self.removed or rating.slug in self.removed else "unknown article"
        return Skipped(rating.where, kind, excerpt(rating.slug or rating.id))


@dataclass(frozen=True)
class Comment:
    time: str
    text: str
    where: str


@dataclass(frozen=True)
class Stats:
    """The ratings of one article in one language: how many of each (1 to 5), and the comments."""

    article: Article
    lang: str
    distribution: tuple[int, int, int, int, int]
    comments: tuple[Comment, ...]

    @property
    def count(self) -> int:
        return sum(self.distribution)

    @property
    def mean(self) -> float:
        return sum(n * stars for stars, n in enumerate(self.distribution, 1)) / self.count


@dataclass(frozen=True)
class Summary:
    """Every counted rating per article and language (newest article first), and what was skipped."""

    stats: tuple[Stats, ...]
    skipped: tuple[Skipped, ...]

    @property
    def counted(self) -> int:
        return sum(s.count for s in self.stats)


def summarize(
    ratings: Iterable[Rating], known: Known, languages: Collection[str], skipped: Iterable[Skipped]
) -> Summary:
    """The ratings checked (1 to 5, a known article, a site language) and counted; the rest skipped."""
    counted: dict[tuple[str, str], list[Rating]] = {}
    articles: dict[str, Article] = {}
    left = list(skipped)
    for rating in ratings:
        found = known.find(rating)
        if isinstance(found, Skipped):
            left.append(found)
            continue
        if invalid := _invalid(rating, languages):
            left.append(invalid)
            continue
        articles[found.slug] = found
        counted.setdefault((found.slug, rating.lang), []).append(rating)
    order = {code: n for n, code in enumerate(languages)}
    keys = sorted(counted, key=lambda k: (-articles[k[0]].published.at.timestamp(), k[0], order[k[1]]))
    stats = tuple(_stats(articles[slug], lang, counted[slug, lang]) for slug, lang in keys)
    return Summary(stats, tuple(sorted(left, key=_place)))


def _invalid(rating: Rating, languages: Collection[str]) -> Skipped | None:
    if rating.lang not in languages:
        return Skipped(rating.where, "unknown language", excerpt(rating.lang))
    if type(rating.rating) is not int or not 1 <= rating.rating <= 5:  # noqa: PLR2004
        return Skipped(rating.where, "rating not 1 to 5", excerpt(rating.rating))
    return None


def _place(skipped: Skipped) -> tuple[str, int]:
    """``feedback.jsonl:12`` after ``feedback.jsonl:9``, ``OWNER/REPO#12`` after ``OWNER/REPO#9``."""
    source, _, number = skipped.where.rpartition(":" if ":" in skipped.where else "#")
    return source, int(number) if number.isdigit() else 0


def _stats(article: Article, lang: str, ratings: list[Rating]) -> Stats:
    values = [int(str(r.rating)) for r in ratings]
    distribution = (values.count(1), values.count(2), values.count(3), values.count(4), values.count(5))
    comments = tuple(Comment(r.time, r.comment, r.where) for r in sorted(ratings, key=lambda r: r.time) if r.comment)
    return Stats(article, lang, distribution, comments)
