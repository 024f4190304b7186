"""Reads ``techdigest.toml`` into a frozen :class:`Config`.

Every problem is collected before raising, so one run shows an editor all of
them; an unknown key is an error because a typo that is silently ignored is a
setting that silently does not work.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import tomllib
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from .inputs import read_input
from .model import CONTROL_CHARACTERS, EXCERPT_CHARS, ContentError, Problem, excerpt, shorten

CONFIG_NAME = "techdigest.toml"
# what the shipped techdigest.toml holds: a site published with them links to someone else's site and repo
EXAMPLE_BASE_URL = "https://techdigest.github.io/techdigest/"
EXAMPLE_GITHUB_REPO = "techdigest/techdigest"
_REPO = re.compile(r"[\w.-]+/[\w.-]+")

# key -> (expected type, required)
_TOP_LEVEL: dict[str, tuple[type, bool]] = {
    "base_url": (str, True),
    "languages": (list, True),
    "default_language": (str, True),
    "title": (dict, True),
    "tagline": (dict, False),
    "markdown": (dict, False),
    "feedback": (dict, False),
    "cname": (str, False),
    "publisher": (str, False),
    "per_page": (int, False),
    "timezone": (str, False),
    "translate": (dict, False),
}
_SECTIONS: dict[str, dict[str, type | tuple[type, ...]]] = {
    "markdown": {"unsafe_html": bool},
    "feedback": {"endpoint": str, "github_repo": str},
    "translate": {"engine": str, "url": str, "model": str, "timeout": (int, float), "glossary": dict},
}
ENGINES = ("deepl", "libretranslate", "openai", "argos")
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")
_ABSOLUTE_URL = re.compile(r"^https?://[^/\s]+(/\S*)?$")


CACHE_DIR = ".techdigest-cache"


@dataclass(frozen=True)
class TranslateSettings:
    """``[translate]``: the engine ``techdigest translate`` uses; its key comes from the environment only."""

    engine: str = ""  # "" : none chosen (``--engine`` must name one)
    url: str = ""  # "" : the engine's own default
    model: str = ""  # the openai engine's model
    timeout: float = 30.0  # seconds one request may take
    # source term (in the site's default language) -> the term in the other language
    glossary: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Config:
    root: Path
    base_url: str
    languages: tuple[str, ...]
    default_language: str
    title: dict[str, str]
    tagline: dict[str, str]
    unsafe_html: bool = False
    feedback_endpoint: str = ""
    feedback_github_repo: str = ""
    cname: str = ""
    publisher: str = ""
    per_page: int = 20
    timezone: str = "UTC"  # an IANA name: how times are shown, and how a date without an offset is read
    translate: TranslateSettings = TranslateSettings()

    @cached_property
    def zone(self) -> dt.tzinfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def seeds_dir(self) -> Path:
        return self.root / "seeds"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def locales_dir(self) -> Path:
        return self.root / "locales"

    @property
    def output_dir(self) -> Path:
        return self.root / "site"

    @property
    def cache_dir(self) -> Path:
        """What builds remember for the next one (:mod:`cache`): the project's own, ignored by git."""
        return self.root / CACHE_DIR

    def relative(self, path: Path) -> str:
        """A path as the editor knows it: relative to the project when inside it."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(path)


def load_config(root: Path) -> Config:
    path = root / CONFIG_NAME
    if not path.exists() and not path.is_symlink():
        raise ContentError.single(CONFIG_NAME, 0, "not found; run techdigest in the project folder")
    try:
        raw = tomllib.loads(read_input(path, CONFIG_NAME, root).decode("utf-8"))
    except UnicodeDecodeError:
        raise ContentError.single(CONFIG_NAME, 0, "not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        line = int(m.group(1)) if (m := re.search(r"line (\d+)", str(exc))) else 0
        raise ContentError.single(CONFIG_NAME, line, f"invalid TOML: {exc}") from None
    except ValueError as exc:  # a number Python will not read (over 4,300 digits)
        raise ContentError.single(CONFIG_NAME, 0, f"invalid TOML: {shorten(str(exc), 2 * EXCERPT_CHARS)}") from None
    return parse_config(root, raw)


def parse_config(root: Path, raw: dict[str, Any]) -> Config:
    """The settings, once every problem of ``raw`` is collected (the order: as an editor reads the file)."""
    languages = tuple(raw.get("languages", ())) if isinstance(raw.get("languages"), list) else ()
    problems = [
        *_shape_problems(raw),
        *_language_problems(raw, languages),
        *_text_problems(raw, languages),
        *_value_problems(raw),
        *_translate_problems(raw.get("translate")),
    ]
    if problems:
        raise ContentError([Problem(CONFIG_NAME, 0, p) for p in problems])
    markdown = raw.get("markdown", {})
    feedback = raw.get("feedback", {})
    return Config(
        root=root,
        base_url=raw["base_url"].rstrip("/") + "/",
        languages=languages,
        default_language=raw["default_language"],
        title=dict(raw["title"]),
        tagline=dict(raw.get("tagline", {})),
        unsafe_html=markdown.get("unsafe_html", False),
        feedback_endpoint=feedback.get("endpoint", ""),
        feedback_github_repo=feedback.get("github_repo", ""),
        cname=raw.get("cname", ""),
        publisher=raw.get("publisher") or raw["title"][raw["default_language"]],
        per_page=raw.get("per_page", 20),
        timezone=raw.get("timezone", "UTC"),
        translate=_translate_settings(raw.get("translate", {})),
    )


def _translate_settings(raw: dict[str, Any]) -> TranslateSettings:
    return TranslateSettings(
        engine=raw.get("engine", ""),
        url=raw.get("url", "").rstrip("/"),
        model=raw.get("model", ""),
        timeout=float(raw.get("timeout", 30.0)),
        glossary=tuple(raw.get("glossary", {}).items()),
    )


def _shape_problems(raw: dict[str, Any]) -> Iterator[str]:
    """Unknown keys, missing ones, and values of the wrong type."""
    for key in sorted(set(raw) - set(_TOP_LEVEL)):
        yield f"unknown key {excerpt(key)}"
    for key, (kind, required) in _TOP_LEVEL.items():
        if key not in raw and required:
            yield f"missing key '{key}'"
        elif key in raw and not isinstance(raw[key], kind):
            yield f"'{key}' must be a {_type_name(kind)}"
    for section, keys in _SECTIONS.items():
        value = raw.get(section, {})
        if not isinstance(value, dict):
            continue
        for key in sorted(set(value) - set(keys)):
            yield f"unknown key {excerpt(f'{section}.{key}')}"
        for key, expected in keys.items():
            if key in value and _mistyped(value[key], expected):
                yield f"'{section}.{key}' must be a {_type_name(expected)}"


def _mistyped(value: Any, expected: type | tuple[type, ...]) -> bool:
    """Not of the ``expected`` type; ``true`` is no number (Python takes a bool for an int)."""
    return not isinstance(value, expected) or isinstance(value, bool) is not (expected is bool)


def _language_problems(raw: dict[str, Any], languages: tuple[str, ...]) -> Iterator[str]:
    bad = [code for code in languages if not isinstance(code, str) or not _LANGUAGE_CODE.match(code)]
    if bad:
        yield f"'languages' has invalid codes: {', '.join(map(excerpt, bad))}"
    if isinstance(raw.get("languages"), list) and not languages:
        yield "'languages' must name at least one language"
    default = raw.get("default_language")
    if isinstance(default, str) and languages and default not in languages:
        yield f"'default_language' {excerpt(default)} is not one of the languages"
    base_url = raw.get("base_url")
    if isinstance(base_url, str) and not _ABSOLUTE_URL.match(base_url):
        yield "'base_url' must be an absolute http(s) URL"


def _text_problems(raw: dict[str, Any], languages: tuple[str, ...]) -> Iterator[str]:
    """The site's title and tagline: a text per language, none holding a control character."""
    for key in ("title", "tagline"):
        value = raw.get(key)
        if not isinstance(value, dict):
            continue
        missing = [code for code in languages if not isinstance(value.get(code), str)]
        extra = sorted(set(value) - set(languages))
        if missing and (key == "title" or value):
            yield f"'{key}' needs a text for: {', '.join(missing)}"
        if extra:
            yield f"'{key}' has unknown languages: {', '.join(map(excerpt, extra))}"
        for code, text in value.items():
            if isinstance(text, str) and (found := CONTROL_CHARACTERS.search(text)):
                yield f"'{key}.{code}' holds control character U+{ord(found.group()):04X}"


