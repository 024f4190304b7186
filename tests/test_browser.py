"""What only a browser shows: the site under a sub-path, the switcher, phone layout, dark mode, search."""

import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

pytestmark = pytest.mark.browser  # every test here drives Chromium


def test_switcher_leads_to_the_same_article_in_the_other_language_under_a_sub_path(open_tab, site_url):
    tab = open_tab(locale="en-US")
    tab.goto(site_url + "en/2026/openai-cerebras/")
    assert tab.locator("h1").inner_text() == "OpenAI signs up Cerebras"
    tab.get_by_role("link", name="Deutsch").click()
    tab.wait_for_url(site_url + "de/2026/openai-cerebras/")
    assert tab.locator("h1").inner_text() == "OpenAI holt Cerebras an Bord"
    assert tab.evaluate("getComputedStyle(document.querySelector('.summary')).borderLeftStyle") == "solid"
    tab.get_by_role("link", name="OpenAI", exact=True).click()
    tab.wait_for_url(site_url + "de/tags/openai/")
    assert tab.locator("h1").inner_text() == "Schlagwort: OpenAI"


def test_root_page_follows_the_browsers_language(open_tab, site_url):
    for locale, home in [("en-GB", "en/"), ("de-AT", "de/"), ("fr-FR", "de/")]:  # neither: the default, de
        tab = open_tab(locale=locale)
        tab.goto(site_url)
        tab.wait_for_url(site_url + home)


def test_phone_width_has_no_horizontal_scrolling_and_a_usable_form(open_tab, site_url):
    tab = open_tab(viewport={"width": 360, "height": 740}, is_mobile=True, locale="de-DE")
    for path in ["de/", "de/2026/openai-cerebras/", "en/tags/", "en/2026/compilers-in-rust/"]:
        tab.goto(site_url + path)
        assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
    tab.goto(site_url + "de/2026/openai-cerebras/")
    rating = tab.locator("label", has=tab.get_by_role("radio", name="4"))
    assert rating.bounding_box()["height"] >= 44  # a comfortable touch target
    assert tab.get_by_role("button", name="Weiter zu GitHub").bounding_box()["height"] >= 44


def test_dark_mode_changes_the_colours(open_tab, site_url):
    colours = []
    for scheme in ("light", "dark"):
        tab = open_tab(color_scheme=scheme)
        tab.goto(site_url + "en/")
        colours.append(tab.evaluate("getComputedStyle(document.body).backgroundColor"))
    assert colours == ["rgb(253, 253, 251)", "rgb(21, 23, 27)"]


def test_skip_link_is_the_first_tab_stop_and_visible_when_focused(open_tab, site_url):
    tab = open_tab()
    tab.goto(site_url + "en/")
    tab.keyboard.press("Tab")
    focused = tab.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    assert tab.evaluate("document.activeElement.getBoundingClientRect().top >= 0")


@pytest.mark.parametrize(
    ("lang", "query", "title", "article"),
    [
        ("de", "Partnerschaft", "OpenAI holt Cerebras an Bord", "de/2026/openai-cerebras/"),  # finds "Partnerschaften"
        ("en", "compilers", "Compilers are being rewritten in Rust", "en/2026/compilers-in-rust/"),
        (
            "de",
            "verschärft",
            "Neue Regeln für den Export von KI-Chips",
            "de/2025/chip-export/",
        ),  # the merged 2025 index
    ],
)
def test_search_finds_articles_and_leads_to_them_under_the_sub_path(open_tab, site_url, lang, query, title, article):
    tab = open_tab()
    requests = []
    tab.on("request", lambda request: requests.append(request.url))
    tab.goto(site_url + f"{lang}/search/")
    tab.locator("input[name=q]").fill(query)
    result = tab.locator(".search-results a").first
    result.wait_for()
    assert result.inner_text() == title
    result.click()
    tab.wait_for_url(site_url + article)
    assert all(url.startswith(site_url) for url in requests), [u for u in requests if not u.startswith(site_url)]


def test_search_results_never_show_navigation_text(open_tab, site_url):
    tab = open_tab()
    tab.goto(site_url + "en/search/")
    tab.locator("input[name=q]").fill("Skip")  # the skip link's text, on every page
    tab.locator(".search-status").filter(has_text="No results").wait_for()
    assert tab.locator(".search-results li").count() == 0


def test_search_works_where_the_site_is_served_not_only_at_its_base_url(open_tab, built_site):
    """Built for https://example.org/digest/ but served at the root (a preview, another host): search
    loads its index relative to the page and its results lead to the articles there."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(built_site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    root = f"http://127.0.0.1:{server.server_port}/"
    try:
        tab = open_tab()
        tab.goto(root + "en/search/")
        tab.locator("input[name=q]").fill("compilers")
        result = tab.locator(".search-results a").first
        result.wait_for()
        result.click()
        tab.wait_for_url(root + "en/2026/compilers-in-rust/")
    finally:
        server.shutdown()


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass
