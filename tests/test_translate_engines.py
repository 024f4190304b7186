"""Each engine's real client code against a stand-in server on 127.0.0.1 that answers as its API
documents: DeepL (``/v2/translate``, ``/v2/glossaries``), LibreTranslate (``/translate``) and an
OpenAI-compatible server (``/v1/chat/completions``), with their error replies.

The stand-ins "translate" by putting ``(en)`` before the text, apply a DeepL glossary they hold,
keep DeepL's ignored tags, and the chat stand-in follows the glossary its prompt gives.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import deepl
import pytest

from techdigest.config import TranslateSettings
from techdigest.engines import EngineError, Terms, checked_reply, make_engine, protect, restore

KEY = "sk-secret-key-1234"
Reply = tuple[int, dict[str, str], Any]  # status, headers, JSON body (bytes: sent as they are)


@dataclass
class StandIn:
    """A local server: ``answer`` decides each reply; ``seen`` records every request."""

    url: str
    answer: Callable[[str, str, dict[str, str], Any], Reply]
    seen: list[tuple[str, str, dict[str, str], Any]] = field(default_factory=list)
    queued: list[Reply] = field(default_factory=list)  # replies given first, in order
    release: threading.Event = field(default_factory=threading.Event)  # ends a reply that hangs


def _handler(standin: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._serve()

        def do_POST(self) -> None:
            self._serve()

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            headers = {k.lower(): v for k, v in self.headers.items()}
            standin.seen.append((self.command, self.path, headers, body))
            status, extra, reply = (
                standin.queued.pop(0) if standin.queued else standin.answer(self.command, self.path, headers, body)
            )
            if status == 0:  # hang: no answer before the client gives up
                standin.release.wait(10)
                return
            data = reply if isinstance(reply, bytes) else json.dumps(reply).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in extra.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def standin() -> Iterator[Callable[[Callable[[str, str, dict[str, str], Any], Reply]], StandIn]]:
    """Starts stand-in servers answering with the given function; all stopped after the test."""
    servers: list[tuple[ThreadingHTTPServer, StandIn]] = []

    def start(answer: Callable[[str, str, dict[str, str], Any], Reply]) -> StandIn:
        found = StandIn("", answer)
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(found))
        server.daemon_threads = True
        found.url = f"http://127.0.0.1:{server.server_port}"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append((server, found))
        return found

    yield start
    for server, found in servers:
        found.release.set()
        server.shutdown()
        server.server_close()


def fake(text: str, target: str = "en") -> str:
    return f"({target}) {text}"


# ---- the APIs as documented ------------------------------------------------------------------


def deepl_api(glossaries: dict[str, dict[str, Any]]) -> Callable[[str, str, dict[str, str], Any], Reply]:
    """DeepL API v2: ``Authorization: DeepL-Auth-Key``; translate (JSON), glossaries (TSV entries)."""

    def answer(method: str, path: str, headers: dict[str, str], body: Any) -> Reply:
        if headers.get("authorization") != f"DeepL-Auth-Key {KEY}":
            return 403, {}, {"message": "Wrong endpoint. Use https://api.deepl.com"}
        if path == "/v2/glossaries" and method == "GET":
            return 200, {}, {"glossaries": list(glossaries.values())}
        if path == "/v2/glossaries":
            entries = dict(line.split("\t") for line in body["entries"].splitlines())
            gid = f"g{len(glossaries)}"
            glossaries[gid] = {
                "glossary_id": gid,
                "name": body["name"],
                "ready": True,
                "source_lang": body["source_lang"].lower(),
                "target_lang": body["target_lang"].lower(),
                "creation_time": "2026-11-25T10:00:00.000Z",
                "entry_count": len(entries),
                "entries": entries,
            }
            return 201, {}, {k: v for k, v in glossaries[gid].items() if k != "entries"}
        if path == "/v2/translate":
            entries = glossaries[body["glossary_id"]]["entries"] if body.get("glossary_id") else {}
            texts = [_deepl_translate(text, entries, body) for text in body["text"]]
            return (
                200,
                {},
                {
                    "translations": [
                        {"detected_source_language": "DE", "text": t, "billed_characters": len(t)} for t in texts
                    ]
                },
            )
        return 404, {}, {"message": "Not found"}

    return answer


def _deepl_translate(text: str, entries: dict[str, str], body: dict[str, Any]) -> str:
    kept: list[str] = []
    if body.get("tag_handling") == "xml":
        for tag in body.get("ignore_tags", []):
            text = re.sub(rf"<{tag}>.*?</{tag}>", lambda m: kept.append(m.group()) or f"\x00{len(kept) - 1}\x00", text)
    for source, target in entries.items():
        text = text.replace(source, target)
    text = fake(text, body["target_lang"].lower().split("-")[0])
    return re.sub("\x00(\\d+)\x00", lambda m: kept[int(m.group(1))], text)


def libretranslate_api(method: str, path: str, headers: dict[str, str], body: Any) -> Reply:
    """LibreTranslate: POST /translate, JSON q (text or list), source, target, format, api_key."""
    if path != "/translate":
        return 404, {}, {"error": "Not Found"}
    if body.get("api_key") != KEY:
        return 403, {}, {"error": "Invalid API key"}
    q = body["q"]
    translated = [fake(text, body["target"]) for text in q] if isinstance(q, list) else fake(q, body["target"])
    return 200, {}, {"translatedText": translated}


def openai_api(method: str, path: str, headers: dict[str, str], body: Any) -> Reply:
    """OpenAI chat completions: Bearer key; the stand-in model follows the glossary of the prompt."""
    if path != "/v1/chat/completions":
        return 404, {}, {"error": {"message": "Not found", "type": "invalid_request_error"}}
    if headers.get("authorization") != f"Bearer {KEY}":
        return (
            401,
            {},
            {
                "error": {
                    "message": f"Incorrect API key provided: {headers.get('authorization')}",
                    "type": "invalid_request_error",
                    "code": "invalid_api_key",
                }
            },
        )
    system, user = body["messages"][0]["content"], body["messages"][1]["content"]
    said = re.search(r"Translate these terms exactly so: (.*?)\.", system)
    for pair in said.group(1).split("; ") if said else []:
        source, target = pair.split(" → ")
        user = user.replace(source, target)
    return 200, {}, completion(fake(user))


def completion(content: Any) -> dict[str, Any]:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1764064800,
        "model": "stand-in",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
    }


APIS = {"deepl": lambda: deepl_api({}), "libretranslate": lambda: libretranslate_api, "openai": lambda: openai_api}
ENV = {"deepl": "DEEPL_AUTH_KEY", "libretranslate": "LIBRETRANSLATE_API_KEY", "openai": "OPENAI_API_KEY"}


def engine_for(name: str, url: str, **settings: Any):
    base = f"{url}/v1" if name == "openai" else url
    options = {"url": base, "model": "stand-in" if name == "openai" else "", "timeout": 0.5, **settings}
    return make_engine(name, TranslateSettings(engine=name, **options), {ENV[name]: KEY})


@pytest.fixture(autouse=True)
def quick_deepl(monkeypatch: pytest.MonkeyPatch) -> None:
    """The deepl package waits seconds between its own retries: one retry, a short timeout, in tests."""
    monkeypatch.setattr(deepl.http_client, "max_network_retries", 1)
    monkeypatch.setattr(deepl.http_client, "min_connection_timeout", 0.5)


# ---- success --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["deepl", "libretranslate", "openai"])
def test_each_engine_translates_in_order_keeping_tags_and_glossary(standin, name: str) -> None:
    server = standin(APIS[name]())
    glossary = (("KI-Chips", "AI chips"),)
    engine = engine_for(name, server.url, glossary=glossary)
    terms = Terms(glossary, ("Nvidia",))
    texts = ["Neue Regeln für KI-Chips von Nvidia", "Wie finden Sie das?"]
    assert engine.translate(texts, "de", "en", terms) == [
        "(en) Neue Regeln für AI chips von Nvidia",
        "(en) Wie finden Sie das?",
    ]


def test_deepl_sends_the_documented_request_and_reuses_its_glossary(standin) -> None:
    server = standin(deepl_api({}))
    glossary = (("KI", "AI"),)
    engine = engine_for("deepl", server.url, glossary=glossary)
    engine.translate(["KI und Nvidia"], "de", "en", Terms(glossary, ("Nvidia",)))
    engine_for("deepl", server.url, glossary=glossary).translate(["KI"], "de", "en", Terms(glossary))
    posts = [(path, body) for method, path, _, body in server.seen if method == "POST"]
    assert [path for path, _ in posts] == ["/v2/glossaries", "/v2/translate", "/v2/translate"]  # made once
    created, sent = posts[0][1], posts[1][1]
    assert (created["source_lang"], created["target_lang"], created["entries"]) == ("DE", "EN", "KI\tAI")
    assert sent["text"] == ["KI und <keep>Nvidia</keep>"]
    assert (sent["source_lang"], sent["target_lang"], sent["glossary_id"]) == ("DE", "EN-GB", "g0")
    assert (sent["tag_handling"], sent["ignore_tags"]) == ("xml", ["keep"])


def test_libretranslate_sends_placeholders_and_its_key(standin) -> None:
    server = standin(libretranslate_api)
    engine_for("libretranslate", server.url).translate(["Nvidia & AMD"], "de", "en", Terms((), ("Nvidia",)))
    ((_, path, _, body),) = server.seen
    assert path == "/translate"
    assert body == {"q": ["TDX0X & AMD"], "source": "de", "target": "en", "format": "text", "api_key": KEY}


def test_openai_prompt_is_fixed_and_names_the_terms(standin) -> None:
    server = standin(openai_api)
    engine_for("openai", server.url).translate(["KI bei Nvidia"], "de", "en", Terms((("KI", "AI"),), ("Nvidia",)))
    ((_, path, headers, body),) = server.seen
    system = body["messages"][0]["content"]
    assert path == "/v1/chat/completions" and body["model"] == "stand-in" and body["temperature"] == 0
    assert system.startswith("You translate news for a news site, from German into English.")
    assert "nothing else" in system and "KI → AI" in system and "Leave these names unchanged: Nvidia." in system
    assert body["messages"][1] == {"role": "user", "content": "KI bei Nvidia"}


def test_a_429_with_retry_after_is_tried_again(standin) -> None:
    for name in ("libretranslate", "openai"):
        server = standin(APIS[name]())
        server.queued.append((429, {"Retry-After": "0"}, {"error": "Too many requests"}))
        assert engine_for(name, server.url).translate(["Text"], "de", "en", Terms()) == ["(en) Text"]
        assert len(server.seen) == 2


# ---- failures: one line each, never the key -------------------------------------------------

FAILURES = [
    (
        "bad key",
        None,
        {
            "deepl": "refused the key (403)",
            "libretranslate": "refused the key (403)",
            "openai": "refused the key (401)",
        },
    ),
    (
        "quota",
        (456, {}, {"message": "Quota exceeded"}),
        {
            "deepl": "quota of this billing period is used up (456)",
            "libretranslate": "quota used up or too many requests (456)",
            "openai": "quota used up or too many requests (456)",
        },
    ),
    (
        "rate",
        (429, {}, {"error": {"message": "Rate limit reached"}, "message": "Too many requests"}),
        {
            "deepl": "too many requests (429)",
            "libretranslate": "quota used up or too many requests (429)",
            "openai": "quota used up or too many requests (429): try again later: 'Rate limit reached'",
        },
    ),
    (
        "server",
        (500, {}, {"error": "boom"}),
        {
            "deepl": "refused the request (500)",
            "libretranslate": "the server failed (500)",
            "openai": "the server failed (500)",
        },
    ),
    (
        "hang",
        (0, {}, None),
        {"deepl": "no answer in time", "libretranslate": "no answer within 0.5 s", "openai": "no answer within 0.5 s"},
    ),
    (
        "not json",
        (200, {}, b"<html>proxy</html>"),
        {"deepl": "wrong shape", "libretranslate": "the reply is not JSON", "openai": "the reply is not JSON"},
    ),
    (
        "wrong shape",
        (200, {}, {"result": "x"}),
        {"deepl": "0 translations for 1 texts (wrong shape)", "libretranslate": "wrong shape", "openai": "wrong shape"},
    ),
]


@pytest.mark.parametrize("name", ["deepl", "libretranslate", "openai"])
@pytest.mark.parametrize(("case", "reply", "expected"), FAILURES, ids=[f[0] for f in FAILURES])
def test_failures_are_one_clear_line_without_the_key(
    standin, name: str, case: str, reply: Reply | None, expected: dict[str, str]
) -> None:
    server = standin(APIS[name]())
    replies = [reply] * 3 if reply else []
    server.queued.extend(replies)
    engine = engine_for(name, server.url)
    if reply is None:  # a wrong key
        engine = make_engine(
            name,
            TranslateSettings(
                engine=name, url=f"{server.url}/v1" if name == "openai" else server.url, model="m", timeout=0.5
            ),
            {ENV[name]: "wrong-" + KEY},
        )
    with pytest.raises(EngineError) as caught:
        engine.translate(["Text"], "de", "en", Terms())
    message = str(caught.value)
    assert message.startswith(f"{name}: ") and "\n" not in message
    assert expected[name] in message
    assert KEY not in message


@pytest.mark.parametrize("name", ["deepl", "libretranslate", "openai"])
def test_an_unreachable_server_is_said(standin, name: str) -> None:
    server = standin(APIS[name]())
    url = server.url
    standin_port_closed = url.rsplit(":", 1)[0] + ":1"
    engine = engine_for(name, standin_port_closed)
    with pytest.raises(EngineError, match="cannot reach"):
        engine.translate(["Text"], "de", "en", Terms())


def test_a_missing_key_is_said_before_anything_is_sent() -> None:
    with pytest.raises(EngineError, match="DEEPL_AUTH_KEY is not set"):
        make_engine("deepl", TranslateSettings(engine="deepl"), {})
    with pytest.raises(EngineError, match="set model"):
        make_engine("openai", TranslateSettings(engine="openai"), {})
    with pytest.raises(EngineError, match="no translation engine chosen"):
        make_engine("", TranslateSettings(), {})


def test_a_libretranslate_server_without_keys_needs_none_and_says_when_it_does(standin) -> None:
    server = standin(libretranslate_api)
    engine = make_engine("libretranslate", TranslateSettings(url=server.url, timeout=0.5), {})
    with pytest.raises(EngineError, match="the server needs a key: set LIBRETRANSLATE_API_KEY"):
        engine.translate(["Text"], "de", "en", Terms())


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("", "empty"),
        (None, "holds no text"),
        ("Sure! Here is the translation: New rules", "not only the translation"),
        ("Here's the translation:\n\nNew rules", "not only the translation"),
        ("New rules " * 20, "several times as long"),
    ],
)
def test_a_chat_reply_that_is_no_translation_is_refused(standin, content: Any, said: str) -> None:
    server = standin(openai_api)
    server.queued.append((200, {}, completion(content)))
    with pytest.raises(EngineError, match=said):
        checked_reply(
            "Neue Regeln", engine_for("openai", server.url).translate(["Neue Regeln"], "de", "en", Terms())[0]
        )


def test_a_chat_reply_that_ignores_the_glossary_is_refused(standin) -> None:
    server = standin(openai_api)
    server.queued.append((200, {}, completion("Rules for KI")))
    with pytest.raises(EngineError, match="does not write 'KI' as 'AI'"):
        engine_for("openai", server.url).translate(["Regeln für KI"], "de", "en", Terms((("KI", "AI"),)))


def test_placeholders_come_back_or_the_reply_is_refused() -> None:
    text, targets = protect(
        "KI-Chips für OpenAI und OpenAI Codex", Terms((("KI-Chips", "AI chips"),), ("OpenAI", "OpenAI Codex"))
    )
    assert text == "TDX1X für TDX2X und TDX0X"  # the longest term first: OpenAI Codex is not OpenAI
    assert restore("tdx1x for TDX2X and TDX0X", targets) == "AI chips for OpenAI and OpenAI Codex"
    with pytest.raises(EngineError, match="lost the term 'OpenAI'"):
        restore("TDX1X for TDX0X", targets)


def test_argos_missing_is_one_line_saying_how_to_install_it() -> None:
    engine = make_engine("argos", TranslateSettings(), {})
    with pytest.raises(EngineError) as caught:
        engine.translate(["Text"], "de", "en", Terms())
    assert str(caught.value) == (
        "argos: Argos Translate is not installed: pip install argostranslate, then "
        "argospm update && argospm install translate-de_en"
    )
