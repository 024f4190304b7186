"""Draft summaries against editors' references: techdigest's draft, lead-3 and TextRank.

Usage: python benchmarks/summaries.py DEVSET [--stem] [--words 60]

DEVSET is a folder of seed-format articles with a ``references.json`` (two editors' summaries per
article) and the ROUGE scorer ``rouge.py`` that comes with it (used from there, not copied). Every
system gets the same word budget and the same sentence splitter, and keeps whole sentences:

- draft: ``techdigest.summarize.draft_summary``, the summary ``techdigest import`` writes
- lead-3: the first three sentences, as many of them as fit the budget (at least one)
- TextRank (Mihalcea & Tarau 2004): sentences ranked by PageRank over their word-overlap graph,
  the best that fit the budget, shown in text order

It prints ROUGE-1/2/L F1 (mean over the articles, best of the two references), the mean word
count, the time per article (the fastest of five passes), and two checks that a win is not owed
to a few articles: ROUGE-2 over the odd- and over the even-numbered articles alone, and on how
many articles the draft's ROUGE-2 beats each baseline's.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from techdigest.seeds import parse_seed  # noqa: E402
from techdigest.summarize import WORD_BUDGET, content_stems, draft_summary, sentences  # noqa: E402

Summarizer = Callable[[list[str], str, int], str]
_DAMPING = 0.85
_ITERATIONS = 50
_TIMINGS = 5


def lead(paragraphs: list[str], lang: str, words: int) -> str:
    """The first three sentences, stopping before the one that would pass the budget."""
    return " ".join(_fitting(_split(paragraphs, lang)[:3], words))


def textrank(paragraphs: list[str], lang: str, words: int) -> str:
    """TextRank's sentence extraction: PageRank on the graph whose edge weights are the sentences'
    shared words, normalised by their lengths' logarithms; the top sentences that fit the budget."""
    found = _split(paragraphs, lang)
    stems = [set(content_stems(s, lang)) for s in found]
    weights = [[_similarity(a, b) if a is not b else 0.0 for b in stems] for a in stems]
    totals = [sum(row) or 1.0 for row in weights]
    rank = [1.0] * len(found)
    for _ in range(_ITERATIONS):
        rank = [
            (1 - _DAMPING) + _DAMPING * sum(weights[j][i] / totals[j] * rank[j] for j in range(len(found)))
            for i in range(len(found))
        ]
    order = sorted(range(len(found)), key=lambda i: -rank[i])
    picked = _fitting([found[i] for i in order], words, keep_going=True)
    return " ".join(s for s in found if s in picked)


def draft(paragraphs: list[str], lang: str, words: int) -> str:
    return draft_summary(paragraphs, lang, max_words=words)


def _split(paragraphs: list[str], lang: str) -> list[str]:
    return [s for p in paragraphs for s in sentences(p, lang)]


def _similarity(a: set[str], b: set[str]) -> float:
    if len(a) < 2 or len(b) < 2:
        return 0.0
    return len(a & b) / (math.log(len(a)) + math.log(len(b)))


def _fitting(ranked: list[str], words: int, keep_going: bool = False) -> list[str]:
    """The sentences, in the given order, that fit ``words`` together (the first always); lead stops
    at the first that does not fit, TextRank goes on looking for shorter ones."""
    picked: list[str] = []
    used = 0
    for sentence in ranked:
        size = len(sentence.split())
        if picked and used + size > words:
            if keep_going:
                continue
            break
        picked.append(sentence)
        used += size
    return picked


def _milliseconds_per_article(summarize: Summarizer, articles: list[list[str]], words: int) -> float:
    """The fastest of :data:`_TIMINGS` passes over all articles (the machine's other work only adds)."""
    passes = []
    for _ in range(_TIMINGS):
        started = time.perf_counter()
        for paragraphs in articles:
            summarize(paragraphs, "de", words)
        passes.append((time.perf_counter() - started) / len(articles) * 1000)
    return min(passes)


def load_rouge(devset: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("devset_rouge", devset / "rouge.py")
    if spec is None or spec.loader is None:
        sys.exit(f"{devset / 'rouge.py'}: cannot load the ROUGE scorer")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(devset: Path, stem: bool, words: int) -> None:
    rouge = load_rouge(devset)
    references = json.loads((devset / "references.json").read_text(encoding="utf-8"))
    articles = {
        name: list(parse_seed((devset / name).read_text(encoding="utf-8"), name).paragraphs)
        for name in sorted(references)
    }
    stemmer = rouge._german_stemmer() if stem else None
    systems: dict[str, Summarizer] = {"draft": draft, "lead-3": lead, "TextRank": textrank}
    scoring = "stemmed" if stemmer else "unstemmed"
    print(f"{len(articles)} articles, <= {words} words, {scoring}, F1 against the better reference, in %")
    print(f"{'system':<10} {'ROUGE-1':>8} {'ROUGE-2':>8} {'ROUGE-L':>8} {'words':>6} {'ms/article':>11}", end="")
    print("   R-2 odd  R-2 even  draft's R-2 better on")
    drafted: dict[str, float] = {}
    for label, summarize in systems.items():
        candidates = {name: summarize(paragraphs, "de", words) for name, paragraphs in articles.items()}
        elapsed = _milliseconds_per_article(summarize, list(articles.values()), words)
        rows, mean = rouge.evaluate(references, candidates, "summary", stemmer)
        bigrams = {name: row["rouge2"] for name, row in rows.items()}
        drafted = drafted or bigrams
        names = sorted(rows)
        odd, even = (statistics.mean(bigrams[n] for n in half) * 100 for half in (names[0::2], names[1::2]))
        size = statistics.mean(len(c.split()) for c in candidates.values())
        cells = " ".join(f"{mean[m] * 100:8.1f}" for m in rouge.METRICS)
        wins = "" if bigrams is drafted else f"{sum(drafted[n] > bigrams[n] for n in names)} of {len(names)}"
        print(f"{label:<10} {cells} {size:6.1f} {elapsed:11.2f}   {odd:7.1f}  {even:8.1f}  {wins:>21}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("devset", type=Path, help="folder with the articles, references.json and rouge.py")
    parser.add_argument("--stem", action="store_true", help="score with the Snowball German stemmer")
    parser.add_argument("--words", type=int, default=WORD_BUDGET, help="word budget of every system")
    args = parser.parse_args()
    run(args.devset, args.stem, args.words)


if __name__ == "__main__":
    main()
