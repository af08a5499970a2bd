"""The gradebook: one record per (student, assignment), kept safe on disk.

``OUT/grades.json`` is the gradebook itself: one record per graded notebook,
with the content hash and settings it was graded with.
``OUT/feedback/STUDENT/ASSIGNMENT.txt`` is written from it, and
``OUT/gradebook.csv`` from the rows :mod:`.totals` makes of it. Every file is
replaced atomically (written beside, then renamed), so an interrupted run
leaves the previous version, never half a file. ``OUT`` is made private (mode
0o700): the sandboxed children must not read other students' grades.

Student names are folder names, whatever bytes they hold: they are kept as
they are in ``grades.json`` (JSON escapes them) and in the feedback's path,
and shown through :func:`printable` everywhere else. No CSV cell begins with
a character a spreadsheet reads as a formula.
"""

import csv
import io
import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from nnkit.grading.exercises import ASSIGNMENTS


def new_record(student, assignment):
    return {
        "student": student,
        "assignment": assignment,
        "points": {},
        "max_points": {},
        "reasons": {},
        "flags": [],
        "notes": [],
        "total": 0,
        "max_total": 0,
    }


def score(record, exercise, points, max_points, reason):
    """Enter one exercise's points and, if it lost them, the reason."""
    record["points"][exercise] = points
    record["max_points"][exercise] = max_points
    if reason:
        record["reasons"][exercise] = reason
    record["total"] = sum(record["points"].values())
    record["max_total"] = sum(record["max_points"].values())


def private_folder(out):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    out.chmod(0o700)
    return out


def printable(text):
    """``text`` with anything unprintable escaped (``\\xff`` for a byte that was
    not UTF-8, ``\\n`` for a newline): safe in a line of a log or a file."""
    if text.isprintable():
        return text
    return "".join(map(_printable_character, text))


def _printable_character(c):
    if c.isprintable():
        return c
    if "\udc80" <= c <= "\udcff":  # a byte os.fsdecode could not decode
        return f"\\x{ord(c) - 0xDC00:02x}"
    return ascii(c)[1:-1]


def spreadsheet_safe(value):
    """A CSV cell no spreadsheet takes for a formula (``=HYPERLINK(...)``);
    a float as short as it prints (5, not 5.0)."""
    if isinstance(value, float):
        return f"{value:g}"
    if not isinstance(value, str):
        return value
    text = printable(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write_atomically(path, text):
    """Replace ``path`` with ``text``; a failed write leaves the old file and
    no temporary file behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", dir=path.parent, prefix=".tmp.", delete=False, encoding="utf-8"
    ) as file:
        try:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        except BaseException:
            os.unlink(file.name)
            raise
    try:
        os.replace(file.name, path)  # keeps NamedTemporaryFile's private mode 0o600
    except BaseException:
        os.unlink(file.name)
        raise


def load(out):
    """The records saved in ``out``, keyed by (student, assignment)."""
    path = private_folder(out) / "grades.json"
    if not path.exists():
        return {}
    return {(r["student"], r["assignment"]): r for r in json.loads(path.read_text())}


def save(out, records):
    ordered = [records[key] for key in sorted(records)]
    write_atomically(Path(out) / "grades.json", json.dumps(ordered, indent=1) + "\n")


def write_csv(out, table):
    """``OUT/gradebook.csv``: one row per row of ``table`` (:mod:`.totals`); one
    column per exercise of the assignments present."""
    present = {row["assignment"] for row in table}
    exercises = [
        exercise.name
        for assignment, items in ASSIGNMENTS.items()
        if assignment in present
        for exercise, _ in items
    ]
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["student", "assignment", *exercises, *COLUMNS])
    for row in table:
        cells = [row["student"], row["assignment"]]
        cells += [row["points"].get(name, "") for name in exercises]
        cells += [row[column] for column in COLUMNS[:-1]]
        cells.append("; ".join(row["flags"]))
        writer.writerow(map(spreadsheet_safe, cells))
    write_atomically(Path(out) / "gradebook.csv", text.getvalue())


# After each exercise's points, in gradebook.csv.
COLUMNS = (
    "manual",
    "days_late",
    "penalty",
    "total",
    "max_total",
    "status",
    "submitted",
    "name",
    "email",
    "flags",
)


def now():
    """The time now, as ISO 8601 text in UTC."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def feedback(record, row=None):
    """The feedback for the student: points and reasons, no hidden values;
    with the gradebook's ``row`` (:mod:`.totals`), the manual points and the
    late penalty too."""
    total, most = record["total"], record["max_total"]
    if row is not None:
        total, most = row["total"], row["max_total"]
    lines = [f"{record['assignment']}: {total:g} of {most:g} points", ""]
    for name, points in record["points"].items():
        line = f"{name}: {points:g}/{record['max_points'][name]:g}"
        if name in record["reasons"]:
            line += f" - {record['reasons'][name]}."
            line += f" Run nnkit.check.{name}({name}) in your notebook for details."
        lines.append(line)
    if row is not None:
        lines += course_lines(record, row)
    if record["notes"]:
        lines += ["", "While the notebook's code ran:"]
        lines += [f"- {note}" for note in record["notes"]]
    if record["flags"]:
        lines += ["", "For your instructor to review:"]
        lines += [f"- {printable(flag)}" for flag in record["flags"]]
    return "\n".join(lines) + "\n"


def course_lines(record, row):
    """The lines of the feedback on manual points and lateness."""
    lines = []
    by_hand = row["max_total"] - record["max_total"]
    if by_hand:
        pending = " (some are not graded yet)" * ("manual pending" in row["status"])
        lines.append(
            f"written answers, graded by hand: {row['manual']:g}/{by_hand:g}{pending}"
        )
    if row["days_late"]:
        lost = (
            "refused: 0 points"
            if row["status"].startswith("refused")
            else (f"{row['penalty']:g} points off")
        )
        lines.append(f"submitted {row['days_late']} day(s) after the deadline: {lost}")
    return lines


def write_feedback(out, record, row=None):
    path = Path(out) / "feedback" / record["student"] / f"{record['assignment']}.txt"
    write_atomically(path, feedback(record, row))
