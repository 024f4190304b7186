"""Build-speed benchmark on a synthetic corpus of German articles.

Usage: python benchmarks/bench.py [--sizes 1000 10000] [--runs 3] [--keep DIR] [--peers] [--days 365] [--no-serve]

For each size N it generates a deterministic corpus (N articles of ~390 words with umlauts,
1–4 of 150 Zipf-distributed tags, titles and summaries in German and English, dated over
--days days: 2,000 by default, 5½ years; 365 puts them all in one year), then measures with
fresh processes, as a user runs them:

- cold build: empty output folder, no cache; of it, the search indexing (from the build's
  "prepared" stage to its "indexed" one)
- no-change rebuild and touch-one rebuild (the oldest article's text edited), each after a build
- serve: from an editor's save of one article to its rebuilt page on disk
- pages per second of the cold build, and peak RSS (the largest of all runs): of techdigest's
  main process, and of its largest child process (a forked worker or a Pagefind run)

With --peers it also builds the same corpus (one language: the German text) with Pelican,
installed from PyPI into a bench-only virtual environment (benchmarks/.peers-venv), and with
Hugo (Debian's `hugo`, if installed): one page per article, home and tag pages paginated by 20,
a tag index and one Atom feed, and prints the cold-build times and their ratios to ours.

Every time is the median of --runs runs.
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
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from techdigest.content import dump_article  # noqa: E402
from techdigest.model import FrontMatter, Moment  # noqa: E402

WORDS = (
    "Rechenzentrum Chip Halbleiter Übernahme Größe Prüfung Grafikkarte Software Schnittstelle Modell "
    "Künstliche Intelligenz Speicher Leistung Energie Kühlung Fertigung Wafer Vertrag Börse Anleger "
    "Forschung Entwicklung Sicherheit Lücke Update Browser Betriebssystem Netzwerk Glasfaser Mobilfunk "
    "Akku Elektroauto Ladesäule Roboter Sensor Kamera Display Prozessor Takt Kern Cache Treiber"
).split()
GLUE = "der die das und mit für über bei von zu im auf ist hat wird sind werden nicht auch noch schon".split()
TAGS = [f"Thema {n}" for n in range(1, 151)]


def generate(root: Path, count: int, days: int = 2000) -> None:
    """A project folder with ``count`` articles dated evenly over ``days`` days from 2020-01-01 (2,000:
    5½ years; 365: all in one year); the same arguments always give the same files."""
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
            published=Moment(
                dt.datetime.combine(start + dt.timedelta(days=n * days // max(count, 1)), dt.time(), dt.UTC)
            ),
            language="de",
            tags=tags,
            summary={"de": _paragraph(rng, 40), "en": _paragraph(rng, 40)},
            feedback={
                "de": "Wie bewerten Sie den Schreibstil des Artikels?",
                "en": "How would you rate the writing style of this article?",
            },
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
        raise SystemExit(f"{' '.join(command)} failed (wait status {status}): {process.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss // 1024


# `techdigest build` as the `techdigest` program runs it (techdigest.cli.command: the cycle collector
# left off after the build, out at once without freeing the heap), in a process that
# reports, on its last line of stderr, the seconds from "prepared" to "indexed" (the search indexing)
# and the peak RSS in MiB of itself and of its largest child process (a forked worker or a Pagefind run)
BUILD = """
import os, resource, sys, time
from techdigest.cli import main
reached = {}
on_stage = lambda stage: reached.setdefault(stage, time.perf_counter())
code = main(["-C", sys.argv[1], "build"], on_stage=on_stage, exits=True)
print(reached["indexed"] - reached["prepared"] if "indexed" in reached else 0.0,
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
      resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024, file=sys.stderr, flush=True)