def _value_problems(raw: dict[str, Any]) -> Iterator[str]:
    if isinstance(raw.get("per_page"), int) and not 1 <= raw["per_page"] <= 1000:
        yield "'per_page' must be between 1 and 1000"
    zone = raw.get("timezone")
    if isinstance(zone, str) and not _known_zone(zone):
        yield f'\'timezone\' {excerpt(zone)} is not a time zone name such as "Europe/Berlin" or "UTC"'
    feedback = raw.get("feedback", {}) if isinstance(raw.get("feedback"), dict) else {}
    repo = feedback.get("github_repo", "")
    if isinstance(repo, str) and repo and not _REPO.fullmatch(repo):
        yield "'feedback.github_repo' must look like OWNER/REPO"
    endpoint = feedback.get("endpoint", "")
    if isinstance(endpoint, str) and endpoint and not _ABSOLUTE_URL.match(endpoint):
        # the form's action: a javascript: or relative address would be a link of its own making
        yield "'feedback.endpoint' must be an absolute http(s) URL (or \"\" for none)"


def _translate_problems(section: Any) -> Iterator[str]:
    """``[translate]``: a known engine, an absolute URL, a sane timeout, a glossary of texts; never a key."""
    if not isinstance(section, dict):
        return
    engine = section.get("engine")
    if isinstance(engine, str) and engine not in ENGINES:
        yield f"'translate.engine' {excerpt(engine)} is not one of: {', '.join(ENGINES)}"
    url = section.get("url")
    if isinstance(url, str) and url and not _ABSOLUTE_URL.match(url):
        yield "'translate.url' must be an absolute http(s) URL"
    timeout = section.get("timeout")
    if isinstance(timeout, (int, float)) and not isinstance(timeout, bool) and not 0 < timeout <= 600:
        yield "'translate.timeout' must be between 0 and 600 seconds"
    glossary = section.get("glossary", {})
    if isinstance(glossary, dict):
        for term, target in glossary.items():
            if not isinstance(target, str) or not target.strip() or not term.strip():
                yield f"'translate.glossary' {excerpt(term)}: must map a term to a text"


