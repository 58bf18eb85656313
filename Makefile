# Two commands for a fresh machine:  make pdfs   and   make test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ISSUES := $(filter-out %.brand.yaml,$(wildcard issues/*.yaml))

.PHONY: pdfs test bench typography acceptance previews clean check

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@# Byte-compile our own modules (PYTHONDONTWRITEBYTECODE may be set) and fill
	@# the parsed-font and hyphenation caches once, so the first build is not the slow one.
	$(BIN)/python -m compileall -q briefing_pdf
	$(BIN)/python -c "import briefing_pdf.batch as b; b.warm(('de', 'en'))"
	touch $(STAMP)

## Build every sample issue into out/
pdfs: $(STAMP)
	$(BIN)/briefing-pdf build issues/ -o out/

## Run the test suite (also builds the samples)
test: $(STAMP)
	$(BIN)/python -m pytest

## Benchmarks: speed (docs/performance.md) and typography (docs/typography.md)
bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python bench/bench.py

typography: $(STAMP)
	$(BIN)/python bench/typography.py --write

## Issue-8/9 figures on content nobody tuned for (tests/data/stress) and the samples
acceptance: $(STAMP)
	$(BIN)/python bench/acceptance.py

## Page PNGs and contact sheets for review
previews: $(STAMP)
	$(BIN)/briefing-pdf build issues/ -o out/ --png

clean:
	rm -rf out .pytest_cache build *.egg-info
