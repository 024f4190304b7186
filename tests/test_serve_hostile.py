"""``techdigest serve`` against hostile requests: it serves the site, and only the site, to its own pages.

Every test talks raw HTTP (``http.client``: paths and headers exactly as written) to a running
``techdigest serve``. Waiting for the server to reach a state polls it; nothing here times anything.
"""

from __future__ import annotations

import fcntl
import http.client
import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import pytest
from conftest import make_project
from lxml import html
from test_serve import BASE_PATH, Preview, wait_until

SECRET = "TOP-SECRET-NOT-PART-OF-THE-SITE"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def request(
    preview: Preview, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """One request with the path and headers exactly as given (nothing normalised or quoted)."""
    connection = http.client.HTTPConnection("127.0.0.1", preview.port, timeout=60)
    try:
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for name, value in {"Host": f"127.0.0.1:{preview.port}", **(headers or {})}.items():
            connection.putheader(name, value)
        if body is not None and "Content-Length" not in (headers or {}):
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def banner(preview: Preview, path: str = BASE_PATH) -> str | None:
    status, _, body = request(preview, "GET", path)
    alert = html.fromstring(body).xpath("//*[@id='techdigest-build-error']")
    return alert[0].text_content() if status == 200 and alert else None


def post_rating(preview: Preview, comment: str = "", headers: dict[str, str] | None = None) -> int:
    body = urlencode({"article": "openai-cerebras", "lang": "de", "rating": "4", "comment": comment}).encode()
    return request(preview, "POST", BASE_PATH + "_feedback", body, {**FORM, **(headers or {})})[0]


def ratings(preview: Preview) -> list[dict]:
    path = preview.project / "ratings.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def replace(path: Path, make: Callable[[Path], object]) -> None:
    """Swap ``path`` for what ``make`` creates next to it, in one rename (as an editor saves)."""
    temp = path.with_name(".new-" + path.name)
    make(temp)
    os.replace(temp, path)


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One server for the tests that leave its state as they found it."""
    folder = tmp_path_factory.mktemp("hostile-serve")
    server = Preview(make_project(folder / "project"), folder / "serve.log")
    yield server
    server.stop()


@pytest.fixture
def preview(project, tmp_path):
    server = Preview(project, tmp_path / "serve.log")
    yield server
    server.stop()


def traversals(secret: Path) -> list[str]:
    """Ways of asking for a file outside the site: absolute, dotted, encoded, and its folder's index."""
    up = "../" * 12
    return [
        BASE_PATH + "/" + str(secret / "secret.html").lstrip("/"),
        BASE_PATH + str(secret / "secret.html"),
        BASE_PATH + up + str(secret / "secret.html").lstrip("/"),
        BASE_PATH + quote(up + str(secret / "secret.html").lstrip("/"), safe=""),
        BASE_PATH + "%2e%2e/" * 12 + quote(str(secret).lstrip("/")) + "/",
        BASE_PATH + "..%2f" * 12 + quote(str(secret).lstrip("/"), safe="") + "%2f",
        BASE_PATH + up + str(secret).lstrip("/") + "/",
        BASE_PATH + up + str(secret).lstrip("/"),
        "/" + str(secret / "secret.html"),
    ]


def test_nothing_outside_the_output_is_served_whatever_state_the_build_is_in(preview, tmp_path):
    secret = tmp_path / "outside"
    secret.mkdir()
    for name in ("secret.html", "index.html"):
        (secret / name).write_text(f"<html><body>{SECRET}</body></html>", encoding="utf-8")
    article = preview.project / "content" / "openai-cerebras.md"
    good = article.read_text(encoding="utf-8")

    def assert_only_the_site() -> None:
        for path in traversals(secret):
            status, headers, body = request(preview, "GET", path)
            assert SECRET.encode() not in body, path
            assert status in (301, 302, 400, 403, 404), (path, status)
            assert SECRET not in headers.get("Location", ""), path

    assert_only_the_site()
    replace(article, lambda temp: temp.write_text(good.replace("date: 2026-11-25", "date: 2026-13-01")))
    wait_until(lambda: banner(preview), "the build error")
    assert_only_the_site()
    assert "Traceback" not in preview.log.read_text()


@pytest.mark.parametrize("path", ["%00", "a%00b.html", "x" * 5000, "%ff/", "de/%00/"])
def test_a_malformed_path_is_a_4xx_without_a_traceback(shared, path):
    status, _, _ = request(shared, "GET", BASE_PATH + path)
    assert status in (400, 404)
    assert "Traceback" not in shared.log.read_text()
    assert request(shared, "GET", BASE_PATH)[0] == 200


def test_a_base_path_is_a_literal_prefix_with_any_characters(project, tmp_path):
    base = "/a.b(ä/"
    server = Preview(project, tmp_path / "serve.log", base_path=base)
    try:
        encoded = quote(base)
        assert urlsplit(server.url).path == encoded
        assert request(server, "GET", encoded)[0] == 200
        assert request(server, "GET", "/a.b(%C3%A4/de/")[0] == 200  # as a browser sends it: "(" left as it is
        assert request(server, "GET", "/aXb(%C3%A4/de/")[0] == 404  # "." is no wildcard
        status, headers, _ = request(server, "GET", encoded.rstrip("/"))
        assert (status, headers["Location"]) in {(301, encoded), (302, encoded)}
        status, headers, _ = request(server, "GET", "/")
        assert (status, headers["Location"]) in {(301, encoded), (302, encoded)}
        article = html.fromstring(request(server, "GET", encoded + "de/2026/openai-cerebras/")[2])
        (action,) = article.xpath("//form/@action")
        assert action == encoded + "_feedback"
        body = urlencode({"article": "openai-cerebras", "lang": "de", "rating": "5"}).encode()
        assert request(server, "POST", action, body, FORM)[0] == 303
    finally:
        server.stop()


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--base-path", "/a/../b/"),
        ("--base-path", "/a?b/"),
        ("--base-path", "/a#/"),
        ("--base-path", "/a%41/"),
        ("--base-path", "/a\x1b/"),
        ("--port", "99999"),
        ("--port", "-1"),
        ("--port", "http"),
    ],
)
def test_a_nonsense_port_or_base_path_is_one_clear_error(project, option, value):
    result = subprocess.run(
        [sys.executable, "-m", "techdigest.cli", "-C", str(project), "serve", option, value],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1].startswith("techdigest serve: error: argument ")
    assert option in result.stderr.splitlines()[-1] and repr(value) in result.stderr
    assert "Traceback" not in result.stderr


