# Digitale Hilfe: `make run` to try it, `make test` to check it.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

.PHONY: run test bench lint messages screenshots

$(INSTALLED): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(INSTALLED)

# Web app and reminder worker side by side; Ctrl-C stops both. The demo city is made up,
# so the console backend may show the texts it would send (never a real server's setting).
run: export CONSOLE_MESSAGE_BODIES ?= true
run: $(INSTALLED)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo_data
	@trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' INT TERM EXIT; \
	$(PY) manage.py qcluster & worker=$$!; \
	$(PY) manage.py runserver 127.0.0.1:8000

test: $(INSTALLED)
	$(VENV)/bin/pytest

# The README's pictures, written by the browser tests; a plain `make test` writes nothing.
screenshots: $(INSTALLED)
	SCREENSHOTS=1 $(VENV)/bin/pytest -m browser

bench: $(INSTALLED)
	@for script in bench/[!_]*.py; do $(PY) $$script || exit 1; done

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Texts are written in German, so the German catalogue takes every msgid as it is; it is
# made afresh each time, so no fuzzy guess from an older text can slip in.
PO := locale/de/LC_MESSAGES/django.po
messages: $(INSTALLED)
	rm -f $(PO)
	$(PY) manage.py makemessages -l de --add-location file --ignore '.venv/*' --ignore 'bench/*'
	msgen --no-wrap $(PO) | msgattrib --clear-fuzzy --no-wrap -o $(PO) -
	sed -i -e 's/^"Language: \\n"/"Language: de\\n"/' -e '/^#.*\(SOME DESCRIPTIVE\|Copyright (C) YEAR\|same license as the PACKAGE\|FIRST AUTHOR\)/d' $(PO)
	$(PY) manage.py compilemessages -l de --ignore '.venv/*'
# English is a real translation: makemessages merges, so existing English texts stay and a new or
# changed German text arrives empty or fuzzy (tests/test_locale.py then asks for its translation).
	$(PY) manage.py makemessages -l en --no-wrap --add-location file --ignore '.venv/*' --ignore 'bench/*'
	$(PY) manage.py compilemessages -l en --ignore '.venv/*'
