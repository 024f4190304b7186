"""``techdigest deploy`` against a local bare repository standing in for GitHub."""

import re
import subprocess
from pathlib import Path

from techdigest.cli import main


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def test_deploy_publishes_the_site_to_gh_pages_and_keeps_history(project, tmp_path, capsys):
    remote = tmp_path / "remote.git"
    git("init", "--bare", "-q", str(remote), cwd=tmp_path)
    git("init", "-q", "-b", "main", cwd=project)
    git("config", "user.name", "T", cwd=project)
    git("config", "user.email", "t@example.org", cwd=project)
    git("commit", "-q", "--allow-empty", "-m", "x", cwd=project)
    git("remote", "add", "origin", str(remote), cwd=project)

    assert main(["-C", str(project), "deploy"]) == 0
    files = set(git("ls-tree", "-r", "--name-only", "gh-pages", cwd=remote).split())
    assert {
        "index.html",
        ".nojekyll",
        "404.html",
        "de/index.html",
        "en/2026/openai-cerebras/index.html",
        "static/style.css",
    } <= files
    assert git("show", "gh-pages:de/index.html", cwd=remote) == (project / "site" / "de" / "index.html").read_text()

    article = project / "content" / "openai-cerebras.md"
    article.write_text(article.read_text().replace("OpenAI signs up Cerebras", "OpenAI adds Cerebras"))
    assert main(["-C", str(project), "deploy"]) == 0
    assert len(git("log", "--format=%H", "gh-pages", cwd=remote).split()) == 2
    assert "OpenAI adds Cerebras" in git("show", "gh-pages:en/2026/openai-cerebras/index.html", cwd=remote)
    assert git("status", "--porcelain", "--untracked-files=no", cwd=project) == ""
    subject = git("log", "-1", "--format=%s", "gh-pages", cwd=remote).strip()
    assert re.fullmatch(
        r"Publish the techdigest site: \d+ files changed \(.*en/2026/openai-cerebras/index\.html.*", subject
    )
    assert f"published {project / 'site'} to origin/gh-pages: {subject}" in capsys.readouterr().out

    assert main(["-C", str(project), "deploy"]) == 0  # nothing changed: no empty commit
    assert len(git("log", "--format=%H", "gh-pages", cwd=remote).split()) == 2
    assert "origin/gh-pages has this site already" in capsys.readouterr().out


def test_deploy_without_a_remote_is_one_clear_error(project, capsys):
    git("init", "-q", "-b", "main", cwd=project)
    assert main(["-C", str(project), "deploy", "--remote", "nowhere"]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("error: deploy: ")


def test_deploy_refuses_on_check_errors_and_the_example_values_before_building(project, tmp_path, capsys):
    remote = tmp_path / "remote.git"
    git("init", "--bare", "-q", str(remote), cwd=tmp_path)
    git("init", "-q", "-b", "main", cwd=project)
    git("remote", "add", "origin", str(remote), cwd=project)
    config = project / "techdigest.toml"
    config.write_text(config.read_text().replace('"example/digest"', '"techdigest/techdigest"'))
    (project / "content" / "broken.md").write_text("---\ntitle: {de: Kaputt}\n---\nText.\n")

    assert main(["-C", str(project), "deploy"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "error: content/broken.md:1: date: missing",
        "error: content/broken.md:1: language: missing",
        "error: techdigest.toml:14: feedback.github_repo is still the example techdigest/techdigest: name your"
        ' repository as OWNER/REPO (or "" for no rating form), or pass --feedback-repo',
        "nothing published: fix the errors above first (techdigest check lists them)",
    ]
    (project / "content" / "broken.md").unlink()
    assert main(["-C", str(project), "deploy", "--no-push"]) == 1
    assert not (project / "site").exists() and git("branch", "--list", cwd=project) == ""
    assert git("branch", "--list", cwd=remote) == ""

    assert main(["-C", str(project), "deploy", "--no-push", "--feedback-repo", "owner/news"]) == 0
    assert "github.com/owner/news/" in (project / "site" / "de" / "2026" / "openai-cerebras" / "index.html").read_text()
