import datetime as dt
import json
from urllib.parse import urlencode

import pytest

from techdigest.cli import main
from techdigest.feedback import MAX_COMMENT, Rejected, append, check_request, parse_submission

NOW = dt.datetime(2026, 11, 27, 10, 0, tzinfo=dt.UTC)
ID = "5f0c8a4e-3b1d-4c2a-9e7f-1a2b3c4d5e6f"
ARTICLES = {"openai-cerebras": ID, "no-id-yet": ""}


def submit(**fields):
    base = {"article": "openai-cerebras", "id": ID, "lang": "de", "rating": "4", "comment": " Gut geschrieben. "}
    return parse_submission({**base, **fields}, ARTICLES, ("de", "en"), NOW)


def test_a_form_without_id_gets_the_one_the_preview_knows():
    assert submit(id="").id == ID
    assert submit(article="no-id-yet", id="").id == ""


def test_a_valid_submission_is_read_with_its_time():
    assert vars(submit()) == {
        "article": "openai-cerebras",
        "id": ID,
        "lang": "de",
        "rating": 4,
        "comment": "Gut geschrieben.",
        "time": "2026-11-27T10:00:00+00:00",
    }


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({"rating": "0"}, 400),
        ({"rating": "6"}, 400),
        ({"rating": "4.5"}, 400),
        ({"rating": ""}, 400),
        ({"article": "../etc/passwd"}, 400),
        ({"lang": "fr"}, 400),
        ({"id": "6f0c8a4e-3b1d-4c2a-9e7f-1a2b3c4d5e6f"}, 400),
        ({"article": "no-id-yet"}, 400),
        ({"comment": "x" * (MAX_COMMENT + 1)}, 413),
    ],
)
def test_bad_submissions_are_rejected_with_a_4xx(fields, status):
    with pytest.raises(Rejected) as caught:
        submit(**fields)
    assert caught.value.status == status


ORIGIN = "http://127.0.0.1:8000"
FORM = {"Content-Type": "application/x-www-form-urlencoded", "Content-Length": "100"}


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"Content-Type": "application/json"}, 415),
        ({"Content-Type": "text/plain"}, 415),
        ({"Content-Length": "100000"}, 413),
        ({"Content-Length": "-5"}, 400),
        ({"Origin": "https://evil.example"}, 403),
        ({"Origin": "null"}, 403),
        ({"Origin": "http://127.0.0.1:8001"}, 403),
        ({"Sec-Fetch-Site": "cross-site"}, 403),
        ({"Sec-Fetch-Site": "same-site"}, 403),
    ],
)
def test_requests_no_form_of_the_site_sends_are_refused_on_their_headers(headers, status):
    with pytest.raises(Rejected) as caught:
        check_request({**FORM, **headers}, ORIGIN)
    assert caught.value.status == status


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Origin": ORIGIN, "Sec-Fetch-Site": "same-origin"},
        {"Content-Type": "multipart/form-data; boundary=x"},
        {"Sec-Fetch-Site": "none"},
    ],
)
def test_forms_from_the_site_itself_or_without_origin_are_accepted(headers):
    check_request({**FORM, **headers}, ORIGIN)


@pytest.mark.parametrize("char", ["x", "ü", "中", "😀"])
def test_the_longest_comment_fits_the_body_limit_in_any_script(char):
    body = urlencode({"article": "openai-cerebras", "lang": "de", "rating": "4", "comment": char * MAX_COMMENT})
    check_request({**FORM, "Content-Length": str(len(body))}, ORIGIN)
    assert submit(comment=char * MAX_COMMENT).comment == char * MAX_COMMENT


def test_a_textareas_crlf_line_breaks_count_as_one_character():
    assert submit(comment="a\r\n" * (MAX_COMMENT // 2)).comment == "a\n" * (MAX_COMMENT // 2 - 1) + "a"


def test_appending_keeps_every_earlier_line_and_feedback_skips_a_broken_one(project, capsys):
    path = project / "feedback.jsonl"
    append(path, submit(rating="5"))
    before = path.read_bytes()
    with path.open("a") as handle:
        handle.write('{"article": "openai-cerebras", "rat\n')  # a line torn by a crash
    append(path, submit(rating="2", lang="en"))
    assert path.read_bytes().startswith(before)
    assert [json.loads(line)["rating"] for line in path.read_text().splitlines() if line.endswith("}")] == [5, 2]
    assert json.loads(path.read_text().splitlines()[0])["id"] == ID
    assert main(["-C", str(project), "feedback"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "article          lang  ratings  mean  1★  2★  3★  4★  5★  title",
        "openai-cerebras  de          1  5.00   0   0   0   0   1  OpenAI holt Cerebras an Bord",
        "openai-cerebras  en          1  2.00   0   1   0   0   0  OpenAI signs up Cerebras",
        "",
        "comments:",
        "openai-cerebras (de) 2026-11-27: Gut geschrieben.",
        "openai-cerebras (en) 2026-11-27: Gut geschrieben.",
    ]
    assert err.splitlines() == [
        f"skipped: {path}:2: unreadable line",
        f"counted 2 from {path}; skipped 1 (1 unreadable line)",
    ]
