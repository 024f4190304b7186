"""What ``techdigest feedback`` shows: a table for the terminal, JSON, CSV, and an HTML report page.

Everything in them that came from outside (titles, comments, slugs: a reader
typed some of it) is made safe where it goes: through ``model.printable`` for
the terminal (no escape sequence reaches it), escaped in HTML. The report page
is one self-contained file: inline CSS, an inline SVG bar chart per article
and language (no script at all), and the same numbers as a table, for screen
readers and for copying; it is written whole or not at all. A comment is shown
in its section's language, wrapped anywhere a long word or URL needs it, and cut
to the form's 2,000 characters (``…`` says so); ``--json`` keeps it whole.
"""

from __future__ import annotations

import csv
import html
import io
import json
from pathlib import Path

from .edits import replace_file
from .feedback import MAX_COMMENT, Stats, Summary
from .model import CONTROL_CHARACTERS, printable

STARS = (1, 2, 3, 4, 5)


def table(summary: Summary) -> list[str]:
    """Lines for the terminal: one row per article and language, then the comments."""
    header = ["article", "lang", "ratings", "mean", *(f"{n}★" for n in STARS), "title"]
    rows = [header] + [
        [
            s.article.slug,
            s.lang,
            str(s.count),
            f"{s.mean:.2f}",
            *map(str, s.distribution),
            s.article.text("title", s.lang).value,
        ]
        for s in summary.stats
    ]
    widths = [max(len(printable(row[n])) for row in rows) for n in range(len(header) - 1)]
    lines = [
        printable(
            "  ".join(
                [*(_pad(cell, width, n) for n, (cell, width) in enumerate(zip(row, widths, strict=False))), row[-1]]
            )
        )
        for row in rows
    ]
    comments = [
        printable(f"{s.article.slug} ({s.lang}) {c.time[:10]}: {clipped(' '.join(c.text.split()))}")
        for s in summary.stats
        for c in s.comments
    ]
    return lines + (["", "comments:", *comments] if comments else [])


def clipped(comment: str) -> str:
    """A comment as the table and the report show it: at most the form's 2,000 characters, ``…`` ending
    a longer one (a GitHub issue's text can be longer than the form lets a reader write)."""
    return comment if len(comment) <= MAX_COMMENT else comment[: MAX_COMMENT - 1] + "…"


def _pad(cell: str, width: int, column: int) -> str:
    """Text columns to the left, numbers to the right (the width as the cell is printed)."""
    fill = " " * (width - len(printable(cell)))
    return cell + fill if column < 2 else fill + cell  # noqa: PLR2004 - article and lang are text


def as_json(summary: Summary) -> str:
    return json.dumps(
        {
            "ratings": [_record(s) for s in summary.stats],
            "skipped": [{"where": s.where, "reason": s.reason} for s in summary.skipped],
        },
        ensure_ascii=False,
        indent=2,
    )


def _record(stats: Stats) -> dict[str, object]:
    return {
        "article": stats.article.slug,
        "id": stats.article.id,
        "lang": stats.lang,
        "title": stats.article.text("title", stats.lang).value,
        "date": stats.article.date.isoformat(),
        "count": stats.count,
        "mean": round(stats.mean, 2),
        "distribution": dict(zip(map(str, STARS), stats.distribution, strict=True)),
        "comments": [{"time": c.time, "text": c.text, "source": c.where} for c in stats.comments],
    }


def as_csv(summary: Summary) -> str:
    """One row per article and language (the comments are in ``--json`` and ``--html``)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["article", "id", "lang", "title", "date", "count", "mean", *map(str, STARS), "comments"])
    for s in summary.stats:
        r = _record(s)
        writer.writerow(
            [r["article"], r["id"], r["lang"], _csv_safe(str(r["title"])), r["date"], r["count"], r["mean"]]
            + [*s.distribution, len(s.comments)]
        )
    return out.getvalue()


def _csv_safe(text: str) -> str:
    """A title a spreadsheet must not take for a formula (``=HYPERLINK(…)``)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write_html(path: Path, summary: Summary, site_title: str) -> None:
    """The report page, replacing ``path`` in one step."""
    replace_file(path, html_page(summary, site_title))


