# Two commands a new user needs: `make run` (gateway on SQLite) and `make test` (everything CI runs).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8080

.PHONY: run check test fuzz lint typecheck install schemas bench clean

$(BIN)/samband: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/samband

install: $(BIN)/samband

# The official XSDs, when they are not installed as pinned: from SAMBAND_SCHEMAS_FROM (a folder such
# as ../shared/reference/xsd, or a mirror URL) if set, else from where each file is published.
schemas: install
	$(BIN)/samband schemas status >/dev/null 2>&1 || $(BIN)/samband schemas fetch

# make run PORT=9000 HOST=0.0.0.0 (beyond loopback the development key is refused: docs/security.md)
run: schemas
	mkdir -p var
	$(BIN)/samband serve --host $(HOST) --port $(PORT)

check: install
	$(BIN)/samband check

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

# The type check runs beside the tests (one core each); either failing fails the target.
test: install lint
	@$(BIN)/mypy > .mypy.out 2>&1 & types=$$!; \
	$(BIN)/pytest -q; tests=$$?; \
	wait $$types; checked=$$?; cat .mypy.out; rm -f .mypy.out; \
	test $$tests -eq 0 && test $$checked -eq 0

# The fuzz tests with many examples (CI runs them with a few, derandomized): new inputs each run,
# failures kept in .hypothesis/ and tried first next time. A crash found: keep its minimal input in
# tests/fuzz/corpus/<target>/ and fix the parser.
fuzz: install
	HYPOTHESIS_PROFILE=fuzz $(BIN)/pytest -q -p no:cacheprovider tests/fuzz

# The throughput goals beside their yardsticks (bench/throughput.py), on SQLite and on PostgreSQL when
# one answers; a few minutes. BENCH=--full for the 5-minute sustained run and a million stored rows.
BENCH ?= --quick
bench: schemas
	$(BIN)/python bench/throughput.py $(BENCH)

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache .hypothesis
