"""``techdigest check``: what an editor still has to do before publishing.

Everything the build would refuse is an error here too; on top, every text
that exists only in the original language is flagged, because the site then
shows it as an explicit "not yet translated" fallback.
"""

from __future__ import annotations

from .config import Config
from .model import TRANSLATED, Article, Problem


def missing_translations(articles: list[Article], config: Config) -> list[Problem]:
    problems = []
    for item in sorted(articles, key=lambda a: a.path):
        for field_name in TRANSLATED:
            values: dict[str, str] = getattr(item, field_name)
            if field_name == "feedback" and not values:
                continue
            for lang in config.languages:
                if not values.get(lang):
                    line = item.lines.get(field_name, 1)
                    problems.append(Problem(item.path, line, f"{field_name}: no {lang} text yet (not yet translated)"))
    return problems
