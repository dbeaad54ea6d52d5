# Aspire: `make demo` to try it, `make test` to check it. Both set everything up.

# The first Python >= 3.12 found: on PATH, then in pyenv.
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3; do \
	  command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$p; exit 0; }; \
	done; \
	for v in $$(pyenv versions --bare 2>/dev/null | grep -E '^3\.(1[2-9])' | sort -rV); do \
	  p="$$(pyenv root)/versions/$$v/bin/python3"; [ -x "$$p" ] && { echo "$$p"; exit 0; }; \
	done)
VENV := .venv
BIN := $(VENV)/bin
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/aspire
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: demo test lint install python system messages clean bench

python:
	@if [ -z "$(PYTHON)" ]; then \
	  echo "Aspire needs Python 3.12 or newer, and none was found."; \
	  echo "Install one, e.g. 'pyenv install 3.12' or your system's python3.12 package,"; \
	  echo "or point to it: make PYTHON=/path/to/python3.12 ..."; exit 1; fi

$(BIN)/.installed: pyproject.toml | python
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

install: $(BIN)/.installed

demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	JOBS_EAGER=true $(BIN)/python manage.py runserver 127.0.0.1:8000

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

# Debian packages the suite needs (gettext, Chromium, Japanese fonts): installed if missing.
system:
	.ci/system-packages

# REQUIRE_REDIS: the job tests must talk to the real Redis, never fall back to eager jobs.
# One pytest process per core, each with its own test database (tests/conftest.py).
test: lint system
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) REQUIRE_REDIS=true $(BIN)/pytest -n auto

# Issue 6: every scenario against its ceiling; the first run at a scale generates its database.
SCALE ?= M
bench: install system
	$(BIN)/python -m benchmarks.run --scale $(SCALE)

messages: install
	$(BIN)/python manage.py makemessages -l ja --no-obsolete --ignore=.venv --ignore=tests --ignore=staticfiles
	$(BIN)/python manage.py compilemessages -l ja --ignore=.venv

clean:
	rm -rf $(VENV) aspire.sqlite3 staticfiles
