# Two commands do all set-up from a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
# pytest-xdist workers for `make test` (each has its own databases and temp folders; see
# tests/conftest.py, which also orders the files: slow ones first); PYTEST_ARGS adds options,
# e.g. `make test PYTEST_ARGS="-k export"`.
PYTEST_WORKERS ?= 2
PYTEST_ARGS ?=

.PHONY: run test lint typecheck bench bench-scale screenshot bundle bundle-install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@ $(STAMP)

## Open the app on the built-in demo project (in the default SQLite file of your data folder).
run: $(STAMP)
	$(BIN)/annotator demo --if-missing
	$(BIN)/annotator gui --project Demo

## Lint, type-check, check the import layers (ARCHITECTURE.md) and run the whole suite headless.
test: $(TEST_STAMP)
	$(BIN)/ruff check annotator ui tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)

lint: $(TEST_STAMP)
	$(BIN)/ruff check annotator ui tests benchmarks
	$(BIN)/ruff format --check annotator ui tests benchmarks
	$(BIN)/lint-imports

bench: $(TEST_STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks.run

## A million documents (about an hour, ~20 GB of disk): its own section of BENCHMARKS.md.
bench-scale: $(TEST_STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks.bench_scale

screenshot: $(STAMP)
	rm -f .venv/screenshot.db
	$(BIN)/annotator --db "sqlite:///$(CURDIR)/.venv/screenshot.db" demo
	QT_QPA_PLATFORM=offscreen $(BIN)/annotator --db "sqlite:///$(CURDIR)/.venv/screenshot.db" gui --screenshot docs/screenshot.png

## The packaged app (no Python needed to run it): dist/annotator/, checked by packaging/smoke-test.
bundle: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[bundle]'
	$(BIN)/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller packaging/annotator.spec

## Add the packaged app's desktop entry and icon to your Linux menu (after make bundle).
bundle-install:
	install -d $(HOME)/.local/share/applications
	install -Dm644 packaging/annotator.png $(HOME)/.local/share/icons/hicolor/256x256/apps/annotator.png
	sed 's|^Exec=annotator|Exec=$(CURDIR)/dist/annotator/annotator|' packaging/annotator.desktop \
	  > $(HOME)/.local/share/applications/annotator.desktop

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
