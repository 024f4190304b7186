"""Translation engines: the one interface ``techdigest translate`` talks to, and what all engines share.

An engine turns a few short texts (an article's title, summary and feedback
question) from one language into another. Which engine is used, and where it
is reached, is set in ``[translate]`` of ``techdigest.toml``; its key comes
from the environment only and never appears in a message (:func:`scrub`).
The engines live in modules of their own, each the only one importing its
client library: :mod:`deepl_engine` (the official ``deepl`` package),
:mod:`web_engines` (LibreTranslate and OpenAI-compatible servers over their
documented HTTP APIs) and Argos Translate here (imported only when chosen:
it is not a dependency).

Terms the translation must not touch (the glossary's, and the article's
tags, which are names) travel as :class:`Terms`; an engine without a
glossary of its own swaps them for placeholders (:func:`protect`) and puts
the target terms back afterwards (:func:`restore`). Every reply is checked
to be a translation (:func:`checked_reply`) before anything is written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from .config import TranslateSettings
from .model import TechdigestError, excerpt

ENV_KEYS = {"deepl": "DEEPL_AUTH_KEY", "libretranslate": "LIBRETRANSLATE_API_KEY", "openai": "OPENAI_API_KEY"}
# what a chat model writes instead of (or before) a translation
_PREAMBLE = re.compile(
    r"^\s*(sure|certainly|of course|here(?:'s| is| are)|translation\s*:|translated text\s*:|"
    r"hier ist|gerne|natürlich|übersetzung\s*:|i (?:can(?:not|'t)|am unable))\b",
    re.IGNORECASE,
)
_SAME_WORDS = 3  # a text of this many words that comes back unchanged was not translated
_PLACEHOLDER = "TDX{}X"  # letters and digits: engines keep such tokens as they are


class EngineError(TechdigestError):
    """An engine could not translate (no key, refused, quota, unreachable, a reply that is no translation)."""


@dataclass(frozen=True)
class Terms:
    """What a translation must render as given: glossary terms (source -> target) and names kept as
    they are (the article's tags, unless the glossary names them)."""

    glossary: tuple[tuple[str, str], ...] = ()
    keep: tuple[str, ...] = ()

    def pairs(self) -> list[tuple[str, str]]:
        """Every term and what it becomes, longest first (``OpenAI Codex`` before ``OpenAI``)."""
        every = [*self.glossary, *((name, name) for name in self.keep)]
        return sorted(every, key=lambda pair: -len(pair[0]))

    def found_in(self, text: str) -> list[tuple[str, str]]:
        """The pairs whose source term ``text`` holds as a whole word."""
        return [pair for pair in self.pairs() if whole_word(pair[0]).search(text)]


def terms_for(
    settings: TranslateSettings,
    tags: Sequence[str],
    source: str,
    default_language: str,
    named: Mapping[str, str] | None = None,
) -> Terms:
    """The glossary in the direction of this translation (it is written from the site's default
    language; the other way round its pairs are turned around), the tags that have a name in the
    target language (``named``, from ``tags.toml``) as terms of it, and the other tags kept as they are."""
    glossary = settings.glossary if source == default_language else tuple((b, a) for a, b in settings.glossary)
    known = {term.casefold() for term, _ in glossary}
    own = tuple((tag, name) for tag, name in (named or {}).items() if tag in tags and tag.casefold() not in known)
    covered = known | {tag.casefold() for tag, _ in own}
    return Terms((*glossary, *own), tuple(tag for tag in tags if tag.casefold() not in covered))


class Engine(Protocol):
    @property
    def name(self) -> str: ...

    def translate(self, texts: Sequence[str], source: str, target: str, terms: Terms) -> list[str]:
        """``texts`` in ``target``, in their order; an :class:`EngineError` saying why not."""
        ...


def make_engine(name: str, settings: TranslateSettings, environ: Mapping[str, str]) -> Engine:
    """The engine ``name`` set up from ``settings`` and its key from ``environ``; whatever it replies
    is refused if it holds the key (:class:`_KeyGuard`)."""
    key = environ.get(ENV_KEYS.get(name, ""), "").strip()
    if name == "deepl":
        if not key:
            raise EngineError("deepl: DEEPL_AUTH_KEY is not set (your DeepL API key, from your DeepL account)")
        from .deepl_engine import DeepL

        return _KeyGuard(DeepL(key, settings), key)
    if name in ("libretranslate", "openai"):
        from .web_engines import LibreTranslate, OpenAICompatible

        engine = LibreTranslate(key, settings) if name == "libretranslate" else OpenAICompatible(key, settings)
        return _KeyGuard(engine, key)
    if name == "argos":
        return Argos()
    raise EngineError(
        'no translation engine chosen: set engine = "deepl" (or libretranslate, openai, argos) under [translate] '
        "in techdigest.toml, or pass --engine"
    )


@dataclass(frozen=True)
class _KeyGuard:
    """An engine whose replies never carry its key into a content file, ``tags.toml`` or the
    terminal: a server that repeats the key it was sent (a broken proxy, a chatty model) is refused."""

    engine: Engine
    key: str

    @property
    def name(self) -> str:
        return self.engine.name

    def translate(self, texts: Sequence[str], source: str, target: str, terms: Terms) -> list[str]:
        replies = self.engine.translate(texts, source, target, terms)
        if self.key and any(self.key in str(reply) for reply in replies):
            raise EngineError(f"{self.name}: the reply holds the API key (shown as ***): refused, nothing written")
        return replies


def scrub(message: str, key: str) -> str:
    """``message`` with ``key`` blotted out wherever a server or library repeated it."""
    return message.replace(key, "***") if key else message


def protect(text: str, terms: Terms) -> tuple[str, list[str]]:
    """``text`` with each term swapped for a numbered placeholder, and the target terms in that order."""
    targets: list[str] = []
    for source, target in terms.pairs():

        def swap(_: re.Match[str], target: str = target) -> str:
            targets.append(target)
            return _PLACEHOLDER.format(len(targets) - 1)

        text = whole_word(source).sub(swap, text)
    return text, targets


def restore(reply: str, targets: list[str]) -> str:
    """The placeholders of :func:`protect` in ``reply`` turned into the target terms; an error when
    the engine lost one (it translated or dropped a name it had to keep)."""
    if targets and not reply.strip():
        raise EngineError("the reply is empty, not a translation")
    for number, target in enumerate(targets):
        token = re.compile(re.escape(_PLACEHOLDER.format(number)), re.IGNORECASE)
        if not token.search(reply):
            raise EngineError(f"the reply lost the term {excerpt(target)} (a name or glossary term): not used")
        reply = token.sub(lambda _, target=target: target, reply)  # type: ignore[misc]
    return reply


def checked_reply(original: str, reply: object, *, name: bool = False) -> str:
    """``reply`` if it reads as a translation of ``original``: a text, not empty, no chat around it
    (a preamble, a second paragraph the original does not have, several times its length), and not
    the original itself (how an engine that cannot translate a language pair answers), unless it is
    a ``name`` (a tag such as ``NVIDIA`` or ``Export`` may well be the same in both languages)."""
    if not isinstance(reply, str) or not reply.strip():
        raise EngineError("the reply is empty, not a translation")
    text = " ".join(reply.split())
    if not name and text.casefold() == " ".join(original.split()).casefold() and len(text.split()) >= _SAME_WORDS:
        raise EngineError(f"the reply is the original text, not a translation: {excerpt(text[:40])}")
    if _PREAMBLE.match(text):
        raise EngineError(f"the reply is not only the translation: it starts {excerpt(text[:40])}")
    if "\n\n" in reply.strip() and "\n\n" not in original:
        raise EngineError("the reply is not only the translation: it has paragraphs the text does not have")
    if len(text) > 3 * len(original) + 40:
        raise EngineError("the reply is not a translation: it is several times as long as the text")
    return text


def whole_word(term: str) -> re.Pattern[str]:
    """``term`` as a whole word (``KI`` not inside ``KIT``)."""
    return re.compile(rf"(?<!\w){re.escape(term)}(?!\w)")


class Argos:
    """Argos Translate, offline: installed by the user with its language package; imported only here."""

    name = "argos"

    def translate(self, texts: Sequence[str], source: str, target: str, terms: Terms) -> list[str]:
        try:
            import argostranslate.translate as argos  # type: ignore[import-not-found, unused-ignore]
        except ImportError:
            raise EngineError(
                "argos: Argos Translate is not installed: pip install argostranslate, then "
                f"argospm update && argospm install translate-{source}_{target}"
            ) from None
        languages = {language.code: language for language in argos.get_installed_languages()}
        pair = languages[source].get_translation(languages[target]) if {source, target} <= set(languages) else None
        if pair is None:
            raise EngineError(
                f"argos: no {source}→{target} package installed: argospm update && "
                f"argospm install translate-{source}_{target}"
            )
        replies = []
        for text in texts:
            protected, targets = protect(text, terms)
            replies.append(restore(str(pair.translate(protected)), targets))
        return replies
