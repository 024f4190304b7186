"""The only module that imports Jinja: one environment per language, pages to HTML.

Each language gets its own environment with its catalog installed, so nothing
switches a "current language" while rendering. Undefined names are errors,
and every template error is reported with the template's path and line.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import re
import shutil
import traceback
from collections.abc import Callable
from functools import lru_cache, partial
from gettext import NullTranslations
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from .config import Config, private_folder
from .i18n import format_moment, language_name, load_translations
from .inputs import read_tree
from .model import ContentError
from .output import Output
from .pages import Page
from .views import EntryView

if TYPE_CHECKING:  # imported where a page is rendered: a build that renders none never loads Jinja
    import jinja2


def environments(config: Config, digest: str) -> dict[str, jinja2.Environment]:
    """The environments, compiled templates included, kept while ``digest`` (of the templates and
    catalogs, :func:`inputs_digest`) stays the same: ``serve`` compiles them once, not per save."""
    return _environments(config.templates_dir, config.locales_dir, config.languages, config.cache_dir, digest)


@lru_cache(maxsize=2)
def _environments(
    templates_dir: Path, locales_dir: Path, languages: tuple[str, ...], cache_dir: Path, digest: str
) -> dict[str, jinja2.Environment]:
    bytecode = _bytecode_cache(cache_dir)
    return {lang: _environment(templates_dir, locales_dir, lang, bytecode) for lang in languages}


def _bytecode_cache(cache_dir: Path) -> jinja2.BytecodeCache | None:
    """Compiled templates kept in the project's cache, so a build that renders one page does not
    compile every template first (a quarter of a second). Jinja checks each against its template's
    source; what else shapes the code is Jinja itself and the environment made here, so the folder
    is named by both, and other such folders are removed. None where the folder cannot be made."""
    import jinja2

    version = hashlib.blake2b(f"{jinja2.__version__}|".encode() + Path(__file__).read_bytes(), digest_size=8)
    folder = cache_dir / "templates" / version.hexdigest()
    try:
        if not folder.is_dir():
            private_folder(cache_dir)
            for other in folder.parent.glob("*"):
                shutil.rmtree(other, ignore_errors=True)
            folder.mkdir(parents=True)
    except OSError:
        return None

    class Cache(jinja2.FileSystemBytecodeCache):
        """A damaged file is compiled anew, a full disk keeps nothing: the cache is never an error."""

        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            try:
                super().load_bytecode(bucket)
            except Exception:  # noqa: BLE001 - whatever a damaged file raises
                bucket.reset()

        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            with contextlib.suppress(OSError):
                super().dump_bytecode(bucket)

    return Cache(str(folder))


def page_outputs(pages: list[Page], config: Config, digest: str) -> list[Output]:
    """Each page as an output of the site, rendered only if ``make`` is called.

    The environments are made on the first render (none at all when no page
    changed), and every page's key also covers the templates and catalogs.
    """

    def make(page: Page) -> bytes:
        envs = environments(config, digest)
        return render_page(envs[page.lang], page, config)

    return [Output(page.output, page.inputs, partial(make, page), page.search_month) for page in pages]


def render_page(env: jinja2.Environment, page: Page, config: Config) -> bytes:
    import jinja2

    try:
        html = env.get_template(page.template).render(page.context())
    except jinja2.TemplateSyntaxError as exc:
        shown = config.relative(Path(exc.filename)) if exc.filename else "templates"
        raise ContentError.single(shown, exc.lineno or 0, f"template error: {exc.message}") from None
    except jinja2.TemplateNotFound as exc:
        raise ContentError.single(f"templates/{exc.name}", 0, "template not found") from None
    except Exception as exc:  # noqa: BLE001 - any error inside a template is the template's
        filename, line = _template_frame(exc, env)
        raise ContentError.single(
            config.relative(Path(filename)),
            line,
            f"template error while rendering {page.output}: {type(exc).__name__}: {exc}",
        ) from None
    return html.encode("utf-8")


def _environment(
    templates_dir: Path, locales_dir: Path, lang: str, bytecode: jinja2.BytecodeCache | None
) -> jinja2.Environment:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # an environment lives while its templates' digest does (:func:`environments`)
        bytecode_cache=bytecode,
    )
    # added by the jinja2.ext.i18n extension at run time, so not in Environment's types
    translations = load_translations(locales_dir, lang)
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    messages = _Messages(translations)
    env.globals.update(_=messages.gettext, gettext=messages.gettext, ngettext=messages.ngettext)
    env.filters["moment"] = lambda value: format_moment(value, lang)
    env.filters["language_name"] = lambda code: language_name(code, lang)
    env.filters["markup"] = Markup
    env.filters["listed"] = _Listed(env)
    return env


class _Listed:
    """The filter ``listed``: a listing's entry with its links made by ``link`` (relative to the listing
    page). The entry's HTML is rendered once per environment (language) and reused on every page that
    lists it, the home page's and each of its tags': in a listing of 20 that is most of a page's work.
    Kept as long as the environment, so ``serve`` drops it with changed templates."""

    def __init__(self, env: jinja2.Environment) -> None:
        self._env = env
        self._parts: dict[tuple[EntryView, bool, bool], tuple[str, ...]] = {}

    def __call__(self, entry: EntryView, link: Callable[[str], str]) -> Markup:
        # a Moment equals one of the same instant with no time written, which the HTML shows apart
        key = (entry, entry.published.timed, entry.updated is not None and entry.updated.timed)
        if (parts := self._parts.get(key)) is None:
            parts = self._parts[key] = self._render(entry)
        linked = list(parts)
        linked[1::2] = map(link, parts[1::2])
        return Markup("".join(linked))

    def _render(self, entry: EntryView) -> tuple[str, ...]:
        """The entry's HTML split at its links: HTML, site URL, HTML, …, HTML."""
        macros = self._env.get_template("_macros.html").module
        return tuple(_LINK.split(macros.listed_entry(entry.linked(_marked))))  # type: ignore[attr-defined]