sys.stdout.flush()
os._exit(code)
"""


@dataclass(frozen=True)
class Built:
    seconds: float
    search_seconds: float  # of which indexing for search
    rss: int  # MiB, of techdigest's main process
    rss_children: int  # MiB, of its largest child: a forked worker or Pagefind


def run_build(root: Path) -> Built:
    """One build, timed from a settled disk: what the previous one wrote is flushed first (a cold
    build leaves ~300 MB of pages at N = 10,000 for the disk to write, which slowed the next build's
    file system calls by a tenth of a second and more; an editor's next edit comes minutes later)."""
    os.sync()
    started = time.perf_counter()
    command = [sys.executable, "-c", BUILD, str(root)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    errors = process.communicate()[1].decode()
    elapsed = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"build failed (exit {process.returncode}): {errors}")
    search, own, children = errors.split()[-3:]
    return Built(elapsed, float(search), int(own), int(children))


def touch_one(root: Path, n: int) -> Path:
    article = root / "content" / "meldung-00000.md"
    article.write_text(
        re.sub(r"\n\n(\w+)", rf"\n\nGeändert{n} \1", article.read_text(encoding="utf-8"), count=1), encoding="utf-8"
    )
    return article


def serve_latency(root: Path, runs: int) -> list[float]:
    """Seconds from an atomic save of one article to its page on disk, as ``serve`` rebuilds it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = root / "serve.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "techdigest.cli", "-C", str(root), "serve", "--port", str(port)],
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
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
            marker = f"Gespeichert{os.getpid()}x{n}"  # new in every run, also on a kept corpus
            text = re.sub(r"\n\n(\w+)", rf"\n\n{marker} \1", article.read_text(encoding="utf-8"), count=1)
            temp = article.with_suffix(".tmp")
            temp.write_text(text, encoding="utf-8")
            saved = time.perf_counter()
            os.replace(temp, article)
            while marker not in _read(page):
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


def set_aside(path: Path) -> None:
    """Move ``path`` out of the way, to be removed after the last measurement (see :func:`main`)."""
    if path.exists():
        path.rename(path.with_name(f".removed-{path.name}-{time.monotonic_ns()}"))


def measure(count: int, args: argparse.Namespace, removed: list[Path]) -> dict[str, float]:
    """``args``: the command line's runs, keep, days and no_serve; ``removed``: what to remove at the end."""
    runs, keep = args.runs, args.keep
    work = Path(tempfile.mkdtemp(prefix=f"techdigest-bench-{count}-", dir=keep))
    root = work / "project"
    root.mkdir()
    generate(root, count, args.days)
    cold, unchanged, touched = [], [], []
    for n in range(runs):
        set_aside(root / "site")
        set_aside(root / ".techdigest-cache")
        cold.append(run_build(root))
        unchanged.append(run_build(root))
        touch_one(root, n)
        touched.append(run_build(root))
    pages = sum(1 for p in (root / "site").rglob("*.html") if "pagefind" not in p.parts)
    latency = [] if args.no_serve else serve_latency(root, runs)
    removed += root.glob(".removed-*")
    if not keep:
        removed.append(work)
    results = {
        "cold build (s)": statistics.median(b.seconds for b in cold),
        "  of which search (s)": statistics.median(b.search_seconds for b in cold),
        "no-change rebuild (s)": statistics.median(b.seconds for b in unchanged),
        "touch-one rebuild (s)": statistics.median(b.seconds for b in touched),
        "  of which search (s) ": statistics.median(b.search_seconds for b in touched),
        "pages": pages,
        "pages/s (cold)": pages / statistics.median(b.seconds for b in cold),
        "peak RSS, techdigest (MiB)": max(b.rss for b in cold + unchanged + touched),
        "peak RSS, child (MiB)": max(b.rss_children for b in cold + unchanged + touched),
    }
    return results | ({"serve save-to-disk (s)": statistics.median(latency)} if latency else {})


PEERS_VENV = REPO / "benchmarks" / ".peers-venv"
PELICAN_CONF = """PATH = "content"
OUTPUT_PATH = "output"
SITENAME = "techdigest bench"
SITEURL = "https://example.org"
TIMEZONE = "UTC"
DEFAULT_LANG = "de"
DEFAULT_PAGINATION = 20
# folder-style pages: Pelican's default "{base_name}{number}.html" makes page 2 of tag "Thema 1"
# collide with the tag "Thema 12"
TAG_URL = "tag/{slug}/"
TAG_SAVE_AS = "tag/{slug}/index.html"
PAGINATION_PATTERNS = ((1, "{url}", "{save_as}"),
                       (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"))
RELATIVE_URLS = True
LOAD_CONTENT_CACHE = False
FEED_ALL_ATOM = "feed.xml"
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
"""
HUGO_CONFIG = """baseURL = "https://example.org/"
languageCode = "de"
title = "techdigest bench"
disableKinds = ["section"]
[pagination]
  pagerSize = 20
[outputs]
  home = ["HTML", "RSS"]
  taxonomy = ["HTML"]
  term = ["HTML"]
"""
HUGO_LAYOUTS = {
    "_default/baseof.html": "<!DOCTYPE html><html lang=de><head><title>{{ .Title }}</title></head>"
    '<body>{{ block "main" . }}{{ end }}</body></html>',
    "_default/single.html": '{{ define "main" }}<h1>{{ .Title }}</h1><p>{{ .Date.Format "2006-01-02" }}</p>'
    '{{ range .Params.tags }}<a href="/tags/{{ . | urlize }}/">{{ . }}</a> {{ end }}'
    "{{ .Content }}{{ end }}",
    "_default/list.html": '{{ define "main" }}<h1>{{ .Title }}</h1>{{ range .Paginator.Pages }}'
    '<h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2><p>{{ .Summary }}</p>{{ end }}'
    '{{ template "_internal/pagination.html" . }}{{ end }}',
    "_default/terms.html": '{{ define "main" }}{{ range .Data.Terms.Alphabetical }}'
    '<a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> {{ .Count }} {{ end }}{{ end }}',
    # every regular page is a post: no `where` filter, which made Hugo's pagination quadratic in our tests
    "index.html": '{{ define "main" }}{{ range (.Paginate .Site.RegularPages).Pages }}'
    '<h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2><p>{{ .Summary }}</p>{{ end }}'
    '{{ template "_internal/pagination.html" . }}{{ end }}',
}


def peer_corpus(root: Path) -> list[tuple[str, str, str, list[str], str, str]]:
    """(slug, German title, date, tags, German summary, Markdown body) of every generated article."""
    import yaml

    articles = []
    for path in sorted((root / "content").glob("*.md")):
        _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
        meta = yaml.safe_load(front)
        articles.append((path.stem, meta["title"]["de"], str(meta["date"]), meta["tags"], meta["summary"]["de"], body))
    return articles


def pelican_build(root: Path, articles: list) -> list[str]:
    if not (PEERS_VENV / "bin" / "pelican").exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEERS_VENV)], check=True)
        subprocess.run([str(PEERS_VENV / "bin" / "pip"), "install", "-q", "pelican[markdown]"], check=True)
    site = root / "pelican"
    (site / "content").mkdir(parents=True)
    (site / "pelicanconf.py").write_text(PELICAN_CONF, encoding="utf-8")
    for slug, title, date, tags, summary, body in articles:
        (site / "content" / f"{slug}.md").write_text(
            f"Title: {title}\nDate: {date}\nSlug: {slug}\nTags: {', '.join(tags)}\nSummary: {summary}\n\n{body}",
            encoding="utf-8",
        )
    return [
        str(PEERS_VENV / "bin" / "pelican"),
        str(site / "content"),
        "-s",
        str(site / "pelicanconf.py"),
        "-o",
        str(site / "output"),
    ]


