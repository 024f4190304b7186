"""``techdigest check``: the editor's gate, what stands between the content folder and publishing.

Errors are what must not go out: everything the build refuses in the content
files, and a ``techdigest.toml`` that still holds the shipped example address
or repository (the site would link to someone else's). ``deploy`` refuses to
publish on them, through :func:`check` itself. Reminders are what an editor
still has to do, each at its line: drafts, scheduled articles (with the time
they go live), titles still as the importer drafted them, texts not yet
translated, tags without a name in every language (at the ``tags`` line of
the first file using one), machine translations not yet reviewed. They do not
stop a publication: a draft is simply left out.

A title counts as imported when it ends in "…" (the importer's mark of a cut
lead) or when the article's text opens with it word for word: the importer's
titles are the lead's opening clauses, an editor's headline is not. That
needs neither the seed nor the importer's rules at hand, and it stays true
for titles of earlier importers.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import Counter
from dataclasses import dataclass

from .cache import BuildState, load_state
from .changes import Reading, select
from .config import CONFIG_NAME, EXAMPLE_BASE_URL, EXAMPLE_GITHUB_REPO, Config
from .corpus import ParsedFiles, articles_of, read_all
from .inputs import read_input
from .library import untranslated_tags
from .model import TRANSLATED, Article, ContentError, Problem
from .options import BuildOptions
from .records import header_lines, key_line
from .render import inputs_digest
from .tagnames import unreviewed_names

ERROR = "error"
# the kinds of reminder, in the order the summary names them (singular, plural)
_KINDS = {
    "draft": ("draft", "drafts"),
    "scheduled": ("scheduled", "scheduled"),
    "title": ("imported title", "imported titles"),
    "translation": ("open translation", "open translations"),
    "tag": ("untranslated tag", "untranslated tags"),
    "machine": ("unreviewed machine translation", "unreviewed machine translations"),
}
# the shipped example values: (table, key, its dotted name, the example, how to fix it)
_EXAMPLES = (
    (
        "",
        "base_url",
        "base_url",
        EXAMPLE_BASE_URL,
        "set the address the site is published at (GitHub Pages: https://OWNER.github.io/REPO/), or pass --base-url",
    ),
    (
        "feedback",
        "github_repo",
        "feedback.github_repo",
        EXAMPLE_GITHUB_REPO,
        'name your repository as OWNER/REPO (or "" for no rating form), or pass --feedback-repo',
    ),
)
_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)


@dataclass(frozen=True)
class Finding:
    kind: str  # ERROR, or one of the reminders' kinds
    problem: Problem

    def __str__(self) -> str:
        return f"{'error' if self.kind == ERROR else 'reminder'}: {self.problem}"


@dataclass(frozen=True)
class Report:
    articles: int | None  # None: a content file cannot be read, so no article is (their reminders wait)
    findings: tuple[Finding, ...]  # by file, then line

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.kind == ERROR]

    @property
    def reminders(self) -> list[Finding]:
        return [f for f in self.findings if f.kind != ERROR]

    def summary(self) -> str:
        """``checked 3 articles: 1 error; reminders: 1 draft, 2 open translations``."""
        errors = len(self.errors)
        counts = Counter(f.kind for f in self.reminders)
        reminders = ", ".join(
            f"{counts[kind]} {one if counts[kind] == 1 else many}"
            for kind, (one, many) in _KINDS.items()
            if counts[kind]
        )
        said = f"{errors or 'no'} error{'' if errors == 1 else 's'}"
        if self.articles is None:
            return f"checked the content: {said}; reminders once every file reads"
        checked = f"checked {self.articles} article{'' if self.articles == 1 else 's'}"
        return f"{checked}: {said}; " + (f"reminders: {reminders}" if reminders else "no reminders")


def check(config: Config, now: dt.datetime) -> Report:
    """Every finding about the project as published with ``config`` at ``now``."""
    try:
        parsed = read_all(config, load_state(config).parsed)  # the last build's parse of unchanged files
        articles: list[Article] | None = articles_of(parsed)
        refused = _unplannable(config, parsed, now)
    except ContentError as exc:
        articles, refused = None, exc.problems
    findings = [
        *(Finding(ERROR, p) for p in [*refused, *example_values(config)]),
        *(Finding(kind, p) for kind, p in _reminders(articles or [], config, now)),
    ]
    return Report(
        None if articles is None else len(articles),
        tuple(sorted(findings, key=lambda f: (f.problem.path, f.problem.line))),
    )


def _unplannable(config: Config, parsed: ParsedFiles, now: dt.datetime) -> list[Problem]:
    """What the build refuses beyond the files one by one: an alias taking another page's URL, a
    broken ``removed.toml``. Found by planning the site as ``build`` would at ``now`` (nothing is
    rendered or written)."""
    try:
        select(config, BuildState(), Reading(parsed, None), inputs_digest(config), BuildOptions(clock=now))
    except ContentError as exc:
        return exc.problems
    return []


def example_values(config: Config) -> list[Problem]:
    """The shipped example values still in the config: a site published with them points elsewhere."""
    return [
        Problem(CONFIG_NAME, _key_line(config, table, key), f"{name} is still the example {example}: {fix}")
        for table, key, name, example, fix in _EXAMPLES
        if getattr(config, name.replace(".", "_")) == example
    ]


def _key_line(config: Config, table: str, key: str) -> int:
    """The line of ``key`` in ``[table]`` ("": before any table) of the config file."""
    text = read_input(config.root / CONFIG_NAME, CONFIG_NAME, config.root).decode("utf-8")
    return key_line(text, header_lines(text).get(table, 0) if table else 0, key)


def _reminders(articles: list[Article], config: Config, now: dt.datetime) -> list[tuple[str, Problem]]:
    found = []
    for item in articles:
        if item.draft:
            found.append(("draft", _at(item, "draft", "a draft, not published: remove this line to publish it")))
        if item.published.at > now:
            found.append(("scheduled", _at(item, "date", f"scheduled: goes live {_live(item, config)}")))
        if imported := _imported_title(item):
            found.append(("title", _at(item, "title", f"title: still as imported ({imported}): write a headline")))
        if item.machine_translated:
            found.append(("machine", _at(item, "machine_translated", _unreviewed(item))))
    found.extend(("translation", p) for p in _missing_translations(articles, config))
    found.extend(("tag", p) for p in untranslated_tags(articles, config))
    found.extend(("machine", p) for p in unreviewed_names(config))
    return found


def _unreviewed(item: Article) -> str:
    codes = ", ".join(item.machine_translated)
    review = " ".join(f"--lang {code}" for code in item.machine_translated)
    return (
        f"machine_translated: the {codes} texts are machine translations, labelled so until reviewed: "
        f"read them, then techdigest review {item.slug} {review}"
    )


def _at(item: Article, key: str, message: str) -> Problem:
    return Problem(item.path, item.lines.get(key, 1), message)


def _live(item: Article, config: Config) -> str:
    """When the article goes live, in the site's time zone: ``2026-12-02 07:30 (Europe/Berlin)``."""
    at = item.published.at.astimezone(config.zone)
    return f"{at:%Y-%m-%d %H:%M} ({config.timezone})"


def _imported_title(item: Article) -> str:
    """Why the original language's title is still the importer's (see the module's docstring); "": it is not."""
    title = " ".join(item.title.get(item.language, "").split())
    lead = _FIRST_PARAGRAPH.search(item.body_html)
    opening = " ".join(html.unescape(re.sub(r"<[^>]+>", "", lead.group(1))).split()) if lead else ""
    if title.endswith("…"):
        return "cut with …"
    return "the text's opening words" if title and opening.startswith(title) else ""


def _missing_translations(articles: list[Article], config: Config) -> list[Problem]:
    problems = []
    for item in sorted(articles, key=lambda a: a.path):
        for field_name in TRANSLATED:
            values: dict[str, str] = getattr(item, field_name)
            if field_name == "feedback" and not values:
                continue
            for lang in config.languages:
                if not values.get(lang):
                    line = item.lines.get(field_name, 1)
                    problems.append(Problem(item.path, line, f"{field_name}: no {lang} text yet (not yet translated)"))
    return problems