def test_an_oversize_body_is_refused_by_its_length_before_it_is_read(shared):
    status, _, body = request(
        shared, "POST", BASE_PATH + "_feedback", b"article=openai-cerebras", {**FORM, "Content-Length": str(90_000_000)}
    )
    assert status == 413  # answered with 23 of the 90,000,000 bytes sent
    assert json.loads(body)["ok"] is False
    assert request(shared, "GET", BASE_PATH)[0] == 200


@pytest.mark.parametrize("char", ["中", "😀", "ä"])
def test_the_longest_comment_is_accepted_in_any_script(shared, char):
    before = len(ratings(shared))
    assert post_rating(shared, char * 2000) == 303
    assert ratings(shared)[before:][0]["comment"] == char * 2000


@pytest.mark.parametrize(
    "host",
    [
        "evil.example:{port}",
        "evil.example",
        "127.0.0.1.nip.io:{port}",
        "127.0.0.1:1",
        "localhost.evil.example:{port}",
        "[::1",
        "127.0.0.1:x",
    ],
)
def test_requests_for_another_host_are_refused(shared, host):
    headers = {"Host": host.format(port=shared.port)}
    status, _, body = request(shared, "GET", BASE_PATH, headers=headers)
    assert status == 403
    assert b"host" in body
    assert post_rating(shared, "rebound", headers) == 403
    assert "rebound" not in {entry["comment"] for entry in ratings(shared)}


