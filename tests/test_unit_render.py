"""``render``: one Jinja environment per language (its catalog, autoescape, strict names); errors name the line."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import replace
from functools import partial

import pytest

from techdigest import urls
from techdigest.config import load_config
from techdigest.model import ContentError, Moment, Text
from techdigest.pages import Page
from techdigest.render import environments, inputs_digest, page_outputs, render_page
from techdigest.views import Entries, EntryView, Link


@pytest.fixture
def config(project):
    (project / "templates" / "probe.html").write_text(
        "{{ _('All tags') }}|{{ text }}\n{{ number }}\n", encoding="utf-8"
    )
    return load_config(project)


def probe(lang: str = "de", template: str = "probe.html", search_month: str | None = None) -> Page:
    context = {"text": "<b>", "number": 1}
    return Page(f"{lang}/probe/", template, lang, (), lambda: context, search_month=search_month)


def envs(config):
    return environments(config, inputs_digest(config))


def test_each_language_renders_with_its_catalog_and_escapes_values(config):
    german = render_page(envs(config)["de"], probe("de"), config).decode()
    english = render_page(envs(config)["en"], probe("en"), config).decode()
    assert german.splitlines()[0] == "Alle Schlagwörter|&lt;b&gt;"
    assert english.splitlines()[0] == "All tags|&lt;b&gt;"


def test_an_undefined_name_is_an_error_at_its_template_line(config):
    with pytest.raises(ContentError) as caught:
        render_page(envs(config)["de"], Page("de/x/", "probe.html", "de", (), lambda: {"text": ""}), config)
    (line,) = caught.value.lines()
    assert line.startswith("templates/probe.html:2: template error while rendering de/x/index.html: UndefinedError")


def test_a_syntax_error_and_a_missing_template_are_errors_naming_the_template(config, project):
    (project / "templates" / "broken.html").write_text("ok\n{% if %}\n", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        render_page(envs(config)["de"], probe(template="broken.html"), config)
    assert caught.value.lines()[0].startswith("templates/broken.html:2: template error: ")
    with pytest.raises(ContentError) as caught:
        render_page(envs(config)["de"], probe(template="nowhere.html"), config)
    assert caught.value.lines() == ["templates/nowhere.html: template not found"]


def test_the_inputs_digest_changes_with_templates_and_catalogs_only(config, project):
    digest = inputs_digest(config)
    (project / "content" / "chip-export.md").write_text("anything", encoding="utf-8")
    assert inputs_digest(config) == digest
    (project / "templates" / "probe.html").write_text("changed", encoding="utf-8")
    assert inputs_digest(config) != digest
    changed = inputs_digest(config)
    shutil.copy(project / "locales" / "de" / "LC_MESSAGES" / "messages.po", project / "locales" / "x.po")
    po = project / "locales" / "en" / "LC_MESSAGES" / "messages.po"
    po.write_text(po.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert inputs_digest(config) != changed


def test_pages_become_outputs_rendered_only_when_made(config):
    (output,) = page_outputs([probe("en", search_month="en/2026-11")], config, inputs_digest(config))
    assert (output.name, output.search_month) == ("en/probe/index.html", "en/2026-11")
    assert output.make().decode().startswith("All tags|")


def entry(slug: str, title: str = "<Titel>") -> EntryView:
    moment = Moment(dt.datetime(2026, 11, 25, 7, 30, tzinfo=dt.UTC), timed=True)
    tags = (Link("KI", "de/tags/ki/"),)
    return EntryView(
        f"de/2026/{slug}/", slug, Text(title, "de", False), moment, None, "", "", tags, Text("", "de", False)
    )


def listing(config, project, here: str, *views: EntryView) -> str:
    (project / "templates" / "list.html").write_text(
        '{% from "_macros.html" import entry_list %}{{ entry_list(entries) }}', encoding="utf-8"
    )
    context = {"entries": Entries(views, partial(urls.relative, here))}
    return render_page(envs(config)["de"], Page(here, "list.html", "de", (), lambda: context), config).decode()


def test_a_listed_entry_is_the_same_html_on_every_page_linked_from_that_page(config, project):
    home = listing(config, project, "de/", entry("a"))
    on_tag_page = listing(config, project, "de/tags/ki/page/2/", entry("a"))
    assert 'href="2026/a/"' in home and 'href="tags/ki/"' in home
    assert 'href="../../../../2026/a/"' in on_tag_page and 'href="../../"' in on_tag_page
    unlinked = on_tag_page.replace("../../../../2026/a/", "2026/a/").replace('"../../"', '"tags/ki/"')
    assert unlinked == home
    assert "&lt;Titel&gt;" in home and "07:30" in home


def test_an_entry_is_rendered_anew_when_anything_it_shows_changed(config, project):
    assert "Neu" in listing(config, project, "de/", entry("a", "Neu"))
    untimed = replace(entry("a", "Neu"), published=Moment(entry("a").published.at, timed=False))
    assert "07:30" not in listing(config, project, "de/", untimed)


def test_texts_with_values_escape_texts_and_keep_numbers(config, project):
    (project / "templates" / "texts.html").write_text(
        '{{ _("Tag: %(name)s", name="<b>") }}|{{ ngettext("%(num)d article", "%(num)d articles", 3) }}',
        encoding="utf-8",
    )
    html = render_page(envs(config)["de"], Page("de/x/", "texts.html", "de", (), dict), config).decode()
    assert html == "Schlagwort: &lt;b&gt;|3 Artikel"
