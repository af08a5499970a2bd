"""Points graded by hand: written answers, in nbgrader's manually graded cells.

An instructor notebook marks a cell for manual grading as nbgrader does: its
``nbgrader`` metadata has ``"grade": true`` and ``"solution": true`` (an
answer the student writes) or ``"task": true``, and ``"points"``. The grader
lists those cells for each graded notebook in ``OUT/manual.csv``::

    student,assignment,cell,max_points,points,comment

The instructor fills in ``points`` (and, if they like, ``comment``); the next
run of the grader checks them, adds them to the gradebook and keeps them in
the new ``manual.csv``. An empty ``points`` is not graded yet.
"""

import csv
import io
import json
from pathlib import Path

from nnkit.grading.course import CourseError, read_rows
from nnkit.grading.gradebook import spreadsheet_safe, write_atomically

COLUMNS = ("student", "assignment", "cell", "max_points", "points", "comment")


def cells(folders, assignment):
    """``[(grade_id, points), ...]``: the manually graded cells of the instructor
    notebook of ``assignment``, from the first of ``folders`` that holds it
    (as ``NAME/NAME.ipynb`` or ``NAME.ipynb``)."""
    for folder in folders:
        for path in (
            Path(folder, assignment, f"{assignment}.ipynb"),
            Path(folder, f"{assignment}.ipynb"),
        ):
            if path.is_file():
                notebook = json.loads(path.read_text(encoding="utf-8"))
                return [
                    (meta["grade_id"], float(meta.get("points", 0)))
                    for meta in (
                        c["metadata"].get("nbgrader", {}) for c in notebook["cells"]
                    )
                    if is_manual(meta)
                ]
    return []


def is_manual(meta):
    """Whether nbgrader grades the cell with this metadata by hand."""
    return bool(meta.get("task") or (meta.get("grade") and meta.get("solution")))


def read_points(out):
    """What was entered in ``OUT/manual.csv``: ``(points, comment)`` by
    ``(student, assignment, cell)``; points are None where not graded yet."""
    path = Path(out) / "manual.csv"
    if not path.exists():
        return {}
    points = {}
    for line, row in read_rows(path, COLUMNS):
        key = (row["student"], row["assignment"], row["cell"])
        points[key] = (entered(row, f"{path}, line {line}"), row["comment"] or "")
    return points


def entered(row, where):
    """The points of one row, checked: empty, or a number from 0 to its maximum."""
    text = (row["points"] or "").strip()
    if not text:
        return None
    try:
        value, most = float(text), float(row["max_points"])
    except ValueError:
        raise CourseError(
            f"{where}: expected points as a number (or an empty cell), found {text!r}"
        ) from None
    if not 0 <= value <= most:
        raise CourseError(f"{where}: expected points from 0 to {most:g}, found {text}")
    return value


def manual_points(record, assignment_cells, points):
    """The manual points of one record: ``(sum entered, max, cells not graded)``."""
    student = spreadsheet_safe(record["student"])
    total, most, left = 0.0, 0.0, 0
    for cell, max_points in assignment_cells:
        value, _ = points.get((student, record["assignment"], cell), (None, ""))
        most += max_points
        if value is None:
            left += 1
        else:
            total += value
    return total, most, left


def write_sheet(out, records, cells_of, points):
    """``OUT/manual.csv``: one row per manually graded cell of each graded
    notebook, with the points and comments entered so far."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(COLUMNS)
    for key in sorted(records):
        record = records[key]
        student = spreadsheet_safe(record["student"])
        for cell, max_points in cells_of.get(record["assignment"], []):
            value, comment = points.get(
                (student, record["assignment"], cell), (None, "")
            )
            row = [student, record["assignment"], cell, f"{max_points:g}"]
            row += ["" if value is None else f"{value:g}", comment]
            writer.writerow(map(spreadsheet_safe, row))
    write_atomically(Path(out) / "manual.csv", text.getvalue())
