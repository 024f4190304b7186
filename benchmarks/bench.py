"""Build-speed benchmark on a synthetic corpus of German articles.

Usage: python benchmarks/bench.py [--sizes 1000 10000] [--runs 3] [--keep DIR]

For each size N it generates a deterministic corpus (N articles of ~390 words with umlauts,
1–4 of 150 Zipf-distributed tags, titles and summaries in German and English), then measures
with fresh processes, as a user runs them:

- cold build: empty output folder, no cache
- no-change rebuild and touch-one rebuild (one article's text edited), each after a build
- serve: from an editor's save of one article to its rebuilt page on disk
- pages per second of the cold build, and the peak RSS of the largest process

Every number is the median of --runs runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from techdigest.content import dump_article  # noqa: E402
from techdigest.model import FrontMatter  # noqa: E402

WORDS = ("Rechenzentrum Chip Halbleiter Übernahme Größe Prüfung Grafikkarte Software Schnittstelle Modell "
         "Künstliche Intelligenz Speicher Leistung Energie Kühlung Fertigung Wafer Vertrag Börse Anleger "
         "Forschung Entwicklung Sicherheit Lücke Update Browser Betriebssystem Netzwerk Glasfaser Mobilfunk "
         "Akku Elektroauto Ladesäule Roboter Sensor Kamera Display Prozessor Takt Kern Cache Treiber").split()
GLUE = "der die das und mit für über bei von zu im auf ist hat wird sind werden nicht auch noch schon".split()
TAGS = [f"Thema {n}" for n in range(1, 151)]


def generate(root: Path, count: int) -> None:
    """A project folder with ``count`` articles; the same ``count`` always gives the same files."""
    rng = random.Random(count)
    for name in ("templates", "locales"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "techdigest.toml", root / "techdigest.toml")
    (root / "content").mkdir()
    weights = [1 / rank for rank in range(1, len(TAGS) + 1)]
    start = dt.date(2020, 1, 1)
    for n in range(count):
        paragraphs = tuple(_paragraph(rng, 78) for _ in range(5))
        tags = tuple(dict.fromkeys(rng.choices(TAGS, weights, k=rng.randint(1, 4))))
        front = FrontMatter(
            title={"de": f"Meldung {n}: {_words(rng, 6)}", "en": f"Report {n}: {_words(rng, 6)}"},
            date=start + dt.timedelta(days=n * 2000 // max(count, 1)),
            language="de", tags=tags,
            summary={"de": _paragraph(rng, 40), "en": _paragraph(rng, 40)},
            feedback={"de": "Wie bewerten Sie den Schreibstil des Artikels?",
                      "en": "How would you rate the writing style of this article?"},
            source=f"seeds/{n:05d}.txt",
        )
        (root / "content" / f"meldung-{n:05d}.md").write_text(dump_article(front, paragraphs), encoding="utf-8")


def _words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(WORDS if i % 2 else GLUE) for i in range(count))


def _paragraph(rng: random.Random, count: int) -> str:
    sentences = []
    while count > 0:
        size = min(count, rng.randint(8, 16))
        sentences.append(_words(rng, size).capitalize() + ".")
        count -= size
    return " ".join(sentences)


def run(command: list[str]) -> tuple[float, int]:
    """Wall time and peak RSS (MiB) of the largest process among the command and its children."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"{' '.join(command)} failed: {process.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss // 1024


def touch_one(root: Path, n: int) -> Path:
    article = root / "content" / "meldung-00000.md"
    article.write_text(re.sub(r"\n\n(\w+)", rf"\n\nGeändert{n} \1", article.read_text(encoding="utf-8"), count=1),
                       encoding="utf-8")
    return article


def serve_latency(root: Path, runs: int) -> list[float]:
    """Seconds from an atomic save of one article to its page on disk, as ``serve`` rebuilds it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = root / "serve.log"
    process = subprocess.Popen([sys.executable, "-m", "techdigest.cli", "-C", str(root), "serve", "--port", str(port)],
                               stdout=log.open("w"), stderr=subprocess.STDOUT)
    try:
        while "serving http" not in log.read_text():
            if process.poll() is not None:
                raise SystemExit(log.read_text())
            time.sleep(0.1)
        output = Path(re.search(r"into (\S+) in", log.read_text()).group(1))
        page = output / "de" / "2020" / "meldung-00000" / "index.html"
        latencies = []
        for n in range(runs):
            time.sleep(1)
            article = root / "content" / "meldung-00000.md"
            text = re.sub(r"\n\n(\w+)", rf"\n\nGespeichert{n} \1", article.read_text(encoding="utf-8"), count=1)
            temp = article.with_suffix(".tmp")
            temp.write_text(text, encoding="utf-8")
            saved = time.perf_counter()
            os.replace(temp, article)
            while f"Gespeichert{n}" not in _read(page):
                time.sleep(0.002)
            latencies.append(time.perf_counter() - saved)
        return latencies
    finally:
        process.terminate()
        process.wait()


def _read(page: Path) -> str:
    try:
        return page.read_text(encoding="utf-8")
    except OSError:
        return ""


def measure(count: int, runs: int, keep: Path | None) -> dict[str, float]:
    work = Path(tempfile.mkdtemp(prefix=f"techdigest-bench-{count}-", dir=keep))
    root = work / "project"
    root.mkdir()
    generate(root, count)
    build = [sys.executable, "-m", "techdigest.cli", "-C", str(root), "build"]
    cold, unchanged, touched, rss = [], [], [], []
    for n in range(runs):
        shutil.rmtree(root / "site", ignore_errors=True)
        shutil.rmtree(root / ".techdigest-cache", ignore_errors=True)
        seconds, peak = run(build)
        cold.append(seconds)
        rss.append(peak)
        unchanged.append(run(build)[0])
        touch_one(root, n)
        touched.append(run(build)[0])
    pages = sum(1 for _ in (root / "site").rglob("*.html"))
    latency = serve_latency(root, runs)
    if not keep:
        shutil.rmtree(work)
    return {
        "cold build (s)": statistics.median(cold),
        "no-change rebuild (s)": statistics.median(unchanged),
        "touch-one rebuild (s)": statistics.median(touched),
        "serve save-to-disk (s)": statistics.median(latency),
        "pages": pages,
        "pages/s (cold)": pages / statistics.median(cold),
        "peak RSS (MiB)": statistics.median(rss),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="keep the generated projects in this folder")
    args = parser.parse_args()
    print(f"techdigest benchmark: {os.cpu_count()} cores, Python {sys.version.split()[0]}, median of {args.runs} runs")
    for count in args.sizes:
        results = measure(count, args.runs, args.keep)
        print(f"\nN = {count}")
        for name, value in results.items():
            print(f"  {name:<24} {value:>10.2f}" if isinstance(value, float) else f"  {name:<24} {value:>10}")


if __name__ == "__main__":
    main()
