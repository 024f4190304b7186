"""The one rating form (#14): the same controls with an endpoint (POST) and without (a prefilled GitHub
issue), in both languages, in the built HTML and in Chromium; deploy names the repository its remote pushes to."""

import dataclasses
import re
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import make_project, page

from techdigest.build import build
from techdigest.cli import main
from techdigest.config import load_config
from techdigest.github import github_repository

# the contract's issue title: rating, language, the article's id or slug
TITLE = re.compile(r"(\d)/5\b.*\[techdigest ([a-z]{2,3}) ([0-9a-f-]{36}|[a-z0-9-]+)\]\s*$")
ARTICLE_ID = "2f1c7a52-6f0e-4c57-9a43-1b3f0f5c8e21"
ENDPOINT = "https://forms.example.org/f/1"
TITLES = {
    "de": "OpenAI holt Cerebras an Bord",
    "en": "OpenAI signs up Cerebras",
}
WORDING = {"de": "Bewertung", "en": "Rating"}


def with_id(project: Path) -> Path:
    """The fixture project with a permanent id on openai-cerebras (chip-export keeps none)."""
    article = project / "content" / "openai-cerebras.md"
    article.write_text(article.read_text().replace("language: de\n", f"language: de\nid: {ARTICLE_ID}\n", 1))
    return project


def built(project: Path, endpoint: str = "") -> Path:
    return build(dataclasses.replace(load_config(with_id(project)), feedback_endpoint=endpoint)).output


def the_form(site: Path, url: str):
    (form,) = page(site, url).xpath('//section[@id="feedback"]//form')
    return form


def controls(form) -> dict[str, object]:
    """What a reader sees and uses, whatever the mode: the legend, five required radios labelled 1-5 in
    one fieldset, a labelled optional comment, a submit button."""
    radios = form.xpath('fieldset[@class="rating"]//input[@type="radio"]')
    (comment,) = form.xpath(".//textarea")
    return {
        "legend": form.xpath("string(fieldset/legend)"),
        "labels": [r.getparent().text_content().strip() for r in radios if r.getparent().tag == "label"],
        "required": all(r.get("required") is not None for r in radios),
        "one name": len({r.get("name") for r in radios}) == 1,
        "described": {r.get("aria-describedby") for r in radios} == {"rating-scale"},
        "comment label": form.xpath(f'string(.//label[@for="{comment.get("id")}"])'),
        "comment optional": comment.get("required") is None and comment.get("maxlength") == "2000",
        "buttons": len(form.xpath('.//button[@type="submit"]')),
    }


@pytest.mark.parametrize("lang", ["de", "en"])
def test_both_modes_show_the_same_controls(project, tmp_path, lang):
    github = the_form(built(project), f"{lang}/2026/openai-cerebras/")
    endpoint = the_form(built(make_project(tmp_path / "endpoint"), ENDPOINT), f"{lang}/2026/openai-cerebras/")
    assert controls(github) == controls(endpoint)
    assert controls(github)["labels"] == ["1", "2", "3", "4", "5"]
    assert controls(github)["comment label"] == {"de": "Kommentar (optional)", "en": "Comment (optional)"}[lang]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_github_mode_is_a_get_form_to_the_new_issue_page_titled_in_the_pages_language(project, lang):
    form = the_form(built(project), f"{lang}/2026/openai-cerebras/")
    assert (form.get("method"), form.get("action")) == ("get", "https://github.com/example/digest/issues/new")
    radios = form.xpath('.//input[@type="radio"]')
    assert {r.get("name") for r in radios} == {"title"}
    titles = [r.get("value") for r in radios]
    assert titles[3] == f"{WORDING[lang]} 4/5: {TITLES[lang]} [techdigest {lang} {ARTICLE_ID}]"
    assert [TITLE.search(t).groups() for t in titles] == [(str(n), lang, ARTICLE_ID) for n in range(1, 6)]
    assert form.xpath(".//textarea/@name") == ["body"]
    assert {i.get("name"): i.get("value") for i in form.xpath('.//input[@type="hidden"]')} == {"labels": "feedback"}
    (note,) = form.xpath('.//p[@id="feedback-note"]')
    assert "GitHub" in note.text_content() and {"de": "öffentlich", "en": "public"}[lang] in note.text_content()
    assert form.xpath(".//button/@aria-describedby") == ["feedback-note"]
    assert not page(project / "site", f"{lang}/2026/openai-cerebras/").xpath('//script[contains(@src, "feedback")]')


