"""The grader's own tests: one marker for the few slow ones, and a writer of
submissions."""

import os
from pathlib import Path

import nbformat
import pytest


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: a test that takes seconds, not ms")


ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "book" / "assignments" / "source"
STATIC = ROOT / "book" / "_static" / "assignments"


def cells_by_id(notebook):
    return {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in notebook.cells}


def write_submission(folder, student, assignment, replace=(), prefix=(), nested=False):
    """Write a solved submission of ``assignment`` for ``student`` under
    ``folder``: the student version with the instructor's solutions, some
    cells replaced (``replace``, by grade id) or with code put before theirs
    (``prefix``); in nbgrader's layout if ``nested``. Returns its path."""
    notebook = nbformat.read(STATIC / f"{assignment}.ipynb", as_version=4)
    solved = nbformat.read(SOURCE / assignment / f"{assignment}.ipynb", as_version=4)
    cells, solutions = cells_by_id(notebook), cells_by_id(solved)
    for grade_id, cell in cells.items():
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = solutions[grade_id].source
    for grade_id, code in dict(replace).items():
        cells[grade_id].source = code
    for grade_id, code in dict(prefix).items():
        cells[grade_id].source = code + "\n" + cells[grade_id].source
    parts = [student, assignment] if nested else [student]
    path = Path(folder, *parts, f"{assignment}.ipynb")
    os.makedirs(path.parent, exist_ok=True)
    nbformat.write(notebook, path)
    return path


@pytest.fixture(scope="session")
def submission():
    """``write_submission`` (see above), for a test to call."""
    return write_submission
