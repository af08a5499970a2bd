"""The gradebook for other tools: per-student totals, Canvas, Moodle, nbgrader.

Each file has the column layout its tool documents for imports:

- ``totals.csv``: ``student,name,email``, each assignment's total, then
  ``total,max_total`` (the course total).
- ``canvas.csv``: Canvas's gradebook import: ``Student,ID,SIS User ID,SIS
  Login ID,Section``, one column per assignment, and a ``Points Possible``
  row first. The roster's id goes in ``SIS User ID`` and ``SIS Login ID``
  (Canvas's own ``ID`` is left empty); an assignment column without a
  Canvas id creates that assignment on import.
- ``moodle.csv``: Moodle's CSV grade import: ``First name,Last name,ID
  number,Email address`` and one column per assignment; on import, identify
  users by email address (or ID number) and map each column to a grade item.
- ``nbgrader-scores.csv``: the columns of ``nbgrader export``: assignment,
  duedate, timestamp, student_id, last_name, first_name, email, raw_score,
  late_submission_penalty, score, max_score.
"""

import csv
import io
from pathlib import Path

from nnkit.grading.gradebook import spreadsheet_safe, write_atomically

CANVAS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
MOODLE = ("First name", "Last name", "ID number", "Email address")
NBGRADER = (
    "assignment",
    "duedate",
    "timestamp",
    "student_id",
    "last_name",
    "first_name",
    "email",
    "raw_score",
    "late_submission_penalty",
    "score",
    "max_score",
)


def write_table(path, header, lines):
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    for line in lines:
        writer.writerow(map(spreadsheet_safe, line))
    write_atomically(Path(path), text.getvalue())


def assignments_of(table):
    return list(dict.fromkeys(row["assignment"] for row in table))


def people(table):
    """``{student: (name, email)}``, in the table's order."""
    return {
        row["student"]: (row["name"] or row["student"], row["email"]) for row in table
    }


def split_name(name):
    """``(first, last)``: the last word is the last name."""
    first, _, last = name.rpartition(" ")
    return (first, last) if first else (name, "")


def write_totals(out, table, totals):
    assignments = assignments_of(table)
    lines = [
        [student, name, email, *(totals[student][a] for a in assignments)]
        + [totals[student]["total"], totals[student]["max_total"]]
        for student, (name, email) in people(table).items()
    ]
    header = ["student", "name", "email", *assignments, "total", "max_total"]
    write_table(Path(out) / "totals.csv", header, lines)


def write_exports(out, table, course):
    """Write ``canvas.csv``, ``moodle.csv`` and ``nbgrader-scores.csv``."""
    assignments = assignments_of(table)
    score = {(row["student"], row["assignment"]): row for row in table}
    most = {row["assignment"]: row["max_total"] for row in table}
    students = people(table)
    canvas = [["Points Possible", "", "", "", "", *(most[a] for a in assignments)]]
    canvas += [
        [
            name,
            "",
            student,
            student,
            "",
            *(score[student, a]["total"] for a in assignments),
        ]
        for student, (name, _) in students.items()
    ]
    write_table(Path(out) / "canvas.csv", [*CANVAS, *assignments], canvas)
    moodle = [
        [*split_name(name), student, email]
        + [score[student, a]["total"] for a in assignments]
        for student, (name, email) in students.items()
    ]
    write_table(Path(out) / "moodle.csv", [*MOODLE, *assignments], moodle)
    nbgrader = []
    for row in table:
        deadline = course.of(row["assignment"]).deadline
        first, last = split_name(students[row["student"]][0])
        nbgrader.append(
            [
                row["assignment"],
                deadline.isoformat() if deadline else "",
                row["submitted"],
                row["student"],
                last,
                first,
                row["email"],
                round(row["total"] + row["penalty"], 2),
                row["penalty"],
                row["total"],
                row["max_total"],
            ]
        )
    write_table(Path(out) / "nbgrader-scores.csv", NBGRADER, nbgrader)
