"""No WCAG 2.1 A/AA violation found by axe-core, in light and dark mode, and usable by keyboard."""

from __future__ import annotations

import os
import re

import pytest
from conftest import REPO

pytestmark = pytest.mark.browser  # every test here drives Chromium

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
PAGES = [
    "",
    "de/",
    "en/",
    "de/2026/openai-cerebras/",
    "en/2026/openai-cerebras/",
    "en/2025/chip-export/",
    "de/tags/",
    "en/tags/",
    "de/tags/nvidia/",
    "en/tags/c-plus-plus/",
    "de/search/",
    "en/search/",
    "de/feedback/thanks/",
    "404.html",
]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.is_file():
        if os.environ.get("CI"):
            pytest.fail("axe-core is missing: run `npm ci` (make test does)")
        pytest.skip("axe-core is missing: run `npm ci` (make test does)")
    return AXE.read_text(encoding="utf-8")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_wcag_violations(open_tab, site_url, axe_source, scheme):
    tab = open_tab(color_scheme=scheme, locale="fr-FR")
    # the language chooser as a browser without JavaScript shows it (with it, every browser is sent on)
    tab.route(
        site_url,
        lambda route: route.fulfill(
            response=(got := route.fetch()), body=re.sub(r"<script>.*?</script>", "", got.text(), flags=re.S)
        ),
    )
    found = {}
    for path in PAGES:
        tab.goto(site_url + path)
        assert tab.url == site_url + path
        tab.add_script_tag(content=axe_source)
        result = tab.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
        violations = [f"{v['id']}: {v['help']} ({len(v['nodes'])}x)" for v in result["violations"]]
        if violations:
            found[path] = violations
    assert found == {}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_search_results_have_no_wcag_violations(open_tab, site_url, axe_source, scheme):
    tab = open_tab(color_scheme=scheme, locale="fr-FR")
    tab.goto(site_url + "de/search/")
    tab.locator("input[name=q]").fill("Cerebras")
    tab.locator(".search-results a").first.wait_for()
    tab.add_script_tag(content=axe_source)
    result = tab.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    assert [f"{v['id']}: {v['help']}" for v in result["violations"]] == []


def test_keyboard_focus_is_always_visible(open_tab, site_url):
    tab = open_tab(locale="en-US")
    tab.goto(site_url + "en/2026/openai-cerebras/")
    for _ in range(12):
        tab.keyboard.press("Tab")
        style = tab.evaluate(
            "(() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth]; })()"
        )
        assert style[0] != "none" and style[1] != "0px", tab.evaluate("document.activeElement.outerHTML")
