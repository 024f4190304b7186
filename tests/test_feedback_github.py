"""The GitHub client against a stand-in REST API on 127.0.0.1, and ``techdigest feedback --github`` end to end."""

import json
import subprocess

import pytest
from github_standin import GitHub, serve

from techdigest.cli import main
from techdigest.feedback import from_issues
from techdigest.github import GitHubError, Issue, Settings, repository_issues, settings_from

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


def test_a_moved_repository_is_followed_on_the_same_address_with_the_token(github, tmp_path):
    github.token = "ghp_right"
    for number in range(1, 4):
        github.add(number, f"Rating 4/5: T [techdigest en a{number}]")
    github.redirects = {
        "/repos/acme/old/issues": (301, f"{github.url}/repos/acme/news/issues"),  # as GitHub answers it
        "/repos/acme/older/issues": (307, "/repos/acme/news/issues"),  # a relative Location
    }
    for old in ("acme/old", "acme/older"):
        github.requests.clear()
        issues = repository_issues(old, Settings(github.url, "ghp_right"), tmp_path / old)
        assert [issue.number for issue in issues] == [1, 2, 3]
        assert [r.path for r in github.requests] == [f"/repos/{old}/issues"] + ["/repos/acme/news/issues"] * 2
        assert {r.headers.get("authorization") for r in github.requests} == {"Bearer ghp_right"}
        assert github.requests[1].query == github.requests[0].query  # the query goes along


@pytest.mark.parametrize(
    "location",
    [
        "{other}/steal",  # another port
        "http://localhost:{port}/repos/acme/news/issues",  # another host name, even for the same server
        "https://127.0.0.1:{port}/repos/acme/news/issues",  # another scheme
    ],
)
def test_a_redirect_to_another_address_is_refused_and_the_token_goes_nowhere(github, tmp_path, location):
    other = GitHub()
    stop = serve(other)
    try:
        port = github.url.rsplit(":", 1)[1]
        target = location.format(other=other.url, port=port)
        github.redirects = {"/repos/acme/news/issues": (302, target)}
        with pytest.raises(GitHubError) as caught:
            repository_issues("acme/news", Settings(github.url, "ghp_secret"), tmp_path)
        assert str(caught.value).startswith(
            f"GitHub: 302 redirect away from http://127.0.0.1:{port} refused (the token goes only to the API): "
        )
        assert "\n" not in str(caught.value) and "ghp_secret" not in str(caught.value)
        assert other.requests == [] and len(github.requests) == 1  # nothing followed, nowhere
    finally:
        stop()


def test_each_api_address_has_its_own_cache(github, tmp_path):
    other = GitHub()  # another server (GitHub Enterprise, say) with a repository of the same name
    stop = serve(other)
    try:
        github.add(1, "Rating 1/5: A [techdigest en a]", updated="2026-11-30T00:00:00Z")
        other.add(1, "Rating 5/5: B [techdigest en b]", updated="2026-11-01T00:00:00Z")
        other.add(2, "Rating 5/5: B2 [techdigest en b]", updated="2026-11-02T00:00:00Z")
        assert [i.title[:10] for i in fetch(github, tmp_path)] == ["Rating 1/5"]
        assert [i.title[:10] for i in fetch(other, tmp_path)] == ["Rating 5/5"] * 2
        assert "since" not in other.requests[0].query  # nothing of the first server's cache
        github.requests.clear()
        assert [i.title[:10] for i in fetch(github, tmp_path)] == ["Rating 1/5"]
        assert github.requests[0].query["since"] == "2026-11-30T00:00:00Z"
        assert len(list((tmp_path / "cache").glob("*/acme--news.json"))) == 2
    finally:
        stop()


