"""The GitHub client against a stand-in REST API on 127.0.0.1, and ``techdigest feedback --github`` end to end."""

import json

import pytest
from github_standin import GitHub, serve

from techdigest.cli import main
from techdigest.github import GitHubError, Settings, repository_issues, settings_from

NOW = 1_800_000_000.0  # the clock the client is given: rate-limit resets are measured from it
ID = "5f0c8a4e-3b1d-4c2a-9e7f-1a2b3c4d5e6f"


@pytest.fixture
def github():
    stand_in = GitHub()
    stop = serve(stand_in)
    yield stand_in
    stop()


def fetch(github, tmp_path, token="", waits=None):
    settings = Settings(github.url, token)
    sleep = (waits if waits is not None else []).append
    return repository_issues(github.repo, settings, tmp_path / "cache", sleep=sleep, now=lambda: NOW)


def test_every_page_is_fetched_through_the_link_header_and_pull_requests_are_left_out(github, tmp_path):
    for number in range(1, 6):
        github.add(number, f"Rating {number}/5: T [techdigest en a{number}]")
    github.add(6, "Fix the feed", pull_request={"url": "…"})
    issues = fetch(github, tmp_path)
    assert [issue.number for issue in issues] == [1, 2, 3, 4, 5]
    assert issues[0].title == "Rating 1/5: T [techdigest en a1]" and issues[0].labels == ("feedback",)
    assert len(github.requests) == 3  # six items, two a page
    first = github.requests[0]
    assert first.query == {"state": "all", "sort": "updated", "direction": "asc", "per_page": "100"}
    assert first.headers["accept"] == "application/vnd.github+json"
    assert first.headers["x-github-api-version"] == "2022-11-28"
    assert "authorization" not in first.headers  # a public repository needs no token
    assert [r.query.get("page") for r in github.requests] == [None, "2", "3"]


def test_a_next_page_on_another_host_is_refused_the_token_goes_nowhere_else(github, tmp_path):
    for number in range(1, 4):
        github.add(number, f"Rating 4/5: T [techdigest en a{number}]")
    api, github.url = github.url, "http://127.0.0.2:9"  # the Link header names another host now
    with pytest.raises(GitHubError, match=r"^GitHub: the next page is not at http://127\.0\.0\.1:\d+: "):
        repository_issues(github.repo, Settings(api, "ghp_secret"), tmp_path)
    assert len(github.requests) == 1


def test_a_second_run_asks_only_for_what_is_new_and_still_counts_everything(github, tmp_path):
    for number in range(1, 5):
        github.add(number, f"Rating 4/5: T [techdigest en a{number}]")
    assert len(fetch(github, tmp_path)) == 4
    github.requests.clear()
    assert len(fetch(github, tmp_path)) == 4  # nothing new: only the newest one comes again (since= is inclusive)
    (again,) = github.requests
    assert again.query["since"] == "2026-12-01T10:04:00Z" and "if-none-match" not in again.headers
    github.requests.clear()
    assert len(fetch(github, tmp_path)) == 4
    (unchanged,) = github.requests
    assert unchanged.headers["if-none-match"]  # the same question as last time: 304, nothing sent
    github.issues[0].update(title="Rating 2/5: edited [techdigest en a1]", updated_at="2026-12-02T08:00:00Z")
    github.add(5, "Rating 5/5: new [techdigest en a5]", updated="2026-12-02T09:00:00Z")
    github.requests.clear()
    issues = fetch(github, tmp_path)
    assert [r.query["since"] for r in github.requests] == ["2026-12-01T10:04:00Z"] * 2  # three issues, two pages
    assert {issue.number: issue.title[:10] for issue in issues} == {
        1: "Rating 2/5",
        2: "Rating 4/5",
        3: "Rating 4/5",
        4: "Rating 4/5",
        5: "Rating 5/5",
    }


def test_the_token_is_sent_as_github_documents_and_a_bad_one_is_one_line(github, tmp_path):
    github.token = "ghp_right"
    github.add(1, "Rating 4/5: T [techdigest en a]")
    assert len(fetch(github, tmp_path, token="ghp_right")) == 1
    assert github.requests[0].headers["authorization"] == "Bearer ghp_right"
    with pytest.raises(GitHubError) as caught:
        fetch(github, tmp_path / "other", token="ghp_wrong")
    assert str(caught.value) == "GitHub: 401 bad credentials: the token in GITHUB_TOKEN or GH_TOKEN is not valid"


def test_an_unknown_repository_is_one_line(github, tmp_path):
    with pytest.raises(GitHubError) as caught:
        repository_issues("acme/elsewhere", Settings(github.url), tmp_path)
    assert str(caught.value) == (
        f"GitHub: 404 no repository acme/elsewhere at {github.url}"
        " (a private one needs a token in GITHUB_TOKEN or GH_TOKEN)"
    )


def test_a_used_up_rate_limit_is_waited_for_when_short(github, tmp_path):
    github.add(1, "Rating 4/5: T [techdigest en a]")
    github.refusals = [
        (403, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(NOW) + 20)}),
    ]
    waits: list[float] = []
    assert len(fetch(github, tmp_path, waits=waits)) == 1
    assert waits == [20.0]
    github.refusals = [(429, {"Retry-After": "3"})]
    waits.clear()
    assert len(fetch(github, tmp_path / "b", waits=waits)) == 1
    assert waits == [3.0]