@pytest.mark.parametrize("host", ["localhost:{port}", "127.0.0.1:{port}", "[::1]:{port}", "LOCALHOST:{port}"])
def test_the_preview_answers_at_its_own_addresses(shared, host):
    assert request(shared, "GET", BASE_PATH, headers={"Host": host.format(port=shared.port)})[0] == 200


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://127.0.0.1:1"},
        {"Sec-Fetch-Site": "cross-site"},
    ],
)
def test_a_cross_origin_post_is_refused(shared, headers):
    assert post_rating(shared, "cross-origin", headers) == 403
    assert "cross-origin" not in {entry["comment"] for entry in ratings(shared)}


@pytest.mark.parametrize("headers", [{}, {"Origin": "http://127.0.0.1:{port}", "Sec-Fetch-Site": "same-origin"}])
def test_a_post_from_the_site_or_without_origin_is_stored(shared, headers):
    headers = {name: value.format(port=shared.port) for name, value in headers.items()}
    assert post_rating(shared, f"same origin {len(headers)}", headers) == 303
    assert f"same origin {len(headers)}" in {entry["comment"] for entry in ratings(shared)}


@contextmanager
def rebuild_held(preview: Preview) -> Iterator[None]:
    """A rebuild that waits until the block is done: for the lock of the folder the preview is in, held
    here as another build would hold it (the rebuild says it waits: that is when the block starts)."""
    (output,) = set(re.findall(r"^built .* into (\S+) in ", preview.log.read_text(), re.MULTILINE))
    lock = os.open(Path(output).parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        waits = preview.log.read_text().count("waiting for another techdigest process")
        article = next((preview.project / "content").glob("*.md"))
        replace(
            article,
            lambda temp: temp.write_text(article.read_text(encoding="utf-8") + "\nNoch ein Satz.\n", encoding="utf-8"),
        )
        wait_until(
            lambda: preview.log.read_text().count("waiting for another techdigest process") > waits or None,
            "the rebuild to wait for the lock",
        )
        yield
    finally:
        os.close(lock)


def test_pages_are_served_while_a_rebuild_runs(preview):
    builds = preview.builds()
    with rebuild_held(preview):
        status, _, body = request(preview, "GET", BASE_PATH + "de/")
        assert status == 200
        assert html.fromstring(body).xpath("//h1")
        assert preview.builds() == builds  # the rebuild is still waiting
    wait_until(lambda: preview.builds() > builds or None, "the rebuild to finish")


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_stop_during_a_rebuild_lets_it_finish_then_removes_the_preview_folder(preview, signum):
    (output,) = re.findall(r"^built .* into (\S+) in ", preview.log.read_text(), re.MULTILINE)
    builds = preview.builds()
    with rebuild_held(preview):
        preview.process.send_signal(signum)
    assert preview.process.wait(timeout=60) == 0
    log = preview.log.read_text()
    assert preview.builds() == builds + 1
    assert "stopped" in log.splitlines()
    assert "Traceback" not in log
    assert not Path(output).exists()


# ``techdigest serve`` with a fault injected into its builds: a bug, as no input can cause one, while the
# file ``fail-builds`` exists in the project (a file no build reads)
FAULTY_SERVE = """
import sys
import techdigest.preview
from techdigest.cli import main

real_build = techdigest.preview.build

def build(config, *args, **options):
    if (config.root / "fail-builds").exists():
        raise RuntimeError("injected fault\\nsecond line \\x1b[31m")
    return real_build(config, *args, **options)

techdigest.preview.build = build
sys.exit(main(sys.argv[1:]))
"""


def test_an_unexpected_error_is_one_line_and_a_banner_and_the_last_good_site_stays(project, tmp_path):
    preview = Preview(project, tmp_path / "serve.log", program=("-c", FAULTY_SERVE))
    try:
        builds = preview.builds()
        (project / "fail-builds").touch()
        article = next((project / "content").glob("*.md"))
        replace(
            article, lambda temp: temp.write_text(article.read_text(encoding="utf-8") + "\nMehr.\n", encoding="utf-8")
        )
        shown = wait_until(lambda: banner(preview, BASE_PATH + "de/"), "the error banner")
        assert "RuntimeError: injected fault" in shown and "second line" not in shown
        errors = [line for line in preview.log.read_text().splitlines() if line.startswith("error: ")]
        assert errors == ["error: RuntimeError: injected fault"]
        assert "Traceback" not in preview.log.read_text() and preview.process.poll() is None
        status, _, body = request(preview, "GET", BASE_PATH + "de/")
        assert status == 200 and html.fromstring(body).xpath("//h1")  # the last good site
        (project / "fail-builds").unlink()
        replace(
            article,
            lambda temp: temp.write_text(article.read_text(encoding="utf-8") + "\nNoch mehr.\n", encoding="utf-8"),
        )
        wait_until(lambda: preview.builds() > builds or None, "the recovery")
        assert banner(preview, BASE_PATH + "de/") is None
    finally:
        preview.stop()


def test_the_folder_of_a_preview_killed_with_kill_9_is_removed_by_the_next(project, tmp_path):
    first = Preview(project, tmp_path / "first.log")
    (output,) = set(re.findall(r"^built .* into (\S+) in ", first.log.read_text(), re.MULTILINE))
    first.process.kill()
    first.process.wait(timeout=10)
    assert Path(output).is_dir()  # nobody cleaned up after it
    second = Preview(project, tmp_path / "second.log")
    try:
        (alive,) = set(re.findall(r"^built .* into (\S+) in ", second.log.read_text(), re.MULTILINE))
        assert not Path(output).exists() and Path(alive).is_dir()
    finally:
        second.stop()
    assert not Path(alive).exists()


def test_head_and_get_agree_on_a_page(shared):
    get_status, get_headers, body = request(shared, "GET", BASE_PATH)
    head_status, head_headers, _ = request(shared, "HEAD", BASE_PATH)
    assert get_status == head_status == 200
    for headers in (get_headers, head_headers):  # a page is the file plus the live-reload script
        assert headers.get("Content-Length") in (None, str(len(body)))


def test_a_rating_that_cannot_be_stored_is_a_500_and_one_line(preview):
    (preview.project / "ratings.jsonl").mkdir()  # where the ratings go is a folder: writing fails
    status = post_rating(preview)
    assert status == 500
    log = preview.log.read_text()
    assert "Traceback" not in log
    assert [line for line in log.splitlines() if line.startswith("error: ")] == [
        f"error: {preview.project / 'ratings.jsonl'}: Is a directory"
    ]


def test_the_error_banner_speaks_the_page_language_and_stays_above_the_header(preview):
    (preview.project / "content" / "kaputt.md").write_text("---\ntitle: [x\n---\n", encoding="utf-8")
    german = wait_until(lambda: banner(preview, BASE_PATH + "de/"), "the error banner")
    assert german.startswith("Der Build ist fehlgeschlagen; zu sehen ist die letzte gute Fassung.")
    assert "content/kaputt.md:2: invalid YAML" in german
    english = banner(preview, BASE_PATH + "en/")
    assert english is not None and english.startswith("Build failed; showing the last good version.")
    _, _, body = request(preview, "GET", BASE_PATH + "de/")
    doc = html.fromstring(body)
    (alert,) = doc.xpath("//*[@id='techdigest-build-error']")
    assert "position" not in alert.get("style", "")  # in the flow: it pushes the header down, never covers it
    assert doc.body.index(alert) == 0 < doc.body.index(doc.xpath("//header")[0])


def test_a_seed_that_cannot_be_imported_is_shown_in_the_browser_until_it_is_gone(project, tmp_path):
    (project / "seeds").mkdir(exist_ok=True)
    server = Preview(project, tmp_path / "seed.log")
    try:
        (project / "seeds" / "leer.txt").write_text("   \n", encoding="utf-8")

        def seed_banner() -> str | None:
            _, _, body = request(server, "GET", BASE_PATH + "de/")
            alert = html.fromstring(body).xpath("//*[@id='techdigest-seed-error']")
            return alert[0].text_content() if alert else None

        shown = wait_until(seed_banner, "the seed banner")
        assert shown == "Nicht importiert:\nseeds/leer.txt: empty seed: no article text"
        assert banner(server, BASE_PATH + "de/") is None  # the build itself is fine
        (project / "seeds" / "leer.txt").unlink()
        wait_until(lambda: seed_banner() is None or None, "the seed banner to go")
    finally:
        server.stop()
