# Two commands set everything up on a fresh machine: `make site` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
NODE_STAMP := node_modules/.installed-stamp

.PHONY: site test test-fast lint format serve check import messages lighthouse screenshot clean

# where the site is published, for this run (CI): BASE_URL=https://OWNER.github.io/REPO/ FEEDBACK_REPO=OWNER/REPO
PUBLISHED_AT = $(if $(BASE_URL),--base-url "$(BASE_URL)") $(if $(FEEDBACK_REPO),--feedback-repo "$(FEEDBACK_REPO)")

site: $(STAMP)  ## build site/ from the committed content (BASE_URL=..., FEEDBACK_REPO=... to publish elsewhere)
	$(BIN)/techdigest build $(PUBLISHED_AT)

LINTED := src tests scripts benchmarks

test: lint $(NODE_STAMP)  ## lint, then run every test
	$(BIN)/pytest

test-fast: lint  ## lint, then every test that needs no browser
	$(BIN)/pytest -m "not browser"

lint: $(STAMP)  ## ruff's rules and format, and mypy --strict on src/ (as pyproject.toml sets it)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/mypy

format: $(STAMP)  ## rewrite the code in ruff's format
	$(BIN)/ruff format $(LINTED)

serve: $(STAMP)  ## preview on http://127.0.0.1:8000/ with live reload
	$(BIN)/techdigest serve

check: $(STAMP)  ## the editor's gate: errors stop publishing; reminders (drafts, scheduled, translations)
	$(BIN)/techdigest check $(PUBLISHED_AT)

import: $(STAMP)  ## turn new seeds/ into content/ files (never overwrites)
	$(BIN)/techdigest import

messages: $(STAMP)  ## extract UI strings from templates and merge them into the catalogs
	$(BIN)/pybabel extract -F babel.cfg -o locales/messages.pot --no-location --omit-header --sort-output .
	$(BIN)/pybabel update -i locales/messages.pot -d locales --ignore-pot-creation-date --ignore-obsolete

lighthouse: site  ## Lighthouse scores (mobile) of home and article pages, both languages
	$(BIN)/python scripts/lighthouse.py site

screenshot: site  ## docs/article.png: an article in German and English, side by side
	$(BIN)/python scripts/screenshot.py site docs/article.png

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

$(NODE_STAMP): package.json package-lock.json  # the HTML checker and axe-core, from npm
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

clean:
	rm -rf site .techdigest-cache $(VENV) node_modules .pytest_cache .hypothesis .mypy_cache
