import dataclasses
import os
from pathlib import Path

import pytest

from techdigest.cli import main
from techdigest.config import EXAMPLE_GITHUB_REPO, load_config, parse_config, with_base_url, with_feedback_repo
from techdigest.model import ContentError

VALID = {
    "base_url": "https://example.org/digest",
    "languages": ["de", "en"],
    "default_language": "de",
    "title": {"de": "Digest", "en": "Digest"},
}


def test_a_valid_config_is_read_with_defaults():
    config = parse_config(Path("."), VALID)
    assert config.base_url == "https://example.org/digest/"
    assert config.languages == ("de", "en")
    assert config.unsafe_html is False and config.feedback_endpoint == ""


def test_every_problem_is_collected_in_one_error():
    raw = {
        **VALID,
        "titel": {},
        "languages": ["de", "EN"],
        "default_language": "fr",
        "base_url": "example.org",
        "markdown": {"unsafe": True},
    }
    with pytest.raises(ContentError) as caught:
        parse_config(Path("."), raw)
    assert caught.value.lines() == [
        "techdigest.toml: unknown key 'titel'",
        "techdigest.toml: unknown key 'markdown.unsafe'",
        "techdigest.toml: 'languages' has invalid codes: 'EN'",
        "techdigest.toml: 'default_language' 'fr' is not one of the languages",
        "techdigest.toml: 'base_url' must be an absolute http(s) URL",
        "techdigest.toml: 'title' needs a text for: EN",
        "techdigest.toml: 'title' has unknown languages: 'en'",
    ]


def test_invalid_toml_names_the_line(tmp_path, capsys):
    (tmp_path / "techdigest.toml").write_text('base_url = "x"\nlanguages = = ["de"]\n', encoding="utf-8")
    assert main(["-C", str(tmp_path), "build"]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("error: techdigest.toml:2: invalid TOML:")


def test_a_missing_config_is_one_clear_line(tmp_path, capsys):
    assert main(["-C", str(tmp_path), "build"]) == 1
    assert capsys.readouterr().err == "error: techdigest.toml: not found; run techdigest in the project folder\n"


def test_base_url_override_is_validated(project):
    config = load_config(project)
    assert with_base_url(config, "https://owner.github.io/repo").base_url == "https://owner.github.io/repo/"
    with pytest.raises(ContentError):
        with_base_url(config, "/repo/")


def test_the_feedback_repo_override_replaces_only_the_shipped_example(project):
    """CI passes the repository it runs in; a repository (or none) the project chose itself is kept."""
    config = load_config(project)
    assert with_feedback_repo(config, "owner/news").feedback_github_repo == "example/digest"
    shipped = dataclasses.replace(config, feedback_github_repo=EXAMPLE_GITHUB_REPO)
    assert with_feedback_repo(shipped, "owner/news").feedback_github_repo == "owner/news"
    none = dataclasses.replace(config, feedback_github_repo="")
    assert with_feedback_repo(none, "owner/news").feedback_github_repo == ""
    with pytest.raises(ContentError):
        with_feedback_repo(shipped, "owner")


def test_control_characters_and_huge_values_are_refused_with_short_quotes():
    raw = {
        **VALID,
        "title": {"de": "Digest\x1b[31m", "en": "Digest"},
        "tagline": {"de": "a\x07", "en": "b"},
        "x" * 10_000: 1,
        "default_language": "y" * 10_000,
    }
    with pytest.raises(ContentError) as caught:
        parse_config(Path("."), raw)
    lines = caught.value.lines()
    assert "techdigest.toml: 'title.de' holds control character U+001B" in lines
    assert "techdigest.toml: 'tagline.de' holds control character U+0007" in lines
    assert max(map(len, lines)) < 150  # not 10,000 characters


@pytest.mark.parametrize(
    "write",
    [
        lambda path: path.write_text("x = " + "9" * 5000 + "\n", encoding="utf-8"),
        lambda path: path.symlink_to("/dev/zero"),
        os.mkfifo,
        lambda path: path.symlink_to(path.parent.parent / "elsewhere.toml"),
    ],
)
def test_a_config_that_is_not_what_it_seems_is_one_line(tmp_path, capsys, write):
    (tmp_path / "elsewhere.toml").write_text('base_url = "https://example.org/"\n', encoding="utf-8")
    (tmp_path / "project").mkdir()
    write(tmp_path / "project" / "techdigest.toml")
    assert main(["-C", str(tmp_path / "project"), "build"]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("error: techdigest.toml: ") and len(line) < 200