_CSS = """
body{font:1rem/1.5 system-ui,sans-serif;margin:2rem auto;max-width:48rem;padding:0 1rem;color:#1a1a1a;
overflow-wrap:anywhere}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin:2rem 0 .25rem}
.meta{color:#555;margin:0 0 .5rem}table{border-collapse:collapse;margin:.5rem 0}
th,td{border:1px solid #bbb;padding:.2rem .6rem;text-align:right}th[scope=row]{text-align:left}
svg{display:block;max-width:100%;height:auto}.bar{fill:#1f5f99}.label{font-size:12px;fill:#1a1a1a}
blockquote{margin:.4rem 0;padding-left:.8rem;border-left:3px solid #bbb;white-space:pre-wrap}
"""


def html_page(summary: Summary, site_title: str) -> str:
    sections = "\n".join(_section(s) for s in summary.stats) or "<p>No ratings yet.</p>"
    skipped = "".join(f"<li>{_e(s.where)}: {_e(s.reason)}</li>" for s in summary.skipped)
    skipped_part = f"<h2>Skipped</h2>\n<ul>{skipped}</ul>" if skipped else ""
    title = f"Reader ratings: {site_title}"
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n<main>\n<h1>{_e(title)}</h1>\n"
        f"<p>{summary.counted} rating{'' if summary.counted == 1 else 's'} counted, "
        f"{len(summary.skipped)} skipped; newest article first.</p>\n{sections}\n{skipped_part}\n</main>\n"
        "</body>\n</html>\n"
    )


def _section(stats: Stats) -> str:
    title = stats.article.text("title", stats.lang)
    key = f"{stats.article.slug}-{stats.lang}"
    comments = "".join(
        f'<li><time datetime="{_e(c.time)}">{_e(c.time[:10])}</time> '
        f"<blockquote>{_e(clipped(c.text))}</blockquote></li>"
        for c in stats.comments
    )
    return (
        f'<section aria-labelledby="h-{_e(key)}">\n'
        f'<h2 id="h-{_e(key)}" lang="{_e(title.lang)}">{_e(title.value)}</h2>\n'
        f'<p class="meta">{_e(stats.article.slug)} · {_e(stats.lang)} · {stats.article.date.isoformat()} · '
        f"{stats.count} rating{'' if stats.count == 1 else 's'}, mean {stats.mean:.2f}</p>\n"
        f"{_chart(stats, key)}\n{_numbers(stats)}\n"
        + (f'<h3>Comments</h3>\n<ul lang="{_e(stats.lang)}">{comments}</ul>\n' if comments else "")
        + "</section>"
    )


def _chart(stats: Stats, key: str) -> str:
    """Five horizontal bars (1 to 5 stars), each with its count as text and as its accessible name."""
    most = max(stats.distribution) or 1
    bars = []
    for row, (stars, n) in enumerate(zip(STARS, stats.distribution, strict=True)):
        y, width = row * 24 + 4, round(300 * n / most)
        bars.append(
            f'<g role="listitem" aria-label="{stars} of 5: {n}"><title>{stars} of 5: {n}</title>'
            f'<text class="label" x="0" y="{y + 14}">{stars}/5</text>'
            f'<rect class="bar" x="40" y="{y}" width="{width}" height="18"/>'
            f'<text class="label" x="{46 + width}" y="{y + 14}">{n}</text></g>'
        )
    label = f"Ratings of {stats.article.slug} ({stats.lang}), 1 to 5"
    return (
        f'<svg id="chart-{_e(key)}" role="list" aria-label="{_e(label)}" viewBox="0 0 400 124" width="400" '
        f'height="124" xmlns="http://www.w3.org/2000/svg">{"".join(bars)}</svg>'
    )


def _numbers(stats: Stats) -> str:
    cells = "".join(f"<td>{n}</td>" for n in stats.distribution)
    head = "".join(f'<th scope="col">{stars}/5</th>' for stars in STARS)
    return (
        f'<table><caption class="meta">Ratings by stars</caption><tr><th scope="col">lang</th>{head}'
        f'<th scope="col">mean</th></tr><tr><th scope="row">{_e(stats.lang)}</th>{cells}'
        f"<td>{stats.mean:.2f}</td></tr></table>"
    )


def _e(text: str) -> str:
    """Escaped for HTML; control characters (no text of a page may hold them) shown as ``\\x1b``."""
    shown = CONTROL_CHARACTERS.sub(lambda found: found.group().encode("unicode_escape").decode("ascii"), text)
    return html.escape(shown, quote=True)
