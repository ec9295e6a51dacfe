# medlib-book: `make book` builds the published book, `make test` checks everything.
# Both create .venv from requirements.txt first; the install is skipped when
# requirements.txt and pyproject.toml are unchanged since the last install.

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export PATH := $(abspath $(VENV))/bin:$(PATH)
export TF_CPP_MIN_LOG_LEVEL := 2
export PYDEVD_DISABLE_FILE_VALIDATION := 1

REEXECUTED := _build/reexecuted
CHAPTERS ?= $(shell $(PY) -m medlib.book list --names 2>/dev/null)
# Seconds of published runtime that CI's rotating sample of verified chapters may take.
CI_SLICE_S ?= 240

.PHONY: install reinstall book publish reproduce status boxes html readme test lint unit \
	notebooks-quick stamps reexecute verify-chapters build-check browser-check clean

install:
	@if [ -f $(STAMP) ] && cat requirements.txt pyproject.toml | cmp -s - $(STAMP); then \
		echo "install: .venv is up to date with requirements.txt"; \
	else \
		$(MAKE) --no-print-directory reinstall; \
	fi

reinstall:
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; set PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	@# Kernels of this venv leave C++ library logs (TensorFlow) on the console instead of
	@# writing them into the published notebooks' outputs.
	mkdir -p $(VENV)/etc/ipython
	echo "c.IPKernelApp.capture_fd_output = False" > $(VENV)/etc/ipython/ipython_kernel_config.py
	cat requirements.txt pyproject.toml > $(STAMP)

# The main job: re-execute the chapters whose inputs changed (stale stamps, in requires:
# order), refresh the README's table and the pages' closing boxes, build the HTML. On a
# fresh clone of a current book it only builds.
book: install publish readme boxes html

publish: install
	$(PY) -m medlib.book publish --no-progress

# Every chapter from scratch, whatever its stamp: what a reader who wants to check
# everything runs.
reproduce: install
	$(PY) -m medlib.book run --profile book --no-progress
	$(MAKE) --no-print-directory readme html

status: install
	$(PY) -m medlib.book status

boxes: install
	$(PY) -m medlib.book boxes

html: install
	$(VENV)/bin/jupyter-book build . -W -n --keep-going
	@echo "HTML: _build/html/index.html"

readme: install
	$(PY) -m medlib.book table --update README.md

test: install lint stamps unit notebooks-quick reexecute build-check browser-check

lint:
	$(VENV)/bin/ruff check .

# Fails on a chapter whose inputs changed since it was published, naming the input.
stamps:
	$(PY) -m medlib.book status --check

unit:
	$(PY) -m pytest -m "not notebooks"

# Quick runs only where they test what the book run does not (crafted and multi-class files).
notebooks-quick:
	$(PY) -m pytest -m notebooks

# CI's re-execution: every chapter without a passing verification record at its current
# stamp, plus a sample of the others drawn from the commit hash (CI_SLICE_S seconds).
reexecute: install
	@mkdir -p _build
	$(PY) -m medlib.book ci-plan --commit "$$(git rev-parse HEAD 2>/dev/null || echo none)" \
		--slice-s $(CI_SLICE_S) > _build/ci_chapters.txt
	$(MAKE) --no-print-directory verify-chapters CHAPTERS="$$(tr '\n' ' ' < _build/ci_chapters.txt)"

# Re-execute CHAPTERS (default: all) under nbval, which compares the cells marked
# NBVAL_CHECK_OUTPUT exactly while each chapter's recorder writes its results to
# $(REEXECUTED); then compare every number with book/results/ within the tolerances of
# notebooks/tolerances.yml and record the verification (book/results/_verification.json).
verify-chapters: install
	@test -n "$(strip $(CHAPTERS))" || { echo "verify-chapters: no chapter named"; exit 1; }
	rm -rf $(REEXECUTED) && mkdir -p $(REEXECUTED)
	MEDLIB_RESULTS_DIR=$(abspath $(REEXECUTED)) $(PY) -m pytest --nbval-lax \
		--nbval-current-env -o testpaths=book -p no:cacheprovider \
		$(foreach c,$(CHAPTERS),book/$(c).ipynb)
	$(PY) -m medlib.book verify $(REEXECUTED) --chapters $(CHAPTERS) --record \
		--report _build/verification.md

build-check:
	rm -rf _build/html _build/.doctrees
	$(VENV)/bin/jupyter-book build . -W -n --keep-going

# Every built page in headless Chromium with the network off: JavaScript errors, files or
# images that do not load, untypeset math and broken internal links fail; a screenshot of
# each page goes to _build/screenshots/.
browser-check: install
	$(PY) -m medlib.book browse _build/html --screenshots _build/screenshots

clean:
	rm -rf _build
