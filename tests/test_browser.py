"""What only a browser shows: the site under a sub-path, the switcher, phone layout, dark mode."""

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
    for locale, home in [("en-GB", "en/"), ("de-AT", "de/")]:
        tab = open_tab(locale=locale)
        tab.goto(site_url)
        tab.wait_for_url(site_url + home)


def test_phone_width_has_no_horizontal_scrolling_and_a_usable_form(open_tab, site_url):
    tab = open_tab(viewport={"width": 360, "height": 740}, is_mobile=True, locale="de-DE")
    for path in ["de/", "de/2026/openai-cerebras/", "en/tags/", "en/2026/compilers-in-rust/"]:
        tab.goto(site_url + path)
        assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
    tab.goto(site_url + "de/2026/openai-cerebras/")
    rating = tab.get_by_role("link", name="Mit 4 von 5 bewerten")
    assert rating.get_attribute("href").startswith("https://github.com/example/digest/issues/new?")
    assert rating.bounding_box()["height"] >= 44  # a comfortable touch target


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
