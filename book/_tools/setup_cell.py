"""Give every notebook of the book the cell that installs nnkit where it is missing.

A reader who opens a chapter or an assignment on Colab, or downloads it to a
laptop, has no nnkit. The first code cell of every notebook installs it there:
the book's own version (``v<version>`` of the repository, the version in
pyproject.toml), with the extras that notebook needs (``torch`` when it
imports PyTorch). Where nnkit is importable (the locked environment of CI,
Binder, a clone with ``pip install -e .``) the cell does nothing and prints
nothing, so stored outputs and strict nbval are unaffected. The environment
variable ``NNKIT_SOURCE`` replaces the git URL with any pip URL, such as
``file:///path/to/clone``, which is how the test installs the checkout.

The cell is tagged ``remove-cell``, so Jupyter Book leaves it out of the
website and the PDF, and ``nnkit-setup``, by which this tool and
check_notebooks.py recognise it. It goes right below the title cell. The
assignments get it in their instructor sources; ``make release`` copies it
into the student versions, locked like the other read-only cells (in an
nbgrader notebook it is a read-only cell with grade_id ``install``).

Usage: python book/_tools/setup_cell.py [--check] [NOTEBOOK ...]   (default:
every notebook under book/ except the released copies in book/_static/).
Run it again after changing the version: it updates the cells in place.
``--check`` changes nothing and exits 1 listing the notebooks out of date.
"""

import re
import sys
import tomllib
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
TAG = "nnkit-setup"
HIDDEN = "remove-cell"  # Jupyter Book 1 drops the cell from the HTML and the PDF
REPOSITORY = "https://github.com/nnkit-course/nnkit-book"
USES_TORCH = re.compile(r"^\s*(import|from) (nnkit\.)?torch\b")

# nbgrader's metadata of a read-only cell: students cannot edit or delete it, and
# nbgrader autograde restores it from the instructor's notebook.
NBGRADER_READ_ONLY = {
    "grade": False,
    "grade_id": "install",
    "locked": True,
    "schema_version": 3,
    "solution": False,
    "task": False,
}

TEMPLATE = """\
# Installs nnkit {version} where it is missing (Colab, a laptop); silent where it is
# installed. NNKIT_SOURCE overrides where pip gets it (e.g. file:///path/to/clone).
try:
    import nnkit
except ModuleNotFoundError:
    import os
    import subprocess
    import sys

    release = "git+{repository}@v{version}"
    source = os.environ.get("NNKIT_SOURCE", release)
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", f"{requirement} @ {{source}}"],
        check=True,
    )"""


def version():
    """The version of nnkit in pyproject.toml: the one this book's outputs come from."""
    with open(ROOT / "pyproject.toml", "rb") as file:
        return tomllib.load(file)["project"]["version"]


def is_setup_cell(cell):
    return TAG in cell.get("metadata", {}).get("tags", [])


def needs_torch(notebook):
    """Whether a code cell of ``notebook`` (other than the setup cell) uses PyTorch."""
    return any(
        USES_TORCH.match(line)
        for cell in notebook.cells
        if cell.cell_type == "code" and not is_setup_cell(cell)
        for line in cell.source.splitlines()
    )


def setup_source(notebook, version):
    requirement = "nnkit[torch]" if needs_torch(notebook) else "nnkit"
    return TEMPLATE.format(
        version=version, repository=REPOSITORY, requirement=requirement
    )


def with_setup_cell(notebook, version):
    """``notebook`` with exactly one setup cell, right below its title cell.

    An existing setup cell keeps its id, outputs and execution count, and gets
    the current source and metadata; every other cell is left exactly as it was.
    """
    existing = [cell for cell in notebook.cells if is_setup_cell(cell)]
    cell = existing[0] if existing else nbformat.v4.new_code_cell()
    cell.source = setup_source(notebook, version)
    cell.metadata["tags"] = [HIDDEN, TAG]
    if any("nbgrader" in c.metadata for c in notebook.cells if c is not cell):
        cell.metadata["nbgrader"] = NBGRADER_READ_ONLY
    others = [c for c in notebook.cells if not is_setup_cell(c)]
    notebook.cells = others[:1] + [cell] + others[1:]
    return notebook


def book_notebooks():
    """The chapters and the instructor sources of the assignments."""
    return sorted(
        path
        for path in (ROOT / "book").rglob("*.ipynb")
        if ".ipynb_checkpoints" not in path.parts and "_static" not in path.parts
    )


def main(args):
    check = "--check" in args
    paths = [Path(a) for a in args if a != "--check"] or book_notebooks()
    current = version()
    stale = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        notebook = with_setup_cell(nbformat.reads(text, as_version=4), current)
        updated = nbformat.writes(notebook) + "\n"
        if updated != text:
            stale.append(path)
            if not check:
                path.write_text(updated, encoding="utf-8")
    verb = "out of date" if check else "updated"
    for path in stale:
        print(f"{path}: setup cell {verb}")
    if check and stale:
        sys.exit(f"run: python book/_tools/setup_cell.py ({len(stale)} notebook(s))")
    print(f"setup_cell: {len(paths)} notebook(s), {len(stale)} {verb}")


if __name__ == "__main__":
    main(sys.argv[1:])
