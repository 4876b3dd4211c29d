# The two commands a newcomer needs: `make run` and `make test`. `make install` is the shared step.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8501
INDEX ?= $(or $(POLICYQA_INDEX),index)

.PHONY: install index run test test-fast lint browser clean

install: $(STAMP)

# torch first, pinned: its CPU build is what `pip install torch==2.13.0` finds here, while an unpinned
# torch (pulled in by sentence-transformers) would download a multi-GB CUDA build.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

index: install
	test -f $(INDEX)/manifest.json || $(BIN)/policyqa index build

run: index
	$(BIN)/streamlit run app.py --server.port $(PORT) --server.headless true --browser.gatherUsageStats false \
	  --server.fileWatcherType none

# The end-to-end test drives Debian's Chromium; install it when missing (root, as on CI machines).
browser:
	@command -v chromium >/dev/null 2>&1 || test -x /usr/bin/chromium || \
	  { (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	    || echo "warning: could not install chromium; the browser test will be skipped"; }

test: install browser lint
	$(BIN)/python -m pytest

# ruff (errors, import order, 3.11 idioms), mypy over qa/ and import-linter's layer contracts, all three
# configured in pyproject.toml; then no import cycle between modules of qa/ (tests/test_layout.py).
lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/test_layout.py::test_the_import_graph_of_qa_has_no_cycle

# The core and the unit tests, no model, no browser, no slow ones: under 30 s on a 2-core machine.
test-fast: install
	$(BIN)/python -m pytest -m "not integration and not e2e and not slow"

clean:
	rm -rf $(VENV) index/*.faiss index/*.json index/*.jsonl .pytest_cache
