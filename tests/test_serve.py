"""``techdigest serve`` in a real browser: live reload, errors and recovery, feedback, 404, sub-path."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

import pytest
from conftest import search_results

BASE_PATH = "/techdigest/"
T = TypeVar("T")


class Preview:
    """``techdigest serve --port 0`` in a subprocess, at the address it announces."""

    def __init__(
        self, project: Path, log: Path, base_path: str = BASE_PATH, program: tuple[str, ...] = ("-m", "techdigest.cli")
    ) -> None:
        self.project = project
        self.log = log
        self.process = subprocess.Popen(
            [
                sys.executable,
                *program,
                "-C",
                str(project),
                "serve",
                "--port",
                "0",
                "--base-path",
                base_path,
                "--feedback-file",
                str(project / "ratings.jsonl"),
            ],
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        self.url = self._announced()
        self.port = urlsplit(self.url).port

    def _announced(self) -> str:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.process.poll() is None:
            for line in self.log.read_text().splitlines():
                if line.startswith("serving "):
                    return line.split()[1]
            time.sleep(0.1)
        self.process.kill()
        raise RuntimeError(f"serve did not start:\n{self.log.read_text()}")

    def builds(self) -> int:
        return sum(line.startswith("built ") for line in self.log.read_text().splitlines())

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def wait_until(check: Callable[[], T | None], what: str) -> T:
    """Poll until ``check`` gives something (the server's state changes on its own time)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if (result := check()) is not None:
            return result
        time.sleep(0.05)
    raise AssertionError(f"gave up waiting for {what}")


@pytest.fixture
def preview(project, tmp_path):
    server = Preview(project, tmp_path / "serve.log")
    yield server
    server.stop()


@pytest.fixture
def tab(open_tab):
    return open_tab(locale="de-DE")


def save_atomically(path: Path, text: str) -> None:
    """As vim, VS Code and JetBrains save: write a temporary file, then rename it over the original."""
    temp = path.with_name(path.name + ".tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


@pytest.mark.browser
def test_an_edit_reloads_the_open_page_after_one_rebuild(preview, tab):
    tab.goto(preview.url + "en/2026/openai-cerebras/")
    tab.wait_for_function("window.LiveReload !== undefined")
    assert tab.locator("h1").inner_text() == "OpenAI signs up Cerebras"
    builds = preview.builds()
    article = preview.project / "content" / "openai-cerebras.md"
    text = article.read_text(encoding="utf-8")
    for n in range(5):  # a burst of saves
        save_atomically(article, text.replace("OpenAI signs up Cerebras", f"OpenAI and Cerebras, take {n}"))
    tab.wait_for_function("document.querySelector('h1').textContent === 'OpenAI and Cerebras, take 4'")
    assert preview.builds() == builds + 1
    assert not (preview.project / "site").exists(), "serve must never write site/"


@pytest.mark.browser
def test_a_broken_edit_shows_the_error_and_a_good_save_recovers(preview, tab):
    tab.goto(preview.url + "de/2026/openai-cerebras/")
    tab.wait_for_function("window.LiveReload !== undefined")
    article = preview.project / "content" / "openai-cerebras.md"
    good = article.read_text(encoding="utf-8")
    save_atomically(article, good.replace("date: 2026-11-25", "date: 2026-13-01"))
    alert = tab.get_by_role("alert")
    alert.wait_for()
    assert "content/openai-cerebras.md:5: date: invalid date '2026-13-01'" in alert.inner_text()
    assert tab.locator("h1").inner_text() == "OpenAI holt Cerebras an Bord"  # the last good page stays
    tab.wait_for_function("window.LiveReload !== undefined")
    save_atomically(article, good.replace("OpenAI holt Cerebras an Bord", "Cerebras kommt an Bord"))
    tab.wait_for_function("document.querySelector('h1').textContent === 'Cerebras kommt an Bord'")
    assert tab.get_by_role("alert").count() == 0
    assert preview.process.poll() is None


@pytest.mark.browser
def test_the_preview_search_finds_an_edited_word_once_the_save_is_built(preview, open_tab):
    article = preview.project / "content" / "openai-cerebras.md"
    builds = preview.builds()
    save_atomically(article, article.read_text(encoding="utf-8").replace("Hardware-Vertrag", "Rechenzentrumsabkommen"))
    wait_until(lambda: preview.builds() > builds or None, "the rebuild")
    page = BASE_PATH + "de/2026/openai-cerebras/"
    assert search_results(open_tab, preview.url, "Rechenzentrumsabkommen") == (
        "1 Ergebnis für „Rechenzentrumsabkommen“",
        [page],
    )
    assert search_results(open_tab, preview.url, "Vertrag") == ("Keine Ergebnisse für „Vertrag“", [])
    assert search_results(open_tab, preview.url, "Cerebras")[1] == [page]


@pytest.mark.browser
def test_the_feedback_form_stores_a_rating_and_thanks_the_reader(preview, tab):
    tab.goto(preview.url + "de/2026/openai-cerebras/")
    tab.get_by_role("radio", name="4").check()
    tab.get_by_label("Kommentar (optional)").fill("Klar geschrieben.")
    tab.get_by_role("button", name="Bewertung senden").click()
    tab.get_by_role("status").filter(has_text="Vielen Dank für Ihre Bewertung!").wait_for()
    (line,) = (preview.project / "ratings.jsonl").read_text(encoding="utf-8").splitlines()
    entry = json.loads(line)
    assert {k: entry[k] for k in ("article", "lang", "rating", "comment")} == {
        "article": "openai-cerebras",
        "lang": "de",
        "rating": 4,
        "comment": "Klar geschrieben.",
    }


@pytest.mark.browser
def test_the_feedback_form_works_without_javascript(preview, open_tab):
    tab = open_tab(java_script_enabled=False, locale="en-US")
    tab.goto(preview.url + "en/2026/openai-cerebras/")
    tab.get_by_role("radio", name="2").check()
    tab.get_by_role("button", name="Send rating").click()
    tab.wait_for_url(preview.url + "en/feedback/thanks/")
    assert tab.locator("h1").inner_text() == "Thank you for your rating!"
    entry = json.loads((preview.project / "ratings.jsonl").read_text(encoding="utf-8"))
    assert (entry["lang"], entry["rating"], entry["comment"]) == ("en", 2, "")


def test_bad_submissions_get_a_4xx_and_are_not_stored(preview):
    def post(data: bytes, content_type: str) -> int:
        request = urllib.request.Request(preview.url + "_feedback", data=data, headers={"Content-Type": content_type})
        try:
            return urllib.request.urlopen(request).status
        except urllib.error.HTTPError as error:
            return error.code

    form = "application/x-www-form-urlencoded"
    assert post(b"article=openai-cerebras&lang=de&rating=7", form) == 400
    assert post(b"article=nope&lang=de&rating=3", form) == 400
    assert post(b"article=openai-cerebras&lang=de&rating=3&comment=" + b"x" * 3000, form) == 413
    assert post(b'{"rating": 3}', "application/json") == 415
    assert post(b"article=openai-cerebras&lang=de&rating=3&comment=" + b"x" * 20_000, form) == 413
    assert not (preview.project / "ratings.jsonl").exists()


@pytest.mark.browser
def test_404_and_every_link_under_the_sub_path(preview, tab):
    response = tab.goto(preview.url + "de/2025/no-such-article/")
    assert response.status == 404
    assert tab.locator("section[lang=de] h2").inner_text() == "Seite nicht gefunden"
    assert tab.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(253, 253, 251)"  # CSS loaded
    tab.locator("section[lang=en] a").click()
    tab.wait_for_url(preview.url + "en/")
    outside = tab.goto(f"http://127.0.0.1:{preview.port}/de/")
    assert outside.status == 404
    seen, queue = set(), [preview.url]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = tab.goto(url)
        assert response.status == 200, url
        if not response.headers["content-type"].startswith("text/html"):
            continue
        links = tab.eval_on_selector_all("a[href], link[href]", "els => els.map(e => e.href)")
        queue += [link.split("#")[0] for link in links if link.startswith(preview.url)]
    assert len(seen) >= 20


def test_a_port_in_use_is_one_clear_error(project, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "techdigest.cli", "-C", str(project), "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == f"error: cannot serve on 127.0.0.1:{port}: Address already in use"
    assert "Traceback" not in result.stderr


def test_a_dropped_seed_is_imported_and_the_log_names_its_content_file(project, tmp_path):
    (project / "seeds").mkdir(exist_ok=True)
    server = Preview(project, tmp_path / "seed.log")
    try:
        seed = project / "seeds" / "neu.txt"
        seed.write_text("Ein neuer Artikel über Chips und Rechenzentren.\nSchlagwörter: Chips\n", encoding="utf-8")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and "imported seeds/neu.txt -> " not in server.log.read_text():
            time.sleep(0.1)  # polling for the rebuild, not timing it
        (line,) = [line for line in server.log.read_text().splitlines() if line.startswith("imported ")]
        content = line.split(" -> ")[1]
        assert content.startswith("content/") and (project / content).is_file()
    finally:
        server.stop()
