"""The rating form at its edges: an article title too long for an issue title, and an endpoint
that is no web address."""

import re

from conftest import page

from techdigest.build import build
from techdigest.cli import main
from techdigest.config import load_config


def test_a_long_title_gives_way_so_the_marker_always_fits_in_an_issue_title(project):
    path = project / "content" / "openai-cerebras.md"
    long_title = "Sehr langer Titel " * 20
    path.write_text(re.sub(r"^  de: .*$", f"  de: {long_title.strip()}", path.read_text(), count=1, flags=re.M))
    site = build(load_config(project)).output
    titles = page(site, "de/2026/openai-cerebras/").xpath('//section[@id="feedback"]//input[@name="title"]/@value')
    assert len(titles) == 5
    for title in titles:
        assert len(title) <= 256  # what GitHub keeps of an issue title
        assert title.endswith("[techdigest de openai-cerebras]")
        assert "…" in title


def test_an_endpoint_that_is_no_web_address_is_refused(project, capsys):
    config = project / "techdigest.toml"
    config.write_text(config.read_text().replace("[feedback]\n", '[feedback]\nendpoint = "javascript:alert(1)"\n'))
    assert main(["-C", str(project), "build"]) == 1
    assert "'feedback.endpoint' must be an absolute http(s) URL" in capsys.readouterr().err
