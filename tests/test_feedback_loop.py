"""A reader's rating, from the published page to the newsroom (README, "Reader feedback"): the site
is built by the Pages workflow's own step (run locally, with the values GitHub would fill in), a
reader rates an article in Chromium, GitHub (a stand-in on 127.0.0.1) receives the issue the form
prefilled, the editor renames the article, and ``techdigest feedback --github`` counts the rating
under the article's current name, in the terminal and in its HTML report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from github_standin import GitHub, serve

from techdigest.cli import main

REPO = Path(__file__).resolve().parent.parent
WORKFLOW = REPO / ".github" / "workflows" / "pages.yml"
PAGES = "https://acme.github.io/news"  # what actions/configure-pages reports for acme/news
ARTICLE_ID = "7d0c5f0e-3b6a-4f8e-9a51-2c4b8d1e6f30"


def run_workflow_build(project: Path) -> None:
    """The workflow's check-and-build step as the runner would run it for the repository acme/news."""
    (step,) = [s for s in yaml.safe_load(WORKFLOW.read_text())["jobs"]["build"]["steps"] if "make check site" in str(s)]
    github = {"${{ steps.pages.outputs.base_url }}": PAGES, "${{ github.repository }}": "acme/news"}
    env = {name: fill(value, github) for name, value in step["env"].items()}
    bin_dir = Path(sys.executable).parent  # the Makefile's .venv/bin, here the test's own environment
    # the Makefile installs into .venv first; here the environment is ready (-o: take the stamp as done)
    command = [
        *step["run"].split(),
        "-f",
        str(REPO / "Makefile"),
        f"BIN={bin_dir}",
        f"STAMP={WORKFLOW}",
        "-o",
        str(WORKFLOW),
    ]
    done = subprocess.run(command, cwd=project, env={**os.environ, **env}, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def fill(text: str, values: dict[str, str]) -> str:
    """``text`` with each ``${{ … }}`` expression of ``values`` replaced, as the runner does."""
    for expression, value in values.items():
        text = text.replace(expression, value)
    return text


def shipped(project: Path) -> Path:
    """The fixture project as a new user's repository has it: the shipped example repository for
    ratings, and a permanent id on the article to be rated."""
    config = project / "techdigest.toml"
    config.write_text(
        config.read_text().replace('github_repo = "example/digest"', 'github_repo = "techdigest/techdigest"')
    )
    article = project / "content" / "openai-cerebras.md"
    article.write_text(article.read_text().replace("language: de\n", f"language: de\nid: {ARTICLE_ID}\n", 1))
    return project


def rate_in_chromium(open_tab, site: Path, url: str) -> dict[str, list[str]]:
    """A reader on the published page: rates 4 with a comment and sends; the new-issue page GitHub
    would open is caught (nothing reaches the network). Returns its query: the prefilled issue."""
    tab = open_tab(locale="de-DE")

    def answer(route, request) -> None:
        if request.url.startswith(PAGES + "/"):
            path = urlsplit(request.url).path.removeprefix("/news/")
            target = site / path / "index.html" if path == "" or path.endswith("/") else site / path
            route.fulfill(path=target) if target.is_file() else route.fulfill(status=404)
        else:
            route.abort()

    tab.route("**/*", answer)
    tab.goto(f"{PAGES}/{url}")
    tab.get_by_role("radio", name="4").check()
    tab.get_by_role("textbox", name="Kommentar (optional)").fill("Klar und gut belegt.")
    with tab.expect_request(lambda request: request.url.startswith("https://github.com/")) as sent:
        tab.get_by_role("button", name="Weiter zu GitHub").click(no_wait_after=True)
    issue = urlsplit(sent.value.url)
    assert (issue.netloc, issue.path) == ("github.com", "/acme/news/issues/new")  # this repository: zero config
    return parse_qs(issue.query)


@pytest.mark.browser
def test_a_rating_on_the_published_page_reaches_the_report_under_the_current_name(
    open_tab, project, monkeypatch, capsys
) -> None:
    run_workflow_build(shipped(project))
    prefilled = rate_in_chromium(open_tab, project / "site", "de/2026/openai-cerebras/")
    assert prefilled["labels"] == ["feedback"]

    github = GitHub(repo="acme/news", token="ghp_reader")  # the reader pressed "Submit new issue"
    github.add(1, prefilled["title"][0], prefilled["body"][0], labels=[{"name": name} for name in prefilled["labels"]])
    stop = serve(github)
    try:
        assert main(["-C", str(project), "rename", "openai-cerebras", "openai-und-cerebras"]) == 0
        monkeypatch.setenv("GITHUB_API_URL", github.url)
        monkeypatch.setenv("GITHUB_TOKEN", "ghp_reader")
        capsys.readouterr()
        assert main(["-C", str(project), "feedback", "--repo", "acme/news", "--json"]) == 0
        (row,) = json.loads(capsys.readouterr().out)["ratings"]
        assert (row["article"], row["lang"], row["count"], row["mean"]) == ("openai-und-cerebras", "de", 1, 4.0)
        assert row["comments"][0]["text"] == "Klar und gut belegt."
        report = project / "report.html"
        assert main(["-C", str(project), "feedback", "--repo", "acme/news", "--html", str(report)]) == 0
    finally:
        stop()

    tab = open_tab()
    tab.goto(report.as_uri())
    heading = tab.get_by_role("heading", name="OpenAI holt Cerebras an Bord")
    assert heading.count() == 1
    assert "openai-und-cerebras" in tab.content()
    assert tab.locator("svg").count() >= 1
