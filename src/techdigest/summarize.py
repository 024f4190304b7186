"""Draft titles and summaries from an article's text, for an editor to finish.

Summary method: centroid scoring with redundancy control (MMR). Each sentence
is scored by how many of the article's frequent content words it carries
(stop words dropped, words reduced to their Snowball stem so ``Partnerschaft``
and ``Partnerschaften`` count as one), divided by the square root of its length
so long sentences do not win by size alone. Earlier sentences get a mild bonus,
as news puts the key facts first, and sentences opening with a pointer back
("Diese …", "This …") a malus, as they make no sense out of context. Sentences are then picked greedily by score minus
their overlap with those already picked, so the summary does not say the same
thing twice, and shown in text order. Unlike "the first two sentences" this
finds the sentences about what the article is about (the deal, its size and
timing) instead of the scene-setting, and it runs in time linear in the text.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator
from functools import cache
from typing import Protocol

import pysbd
import snowballstemmer
from stop_words import get_stop_words

_STEMMERS = {"de": "german", "en": "english"}
_WORD = re.compile(r"\w+(?:-\w+)*")
# Only the start of very long texts is summarized: news leads, and this keeps
# the cost bounded for a 200,000-character paragraph.
_MAX_CHARS = 20_000
_POSITION_BONUS = 0.5
_ANAPHORA_MALUS = 0.8
_ANAPHORA = re.compile(r"^(diese[rsmn]?|dies|dort|damit|dabei|er|sie|es|this|these|that|those|it|they)\b", re.I)
_REDUNDANCY = 0.7
TITLE_MAX = 80  # a headline's length: a long lead becomes as many of its leading clauses as fit
TITLE_LIMIT = 200  # a draft title is never longer; a longer lead without a shorter clause is cut, with "…"
_CLAUSE_WORDS = 4  # a clause has at least as many words: "Update:" or "Kaiva 5:" is a label, not a headline
# words that open a subordinate clause ("weil …"), or one that follows a comma ("…, der …")
_CONJUNCTIONS = (
    "dass|weil|wenn|falls|als|ob|obwohl|obgleich|nachdem|bevor|ehe|sobald|solange|sodass|indem|wer|um|ohne|statt|"
    "because|although|though|while|whereas|when|if|unless|after|before|since|until|as"
)
_RELATIVES = "der|die|das|dem|den|dessen|deren|denen|welche[rsmn]?|wo|womit|wobei|which|who|whom|whose|where"
_COORDINATORS = "und|oder|aber|doch|denn|jedoch|and|or|but|yet|so"  # not "sondern": it needs the "nicht" before
# a clause ends before "; ", ": ", a spaced dash, or a comma opening a new clause
_BOUNDARY = re.compile(rf"[;:]\s+|\s+[–—]\s+|,\s+(?=(?:{_CONJUNCTIONS}|{_RELATIVES}|{_COORDINATORS})\b)", re.I)
_OPENS_SUBORDINATE = re.compile(rf"(?:{_CONJUNCTIONS})\b", re.I)
# a clause inserted into the main one ("Der Konzern, der 2019 gegründet wurde, hat …") ends in a comma
# and the main clause's next word (lower case: a verb), not a noun or a clause of its own
_RESUMES_MAIN = re.compile(rf"[^,;:]*,\s+(?!(?:{_CONJUNCTIONS}|{_RELATIVES}|{_COORDINATORS})\b)[a-zäöüß]")


# pysbd and snowballstemmer ship no types: what this module uses of them, typed.
class _Segmenter(Protocol):
    def segment(self, text: str) -> list[str]: ...


class _Stemmer(Protocol):
    def stemWords(self, words: list[str]) -> list[str]: ...


def sentences(text: str, lang: str) -> list[str]:
    return [s.strip() for s in _segmenter(lang).segment(text) if s.strip()]


def draft_title(first_paragraph: str, lang: str) -> str:
    """The lead sentence as a headline: its leading whole clauses, never a phrase cut off.

    German puts the verb of a subordinate clause last and the main clause's verb second, so a
    lead cut at 80 characters loses its verb ("Der Hersteller bringt mit dem Kaiva 5 ein Smartphone
    auf den…"). Cut at a clause boundary instead, the main clause keeps its verb: a lead longer than
    :data:`TITLE_MAX` becomes as many of its leading clauses as fit (at least the first, whatever
    its length), provided the sentence opens with its main clause. A lead that opens with a
    subordinate clause ("Wer … vorbeifährt, sieht …") or has no clause boundary stays whole; only a
    lead beyond :data:`TITLE_LIMIT` without a shorter clause is cut at a word, ending in "…", which
    ``techdigest check`` reports until an editor writes the headline.
    """
    sentence = (sentences(first_paragraph[:2_000], lang) or [first_paragraph])[0].strip()
    lead = sentence.rstrip(".!? ") or sentence  # a "sentence" of punctuation only stays as it is
    if len(lead) <= TITLE_MAX:
        return lead
    ends = list(_clause_ends(lead))
    fitting = [end for end in ends if end <= TITLE_MAX]
    if fitting or ends:
        end = fitting[-1] if fitting else ends[0]
        if end <= TITLE_LIMIT:
            return lead[:end]
    if len(lead) <= TITLE_LIMIT:
        return lead
    cut = lead[: TITLE_LIMIT - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(",;:–— ") + "…"


def _clause_ends(lead: str) -> Iterator[int]:
    """Where the sentence's leading clauses end: before a clause boundary, when the text before it is
    the main clause and what follows it (a clause boundary inside quotes or brackets, after a mere
    label such as "Update:", or opening a clause inserted into the main one does not count)."""
    if _OPENS_SUBORDINATE.match(lead):
        return
    for boundary in _BOUNDARY.finditer(lead):
        before, after = lead[: boundary.start()], lead[boundary.end() :]
        inserted = boundary.group().startswith(",") and _RESUMES_MAIN.match(after)
        if not inserted and len(before.split()) >= _CLAUSE_WORDS and _balanced(before):
            yield boundary.start()


def _balanced(text: str) -> bool:
    return text.count("„") == text.count("“") and text.count("(") == text.count(")") and text.count('"') % 2 == 0


def draft_summary(paragraphs: list[str], lang: str, max_sentences: int = 3, max_chars: int = 520) -> str:
    text_budget = _MAX_CHARS
    candidates: list[str] = []
    for paragraph in paragraphs:
        if text_budget <= 0:
            break
        candidates.extend(sentences(paragraph[:text_budget], lang))
        text_budget -= len(paragraph)
    if not candidates:
        return ""
    stems = [_content_stems(sentence, lang) for sentence in candidates]
    frequency = Counter(stem for sentence_stems in stems for stem in set(sentence_stems))
    scores = [
        sum(frequency[s] for s in set(ss)) / math.sqrt(len(ss) + 1) * _prior(candidates[i], i, len(candidates))
        for i, ss in enumerate(stems)
    ]

    chosen: list[int] = []
    length = 0
    while len(chosen) < max_sentences:
        best = max(
            (i for i in range(len(candidates)) if i not in chosen and length + len(candidates[i]) <= max_chars),
            key=lambda i: scores[i] - _REDUNDANCY * scores[i] * _max_overlap(stems, i, chosen),
            default=None,
        )
        if best is None:
            break
        chosen.append(best)
        length += len(candidates[best]) + 1
    if not chosen:  # every sentence is longer than the budget: cut the best one
        return _shorten(candidates[max(range(len(scores)), key=scores.__getitem__)], max_chars)
    return " ".join(candidates[i] for i in sorted(chosen))


def _content_stems(sentence: str, lang: str) -> list[str]:
    stop = _stop_words(lang)
    words = [w for w in _WORD.findall(sentence.lower()) if w not in stop and not w.isdigit()]
    return _stemmer(lang).stemWords(words)


def _prior(sentence: str, position: int, count: int) -> float:
    weight = 1.0 + _POSITION_BONUS * (1.0 - position / count)
    return weight * (_ANAPHORA_MALUS if _ANAPHORA.match(sentence) else 1.0)


def _max_overlap(stems: list[list[str]], i: int, chosen: list[int]) -> float:
    mine = set(stems[i])
    if not mine or not chosen:
        return 0.0
    return max(len(mine & set(stems[j])) / len(mine | set(stems[j])) for j in chosen)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


@cache
def _segmenter(lang: str) -> _Segmenter:
    segmenter: _Segmenter = pysbd.Segmenter(language=lang if lang in _STEMMERS else "en", clean=False)
    return segmenter


@cache
def _stemmer(lang: str) -> _Stemmer:
    stemmer: _Stemmer = snowballstemmer.stemmer(_STEMMERS.get(lang, "english"))
    return stemmer


@cache
def _stop_words(lang: str) -> frozenset[str]:
    return frozenset(get_stop_words(lang if lang in _STEMMERS else "en"))
