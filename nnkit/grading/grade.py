"""Grade submitted notebooks: hidden cases in, plain arrays out, compared here.

For each submission the grader (this process, which students never run code
in) reads the notebook once, without running it, flags uses of nnkit's own
implementation, draws the hidden cases from the secret seed, computes the
reference answers, and sends only the compiled code and the inputs to the
sandbox. What comes back is plain arrays, compared here with the references.
Feedback says which exercise failed and how, never the hidden inputs or the
answers. Whatever a submission holds, it gets a record: a failure of the
grader itself costs the exercises it hit, with the reason ``grader error``.
"""

import os
import sys
import traceback
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

import nnkit
from nnkit.grading import gradebook, imports, manual, totals
from nnkit.grading.cells import read_program
from nnkit.grading.course import Course
from nnkit.grading.exercises import ASSIGNMENTS, hidden_cases
from nnkit.grading.flags import notebook_uses, reference_uses
from nnkit.grading.reasons import case_problems, notes, share
from nnkit.grading.sandbox import Limits, Sandbox, SandboxError, probe, run_exercises
from nnkit.grading.submissions import (
    SubmissionError,
    chosen,
    find_submissions,
    modified,
    read_submission,
)

MAX_PROBED = 5000
MAX_FLAGS = 20


def grade_submission(submission, notebook, *, seed, limits, sandbox, partial, log):
    """Grade one :class:`~.submissions.Submission` whose notebook's bytes are
    ``notebook`` (or the SubmissionError that kept them from being read);
    return its gradebook record (a dict). With ``partial``, each exercise's
    points are shared among its hidden cases, else all or nothing."""
    student, assignment = submission.student, submission.assignment
    exercises = ASSIGNMENTS[assignment]
    record = gradebook.new_record(student, assignment)
    try:
        if isinstance(notebook, SubmissionError):
            raise notebook
        program = read_program(notebook)
    except SubmissionError as error:
        return zero(record, exercises, str(error))
    try:
        cases = {
            e.name: hidden_cases(e, seed=seed, student=student) for e, _ in exercises
        }
        expected = {
            e.name: [e.expected(case.args) for case in cases[e.name]]
            for e, _ in exercises
        }
        attempts, cell_errors = run_exercises(
            program.code,
            [
                (
                    e.name,
                    [list(case.args.values()) for case in cases[e.name]],
                    [[answer_cap(a) for a in answer] for answer in expected[e.name]],
                )
                for e, _ in exercises
            ],
            limits,
            sandbox,
        )
    except Exception as error:
        return zero(record, exercises, grader_error(error, log, submission))
    for exercise, points in exercises:
        try:
            record["flags"] += reference_uses(program.trees, exercise)
            problems = case_problems(
                exercise,
                expected[exercise.name],
                attempts[exercise.name],
                program,
                limits,
            )
            weights = [case.points for case in cases[exercise.name]]
            earned, reason = share(points, problems, weights, partial)
        except Exception as error:
            earned, reason = 0, grader_error(error, log, submission)
        gradebook.score(record, exercise.name, earned, points, reason)
    try:
        record["flags"] += notebook_uses(program.trees)
    except Exception as error:
        record["flags"].append(grader_error(error, log, submission))
    if len(record["flags"]) > MAX_FLAGS:  # a notebook can name thousands
        more = len(record["flags"]) - MAX_FLAGS
        record["flags"][MAX_FLAGS:] = [f"... and {more} more uses"]
    record["notes"] = notes(program, cell_errors, sandbox.offered)
    return record


def answer_cap(expected):
    """The most bytes an answer of the ``expected`` array's shape may take as .npy:
    16 bytes a value (float128 at most) and a header."""
    return 16 * max(expected.size, 1) + 1024


def zero(record, exercises, reason):
    for exercise, points in exercises:
        gradebook.score(record, exercise.name, 0, points, reason)
    return record


def grader_error(error, log, submission):
    """Log the traceback of a failure of the grader itself; return the reason to
    record: its kind, no details (they may quote student input)."""
    where = f"{gradebook.printable(submission.student)}/{submission.assignment}"
    lines = traceback.format_exc().splitlines()
    log(f"{where}: grader error:\n" + "\n".join(map(gradebook.printable, lines)))
    return f"grader error: {type(error).__name__} (see the grader's log)"


def nnkit_checkout():
    """The source checkout nnkit is imported from, or None for an installed copy."""
    root = Path(nnkit.__file__).resolve().parent.parent
    return root if (root / "pyproject.toml").is_file() else None


