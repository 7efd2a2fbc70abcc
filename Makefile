# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test bench demo clean

$(BIN)/carebot: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# With TELEGRAM_BOT_TOKEN set (environment or .env) this runs on Telegram;
# without one it runs the offline demo against the local Telegram stand-in.
run: $(BIN)/carebot
	$(BIN)/carebot run

test: $(BIN)/carebot
	$(BIN)/python -m pytest -q

bench: $(BIN)/carebot
	$(BIN)/python benchmarks/report_throughput.py

clean:
	rm -rf $(VENV) .pytest_cache
