# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Every dependency, exact versions and their hashes (runtime + tests); `make lock` refreshes them.
LOCK := requirements-dev.lock
PIP_TOOLS := pip-tools==7.6.2

.PHONY: run test lint check-model bench demo clean lock

# The locked, hash-checked dependencies first, then carebot itself without resolving anything again:
# a fresh machine next month installs exactly what CI tested today.
$(BIN)/carebot: pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

# With TELEGRAM_BOT_TOKEN set (environment or .env) this runs on Telegram;
# without one it runs the offline demo against the local Telegram stand-in.
run: $(BIN)/carebot
	$(BIN)/carebot run

# Lint first (seconds), then the suite on every core (pytest-xdist); the ten slowest tests are printed at the end.
test: $(BIN)/carebot lint
	$(BIN)/python -m pytest -q -n auto

# The slow checks `make test` leaves out: retraining the safety screen reproduces the shipped artifact (about a minute).
check-model: $(BIN)/carebot
	$(BIN)/python -m pytest -q -m slow

lint: $(BIN)/carebot
	$(BIN)/ruff format --check bot dialogs knowledge storage tests benchmarks
	$(BIN)/ruff check bot dialogs knowledge storage tests benchmarks
	$(BIN)/mypy

# Re-resolve every dependency from pyproject.toml (newest versions its bounds allow) and write both locks:
# requirements.lock (what the bot needs: the container installs it) and requirements-dev.lock (+ tests).
lock:
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet $(PIP_TOOLS)
	.venv-lock/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
		--no-emit-find-links -o requirements.lock pyproject.toml
	.venv-lock/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
		--no-emit-find-links --extra test -o $(LOCK) pyproject.toml

bench: $(BIN)/carebot
	$(BIN)/python benchmarks/report_throughput.py

clean:
	rm -rf $(VENV) .venv-lock .pytest_cache