def test_an_article_without_id_is_named_by_its_slug_and_a_fallback_title_keeps_its_language(project):
    form = the_form(built(project), "en/2025/chip-export/")
    title = form.xpath('.//input[@type="radio"]/@value')[0]
    assert title == "Rating 1/5: Neue Regeln für den Export von KI-Chips [techdigest en chip-export]"
    assert TITLE.search(title).groups() == ("1", "en", "chip-export")


@pytest.mark.parametrize("lang", ["de", "en"])
def test_endpoint_mode_posts_rating_comment_and_the_articles_slug_id_and_language(project, lang):
    site = built(project, ENDPOINT)
    form = the_form(site, f"{lang}/2026/openai-cerebras/")
    assert (form.get("method"), form.get("action")) == ("post", ENDPOINT)
    assert form.xpath('.//input[@type="radio"]/@value') == ["1", "2", "3", "4", "5"]
    assert set(form.xpath('.//input[@type="radio"]/@name')) == {"rating"}
    assert form.xpath(".//textarea/@name") == ["comment"]
    hidden = [(i.get("name"), i.get("value")) for i in form.xpath('.//input[@type="hidden"]')]
    assert hidden == [("article", "openai-cerebras"), ("id", ARTICLE_ID), ("lang", lang)]
    assert form.xpath('.//p[@class="feedback-status"]/@role') == ["status"]
    assert page(site, f"{lang}/2026/openai-cerebras/").xpath('//script[contains(@src, "feedback.js")]')
    without_id = the_form(site, f"{lang}/2025/chip-export/")
    assert without_id.xpath('.//input[@name="id"]/@value') == [""]


# --- in Chromium: the site is answered from its folder by a route; nothing reaches the network


SITE = "https://digest.test/"


def open_site(open_tab, site: Path, posted: list[str], navigated: list[str]):
    """A tab where SITE serves ``site``, a POST to ENDPOINT is answered (and recorded), a request to
    github.com is recorded and aborted, and every other request is aborted."""
    tab = open_tab(locale="de-DE")

    def answer(route, request) -> None:
        if request.url.startswith(SITE):
            path = urlsplit(request.url).path.lstrip("/")
            target = site / path / "index.html" if path == "" or path.endswith("/") else site / path
            route.fulfill(path=target) if target.is_file() else route.fulfill(status=404)
        elif request.url.startswith(ENDPOINT) and request.method == "POST":
            posted.append(request.post_data)
            route.fulfill(status=200, json={"ok": True}, headers={"Access-Control-Allow-Origin": "*"})
        else:
            if request.url.startswith("https://github.com/"):
                navigated.append(request.url)
            route.abort()

    tab.route("**/*", answer)
    return tab


@pytest.mark.browser
def test_in_github_mode_a_rating_and_comment_open_the_prefilled_issue(open_tab, project):
    site = build(dataclasses.replace(load_config(with_id(project)), base_url=SITE)).output
    posted: list[str] = []
    navigated: list[str] = []
    tab = open_site(open_tab, site, posted, navigated)
    tab.goto(SITE + "de/2026/openai-cerebras/")
    tab.get_by_role("radio", name="4").check()
    tab.get_by_role("textbox", name="Kommentar (optional)").fill("Klar geschrieben & gut belegt.")
    with tab.expect_request(lambda request: request.url.startswith("https://github.com/")) as sent:
        tab.get_by_role("button", name="Weiter zu GitHub").click(no_wait_after=True)
    assert sent.value.is_navigation_request()
    issue = urlsplit(sent.value.url)
    assert (issue.netloc, issue.path) == ("github.com", "/example/digest/issues/new")
    assert parse_qs(issue.query) == {
        "labels": ["feedback"],
        "title": [f"Bewertung 4/5: OpenAI holt Cerebras an Bord [techdigest de {ARTICLE_ID}]"],
        "body": ["Klar geschrieben & gut belegt."],
    }
    assert posted == []