def test_a_rate_limit_part_way_keeps_the_pages_fetched_and_the_next_run_goes_on(github, tmp_path):
    for number in range(1, 8):  # seven issues, two a page: four pages
        github.add(number, f"Rating 4/5: T [techdigest en a{number}]", updated=f"2026-11-{number:02d}T10:00:00Z")
    github.refusals_after = 2  # two pages, then the limit is used up for half an hour
    github.refusals = [(403, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(NOW) + 1800)})]
    with pytest.raises(GitHubError) as caught:
        fetch(github, tmp_path)
    assert str(caught.value).startswith("GitHub: rate limit used up until 2027-01-15 08:30 UTC (in 30 min)")
    assert str(caught.value).endswith("(the 2 pages fetched are kept, the next run goes on from there)")
    # the list is asked for oldest change first: what was fetched is everything up to its newest change
    assert {(r.query["sort"], r.query["direction"]) for r in github.requests} == {("updated", "asc")}
    github.requests.clear()
    issues = fetch(github, tmp_path)
    assert [issue.number for issue in issues] == list(range(1, 8))
    assert [r.query.get("since") for r in github.requests] == ["2026-11-04T10:00:00Z"] * 2  # 4 to 7: two pages
    assert "if-none-match" not in github.requests[0].headers  # no ETag of a run that did not get every page


def test_feedback_github_reads_the_repository_of_the_remote_while_the_config_names_the_example(
    github, project, monkeypatch, capsys
):
    config = project / "techdigest.toml"
    config.write_text(config.read_text().replace('"example/digest"', '"techdigest/techdigest"'))
    monkeypatch.setenv("GITHUB_API_URL", github.url)
    github.add(1, "Rating 5/5: Compilers [techdigest en compilers-in-rust]")
    assert main(["-C", str(project), "feedback", "--github"]) == 1  # no git repository: no repository at all
    assert capsys.readouterr().err == (
        "error: --github: no repository of your own: set feedback.github_repo, pass --repo OWNER/REPO,"
        " or publish from a git repository whose remote origin is on github.com\n"
    )
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    subprocess.run(["git", "remote", "add", "origin", "https://GitHub.com/acme/news.git"], cwd=project, check=True)
    assert main(["-C", str(project), "feedback", "--github"]) == 0  # as deploy names the repository
    out, err = capsys.readouterr()
    assert out.splitlines()[1].startswith("compilers-in-rust  en          1  5.00")
    assert err.splitlines()[-1] == (
        f"counted 1 from {project / 'feedback.jsonl'} (none yet) and the issues of acme/news"
        " (named by the git remote origin); skipped 0"
    )
    assert {r.path for r in github.requests} == {"/repos/acme/news/issues"}
    assert main(["-C", str(project), "feedback", "--repo", "acme/other"]) == 1  # --repo wins over the remote
    assert capsys.readouterr().err == f"error: GitHub: 404 no repository acme/other at {github.url}" + (
        " (a private one needs a token in GITHUB_TOKEN or GH_TOKEN)\n"
    )


@pytest.mark.parametrize(
    ("title", "rating"),
    [
        ("Bewertung 4/5: OpenAI holt Cerebras an Bord [techdigest de x]", 4),
        ("Rating 1/5: 3 compilers, 2/5 of them in Rust [techdigest en x]", 1),  # the first number counts
        ("Rating 45/5: Compilers [techdigest en x]", 45),  # not 5: skipped as not 1 to 5
        ("Rating 9/5: Compilers [techdigest en x]", 9),
        ("Rating 05/5: Compilers [techdigest en x]", "05"),
        ("Rating 4.5/5: Compilers [techdigest en x]", "Rating 4.5/5: Compilers"),  # no number right before /5
        ("2026: Rating 5/5 [techdigest en x]", "2026: Rating 5/5"),  # another number first
        ("Rating ٤/5: Compilers [techdigest en x]", "Rating ٤/5: Compilers"),  # digits are 0 to 9
        ("Rating 5/50: Compilers [techdigest en x]", "Rating 5/50: Compilers"),
        ("Rating: five stars [techdigest en x]", "Rating: five stars"),
    ],
)
def test_the_rating_is_the_titles_first_number_standing_right_before_slash_5(title, rating):
    issue = Issue(7, title, "", "2026-12-01T10:00:00Z", "2026-12-01T10:00:00Z")
    (found,) = from_issues("acme/news", [issue])
    assert found.rating == rating and (found.lang, found.slug) == (title.split()[-2], "x")
    assert from_issues("acme/news", [Issue(8, "Rating 5/5: no marker", "", "", "")]) == []  # no rating at all