def test_a_long_rate_limit_is_one_line_saying_when_it_resets(github, tmp_path):
    github.refusals = [(403, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(NOW) + 1800)})]
    waits: list[float] = []
    with pytest.raises(GitHubError) as caught:
        fetch(github, tmp_path, waits=waits)
    assert str(caught.value) == (
        "GitHub: rate limit used up until 2027-01-15 08:30 UTC (in 30 min);"
        " a token in GITHUB_TOKEN or GH_TOKEN gives a higher limit"
    )
    assert waits == []


def test_a_403_without_rate_limit_headers_is_no_wait(github, tmp_path):
    github.refusals = [(403, {})]
    with pytest.raises(GitHubError, match=r"^GitHub: 403 'API rate limit exceeded' for the issues of acme/news$"):
        fetch(github, tmp_path)


def test_settings_come_from_the_environment_as_githubs_tools_read_them():
    assert settings_from({}) == Settings("https://api.github.com", "")
    both = {"GITHUB_TOKEN": "a", "GH_TOKEN": "b", "GITHUB_API_URL": "https://ghe.example/api/v3/"}
    assert settings_from(both) == Settings("https://ghe.example/api/v3", "a")
    assert settings_from({"GH_TOKEN": "b"}).token == "b"
    assert "ghp_x" not in repr(settings_from({"GH_TOKEN": "ghp_x"}))  # never shown


def with_id(project, slug, identity):
    path = project / "content" / f"{slug}.md"
    path.write_text(path.read_text().replace("\nlanguage:", f"\nid: {identity}\nlanguage:", 1))


def test_feedback_github_counts_valid_rating_issues_under_the_current_name(github, project, monkeypatch, capsys):
    with_id(project, "openai-cerebras", ID)
    assert main(["-C", str(project), "rename", "openai-cerebras", "openai-holt-cerebras"]) == 0
    capsys.readouterr()
    github.repo = "example/digest"  # the fixture's feedback.github_repo
    github.token = "ghp_secret"
    monkeypatch.setenv("GITHUB_API_URL", github.url)
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_secret")
    github.add(1, f"Bewertung 4/5: OpenAI holt Cerebras an Bord [techdigest de {ID}]", "Gut\r\ngeschrieben.")
    github.add(2, f"Rating 2/5: OpenAI signs up Cerebras [techdigest en {ID}]", labels=[])  # no label: counted
    github.add(3, "Rating 5/5: Compilers [techdigest en compilers-in-rust]")
    github.add(4, "Rating 9/5: Compilers [techdigest en compilers-in-rust]")
    github.add(5, "Rating 3/5: Compilers [techdigest fr compilers-in-rust]")
    github.add(6, "Rating 3/5: Gone [techdigest en no-such-article]")
    github.add(7, "The feed is broken")  # no rating: not even skipped
    github.add(8, "Bewertung 1/5: Alt [techdigest de openai-cerebras]")  # the old slug, as older pages sent it
    assert main(["-C", str(project), "feedback", "--github", "--json"]) == 0
    out, err = capsys.readouterr()
    report = json.loads(out)
    rows = {(r["article"], r["lang"]): r for r in report["ratings"]}
    assert set(rows) == {("compilers-in-rust", "en"), ("openai-holt-cerebras", "de"), ("openai-holt-cerebras", "en")}
    german = rows["openai-holt-cerebras", "de"]
    assert (german["count"], german["mean"], german["distribution"]) == (
        2,
        2.5,
        {"1": 1, "2": 0, "3": 0, "4": 1, "5": 0},
    )
    assert german["id"] == ID and german["title"] == "OpenAI holt Cerebras an Bord"
    assert german["comments"] == [
        {"time": "2026-12-01T10:01:00Z", "text": "Gut\ngeschrieben.", "source": "example/digest#1"}
    ]
    assert [r["article"] for r in report["ratings"]] == [
        "compilers-in-rust",
        "openai-holt-cerebras",
        "openai-holt-cerebras",
    ]  # newest article first
    assert report["skipped"] == [
        {"where": "example/digest#4", "reason": "rating not 1 to 5 9"},
        {"where": "example/digest#5", "reason": "unknown language 'fr'"},
        {"where": "example/digest#6", "reason": "unknown article 'no-such-article'"},
    ]
    assert err.splitlines()[-1] == (
        "counted 4 from "
        f"{project / 'feedback.jsonl'} (none yet) and the issues of example/digest;"
        " skipped 3 (1 rating not 1 to 5, 1 unknown article, 1 unknown language)"
    )
    assert "ghp_secret" not in out + err


def test_feedback_github_errors_are_one_line_and_exit_1(github, project, monkeypatch, capsys):
    monkeypatch.setenv("GITHUB_API_URL", github.url)
    monkeypatch.setenv("GH_TOKEN", "ghp_wrong")
    github.repo, github.token = "example/digest", "ghp_right"
    assert main(["-C", str(project), "feedback", "--github"]) == 1
    assert capsys.readouterr().err == (
        "error: GitHub: 401 bad credentials: the token in GITHUB_TOKEN or GH_TOKEN is not valid\n"
    )
    assert main(["-C", str(project), "feedback", "--repo", "acme/other"]) == 1
    assert capsys.readouterr().err.startswith("error: GitHub: 401")
    with pytest.raises(SystemExit) as stopped:
        main(["-C", str(project), "feedback", "--repo", "not a repo"])
    assert stopped.value.code == 2
    assert "'not a repo' is not a repository as OWNER/REPO" in capsys.readouterr().err
