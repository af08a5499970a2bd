# The two commands of the README:
#   make book   build the website into _build/html
#   make pdf    build the PDF edition into _build/nnkit-book.pdf (needs TeX Live,
#               installed with apt when missing)
#   make test   run every test: unit tests and doctests, notebook checks,
#               strict nbval over every notebook, and the book build (-W)
# Both create .venv/ with the locked toolchain first if it is missing.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Same environment when outputs are generated and when they are validated:
# one BLAS thread (sums can change with the thread count), no progress bars,
# fixed hash seed.
export OMP_NUM_THREADS := 1
export OPENBLAS_NUM_THREADS := 1
export MKL_NUM_THREADS := 1
export TQDM_DISABLE := 1
export PYTHONHASHSEED := 0
export PYDEVD_DISABLE_FILE_VALIDATION := 1
# The venv's bin must be on PATH for tools that shell out (jupyter, alembic).
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: book pdf tex-deps test browser-deps chromium sandbox-deps notebooks check-portable release lint lock bench bench-gpu clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[book,test,torch,grading]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

# The website serves MathJax, require.js, the widget manager and anywidget
# itself: npm installs them at the versions pinned in tests/browser/ (the book
# build copies them into _static/vendor). The browser test also needs Debian's
# Chromium.
BROWSER := .cache/browser
BROWSER_STAMP := $(BROWSER)/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(BROWSER_STAMP): tests/browser/package.json tests/browser/package-lock.json
	mkdir -p $(BROWSER)
	cp tests/browser/package.json tests/browser/package-lock.json $(BROWSER)/
	cd $(BROWSER) && npm ci --silent --no-audit --no-fund
	touch $(BROWSER_STAMP)

chromium:
	command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }

# The PDF edition is typeset by xelatex (through latexmk) from Debian's TeX Live.
TEX_PACKAGES := texlive-xetex texlive-latex-extra texlive-fonts-recommended latexmk \
	xindy fonts-freefont-otf tex-gyre poppler-utils

tex-deps:
	command -v xelatex >/dev/null && command -v latexmk >/dev/null && \
		command -v xindy >/dev/null && command -v pdftotext >/dev/null || { \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		$(SUDO) apt-get install -y -qq --no-install-recommends $(TEX_PACKAGES) >/dev/null; }

pdf: $(STAMP) tex-deps
	$(BIN)/python book/_tools/build_pdf.py

# The grader runs each student's code under Debian's bubblewrap (bwrap).
sandbox-deps:
	command -v bwrap >/dev/null || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq bubblewrap >/dev/null; }

browser-deps: $(BROWSER_STAMP) chromium

book: $(STAMP) $(BROWSER_STAMP)
	$(BIN)/jupyter-book build -W --keep-going .
	@echo "Open _build/html/index.html"

test: $(STAMP) browser-deps sandbox-deps tex-deps
	$(BIN)/ruff check nnkit tests book/_tools book/_ext
	$(BIN)/ruff format --check nnkit tests book/_tools book/_ext
	$(BIN)/python book/_tools/check_notebooks.py
	$(BIN)/python -m pytest -n 2 --dist loadfile tests nnkit
	$(BIN)/python -m pytest -p no:python -n 2 --dist loadscope --nbval --nbval-current-env \
		--nbval-sanitize-with tests/nbval_sanitize.cfg --ignore=book/_static book

lint: $(STAMP)
	$(BIN)/ruff check nnkit tests book/_tools book/_ext
	$(BIN)/ruff format --check nnkit tests book/_tools book/_ext

# Regenerate every notebook's stored outputs in the locked environment.
# Pass NB=book/some.ipynb to regenerate one.
notebooks: $(STAMP)
	$(BIN)/python book/_tools/run_notebooks.py $(NB)

# Prove that the stored outputs do not depend on the CPU: strict nbval once per
# BLAS kernel and SIMD level this CPU can run (see book/_tools/check_portable.py).
# Run it before committing regenerated outputs; it is not part of `make test`,
# which must never force a kernel. Pass NB=book/some.ipynb to check one.
check-portable: $(STAMP)
	$(BIN)/python book/_tools/check_portable.py $(NB)

# Write the student versions of the assignments (book/_static/assignments/)
# from the instructor sources (book/assignments/source/), with nbgrader.
release: $(STAMP)
	$(BIN)/python -m nnkit.grading release

# CPU benchmark: nnkit vs scikit-learn vs PyTorch, ratios from one run.
# Threads are set inside the script (1 and 2), so the pinned thread counts are unset.
bench: $(STAMP)
	env -u OMP_NUM_THREADS -u OPENBLAS_NUM_THREADS -u MKL_NUM_THREADS $(BIN)/python tests/benchmarks/cpu.py

# GPU benchmark of the PyTorch mirror (prints a notice and exits on a CPU-only machine).
bench-gpu: $(STAMP)
	$(BIN)/python tests/benchmarks/gpu.py

# Re-pin the toolchain after a deliberate upgrade of the venv.
lock: $(STAMP)
	{ grep '^#' constraints.txt; $(BIN)/python -m pip freeze --exclude-editable \
		| sed 's/^torch==\(.*\)+cpu/torch==\1/'; } > constraints.txt.new
	mv constraints.txt.new constraints.txt

clean:
	rm -rf _build
