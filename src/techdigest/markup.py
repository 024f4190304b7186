"""Markdown to safe HTML: the only module importing Python-Markdown.

Two kinds of hostile Markdown are made harmless here, each at the depth where
Python-Markdown decides it:

- **Live URLs.** After inline processing (and after escaped characters are put
  back), every URL-bearing attribute of every element is judged the way a
  browser will read it: character references decoded, leading and trailing C0
  controls and spaces stripped, tabs and newlines removed (WHATWG URL parsing),
  then the scheme is what precedes ``:`` if it looks like one. Only ``http``,
  ``https``, ``mailto`` and relative URLs stay; a link with any other scheme
  becomes its plain text, an image becomes its alt text.
- **Costly nesting.** Python-Markdown recurses once per level of lists and
  block quotes (a few hundred levels are a ``RecursionError``); its link
  scanners read from every ``[`` (and every ``](``) to the end of the
  paragraph (20,000 brackets are minutes); its setext-heading and rule
  processors read the rest of a block again for each heading or rule
  without a blank line before the next (10,000 are minutes). A line nested
  deeper than ``MAX_NESTING`` levels is refused with its line; link text and
  link targets are read at most ``MAX_LINK_SPAN`` characters far; what the
  link scanners and the splitting processors read in one document is bounded
  by budgets linear in its length, so every document converts in linear
  time or is refused with a one-line error.

``markdown.unsafe_html = true`` means the content is trusted like a template:
raw HTML passes as written (scripts included); the URLs of Markdown's own
links and images are checked in both modes.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field

import markdown
from markdown import inlinepatterns, util
from markdown.blockprocessors import BlockProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from .model import ContentError

Converter = markdown.Markdown
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "cite", "poster", "background", "data", "longdesc")
MAX_NESTING = 32  # levels of lists and block quotes; real articles use a handful
MAX_LINK_SPAN = 2000  # characters of link text, or of a link's target and title
# What the link scanners and the splitting block processors may read per document: a base, plus so
# many per character of it (converting then takes at most about a second per 100 KB).
_LINK_SCANS = (1_000_000, 20)
_BLOCK_READS = (5_000_000, 100)
# Python-Markdown's link processors, with the priorities it registers them at
_LINK_PROCESSORS = {
    "reference": 170,
    "link": 160,
    "image_link": 150,
    "image_reference": 140,
    "short_reference": 130,
    "short_image_ref": 125,
}
# Python-Markdown's block processors that split a block and put the rest back, with their priorities
_SPLITTING_PROCESSORS = {"setextheader": 60, "hr": 50}
_CONTAINER = re.compile(r"( *)(?:> ?|[*+-] |\d+\. )")
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
_C0_OR_SPACE = "".join(map(chr, range(0x21)))


class MarkupError(Exception):
    """A problem at ``line`` of the Markdown text (1-based)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class _ScanBudget:
    """What the costly scanners may still read in the document being converted, and its lines (for errors).

    Python-Markdown's link scanners and two of its block processors read text
    again and again in some inputs (unclosed brackets; headings and rules
    without blank lines between them): both are charged, each to its own
    budget, so the work on one document stays linear in its length.
    """

    base: int
    per_char: int
    left: int = 0
    lines: list[str] = field(default_factory=list)

    def start(self, lines: list[str]) -> None:
        """A new document: its lines, and its budget."""
        self.lines = lines
        self.left = self.base + self.per_char * sum(len(line) + 1 for line in lines)

    def charge(self, chars: int, near: str, problem: str, advice: str) -> None:
        """``near``: the text being read, to name the line; ``problem`` and ``advice`` say what to change."""
        self.left -= chars
        if self.left < 0:
            excerpt = re.split(r"[\n\x02\x03]", near)[0][:21]
            line = next((n for n, text in enumerate(self.lines, 1) if excerpt and excerpt in text), 1)
            raise MarkupError(line, f"{problem} (near {excerpt!r}); {advice}")


class _ChargedSplits(BlockProcessor):
    """A heading or rule processor whose every run is charged with the length of the block it splits.

    Python-Markdown's setext-heading and rule processors split one line off a
    block and put the rest back, split into lines again on the next run: a few
    thousand of them without blank lines between are quadratic (minutes).
    """

    budget: _ScanBudget

    def run(self, parent: etree.Element, blocks: list[str]) -> bool | None:
        self.budget.charge(
            len(blocks[0]),
            blocks[0],
            "too many headings or rules without blank lines between them to read as Markdown",
            "put blank lines between them",
        )
        return super().run(parent, blocks)


def make_markdown(unsafe_html: bool) -> Converter:
    """One converter per build (per process), reused for every article by :func:`to_html`.

    Raw HTML is off unless the config turns it on: the html_block preprocessor
    and the inline html pattern are removed, so ``<script>`` is shown as text.
    """
    converter = markdown.Markdown(extensions=["sane_lists"], output_format="html")
    if not unsafe_html:
        converter.preprocessors.deregister("html_block")
        converter.inlinePatterns.deregister("html")
    budget, blocks = _ScanBudget(*_LINK_SCANS), _ScanBudget(*_BLOCK_READS)
    converter.preprocessors.register(_Limits((budget, blocks)), "techdigest_limits", 40)
    for name, priority in _SPLITTING_PROCESSORS.items():
        original = converter.parser.blockprocessors[name]
        charged = type(type(original).__name__, (_ChargedSplits, type(original)), {"budget": blocks})
        converter.parser.blockprocessors.register(charged(converter.parser), name, priority)
    for name, priority in _LINK_PROCESSORS.items():
        inline = converter.inlinePatterns[name]
        bounded = type(type(inline).__name__, (_BoundedScans, type(inline)), {})
        converter.inlinePatterns.register(bounded(inline.pattern, converter, budget), name, priority)
    converter.treeprocessors.register(_SafeUrls(converter), "techdigest_safe_urls", -10)
    return converter


