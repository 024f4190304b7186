"""Parses a raw scraped seed (plain text) into its parts, and sets the limits of every input text.

The raw format has no markup: one paragraph a line, then a tags line
(``Schlagwörter: A + B`` in German sources, ``Tags: A + B`` in English ones),
then the site's reader-feedback question. Both trailing lines are metadata and
never reach the body. A seed may lack either of them. Seeds are raw scraped
text, so control characters are dropped from them here; a content file is
written by a person, so there they are an error (:mod:`content`).
Parsing is pure; reading the file is :mod:`inputs`' job.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .model import CONTROL_CHARACTERS, ContentError, tag_identity

MAX_TAGS = 30  # per article: each tag is two pages and two feeds, each showing the article with all its tags
# The reader-feedback question the scraped sites append, in each language we know it in.
FEEDBACK_PROMPTS = {
    "de": "Wie bewerten Sie den Schreibstil des Artikels?",
    "en": "How would you rate the writing style of this article?",
}
_TAG_LABELS = {"schlagwörter": "de", "schlagworte": "de", "tags": "en"}
_TAGS_LINE = re.compile(r"^\s*(schlagwörter|schlagworte|tags)\s*:(.*)$", re.IGNORECASE)
_TAG_SEPARATOR = re.compile(r"(?<=\s)\+(?=\s)")
# A handful of the most frequent function words; only used when neither the tags
# label nor the feedback question tells the language of a seed.
_FUNCTION_WORDS = {
    "de": {"der", "die", "das", "und", "ist", "nicht", "mit", "von", "den", "zu", "ein", "eine"},
    "en": {"the", "and", "is", "not", "with", "of", "to", "a", "an", "that", "for", "in"},
}


@dataclass(frozen=True)
class SeedArticle:
    paragraphs: tuple[str, ...]
    tags: tuple[str, ...]
    feedback: str
    language: str


def decode_seed(data: bytes, path: str) -> str:
    """UTF-8 text (a BOM dropped); anything else is refused, never guessed.

    Latin-1 would decode any byte string, so accepting it would turn a binary
    file into garbage text without a word; we refuse and say how to convert.
    """
    if b"\x00" in data:
        raise ContentError.single(path, 0, "not a text file (contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ContentError.single(
            path, line, f"not UTF-8 text (byte 0x{data[exc.start]:02x}); convert it to UTF-8 first"
        ) from None


def parse_seed(text: str, path: str, default_language: str = "de") -> SeedArticle:
    lines = [_clean(line) for line in drop_control_characters(text).splitlines()]
    numbered = [(n, line) for n, line in enumerate(lines, 1) if line]
    if not numbered:
        raise ContentError.single(path, 0, "empty seed: no article text")

    tags_line = next(
        ((i, m) for i in range(len(numbered) - 1, -1, -1) if (m := _TAGS_LINE.match(numbered[i][1]))), None
    )
    tags: tuple[str, ...] = ()
    feedback = ""
    label_language = ""
    if tags_line is not None:
        tags_at, match = tags_line
        label_language = _TAG_LABELS[match.group(1).lower()]
        tags = split_tags(match.group(2))
        if len(tags) > MAX_TAGS:
            raise ContentError.single(path, numbered[tags_at][0], too_many_tags(len(tags)))
        after = numbered[tags_at + 1 :]
        if len(after) > 1:
            n, _ = after[1]
            raise ContentError.single(path, n, "unexpected text after the feedback question")
        feedback = after[0][1] if after else ""
        body = numbered[:tags_at]
    else:
        body = numbered
        if body[-1][1] in FEEDBACK_PROMPTS.values():
            feedback = body[-1][1]
            body = body[:-1]
    if not body:
        raise ContentError.single(path, numbered[0][0], "no article text, only tags or feedback lines")

    paragraphs = tuple(line for _, line in body)
    language = label_language or _prompt_language(feedback) or _guess_language(paragraphs, default_language)
    return SeedArticle(paragraphs=paragraphs, tags=tags, feedback=feedback, language=language)


def split_tags(value: str) -> tuple[str, ...]:
    """Tags separated by `` + `` (spaces required, so ``C++`` stays one tag).

    Tags that differ only in case or spacing are one tag; the first spelling wins.
    """
    return merge_tags(_TAG_SEPARATOR.split(" " + value.strip() + " "))


def merge_tags(names: Iterable[object]) -> tuple[str, ...]:
    """Names with whitespace collapsed, empty ones dropped, case/spacing duplicates merged."""
    seen: dict[str, str] = {}
    for raw in names:
        tag = " ".join(str(raw).split())
        if tag:
            seen.setdefault(tag_identity(tag), tag)
    return tuple(seen.values())


def too_many_tags(count: int) -> str:
    return f"{count:,} tags; an article may have at most {MAX_TAGS} (each tag is pages and feeds of its own)"


def drop_control_characters(text: str) -> str:
    """Scraped text without control characters (terminal escapes, bells, a stray NUL and the like);
    those that are whitespace (vertical tab, form feed, NEL) become a space, so words stay apart."""
    return CONTROL_CHARACTERS.sub(lambda found: " " if found.group().isspace() else "", text)


def _clean(line: str) -> str:
    """One line with whitespace runs (tabs, NBSP, zero-width) made single spaces."""
    return " ".join(line.replace("\u200b", " ").replace("\ufeff", " ").split())


def _prompt_language(feedback: str) -> str:
    return next((code for code, prompt in FEEDBACK_PROMPTS.items() if prompt == feedback), "")


def _guess_language(paragraphs: tuple[str, ...], default: str) -> str:
    words = re.findall(r"\w+", " ".join(paragraphs[:5]).lower())
    scores = {code: sum(w in common for w in words) for code, common in _FUNCTION_WORDS.items()}
    best = max(scores, key=lambda code: (scores[code], code == default))
    return best if scores[best] else default
