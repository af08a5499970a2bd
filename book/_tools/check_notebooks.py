"""Static checks that strict nbval cannot make on its own.

nbval compares fresh outputs with stored ones, so a notebook whose stored
outputs are missing or stale in a particular way would pass. This check fails
when a notebook:

- has a code cell that was never executed (no execution count);
- was executed out of order (counts must be 1, 2, 3, ... down the page);
- stores an error output, unless the cell is tagged ``raises-exception``;
- stores stderr output, unless the cell is tagged ``allow-stderr`` and its
  source has a ``# stderr:`` comment saying why;
- excludes a cell from nbval's comparison (``nbval-ignore-output`` or
  ``nbval-skip``) without a ``# nbval-ignore:`` comment saying why;
- stores an output in its setup cell (tagged ``nnkit-setup``, written by
  setup_cell.py), which must do nothing where nnkit is installed;
- has no H1 title in its first cell, or is not listed in ``_toc.yml``
  (the instructors' assignment sources under book/assignments/ are kept out
  of the website on purpose, so for them that last rule is waived).

Usage: python book/_tools/check_notebooks.py [NOTEBOOK ...]   (default: every
notebook under book/ except book/_static/, which holds downloads: the released
student versions of the assignments, with their outputs cleared on purpose).
Exit status 1 lists every problem found.
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENTS = ROOT / "book" / "assignments"
DOWNLOADS = ROOT / "book" / "_static"
IGNORE_TAGS = {"nbval-ignore-output", "nbval-skip"}
# The cell that installs nnkit where it is missing (book/_tools/setup_cell.py).
# It may stay unexecuted: it is inserted without running the notebook again.
SETUP_TAG = "nnkit-setup"


def source(cell):
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else text


def cell_problems(index, cell):
    """Problems of one code cell, each as a sentence."""
    where = f"cell {index}"
    tags = set(cell.get("metadata", {}).get("tags", []))
    code = source(cell)
    if not code.strip():
        return []
    problems = []
    if SETUP_TAG in tags:
        if cell.get("outputs"):
            problems.append(
                f"{where} is the setup cell but stores an output; where nnkit is "
                "installed it must print nothing"
            )
        return problems
    if cell.get("execution_count") is None:
        problems.append(f"{where} was never executed")
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error" and "raises-exception" not in tags:
            problems.append(
                f"{where} stores an error ({output.get('ename')}); fix it, or tag the "
                "cell raises-exception if the error is the lesson"
            )
        is_stderr = (
            output.get("output_type") == "stream" and output.get("name") == "stderr"
        )
        if is_stderr and not ("allow-stderr" in tags and "# stderr:" in code):
            problems.append(
                f"{where} stores stderr output; remove its cause, or tag the cell "
                "allow-stderr with a '# stderr:' comment saying why"
            )
    if tags & IGNORE_TAGS and "# nbval-ignore:" not in code:
        problems.append(
            f"{where} is excluded from nbval without a '# nbval-ignore:' comment "
            "saying why"
        )
    return problems


def notebook_problems(path, toc_files):
    notebook = json.loads(path.read_text())
    cells = notebook.get("cells", [])
    problems = []
    if not cells or not source(cells[0]).lstrip().startswith("# "):
        problems.append("the first cell must be markdown starting with an H1 '# Title'")
    counts = []
    for index, cell in enumerate(cells):
        if cell.get("cell_type") != "code":
            continue
        problems += cell_problems(index, cell)
        if source(cell).strip() and cell.get("execution_count") is not None:
            counts.append(cell["execution_count"])
    if counts != list(range(1, len(counts) + 1)):
        problems.append(
            f"cells were not executed once each, top to bottom (execution counts "
            f"{counts}); regenerate with `make notebooks`"
        )
    in_toc = path.resolve().with_suffix("") in (toc_files or ())
    if (
        toc_files is not None
        and not in_toc
        and ASSIGNMENTS not in path.resolve().parents
    ):
        problems.append("it is not listed in _toc.yml")
    return problems


def toc_entries():
    """The files named in _toc.yml, as absolute paths without suffix."""
    import re

    text = (ROOT / "_toc.yml").read_text()
    names = re.findall(r"^\s*(?:-\s*)?(?:root|file):\s*(\S+)", text, flags=re.M)
    return {(ROOT / name).resolve().with_suffix("") for name in names}


def book_notebooks():
    """Every notebook under book/ that the checks apply to."""
    return sorted(
        p
        for p in (ROOT / "book").rglob("*.ipynb")
        if ".ipynb_checkpoints" not in p.parts and DOWNLOADS not in p.parents
    )


def main(args):
    if args:
        paths, toc_files = [Path(a) for a in args], None
    else:
        paths, toc_files = book_notebooks(), toc_entries()
    failed = False
    for path in paths:
        for problem in notebook_problems(path, toc_files):
            failed = True
            print(f"{path}: {problem}")
    if failed:
        sys.exit(1)
    print(f"check_notebooks: {len(paths)} notebook(s) OK")


if __name__ == "__main__":
    main(sys.argv[1:])