def make_sandbox(hidden):
    """A Sandbox hiding ``hidden`` and nnkit's own checkout (the instructor
    notebooks, the git history), but for the package, the interpreter and the
    folders of the packages student code may import (:mod:`.imports`)."""
    checkout = nnkit_checkout()
    hidden = [str(p) for p in [*hidden, *([checkout] if checkout else [])]]
    keep = [Path(nnkit.__file__).resolve().parent, sys.prefix, sys.base_prefix]
    keep.append(Path(sys.executable).resolve().parent)
    allowed = imports.allowed_modules()
    path = imports.package_folders(allowed)
    # A folder of packages is mounted back unless it holds something hidden
    # (nnkit's checkout, on sys.path for an editable install).
    keep += [f for f in path if not any(_within(h, f) for h in hidden)]
    return Sandbox(
        hidden=tuple(hidden),
        keep=tuple(map(str, keep)),
        allowed=tuple(allowed),
        offered=tuple(imports.offered()),
        path=tuple(path),
        files=imports.prepared_files(),
    )


def _within(path, folder):
    path, folder = os.path.realpath(path), os.path.realpath(folder)
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def solution_folders(solutions=()):
    """The instructor folders: ``solutions`` and nnkit's own sources."""
    checkout = nnkit_checkout()
    default = [checkout / "book" / "assignments" / "source"] if checkout else []
    return [Path(p) for p in [*solutions, *default] if Path(p).exists()]


def check_sandbox(sandbox, private, limits):
    """Refuse to grade (SandboxError) if the sandbox does not start, or if student
    code could read any of the ``private`` files."""
    readable = probe([str(p) for p in private[:MAX_PROBED]], sandbox, limits)
    if readable:
        shown = "\n  ".join(readable[:10])
        raise SandboxError(
            "student code could read these private files:\n  "
            f"{shown}\nHide them (--hide FOLDER, --solutions FOLDER) or make "
            "them private (chmod -R go-rwx FOLDER)."
        )


def grade_folder(
    folder,
    out,
    *,
    seed,
    limits=None,
    jobs=2,
    force=False,
    hidden=(),
    solutions=(),
    course=None,
    students=(),
    assignments=(),
    log=print,
):
    """Grade the submissions under ``folder`` into the gradebook in ``out``.

    Student code sees neither ``folder`` (other students' work), nor ``out``,
    nor the ``hidden`` files and folders, nor the instructor's ``solutions``
    folders and nnkit's own checkout; grading refuses to start (SandboxError)
    if it could read a notebook of those.

    A notebook is graded if it is new, or changed since it was graded (its
    content hash), or its assignment's settings changed; ``force`` grades
    them all again, and ``students`` or ``assignments`` (names) grade again
    only theirs. Each grade is saved as soon as it is known, so an
    interrupted run loses nothing and a second run resumes. ``course`` holds
    the settings, roster and submission times (:mod:`.course`). Returns the
    records graded now.
    """
    folder, out = Path(folder), Path(out)
    limits, course = limits or Limits(), course or Course()
    solutions = solution_folders(solutions)
    found = chosen(find_submissions(folder, ASSIGNMENTS), students, assignments, course)
    sandbox = make_sandbox([folder, out, *hidden, *solutions])
    private = [p for f in solutions for p in sorted(f.rglob("*.ipynb"))]
    private += [Path(p) for p in hidden if Path(p).is_file()]
    check_sandbox(sandbox, private, limits)
    records = gradebook.load(out)
    manual_points = manual.read_points(out)
    todo = []
    for submission in found:
        notebook, digest = read_submission(folder, submission)
        settings = {"partial_credit": course.of(submission.assignment).partial_credit}
        old = records.get((submission.student, submission.assignment), {})
        again = force or students or assignments
        if again or old.get("hash") != digest or old.get("settings") != settings:
            todo.append((submission, notebook, digest, settings))
    graded = []
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {
            pool.submit(
                grade_submission,
                submission,
                notebook,
                seed=seed,
                limits=limits,
                sandbox=sandbox,
                partial=settings["partial_credit"],
                log=log,
            ): (submission, digest, settings)
            for submission, notebook, digest, settings in todo
        }
        for future in as_completed(futures):
            submission, digest, settings = futures[future]
            student, assignment, _ = submission
            try:
                record = future.result()
            except Exception as error:  # a bug of the grader must not stop the batch
                record = zero(
                    gradebook.new_record(student, assignment),
                    ASSIGNMENTS[assignment],
                    grader_error(error, log, submission),
                )
            record.update(
                hash=digest,
                settings=settings,
                graded_at=gradebook.now(),
                modified=modified(folder, submission),
            )
            records[(student, assignment)] = record
            gradebook.save(out, records)
            gradebook.write_feedback(out, record)
            graded.append(record)
            log(
                f"{gradebook.printable(student)}/{assignment}: {record['total']:g}/"
                f"{record['max_total']:g}" + (" (flagged)" if record["flags"] else "")
            )
    cells = {a: manual.cells(solutions, a) for a in ASSIGNMENTS}
    totals.write_all(out, records, course, manual_points, cells, log=log)
    return graded
