# Two commands do everything: `make run` and `make test`.
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

# The embedded default serves with DEBUG on; production sets DEBUG=false and SECRET_KEY.
run demo migrate: export DEBUG ?= 1

.PHONY: run test lint eslint vendor fmt check migrate demo install protocol-snapshot bench clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo

run: demo
	@echo ""
	@echo "Open http://$(HOST)/app/ (volunteer app), http://$(HOST)/console/ (staff console),"
	@echo "     http://$(HOST)/admin/ (administration), http://$(HOST)/api/docs/ (API documentation)."
	@echo "     Sign in with a demo login above."
	@echo ""
	$(PY) manage.py runserver $(HOST)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
	DJANGO_SETTINGS_MODULE=tests.settings $(PY) manage.py makemigrations --check --dry-run
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory eslint; \
	else echo "node is not installed: eslint skipped (CI runs it)"; fi

# The volunteer app's JavaScript; the tools come from the npm registry, pinned by package-lock.json.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Browser libraries (htmx, charts, maps) are copied from node_modules with their licences.
vendor: node_modules/.installed
	$(PY) scripts/vendor_static.py

eslint: node_modules/.installed
	npx --no-install eslint

fmt: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check: lint test

protocol-snapshot: install
	$(PY) -m sync.schema --write

clean:
	rm -rf $(VENV) node_modules var/chungtay.sqlite3*
