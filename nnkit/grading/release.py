"""Release the student versions of the assignments, with nbgrader's own preprocessors.

The instructor notebook ``SOURCE/NAME/NAME.ipynb`` is in nbgrader's format:
solution cells with ``### BEGIN SOLUTION`` / ``### END SOLUTION``, locked
check cells with points, and ``### BEGIN HIDDEN TESTS`` regions. The student
version is what ``nbgrader generate_assignment`` would make, without its
database: the same preprocessors, run as a library through nbconvert.
Solutions become stubs that raise ``NotImplementedError``, hidden tests and
outputs go, and the instructions and checks are locked.
"""

from pathlib import Path

import nbformat


def preprocessors():
    """nbgrader's steps of ``generate_assignment``, less the database ones."""
    from nbgrader.preprocessors import (
        CheckCellMetadata,
        ClearHiddenTests,
        ClearOutput,
        ClearSolutions,
        ComputeChecksums,
        LockCells,
    )

    return [
        LockCells(),
        ClearSolutions(),
        ClearOutput(),
        CheckCellMetadata(),
        ClearHiddenTests(),
        ComputeChecksums(),
        CheckCellMetadata(),
    ]


def student_version(source):
    """The student version of the instructor notebook at ``source``, as text."""
    notebook = nbformat.read(source, as_version=4)
    resources = {}
    for preprocessor in preprocessors():
        notebook, resources = preprocessor.preprocess(notebook, resources)
    return nbformat.writes(notebook) + "\n"


def sources(source_dir):
    """The instructor notebooks, ``SOURCE/NAME/NAME.ipynb``, by assignment name."""
    return {
        folder.name: folder / f"{folder.name}.ipynb"
        for folder in sorted(Path(source_dir).iterdir())
        if (folder / f"{folder.name}.ipynb").is_file()
    }


def release(source_dir, out_dir):
    """Write ``OUT/NAME.ipynb`` for every assignment; return the paths written."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, source in sources(source_dir).items():
        path = out_dir / f"{name}.ipynb"
        path.write_text(student_version(source), encoding="utf-8")
        written.append(path)
    return written


def out_of_date(source_dir, out_dir):
    """The released notebooks that differ from what their sources give now."""
    stale = []
    for name, source in sources(source_dir).items():
        path = Path(out_dir) / f"{name}.ipynb"
        if not path.is_file() or path.read_text(encoding="utf-8") != student_version(
            source
        ):
            stale.append(path)
    return stale
