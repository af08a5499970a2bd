"""The course's gradebook: every student and assignment, totals, and changes.

From the graded records (:mod:`.gradebook`), the course files
(:mod:`.course`) and the manual points (:mod:`.manual`), each run writes:

- ``gradebook.csv``: one row per student and assignment: the points of each
  exercise, the manual points, the days late and the penalty, the total, and
  a status: ``graded``, ``late``, ``refused`` (late, and the policy refuses
  it), ``missing`` (on the roster, no notebook: 0 points) or
  ``manual pending`` (cells still to grade by hand);
- ``totals.csv``: one row per student, each assignment's total and the
  course total;
- ``changes.log``: a line for every total that changed, with the time, the
  old and the new score; ``scores.json`` keeps the totals it compares with;
- the exports for an LMS (:mod:`.exports`).

The course's assignments are those with a notebook or with settings.
"""

import json
from datetime import datetime
from pathlib import Path

from nnkit.grading import exports, gradebook, manual
from nnkit.grading.course import Student
from nnkit.grading.exercises import ASSIGNMENTS, max_points


def rows(records, course, points, cells_of):
    """The gradebook's rows (dicts), sorted by student and assignment."""
    students = set(course.roster or {}) | {student for student, _ in records}
    assignments = {a for _, a in records} | set(course.settings)
    table = []
    for student in sorted(students):
        person = (course.roster or {}).get(student, Student(student, "", ""))
        for assignment in (a for a in ASSIGNMENTS if a in assignments):
            record = records.get((student, assignment))
            row = {"student": student, "name": person.name, "email": person.email}
            row["assignment"] = assignment
            manual_cells = cells_of.get(assignment, [])
            if record is None:
                most = max_points(assignment) + sum(p for _, p in manual_cells)
                row.update(points={}, manual=0, days_late=0, penalty=0, total=0)
                row.update(max_total=most, status="missing", submitted="", flags=[])
            else:
                row.update(scored(record, course, points, manual_cells))
            table.append(row)
    return table


def scored(record, course, points, manual_cells):
    """The row fields of a graded record: manual points added, lateness taken off."""
    extra, extra_max, left = manual.manual_points(record, manual_cells, points)
    submitted = submission_time(record, course)
    settings = course.of(record["assignment"])
    days, fraction = settings.lateness(submitted)
    raw, most = record["total"] + extra, record["max_total"] + extra_max
    penalty = round(min(raw, fraction * most), 2)
    status = "graded"
    if days:
        status = "refused" if settings.late == "refuse" else "late"
    if left:
        status += ", manual pending"
    return {
        "points": record["points"],
        "manual": extra,
        "days_late": days,
        "penalty": penalty,
        "total": round(raw - penalty, 2),
        "max_total": most,
        "status": status,
        "submitted": submitted.isoformat() if submitted else "",
        "flags": record["flags"],
    }


def submission_time(record, course):
    """When the notebook was submitted: the timestamps file, else its mtime."""
    key = (record["student"], record["assignment"])
    if course.timestamps is not None and key in course.timestamps:
        return course.timestamps[key]
    modified = record.get("modified")
    return datetime.fromisoformat(modified) if modified else None


def student_totals(table):
    """``{student: {assignment: total, ..., "total": ..., "max_total": ...}}``."""
    totals = {}
    for row in table:
        entry = totals.setdefault(row["student"], {"total": 0, "max_total": 0})
        entry[row["assignment"]] = row["total"]
        entry["total"] = round(entry["total"] + row["total"], 2)
        entry["max_total"] += row["max_total"]
    return totals


def log_changes(out, table, log):
    """Append each changed total to ``OUT/changes.log``, with the time."""
    path = Path(out) / "scores.json"
    old = {}
    if path.exists():
        old = {(s, a): total for s, a, total in json.loads(path.read_text())}
    now = gradebook.now()
    lines = []
    for row in table:
        key = (row["student"], row["assignment"])
        if old.get(key) != row["total"]:
            before = "none" if key not in old else f"{old[key]:g}"
            who = f"{gradebook.printable(row['student'])} {row['assignment']}"
            lines.append(f"{now} {who}: {before} -> {row['total']:g} ({row['status']})")
    if lines:
        with open(Path(out) / "changes.log", "a", encoding="utf-8") as file:
            file.write("\n".join(lines) + "\n")
        log(f"{len(lines)} grade(s) changed: see {Path(out) / 'changes.log'}")
    scores = [[row["student"], row["assignment"], row["total"]] for row in table]
    gradebook.write_atomically(path, json.dumps(scores) + "\n")


def write_all(out, records, course, points, cells_of, log=print):
    """Write every file of the course's gradebook into ``out``."""
    table = rows(records, course, points, cells_of)
    for row in table:  # the feedback with manual points and lateness
        if (row["student"], row["assignment"]) in records:
            record = records[(row["student"], row["assignment"])]
            gradebook.write_feedback(out, record, row)
    gradebook.write_csv(out, table)
    exports.write_totals(out, table, student_totals(table))
    manual.write_sheet(out, records, cells_of, points)
    exports.write_exports(out, table, course)
    log_changes(out, table, log)
    on_roster = set(course.roster or {})
    strangers = sorted({s for s, _ in records} - on_roster) if on_roster else []
    if strangers:
        names = ", ".join(map(gradebook.printable, strangers))
        log(f"warning: not on the roster, graded anyway: {names}")
    return table