def _known_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):  # ValueError: a path such as ../x
        return False
    return True


def with_base_url(config: Config, base_url: str) -> Config:
    """The config published at another address (``build --base-url``, CI deploys)."""
    if not _ABSOLUTE_URL.match(base_url):
        raise ContentError.single("--base-url", 0, f"{excerpt(base_url)} is not an absolute http(s) URL")
    return dataclasses.replace(config, base_url=base_url.rstrip("/") + "/")


def with_feedback_repo(config: Config, repo: str) -> Config:
    """The config with ratings going to ``repo`` where it still names the shipped example repository
    (``--feedback-repo``; CI passes the repository it runs in): a repository the project names itself,
    or none (no rating form), is kept."""
    if not _REPO.fullmatch(repo):
        raise ContentError.single("--feedback-repo", 0, f"{excerpt(repo)} does not look like OWNER/REPO")
    if config.feedback_github_repo != EXAMPLE_GITHUB_REPO:
        return config
    return dataclasses.replace(config, feedback_github_repo=repo)


def _type_name(kind: type | tuple[type, ...]) -> str:
    names = {str: "string", list: "list", dict: "table", bool: "boolean", int: "whole number", float: "number"}
    return names[kind] if isinstance(kind, type) else " or ".join(names[k] for k in kind)


def private_folder(folder: Path) -> Path:
    """``folder`` (a :attr:`Config.cache_dir`), made if need be: the project's own files, ignored by git."""
    folder.mkdir(exist_ok=True)
    (folder / ".gitignore").write_text("*\n")
    return folder
