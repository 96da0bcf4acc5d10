# BoneTrack: `make run` starts everything, `make test` runs the whole suite.
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# The suite is xdist-safe (own test databases, spare ports); two workers match the two-core machines.
PYTEST_WORKERS ?= 2
export DJANGO_SETTINGS_MODULE := bonetrack.settings

.PHONY: run test bench lint check-deploy venv clean

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@# --no-compile: Python compiles what it imports on first use; compiling all of plotly up front takes most of the install.
	$(PY) -m pip install --quiet --disable-pip-version-check --no-compile -r requirements.lock
	@touch $@

run: venv
	$(PY) -m bonetrack.core.system_packages
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py migrate --no-input
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py load_reference_data
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py seed_demo
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} PORT=$(PORT) $(PY) -m bonetrack.devrun

test: venv
	$(PY) -m bonetrack.testsetup
	$(PY) -m bonetrack.core.system_packages
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

bench: venv
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py bench $(BENCH_ARGS)

lint: venv
	$(VENV)/bin/ruff check .

check-deploy: venv
	DJANGO_DEBUG=false DJANGO_SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	DJANGO_ALLOWED_HOSTS=bonetrack.example.org $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var staticfiles bench/out
