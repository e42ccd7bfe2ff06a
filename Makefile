# PQ Tracker: `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test install css migrate seed lint format check clean bench load

# Re-install only when the dependency lists change.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

static/css/app.css: node_modules/.installed $(wildcard static_src/scss/*.scss)
	npx sass --pkg-importer=node --quiet --style=compressed --no-source-map static_src/scss/app.scss static/css/app.css

# The GOV.UK type-ahead component, served as static files like the CSS. The
# source maps come too: the files name them, and collectstatic's hashed
# storage refuses a file that names one it cannot find.
AUTOCOMPLETE := $(foreach f,accessible-autocomplete.min.js accessible-autocomplete.min.css,static/vendor/$(f) static/vendor/$(f).map)

static/vendor/%: node_modules/.installed
	mkdir -p static/vendor
	cp node_modules/accessible-autocomplete/dist/$* $@

install: $(VENV)/.installed node_modules/.installed static/css/app.css $(AUTOCOMPLETE)

css: static/css/app.css $(AUTOCOMPLETE)

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py load_seed

run: seed
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(BIN)/python -m pytest -n auto

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: lint test
	$(BIN)/python manage.py makemigrations --check --dry-run

# Page times at 10k and 1M questions on PostgreSQL (databases built once and
# reused), then the import rate beside COPY. See bench/README.md.
bench: install
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/import_scale.py

# Load test against gunicorn on PostgreSQL, loopback only (bench/load.py). The
# database named is created for the run and dropped afterwards.
LOAD_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/pqtracker_load
load: install
	LOAD_DATABASE_URL=$(LOAD_DATABASE_URL) $(BIN)/python bench/load.py

clean:
	rm -rf $(VENV) node_modules staticfiles static/css static/vendor db.sqlite3
