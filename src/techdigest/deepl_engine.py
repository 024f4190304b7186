"""The DeepL engine, through the official ``deepl`` package: the only module importing it.

The package retries by itself (429 and server errors, with back-off; network
failures too) and picks DeepL Free or Pro by the key (a Free key ends in
``:fx``); ``[translate] url`` sends it elsewhere (a proxy, a stand-in server).
The glossary becomes a DeepL glossary (``/v2/glossaries``), named after its
content so that each run reuses the one made before instead of adding
another. Names to keep as they are (the article's tags) are sent inside
``<keep>`` elements with ``tag_handling="xml"`` and ``ignore_tags``: DeepL's
documented way to leave text untranslated.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Sequence

import deepl

from .config import TranslateSettings
from .engines import EngineError, Terms, scrub, whole_word
from .model import excerpt

_KEEP = "keep"
# DeepL translates into a variant of these: English as written in Europe, as for a European newsroom
_TARGETS = {"en": "EN-GB", "pt": "PT-PT"}


class DeepL:
    name = "deepl"

    def __init__(self, key: str, settings: TranslateSettings) -> None:
        self._key = key
        self._translator = deepl.Translator(key, server_url=_server(settings.url), send_platform_info=False)
        self._glossaries: dict[tuple[str, str], str] = {}  # (source, target) -> glossary id, for this run

    def translate(self, texts: Sequence[str], source: str, target: str, terms: Terms) -> list[str]:
        try:
            glossary = self._glossary(source, target, terms.glossary) if terms.glossary else None
            keep = [name for name in terms.keep if whole_word(name).search(" ".join(texts))]
            sent = [_marked(text, keep) for text in texts] if keep else list(texts)
            results = self._translator.translate_text(
                sent,
                source_lang=source.upper(),
                target_lang=_TARGETS.get(target, target.upper()),
                glossary=glossary,
                tag_handling="xml" if keep else None,
                ignore_tags=[_KEEP] if keep else None,
            )
        except deepl.DeepLException as exc:
            raise EngineError(f"deepl: {scrub(_failure(exc), self._key)}") from None
        except (KeyError, TypeError, ValueError):  # the package reading a reply of another shape
            raise EngineError("deepl: the reply is not a DeepL translation (wrong shape)") from None
        replies = results if isinstance(results, list) else [results]
        if len(replies) != len(texts):
            raise EngineError(f"deepl: {len(replies)} translations for {len(texts)} texts (wrong shape)")
        return [_unmarked(reply.text) if keep else reply.text for reply in replies]

    def _glossary(self, source: str, target: str, pairs: tuple[tuple[str, str], ...]) -> str:
        """The id of a DeepL glossary holding ``pairs``: one made earlier (same name), or a new one."""
        if (source, target) not in self._glossaries:
            digest = hashlib.blake2b(repr(sorted(pairs)).encode(), digest_size=6).hexdigest()
            name = f"techdigest {source}-{target} {digest}"
            found = [g.glossary_id for g in self._translator.list_glossaries() if g.name == name and g.ready]
            self._glossaries[source, target] = (
                found[0]
                if found
                else self._translator.create_glossary(name, source.upper(), target.upper(), dict(pairs)).glossary_id
            )
        return self._glossaries[source, target]


def _server(url: str) -> str | None:
    """The package's ``server_url``: it joins ``v2/translate`` to it, so a path needs its final slash."""
    return url + "/" if url else None


def _failure(exc: deepl.DeepLException) -> str:
    """What went wrong, as an editor can act on it."""
    status = exc.http_status_code
    if isinstance(exc, deepl.AuthorizationException) or status in (401, 403):
        return f"the server refused the key ({status}): check DEEPL_AUTH_KEY (a DeepL Free key ends in :fx)"
    if isinstance(exc, deepl.QuotaExceededException):
        return "the quota of this billing period is used up (456): see your DeepL account"
    if isinstance(exc, deepl.TooManyRequestsException):
        return "too many requests (429), also after waiting and retrying: try again later"
    if isinstance(exc, deepl.ConnectionException):
        said = "no answer in time" if "timed out" in str(exc) else "cannot reach the server"
        return f"{said} (check [translate] url and the network)"
    return f"the server refused the request ({status or 'no status'}): {excerpt(str(exc))}"


def _marked(text: str, keep: list[str]) -> str:
    """``text`` as XML, each name of ``keep`` inside a ``<keep>`` element (longest names first)."""
    escaped = html.escape(text, quote=False)
    names = sorted((html.escape(name, quote=False) for name in keep), key=len, reverse=True)
    pattern = "|".join(whole_word(name).pattern for name in names)
    return re.sub(pattern, lambda m: f"<{_KEEP}>{m.group()}</{_KEEP}>", escaped)


def _unmarked(reply: str) -> str:
    """The reply to :func:`_marked` as plain text again."""
    return html.unescape(re.sub(rf"</?{_KEEP}>", "", reply))
