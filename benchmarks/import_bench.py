"""Import-speed benchmark: ``techdigest import`` of N generated seeds, in a fresh process.

Usage: python benchmarks/import_bench.py [--count 1000] [--runs 3] [--keep DIR]

Each run writes the same N seeds into a new temporary project (the repository's
``techdigest.toml``, an empty ``content/``) and times ``techdigest import --date 2026-11-25``
as an editor runs it: a new Python process, seeds read, summarized, written and synced. The
seeds are raw text as the scraper delivers it (one paragraph a line, then ``Schlagwörter: A + B``
or ``Tags: A + B``, then the feedback question): German ones and every tenth English, 1–6
paragraphs of sentences with umlauts, numbers, amounts, dates, abbreviations, quotes and
sentences pointing back, so the summarizer and the slugs see what real seeds give them. The
same ``--count`` always gives the same seeds. Prints every run and the median.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DAY = "2026-11-25"

NOUNS = {
    "de": (
        "Rechenzentrum Halbleiter Übernahme Grafikkarte Schnittstelle Speicherchip Kühlung Fertigung Börse "
        "Forschung Sicherheitslücke Betriebssystem Glasfaser Mobilfunk Akku Elektroauto Ladesäule Roboter "
        "Sensor Prozessor Treiber Rechenleistung Partnerschaft Investition Beschleuniger Lieferkette"
    ).split(),
    "en": (
        "data centre chipmaker acquisition graphics card interface memory cooling plant market research "
        "vulnerability operating system fibre network battery robot sensor processor driver partnership"
    ).split(),
}
VERBS = {
    "de": "kündigt an|übernimmt|investiert in|verbessert|liefert|plant|bestätigt|verschiebt|öffnet".split("|"),
    "en": "announces|acquires|invests in|improves|ships|plans|confirms|delays|opens".split("|"),
}
COMPANIES = "OpenAI NVIDIA AMD Intel Cerebras Google Apple Samsung TSMC Microsoft Bosch Siemens Infineon".split()
OPENERS = {
    "de": ("Diese Entscheidung", "Dadurch", "Laut Hersteller", "Bereits im März", "Nach z. B. ersten Tests"),
    "en": ("This decision", "As a result", "According to the maker", "Already in March", "After first tests"),
}
PROMPTS = {
    "de": "Wie bewerten Sie den Schreibstil des Artikels?",
    "en": "How would you rate the writing style of this article?",
}
TAG_LABELS = {"de": "Schlagwörter", "en": "Tags"}
AND = {"de": "und", "en": "and"}


def seed_text(rng: random.Random, lang: str) -> str:
    """One raw seed: paragraphs, a tags line and the feedback question, each on its own line."""
    paragraphs = [_paragraph(rng, lang) for _ in range(rng.randint(1, 6))]
    tags = " + ".join(dict.fromkeys(rng.choices(COMPANIES, k=rng.randint(1, 4))))
    return "\n".join([*paragraphs, f"{TAG_LABELS[lang]}: {tags}", PROMPTS[lang]]) + "\n"


def _paragraph(rng: random.Random, lang: str) -> str:
    return " ".join(_sentence(rng, lang) for _ in range(rng.randint(2, 7)))


def _sentence(rng: random.Random, lang: str) -> str:
    company, verb = rng.choice(COMPANIES), rng.choice(VERBS[lang])
    nouns = rng.sample(NOUNS[lang], 3)
    start = rng.choice((company, rng.choice(OPENERS[lang])))
    facts = rng.choice(
        (
            "",
            f" für {rng.randint(2, 950)} Mio. Euro" if lang == "de" else f" for {rng.randint(2, 950)} million dollars",
            f" am {rng.randint(1, 28)}. Oktober" if lang == "de" else f" on {rng.randint(1, 28)} October",
            f" ({rng.randint(1, 99)},{rng.randint(0, 9)} Prozent)" if lang == "de" else f" ({rng.randint(1, 99)} %)",
        )
    )
    quote = f' „{nouns[2]} zuerst"' if lang == "de" and rng.random() < 0.1 else ""
    return f"{start} {verb} {nouns[0]} {AND[lang]} {nouns[1]}{facts}{quote}."


def write_seeds(folder: Path, count: int) -> None:
    """``count`` seeds named as the scraper names them (``000_41740d1de4a78704.txt``), always the same ones."""
    rng = random.Random(count)
    folder.mkdir(parents=True)
    for n in range(count):
        lang = "en" if n % 10 == 9 else "de"
        name = f"{n:03d}_{rng.getrandbits(64):016x}.txt"
        (folder / name).write_text(seed_text(rng, lang), encoding="utf-8")


def project(root: Path, count: int) -> None:
    """A project ready to import: the repository's config, an empty content folder, the seeds."""
    root.mkdir(parents=True)
    shutil.copy(REPO / "techdigest.toml", root / "techdigest.toml")
    (root / "content").mkdir()
    write_seeds(root / "seeds", count)


def time_import(root: Path, count: int) -> float:
    """Wall time of ``techdigest import`` in a fresh process; every seed must become a content file."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    command = [sys.executable, "-m", "techdigest.cli", "-C", str(root), "import", "--date", DAY]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"import failed ({done.returncode}): {done.stderr.strip()}")
    created = len(list((root / "content").glob("*.md")))
    if created != count:
        raise SystemExit(f"{created} content files from {count} seeds")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="seeds to import (default 1000)")
    parser.add_argument("--runs", type=int, default=3, help="runs, each in a new project (default 3)")
    parser.add_argument("--keep", type=Path, help="leave the last run's project here (must not exist)")
    args = parser.parse_args()
    times = []
    with tempfile.TemporaryDirectory(prefix="import-bench-") as scratch:
        for run in range(args.runs):
            root = Path(scratch) / f"run-{run}"
            project(root, args.count)
            os.sync()  # the seeds on disk, as a scraper's are by the time of an import: not flushed by its syncs
            times.append(time_import(root, args.count))
            print(f"run {run + 1}: {times[-1]:.2f} s", flush=True)
        if args.keep:
            shutil.copytree(root, args.keep)
    print(f"import of {args.count:,} seeds: median {statistics.median(times):.2f} s (min {min(times):.2f} s)")


if __name__ == "__main__":
    main()