def to_html(converter: Converter, body: str, path: str, first_line: int) -> str:
    """``body`` as HTML; a problem is reported at its line of ``path``, where the body starts at ``first_line``."""
    converter.reset()
    try:
        return converter.convert(body)
    except MarkupError as exc:
        raise ContentError.single(path, first_line + exc.line - 1, exc.message) from None


def url_scheme(url: str) -> str | None:
    """The scheme a browser reads in ``url`` as written in an HTML attribute, lowercased; None if relative."""
    value = html.unescape(url.replace(util.AMP_SUBSTITUTE, "&"))
    value = re.sub("[\t\n\r]", "", value.strip(_C0_OR_SPACE))
    match = _SCHEME.match(value)
    return match.group(1).lower() if match else None


def is_safe_url(url: str) -> bool:
    """Allowed scheme or relative; a left-over placeholder would become unknown text, so it is not safe."""
    if util.STX in url.replace(util.AMP_SUBSTITUTE, "") or util.ETX in url.replace(util.AMP_SUBSTITUTE, ""):
        return False
    scheme = url_scheme(url)
    return scheme is None or scheme in SAFE_SCHEMES


class _Limits(Preprocessor):
    """Refuses lines nested too deeply before the recursive block parser sees them; sets the scan budgets."""

    def __init__(self, budgets: tuple[_ScanBudget, ...]) -> None:
        super().__init__()
        self.budgets = budgets

    def run(self, lines: list[str]) -> list[str]:
        for number, line in enumerate(lines, 1):
            if _nesting(line.expandtabs(4)) > MAX_NESTING:
                raise MarkupError(
                    number,
                    f"lists and block quotes nested more than {MAX_NESTING} levels deep "
                    "(each 4 spaces of indentation count as a level)",
                )
        for budget in self.budgets:
            budget.start(lines)
        return lines


def _nesting(line: str) -> int:
    """An upper bound of the levels of lists and quotes a line opens: its markers and its 4-space indents."""
    depth = spaces = position = 0
    while match := _CONTAINER.match(line, position):
        depth += 1
        spaces += len(match.group(1))
        position = match.end()
    spaces += len(line) - position - len(line[position:].lstrip(" "))
    return depth + spaces // 4


class _BoundedScans(inlinepatterns.LinkInlineProcessor):
    """Link scanners that read at most ``MAX_LINK_SPAN`` characters, each read charged to the document's budget."""

    def __init__(self, pattern: str, md: Converter, budget: _ScanBudget) -> None:
        super().__init__(pattern, md)
        self.budget = budget

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:  # noqa: N802 (Python-Markdown's name)
        window = data[index : index + MAX_LINK_SPAN]
        text, end, handled = super().getText(window, 0)
        self._charge(end, data, index)
        return text, index + end, handled

    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:  # noqa: N802
        window = data[index : index + MAX_LINK_SPAN]
        href, title, end, handled = super().getLink(window, 0)
        handled = handled and end >= 0  # Python-Markdown answers -1 for an unclosed quoted title: no link
        self._charge(end if handled else len(window) if window.startswith("(") else 0, data, index)
        return href, title, index + end, handled

    def _charge(self, chars: int, data: str, index: int) -> None:
        self.budget.charge(
            chars,
            data[max(index - 1, 0) : index + 20],
            "too many unclosed '[' or '(' to read as Markdown links",
            "write them as '\\[' and '\\('",
        )


class _SafeUrls(Treeprocessor):
    """Every element with a URL a browser would run (not http, https, mailto or relative) becomes its text."""

    def run(self, root: etree.Element) -> None:
        _make_safe(root)


def _make_safe(root: etree.Element) -> None:
    """Unwraps each unsafe element in place; what an unwrapped link held moves up and is checked in
    turn (an image with a ``javascript:`` source inside a ``javascript:`` link). A stack, not
    recursion: nested emphasis can be thousands of elements deep."""
    stack = [root]
    while stack:
        parent = stack.pop()
        index = 0
        while index < len(parent):
            child = parent[index]
            if all(is_safe_url(value) for name, value in child.items() if name in URL_ATTRIBUTES):
                stack.append(child)
                index += 1
            else:
                _unwrap(parent, child)  # its children now stand at ``index``: look at them next


def _unwrap(parent: etree.Element, child: etree.Element) -> None:
    """Replaces ``child`` by its content: a link by its text and inner elements, an image by its alt text."""
    index = list(parent).index(child)
    lead = child.get("alt", "") if child.tag == "img" else child.text or ""
    inner = [] if child.tag == "img" else list(child)
    if inner:
        inner[-1].tail = (inner[-1].tail or "") + (child.tail or "")
    else:
        lead += child.tail or ""
    if index:
        parent[index - 1].tail = (parent[index - 1].tail or "") + lead
    else:
        parent.text = (parent.text or "") + lead
    parent[index : index + 1] = inner
