"""Draft titles and summaries from an article's text, for an editor to finish.

The summary draft is at most 60 words of the article's own sentences, whole and in text order,
chosen so that an editor mostly has to shorten and rephrase, not to search the article:

1. **Sentences.** sentencex (Wikimedia's rule-based segmenter, per language) splits the text; it
   knows abbreviations ("z. B.", "ca.", "Mio.", "Nr."), German ordinals ("am 22. Oktober",
   "VIII. Zivilsenat"), version numbers ("3.8.1") and initials ("Erika A. Mustermann").
2. **Score.** Each sentence scores by *centrality*: how many other sentences share its content
   words (stop words dropped, stemmed by Snowball so "Partnerschaften" and "Partnerschaft" are one
   word), per square root of its length, so a long sentence does not win by size alone. That is
   multiplied by its *place* (a sentence of the first paragraph counts double, the second 1.5
   times, the third 1.33 times, …: news puts the news early, but not always in the first sentence),
   by its *facts* (numbers, amounts, dates: up to double for three or more, so prices and dates
   from later paragraphs are not lost to the opening), and by 0.7 if it quotes someone (editors
   paraphrase).
3. **Pointers back.** A sentence opening with "Dadurch …", "Diese …", "Er …", "Das entspricht …"
   or "Auf seinem …" only makes sense after the sentence before it: it is taken together with
   that sentence, or not at all (a pointer in the article's first sentence cannot be resolved).
4. **Pick.** Greedily, the sentence (with the ones it points back to) whose score is highest
   counting only the words not already said, that still fits the 60 words; trying each of the
   three best sentences as the first pick, the choice with the most new content wins.

Every step is linear in the text (only its first 20,000 characters and 200 sentences are read)
and needs no model: about a millisecond per article (sentencex is compiled Rust; snowballstemmer
uses PyStemmer's C implementation, a dependency). ``benchmarks/summaries.py`` compares it with the
first three sentences and with TextRank against editors' summaries.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Protocol

import sentencex
import snowballstemmer
from stop_words import get_stop_words

_STEMMERS = {"de": "german", "en": "english"}  # other languages are summarized with the English lists
_WORD = re.compile(r"\w+(?:-\w+)*")
# Only the start of very long texts is summarized: news leads, and this keeps
# the cost bounded for a 200,000-character paragraph.
_MAX_CHARS = 20_000
WORD_BUDGET = 60
_POSITION_BONUS = 1.0
_FACT_BONUS = 1.0
_FACTS_COUNTED = 3
_FACT = re.compile(
    r"\d+(?:[.,]\d+)*|\b(?:Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember"
    r"|Euro|Dollar|Prozent|Mio|Mrd|Millionen|Milliarden)\b"
)
_QUOTE = re.compile(r"[„“\"]")
_QUOTE_MALUS = 0.7
_CHAIN = 2
# A sentence points back when it opens with a pronoun ("Er …", "Diese …"), a pronominal adverb
# ("Dadurch …", "Damit …"), a demonstrative "Das"/"Dies" before a verb ("Das entspricht …", not
# "Das neue Gerät …"), or a possessive after its first word ("Auf seinem Prozessor …").
_ANAPHORA = re.compile(
    r"(?i:diese[rsmn]?|dort|dann|damals|damit|dadurch|dabei|dafür|dagegen|daher|davon|dazu|darauf|darüber|deshalb|"
    r"deswegen|trotzdem|dennoch|er|sie|es|ihr|ihre[rsmn]?|sein|seine[rsmn]?|this|these|that|those|then|it|they|he|"
    r"she|his|her|its|their)\b"
    r"|(?i:das|dies)\s+[a-zäöüß]+\s+(?![A-ZÄÖÜ])"
    r"|\w+\s+(?i:ihre[rsmn]?|seine[rsmn]?|diese[rsmn]?|his|her|its|their|this|these)\b"
)
_MAX_SENTENCES = 200
_OPENERS = 3
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


# snowballstemmer ships no types: what this module uses of it, typed.
class _Stemmer(Protocol):
    def stemWords(self, words: list[str]) -> list[str]: ...


def sentences(text: str, lang: str) -> list[str]:
    """The text's sentences, whole, as sentencex splits them (for ``lang``, with its own fallbacks).

    One repair: sentencex ends a sentence at a period before a hyphen too ("das 140-Mrd.|-Modell");
    a piece that does not end in white space was cut inside a word, so it joins the next one.
    """
    found: list[str] = []
    pending: list[str] = []
    for piece in sentencex.segment(lang, text):
        pending.append(piece)
        if piece[-1:].isspace():
            found.append("".join(pending).strip())
            pending = []
    found.append("".join(pending).strip())
    return [sentence for sentence in found if sentence]


def _language(lang: str) -> str:
    return lang if lang in _STEMMERS else "en"


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


def draft_summary(paragraphs: list[str], lang: str, max_words: int = WORD_BUDGET) -> str:
    """Whole sentences of the article, at most ``max_words`` words together, in text order (the
    method is in the module's docstring); empty when not even one sentence fits."""
    found = _candidates(paragraphs, lang)
    stems = [frozenset(content_stems(sentence.text, lang)) for sentence in found]
    frequency = Counter(stem for sentence_stems in stems for stem in sentence_stems)
    scores = [_score(sentence, own, frequency) for sentence, own in zip(found, stems, strict=True)]
    units = [unit for i in range(len(found)) if (unit := _unit(found, i))]
    sizes = [len(sentence.text.split()) for sentence in found]
    chosen = _pick(_Pool(units, scores, stems, sizes), max_words)
    return " ".join(found[i].text for i in sorted(chosen))


@dataclass(frozen=True)
class _Sentence:
    text: str
    paragraph: int  # the paragraph it stands in, counted from 0


@dataclass(frozen=True)
class _Pool:
    """What the picker sees of the article, per sentence (by index) and per unit of sentences."""

    units: list[tuple[int, ...]]
    scores: list[float]
    stems: list[frozenset[str]]
    sizes: list[int]  # words
    similar: dict[int, list[float]] = field(default_factory=dict)  # by sentence: see :meth:`overlaps`

    def overlaps(self, i: int) -> list[float]:
        """Each sentence's overlap with sentence ``i``: worked out once, though each opener's greedy
        run asks for it."""
        if i not in self.similar:
            own = self.stems[i]
            self.similar[i] = [_overlap(stems, own) for stems in self.stems]
        return self.similar[i]


def _candidates(paragraphs: list[str], lang: str) -> list[_Sentence]:
    """The sentences of the article's start: at most :data:`_MAX_CHARS` of text and
    :data:`_MAX_SENTENCES` sentences, which bounds the work for any input."""
    budget = _MAX_CHARS
    found: list[_Sentence] = []
    for number, paragraph in enumerate(paragraphs):
        if budget <= 0:
            break
        found.extend(_Sentence(text, number) for text in sentences(paragraph[:budget], lang))
        budget -= len(paragraph)
    return found[:_MAX_SENTENCES]


def _score(sentence: _Sentence, stems: frozenset[str], frequency: Counter[str]) -> float:
    """Centrality (how many other sentences share its words, per square root of its length) times
    its place (paragraph 1 counts double, 2 one and a half, …), its facts, and a malus for quotes."""
    centrality = sum(frequency[stem] - 1 for stem in stems) / math.sqrt(len(stems) + 1)
    place = 1.0 + _POSITION_BONUS / (1 + sentence.paragraph)
    facts = 1.0 + _FACT_BONUS * min(len(_FACT.findall(sentence.text)), _FACTS_COUNTED) / _FACTS_COUNTED
    quoted = _QUOTE_MALUS if _QUOTE.search(sentence.text) else 1.0
    return centrality * place * facts * quoted


def _unit(found: list[_Sentence], i: int) -> tuple[int, ...]:
    """Sentence ``i`` with the sentences it points back to: one opening with "Diese …", "Dadurch …"
    or "Er …" comes with the one before it (which may point back too, up to :data:`_CHAIN` steps);
    none if the pointer cannot be resolved (the article's first sentence, or a longer chain)."""
    start = i
    while _ANAPHORA.match(found[start].text):
        if start == 0 or i - start >= _CHAIN:
            return ()
        start -= 1
    return tuple(range(start, i + 1))


def _pick(pool: _Pool, max_words: int) -> set[int]:
    """The best of the greedy selections that open with one of the :data:`_OPENERS` best units (so
    one long sentence does not crowd out two that say more), by the total gain of what they pick."""
    fitting = [unit for unit in pool.units if sum(pool.sizes[i] for i in unit) <= max_words]
    openers = sorted(fitting, key=lambda unit: -sum(pool.scores[i] for i in unit) / math.sqrt(len(unit)))
    selections = [_greedy(pool, opener, max_words) for opener in openers[:_OPENERS]]
    return max(selections, key=lambda selection: selection[0], default=(0.0, set[int]()))[1]


def _greedy(pool: _Pool, opener: tuple[int, ...], max_words: int) -> tuple[float, set[int]]:
    """Greedy from ``opener``: the unit with the best gain that still fits, until none adds anything.
    A sentence's gain is its score times the share of its words not already in the most similar
    chosen sentence (maximal marginal relevance), so the summary does not say a thing twice; a unit
    of several sentences gains their sum per square root of their number."""
    chosen: set[int] = set()
    said = [0.0] * len(pool.scores)  # each sentence's overlap with the most similar chosen one
    words = total = 0.0
    best, units, scores, sizes = list(opener), pool.units, pool.scores, pool.sizes
    while best:
        total += sum(scores[i] * (1 - said[i]) for i in best)
        chosen.update(best)
        words += sum(sizes[i] for i in best)
        for i in best:
            said = list(map(max, said, pool.overlaps(i)))
        # the units that still fit: one that does not never will (its new words shrink by no more
        # than the words chosen grow), so the next step does not look at it again
        best, best_gain, fitting = [], 0.0, []
        for unit in units:
            if len(unit) == 1:  # most units: the same as below without building lists, a fifth faster
                i = unit[0]
                if i in chosen or words + sizes[i] > max_words:
                    continue
                new, gain = [i], scores[i] * (1 - said[i])
            else:
                new = [i for i in unit if i not in chosen]
                if not new or words + sum(sizes[i] for i in new) > max_words:
                    continue
                gain = sum(scores[i] * (1 - said[i]) for i in new) / math.sqrt(len(new))
            fitting.append(unit)
            if gain > best_gain:
                best, best_gain = new, gain
        units = fitting
    return total, chosen


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard similarity; the union counted, not built."""
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared) if a or b else 1.0


def content_stems(sentence: str, lang: str) -> list[str]:
    """The sentence's words that carry content (no stop words, no bare numbers), stemmed by Snowball."""
    stop = _stop_words(lang)
    return _stemmer(lang).stemWords([w for w in _WORD.findall(sentence.lower()) if w not in stop and not w.isdigit()])


@cache
def _stemmer(lang: str) -> _Stemmer:
    stemmer: _Stemmer = snowballstemmer.stemmer(_STEMMERS[_language(lang)])
    return stemmer


@cache
def _stop_words(lang: str) -> frozenset[str]:
    return frozenset(get_stop_words(_language(lang)))