@pytest.mark.browser
def test_in_endpoint_mode_rating_with_the_keyboard_alone_works(open_tab, project):
    config = dataclasses.replace(load_config(with_id(project)), base_url=SITE, feedback_endpoint=ENDPOINT)
    site = build(config).output
    posted: list[str] = []
    navigated: list[str] = []
    tab = open_site(open_tab, site, posted, navigated)
    tab.goto(SITE + "de/2026/openai-cerebras/#feedback")
    tab.keyboard.press("Tab")  # from the section the address points at: the first rating
    assert tab.evaluate("document.activeElement.value") == "1"
    for _ in range(3):
        tab.keyboard.press("ArrowRight")  # arrows move through the group and choose
    assert tab.evaluate("document.activeElement.value") == "4"
    assert tab.evaluate("document.activeElement.checked") is True
    label_outline = "getComputedStyle(document.activeElement.closest('label')).outlineStyle"
    assert tab.evaluate(label_outline) == "solid"  # where the focus is shows
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.name") == "comment"
    tab.keyboard.type("Gut.")
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.type") == "submit"
    tab.keyboard.press("Enter")
    status = tab.get_by_role("status")
    status.filter(has_text="Vielen Dank für Ihre Bewertung!").wait_for()
    (body,) = posted
    assert parse_qs(body) == {
        "article": ["openai-cerebras"],
        "id": [ARTICLE_ID],
        "lang": ["de"],
        "rating": ["4"],
        "comment": ["Gut."],
    }
    assert navigated == []


# --- deploy: ratings go to the repository the remote names on GitHub


@pytest.mark.parametrize(
    ("url", "repository"),
    [
        ("https://github.com/owner/news.git", "owner/news"),
        ("https://github.com/owner/news", "owner/news"),
        ("https://github.com/owner/news/", "owner/news"),
        ("https://x-access-token:abc@github.com/Owner-1/my.site.git", "Owner-1/my.site"),
        ("git@github.com:owner/news.git", "owner/news"),
        ("ssh://git@github.com/owner/news.git", "owner/news"),
        ("ssh://git@github.com:22/owner/news", "owner/news"),
        ("https://GitHub.com/acme/news.git", "acme/news"),  # the host in any case, as git takes it
        ("git@github.com:/acme/news.git", "acme/news"),  # scp-like with a leading slash
        ("git@GITHUB.COM:Acme/News", "Acme/News"),
        ("https://gitlab.com/owner/news.git", ""),
        ("https://github.com.evil.org/owner/news.git", ""),
        ("https://github.com/owner", ""),
        ("https://github.com/owner/news/tree/main", ""),
        ("/srv/git/news.git", ""),
        ("", ""),
    ],
)
def test_a_github_remote_url_names_its_repository(url, repository):
    assert github_repository(url) == repository


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def shipped_example(project: Path, remote: str) -> None:
    """The project as a user has it after cloning: the shipped example repository in the config."""
    config = project / "techdigest.toml"
    config.write_text(config.read_text().replace('"example/digest"', '"techdigest/techdigest"'))
    git("init", "-q", "-b", "main", cwd=project)
    git("remote", "add", "origin", remote, cwd=project)


def test_deploy_sends_ratings_to_the_repository_of_its_github_remote(project, capsys):
    shipped_example(project, "git@github.com:owner/news.git")
    assert main(["-C", str(project), "deploy", "--no-push"]) == 0
    out = capsys.readouterr().out
    assert "ratings: issues in https://github.com/owner/news (label feedback)" in out.splitlines()
    form = the_form(project / "site", "de/2026/openai-cerebras/")
    assert form.get("action") == "https://github.com/owner/news/issues/new"
    published = git("show", "gh-pages:de/2026/openai-cerebras/index.html", cwd=project)
    assert 'action="https://github.com/owner/news/issues/new"' in published


def test_deploy_keeps_a_repository_the_config_or_the_command_names(project, capsys):
    git("init", "-q", "-b", "main", cwd=project)
    git("remote", "add", "origin", "https://github.com/owner/news.git", cwd=project)
    assert main(["-C", str(project), "deploy", "--no-push"]) == 0  # the config names example/digest
    assert "ratings: issues in https://github.com/example/digest (label feedback)" in capsys.readouterr().out
    shipped = project / "techdigest.toml"
    shipped.write_text(shipped.read_text().replace('"example/digest"', '"techdigest/techdigest"'))
    assert main(["-C", str(project), "deploy", "--no-push", "--feedback-repo", "other/place"]) == 0
    assert "ratings: issues in https://github.com/other/place (label feedback)" in capsys.readouterr().out


def test_deploy_refuses_the_example_when_the_remote_is_not_on_github(project, tmp_path, capsys):
    shipped_example(project, str(tmp_path / "remote.git"))
    assert main(["-C", str(project), "deploy", "--no-push"]) == 1
    err = capsys.readouterr().err
    assert "feedback.github_repo is still the example techdigest/techdigest" in err
    assert not (project / "site").exists()