def hugo_build(root: Path, articles: list) -> list[str] | None:
    if not shutil.which("hugo"):
        return None
    site = root / "hugo"
    (site / "content" / "posts").mkdir(parents=True)
    (site / "config.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        (site / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
        (site / "layouts" / name).write_text(text, encoding="utf-8")
    for slug, title, date, tags, summary, body in articles:
        tag_list = ", ".join(f'"{t}"' for t in tags)
        (site / "content" / "posts" / f"{slug}.md").write_text(
            f'---\ntitle: "{title}"\ndate: {date}\ntags: [{tag_list}]\nsummary: "{summary}"\n---\n\n{body}',
            encoding="utf-8",
        )
    return ["hugo", "--source", str(site), "--destination", str(site / "public"), "--quiet"]


def measure_peers(count: int, runs: int, ours: float, days: int, removed: list[Path]) -> None:
    work = Path(tempfile.mkdtemp(prefix=f"techdigest-peers-{count}-"))
    (work / "corpus").mkdir()
    generate(work / "corpus", count, days)
    articles = peer_corpus(work / "corpus")
    for name, make in (("Pelican", pelican_build), ("Hugo", hugo_build)):
        command = make(work, articles)
        if command is None:
            print(f"  {name}: not installed (apt-get install hugo)")
            continue
        output = Path(command[command.index("-o" if name == "Pelican" else "--destination") + 1])
        times, rss = [], []
        for _ in range(runs):
            set_aside(output)
            seconds, peak = run(command)
            times.append(seconds)
            rss.append(peak)
        median = statistics.median(times)
        print(
            f"  {name:<8} cold {median:>8.2f} s  peak RSS {statistics.median(rss):>5} MiB  "
            f"techdigest takes {ours / median:.2f}× {name}'s time"
        )
    removed.append(work)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="keep the generated projects in this folder")
    parser.add_argument("--peers", action="store_true", help="also build the corpus with Pelican and Hugo")
    parser.add_argument(
        "--days", type=int, default=2000, help="the articles' dates spread over this many days (365: all in one year)"
    )
    parser.add_argument("--no-serve", action="store_true", help="leave out serve's save-to-disk time")
    args = parser.parse_args()
    print(f"techdigest benchmark: {os.cpu_count()} cores, Python {sys.version.split()[0]}, median of {args.runs} runs")
    # what the runs remove waits until the end: an ext4 without a journal (this machine's) makes new
    # files slowly for a minute after many were removed (benchmarks/README.md, "the disk"), and a
    # cold build right after the previous one's site was deleted would measure that, not the build
    removed: list[Path] = []
    for count in args.sizes:
        results = measure(count, args, removed)
        print(f"\nN = {count}")
        for name, value in results.items():
            print(f"  {name:<24} {value:>10.2f}" if isinstance(value, float) else f"  {name:<24} {value:>10}")
        if args.peers:
            print("  peers, same corpus in one language (techdigest builds two), same run:")
            measure_peers(count, args.runs, results["cold build (s)"], args.days, removed)
    for path in removed:
        shutil.rmtree(path, ignore_errors=True)


if __name__ == "__main__":
    main()