_LINK = re.compile("<@(.*?)@>")


def _marked(url: str) -> Markup:
    """A site URL as the entry's HTML holds it until linked: "<" never comes out of an escaped text,
    and site URLs are made of slugs, which escaping leaves as they are."""
    return Markup(f"<@{url}@>")


class _Messages:
    """The catalog's texts as Jinja's "newstyle" gettext gives them (Markup, always %-formatted, so
    ``%%`` is ``%``), called directly: the extension's own functions go through the template context
    three times per text, and a page shows ~20 texts. A text without variables is made once."""

    def __init__(self, translations: NullTranslations) -> None:
        self._translations = translations
        self._plain: dict[str, Markup] = {}

    def gettext(self, string: str, /, **variables: object) -> Markup:
        if variables:
            return _format(self._translations.gettext(string), variables)
        if (text := self._plain.get(string)) is None:
            text = self._plain[string] = Markup(self._translations.gettext(string)) % {}
        return text

    def ngettext(self, singular: str, plural: str, num: int, /, **variables: object) -> Markup:
        return _format(self._translations.ngettext(singular, plural, num), {"num": num, **variables})


def _format(text: str, variables: dict[str, object]) -> Markup:
    """``Markup(text) % variables`` at a fraction of the cost (Markup wraps each value in an escaping
    helper object): texts escaped, numbers as they are, for ``%s`` and ``%d`` alike."""
    return Markup(
        text % {name: value if isinstance(value, int | float) else escape(value) for name, value in variables.items()}
    )


def inputs_digest(config: Config) -> str:
    """What every page depends on: the settings, and all templates and catalogs (any template may
    include or extend any other). Not where the project is: ``-C DIR`` or ``cd DIR`` build the same.

    Every template and catalog file is read here, by the project's rule for files (:mod:`inputs`),
    before Jinja or Babel open any: a link out of the project or a FIFO is an error, not a page.
    """
    digest = hashlib.sha256(repr(dataclasses.replace(config, root=Path())).encode())
    # static assets are copied, not rendered: they do not change what a page renders to
    for folder, skip in ((config.templates_dir, ("static",)), (config.locales_dir, ())):
        for name, data in sorted(read_tree(folder, config.root, skip).items()):
            digest.update(name.encode() + b"\0" + data)
    return digest.hexdigest()


def _template_frame(exc: BaseException, env: jinja2.Environment) -> tuple[str, int]:
    """The innermost traceback frame that is a template line, as Jinja rewrote it."""
    import jinja2

    searchpath = env.loader.searchpath if isinstance(env.loader, jinja2.FileSystemLoader) else []  # ours always is
    templates = [Path(p).resolve() for p in searchpath]
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        # relative when the project is (``techdigest build`` in the project folder)
        if any(Path(frame.filename).resolve().is_relative_to(folder) for folder in templates):
            return frame.filename, frame.lineno or 0
    return "templates", 0
