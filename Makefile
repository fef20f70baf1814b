# The two commands a newcomer needs: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
PORT ?= 8000
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: run test lint format install messages clean

# The virtual environment is rebuilt whenever the lock file changes.
$(VENV)/.synced: requirements-dev.txt
	test -x $(PY) || python3.11 -m venv $(VENV) || python3 -m venv $(VENV)
	test -x $(UV) || $(PY) -m pip install --quiet --disable-pip-version-check uv==0.13.9
	$(UV) pip sync --quiet --python $(PY) requirements-dev.txt
	touch $@

install: $(VENV)/.synced

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo_data
	$(PY) manage.py demo_outcomes
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@echo
	@echo "Casework runs at http://127.0.0.1:$(PORT)/  (Ctrl-C stops web, worker and beat)"
	@$(PY) manage.py demo_data --logins
	PORT=$(PORT) CASEWORK_BASE_URL=$${CASEWORK_BASE_URL:-http://127.0.0.1:$(PORT)} \
		honcho start --procfile Procfile

lint: install
	ruff check .
	ruff format --check .

format: install
	ruff check --fix .
	ruff format .

# The suite runs in one process per core (pytest-xdist, a test file to a process: each has its
# own test database); PYTEST_WORKERS=0 runs it in this one process.
PYTEST_WORKERS ?= auto
test: lint
	$(PY) manage.py makemigrations --check --dry-run
	pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# Re-extract and compile translations (needs GNU gettext: apt-get install gettext).
messages: install
	$(PY) manage.py makemessages --all --ignore '.venv/*' --ignore 'var/*'
	$(PY) manage.py compilemessages --ignore '.venv/*'

clean:
	rm -rf var $(VENV)
