# Two commands for a fresh machine:  make pdfs   and   make test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ISSUES := $(filter-out %.brand.yaml,$(wildcard issues/*.yaml))

.PHONY: bytecode pdfs test bench typography acceptance previews clean check schema schema-check

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	@# pip's and setuptools' own chatter goes to a log, shown only if the install fails.
	@$(BIN)/pip install --quiet --upgrade pip > $(VENV)/install.log 2>&1 || (cat $(VENV)/install.log; exit 1)
	@$(BIN)/pip install --quiet -e '.[dev]' >> $(VENV)/install.log 2>&1 || (cat $(VENV)/install.log; exit 1)
	@echo "installed briefing-pdf and its dev dependencies into $(VENV) (log: $(VENV)/install.log)"
	@# Byte-compile our own modules (PYTHONDONTWRITEBYTECODE may be set) and fill
	@# the parsed-font and hyphenation caches once, so the first build is not the slow one.
	$(BIN)/python -m compileall -q briefing_pdf
	$(BIN)/python -c "import briefing_pdf.batch as b; b.warm(('de', 'en'))"
	touch $(STAMP)

# Our modules' bytecode, refreshed after every change: with PYTHONDONTWRITEBYTECODE
# set, a stale .pyc means recompiling every module on every start (~30 ms a build).
bytecode: $(STAMP)
	@$(BIN)/python -m compileall -q briefing_pdf

## Build every sample issue into out/
pdfs: $(STAMP) bytecode
	$(BIN)/briefing-pdf build issues/ -o out/

## Run the test suite (also builds the samples)
test: $(STAMP) bytecode
	$(BIN)/python -m pytest

## Regenerate issue.schema.json and brand.schema.json from the models
schema: $(STAMP)
	$(BIN)/briefing-pdf schema issue > issue.schema.json
	$(BIN)/briefing-pdf schema brand > brand.schema.json

## Fail if the shipped schemas are not what the models give (CI)
schema-check: $(STAMP)
	@$(BIN)/briefing-pdf schema issue | diff -u issue.schema.json - && \
	 $(BIN)/briefing-pdf schema brand | diff -u brand.schema.json - && echo "schemas are current"

## Benchmarks: speed (docs/performance.md) and typography (docs/typography.md)
bench: $(STAMP) bytecode
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
