"""``techdigest translate`` and ``techdigest review``: machine-translation drafts an editor signs off.

``translate`` fills, for each article, the texts (title, summary, feedback
question) that a site language lacks with an engine's translation of the
original, and marks that language in ``machine_translated``: pages, feeds
and JSON-LD then say the text is machine-translated, and ``check`` reminds
the editor to review it. A text an editor wrote is never replaced, not even
one written while the engine was at work (the change is made on the file as
it is then). Each file is rewritten through :mod:`edits` as soon as its
translation is in (atomic, comments kept), so a run stopped halfway is
simply started again: it finds what is still missing. A failing article is
one line, and the others go on.

Tags are never translated inside a text; their names are: a tag without a
name in a language gets one proposed in ``tags.toml``, for the editor to
keep or change (it is shown from the next build on).

``review`` is the editor's sign-off: it deletes a language from
``machine_translated`` (the key goes with the last one), as deleting the
line by hand does.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from .config import Config
from .corpus import LABEL_FOLDER, content_labels
from .editorial import existing_labels, read_article
from .edits import Front, content_lock, edit_front_matter, set_key
from .engines import Engine, checked_reply, make_engine, terms_for
from .model import TRANSLATED, Article, ContentError, TechdigestError
from .retag import tag_site
from .tagnames import TAGS_FILE, TagNames, propose_names, read_tag_names

KEY = "machine_translated"


@dataclass(frozen=True)
class Outcome:
    """One line per article; ``failed``: the line says why it was not translated."""

    line: str
    failed: bool = False


def translate(
    config: Config, slugs: Sequence[str], to: str | None, engine_name: str | None, environ: Mapping[str, str]
) -> Iterator[Outcome]:
    """The missing texts of ``slugs``' articles (all: every article) in ``to`` (default: every language
    but the article's own), from the engine ``engine_name`` (default: the config's); an outcome as
    each article is written, so a run stopped halfway has said what it did."""
    _known_language(config, to, "--to")
    labels = existing_labels(config, slugs) if slugs else content_labels(config)
    engine = make_engine(engine_name or config.translate.engine, config.translate, environ)
    tag_names = read_tag_names(config)
    with content_lock(config):
        for label in labels:
            try:
                yield Outcome(_translate_one(config, label, to, engine, tag_names))
            except ContentError as exc:  # the file does not read, or changed meanwhile: said at its line
                yield Outcome("; ".join(exc.lines()), True)
            except TechdigestError as exc:  # the engine's
                yield Outcome(f"{label}: {exc}", True)
        yield from _tag_names(config, labels, to, engine)


def _known_language(config: Config, code: str | None, option: str) -> None:
    if code is not None and code not in config.languages:
        raise ContentError.single(option, 0, f"{code!r} is not a language of the site ({', '.join(config.languages)})")


def _tag_names(config: Config, labels: Sequence[str], to: str | None, engine: Engine) -> list[Outcome]:
    """Names proposed for the tags of these articles that lack one in a language, translated from
    their default language's name and written into ``tags.toml`` for review (an editor's names are
    kept). The glossary holds here too; the tags themselves are what is translated."""
    site = tag_site(config)
    slugs = {label.removeprefix(f"{LABEL_FOLDER}/").removesuffix(".md") for label in labels}
    tags = {tag.slug: tag for slug in slugs & site.article_tags.keys() for tag in site.article_tags[slug]}
    proposals: dict[str, dict[str, str]] = {}
    source = config.default_language
    for lang in [to] if to else config.languages:
        wanted = sorted((tag for tag in tags.values() if lang in tag.missing), key=lambda tag: tag.slug)
        if lang == source or not wanted:
            continue
        terms = terms_for(config.translate, (), source, source)
        names = [tag.name_in(source) for tag in wanted]
        try:
            replies = engine.translate(names, source, lang, terms)
            for tag, name, reply in zip(wanted, names, replies, strict=True):
                proposals.setdefault(tag.name, {})[lang] = checked_reply(name, reply, name=True)
        except TechdigestError as exc:
            return [Outcome(f"{TAGS_FILE}: tag names: {exc}", True)]
    return [Outcome(f"{line} (proposed; review it)") for line in propose_names(config, proposals)]


def _translate_one(config: Config, label: str, to: str | None, engine: Engine, tag_names: TagNames) -> str:
    item = read_article(config, label)
    done = []
    for lang in [to] if to else config.languages:
        missing = _missing(item, lang)
        if not missing:
            continue
        # a tag with a name in ``lang`` (tags.toml) is rendered as that name, the others kept as they are
        named = {tag: entry.names[lang] for tag in item.tags if (entry := tag_names.entry(tag)) and lang in entry.names}
        terms = terms_for(config.translate, item.tags, item.language, config.default_language, named)
        originals = [getattr(item, name)[item.language] for name in missing]
        replies = engine.translate(originals, item.language, lang, terms)
        texts = {name: checked_reply(o, r) for name, o, r in zip(missing, originals, replies, strict=True)}
        if written := _write(config, label, item.language, lang, texts):
            done.append(f"{lang} {', '.join(written)}")
    if not done:
        return f"{label}: nothing to translate"
    return f"{label}: {'; '.join(done)} machine-translated ({engine.name}); review with techdigest review"


def _missing(item: Article, lang: str) -> list[str]:
    """The texts the original has and ``lang`` lacks (none in the original language)."""
    if lang == item.language:
        return []
    return [name for name in TRANSLATED if getattr(item, name).get(item.language) and not getattr(item, name).get(lang)]


def _write(config: Config, label: str, original: str, lang: str, texts: dict[str, str]) -> list[str]:
    """``texts`` into the file's front matter where ``lang`` still has none, and ``lang`` marked."""
    written: list[str] = []

    def change(meta: Front) -> None:
        for name, text in texts.items():
            value = meta.get(name)
            if not isinstance(value, dict):  # a plain text is the original language's
                value = CommentedMap([(original, value)])
                meta[name] = value
            if not (isinstance(value.get(lang), str) and value[lang].strip()):
                value[lang] = text
                written.append(name)
        if written:
            _mark(meta, lang)

    edit_front_matter(config, label, change)
    return written


def _mark(meta: Front, lang: str) -> None:
    marked = meta.get(KEY)
    if not isinstance(marked, list):
        marked = CommentedSeq()
        marked.fa.set_flow_style()
        set_key(meta, KEY, marked, before="aliases" if "aliases" in meta else "source")
    if lang not in marked:
        marked.append(lang)


def review(config: Config, slug: str, langs: Sequence[str]) -> str:
    """``langs`` (default: all) no longer marked machine-translated in ``slug``'s article: reviewed."""
    for code in langs:
        _known_language(config, code, "--lang")
    (label,) = existing_labels(config, [slug])
    with content_lock(config):
        item = read_article(config, label)
        reviewed = [code for code in (langs or item.machine_translated) if code in item.machine_translated]
        if not reviewed:
            asked = ", ".join(langs) if langs else "no language"
            return f"{label}: {asked} not marked machine-translated; nothing to review"

        def change(meta: Front) -> None:
            left = [code for code in meta[KEY] if code not in reviewed]
            if left:
                meta[KEY][:] = left
            else:
                del meta[KEY]

        edit_front_matter(config, label, change)
    return f"{label}: {', '.join(reviewed)} reviewed; no longer labelled machine-translated"
