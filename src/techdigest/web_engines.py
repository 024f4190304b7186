"""LibreTranslate and OpenAI-compatible servers, over their documented HTTP APIs with ``requests``
(the only module importing it).

Both are asked with one JSON POST and answer JSON; what goes wrong is said in
one line (refused key, quota, rate limit, no answer in time, no server, a
reply of another shape). A 429 or 503 that says when to come back
(``Retry-After`` in seconds, up to a minute) is tried again after that wait,
up to three times in all; anything else fails at once.

The OpenAI-compatible engine (OpenAI, or a local Ollama, llama.cpp server or
vLLM: ``[translate] url`` and ``model``) sends each text with the fixed
:data:`PROMPT`; the glossary's terms and the names to keep are added to it
as instructions, and the reply is checked to use them.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

import requests

from .config import TranslateSettings
from .engines import ENV_KEYS, EngineError, Terms, protect, restore, scrub
from .i18n import language_name
from .model import excerpt

_ATTEMPTS = 3
_LONGEST_WAIT = 60  # seconds: a server asking for a longer pause is told to the editor instead
LIBRETRANSLATE_URL = "http://localhost:5000"
OPENAI_URL = "https://api.openai.com/v1"
# The one prompt of the openai engine, documented in the README; {terms} is empty without any.
PROMPT = (
    "You translate news for a news site, from {source} into {target}. Reply with the translation of the "
    "user's text and nothing else: no introduction, no explanation, no notes, no quotation marks around it. "
    "Translate faithfully, as a news agency would: keep the meaning, the facts and the tone; add nothing, "
    "leave nothing out, do not summarize. Keep the names of people, companies, products and places as they "
    "are, and every number, unit, amount and date (written as {target} writes them).{terms}"
)


class _Client:
    """JSON POSTs to one server, with the waits it asks for, and its errors in one line each."""

    def __init__(self, engine: str, key: str, settings: TranslateSettings, url: str) -> None:
        self.engine, self.key, self.url, self.timeout = engine, key, url, settings.timeout
        self._session = requests.Session()

    def post(self, path: str, payload: dict[str, Any], headers: dict[str, str]) -> Any:
        for attempt in range(_ATTEMPTS):
            try:
                response = self._session.post(self.url + path, json=payload, headers=headers, timeout=self.timeout)
            except requests.Timeout:
                raise self.error(f"no answer within {self.timeout:g} s from {self.host}") from None
            except requests.RequestException:
                raise self.error(f"cannot reach {self.host} (check [translate] url and that the server runs)") from None
            wait = _retry_after(response)
            if wait is None or attempt == _ATTEMPTS - 1:
                break
            time.sleep(wait)
        return self._reply(response)

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc

    def error(self, message: str) -> EngineError:
        return EngineError(f"{self.engine}: {scrub(message, self.key)}")

    def _reply(self, response: requests.Response) -> Any:
        status, env = response.status_code, ENV_KEYS[self.engine]
        if status == 200:
            try:
                return response.json()
            except ValueError:
                raise self.error("the reply is not JSON (is [translate] url the API's address?)") from None
        said = _server_message(response)
        if status in (401, 403):
            fix = f"check {env}" if self.key else f"the server needs a key: set {env}"
            raise self.error(f"the server refused the key ({status}): {fix}{said}")
        if status in (429, 456):
            raise self.error(f"quota used up or too many requests ({status}): try again later{said}")
        if status == 404:
            raise self.error(f"not found (404) at {self.host}: check [translate] url and model{said}")
        raise self.error(f"the server {'failed' if status >= 500 else 'refused the request'} ({status}){said}")


def _retry_after(response: requests.Response) -> float | None:
    """How long the server asks to wait before trying again; None: it does not ask (or asks too long)."""
    header = response.headers.get("Retry-After", "")
    if response.status_code not in (429, 503) or not header.strip().isdigit():
        return None
    seconds = int(header)
    return float(seconds) if seconds <= _LONGEST_WAIT else None


def _server_message(response: requests.Response) -> str:
    """``: what the server said`` (LibreTranslate's ``error``, OpenAI's ``error.message``), or ""."""
    try:
        body = response.json()
    except ValueError:
        return ""
    said = body.get("error") if isinstance(body, dict) else None
    said = said.get("message") if isinstance(said, dict) else said
    return f": {excerpt(said)}" if isinstance(said, str) and said else ""


class LibreTranslate:
    """A LibreTranslate server (``POST /translate``); terms to keep travel as placeholders."""

    name = "libretranslate"

    def __init__(self, key: str, settings: TranslateSettings) -> None:
        self._client = _Client(self.name, key, settings, settings.url or LIBRETRANSLATE_URL)

    def translate(self, texts: Sequence[str], source: str, target: str, terms: Terms) -> list[str]:
        protected = [protect(text, terms) for text in texts]
        payload: dict[str, Any] = {"q": [text for text, _ in protected], "source": source, "target": target}
        payload["format"] = "text"
        if self._client.key:
            payload["api_key"] = self._client.key
        reply = self._client.post("/translate", payload, {})
        translated = reply.get("translatedText") if isinstance(reply, dict) else None
        if not isinstance(translated, list) or len(translated) != len(texts):
            raise self._client.error("the reply is not a translation of the texts sent (wrong shape)")
        try:
            return [restore(str(text), targets) for text, (_, targets) in zip(translated, protected, strict=True)]
        except EngineError as exc:
            raise self._client.error(str(exc)) from None


class OpenAICompatible:
    """Any server with OpenAI's ``POST /chat/completions``: one request per text, with :data:`PROMPT`."""

    name = "openai"

    def __init__(self, key: str, settings: TranslateSettings) -> None:
        if not settings.model:
            raise EngineError('openai: set model = "…" under [translate] in techdigest.toml (e.g. "gpt-4o-mini")')
        self._model = settings.model
        self._client = _Client(self.name, key, settings, settings.url or OPENAI_URL)

    def translate(self, texts: Sequence[str], source: str, target: str, terms: Terms) -> list[str]:
        return [self._one(text, source, target, terms) for text in texts]

    def _one(self, text: str, source: str, target: str, terms: Terms) -> str:
        found = terms.found_in(text)
        prompt = prompt_for(source, target, found)
        payload = {
            "model": self._model,
            "messages": [{"role": "system", "content": prompt}, {"role": "user", "content": text}],
            "temperature": 0,
        }
        headers = {"Authorization": f"Bearer {self._client.key}"} if self._client.key else {}
        reply = self._client.post("/chat/completions", payload, headers)
        try:
            content = reply["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError):
            raise self._client.error("the reply is not a chat completion (wrong shape)") from None
        if not isinstance(content, str):
            raise self._client.error("the reply holds no text")
        for term, wanted in found:
            if wanted.casefold() not in content.casefold():
                raise self._client.error(f"the reply does not write {excerpt(term)} as {excerpt(wanted)}: not used")
        return content


def prompt_for(source: str, target: str, terms: list[tuple[str, str]]) -> str:
    """:data:`PROMPT` for this language pair, with the terms the text holds."""
    keep = [term for term, wanted in terms if term == wanted]
    glossary = [f"{term} → {wanted}" for term, wanted in terms if term != wanted]
    said = ""
    if glossary:
        said += f" Translate these terms exactly so: {'; '.join(glossary)}."
    if keep:
        said += f" Leave these names unchanged: {', '.join(keep)}."
    return PROMPT.format(source=language_name(source, "en"), target=language_name(target, "en"), terms=said)
