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
# The book's repository, the one setting its repository, issues and Binder buttons use.
# Empty (the default): no such button and no repository link. A fork sets it to a repository
# that exists (make html REPOSITORY_URL=https://github.com/you/medlib-book); the build first
# checks that the address answers (git ls-remote) and stops if it does not.
REPOSITORY_URL ?=
REPOSITORY_CONFIG := _build/_config_repository.yml
BOOK_CONFIG := $(if $(strip $(REPOSITORY_URL)),--config $(REPOSITORY_CONFIG))

.PHONY: install reinstall book prose publish reproduce status boxes html readme test lint unit \
	notebooks-quick stamps reexecute verify-chapters build-check browser-check clean \
	repository-config

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
# fresh clone of a current book it only builds. Chapters whose only change is their prose
# are republished first without re-execution (prose), so publish leaves them alone.
book: install prose publish readme boxes html

# Rewrite the pages whose Markdown alone changed, keeping their code cells' outputs;
# book/results/ is not touched (no number changed).
prose: install
	$(PY) -m medlib.book prose

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

html: install repository-config
	$(VENV)/bin/jupyter-book build . -W -n --keep-going $(BOOK_CONFIG)
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

build-check: repository-config
	rm -rf _build/html _build/.doctrees
	$(VENV)/bin/jupyter-book build . -W -n --keep-going $(BOOK_CONFIG)

# With REPOSITORY_URL set: check that a repository answers there and write a copy of
# _config.yml with its buttons on (medlib/book/repository.py); without it, nothing.
repository-config:
	@rm -f $(REPOSITORY_CONFIG)
	@if [ -n "$(strip $(REPOSITORY_URL))" ]; then \
		$(PY) -m medlib.book.repository "$(strip $(REPOSITORY_URL))" --out $(REPOSITORY_CONFIG); \
	fi

# Every built page in headless Chromium with the network off: JavaScript errors, files or
# images that do not load, untypeset math and broken internal links fail; a screenshot of
# each page goes to _build/screenshots/.
browser-check: install
	$(PY) -m medlib.book browse _build/html --screenshots _build/screenshots

clean:
	rm -rf _build
