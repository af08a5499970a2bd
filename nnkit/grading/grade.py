"""Grade submitted notebooks: hidden cases in, plain arrays out, compared here.

For each submission the grader (this process, which students never run code
in) reads the notebook's code without running it, flags uses of nnkit's own
implementation, draws the hidden cases from the secret seed, computes the
reference answers, and sends only the code and the inputs to the sandbox.
What comes back is plain arrays, compared here with the references. Feedback
says which exercise failed and how, never the hidden inputs or the answers.
"""

import builtins
import traceback
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from nnkit.grading import gradebook
from nnkit.grading.cells import (
    SubmissionError,
    code_cells,
    reference_uses,
    without_checks,
)
from nnkit.grading.exercises import ASSIGNMENTS, hidden_cases
from nnkit.grading.sandbox import Limits, SandboxError, run_exercises

CHILD_CODES = {
    "missing": "{name} is not defined in the notebook (was its cell deleted?)",
    "not-callable": "{name} is not a function",
    "count": "it should return {count} values ({outputs}), as a tuple",
    "not-numeric": "it returned something that is not a number or an array of numbers",
    "NotImplementedError": "it still raises NotImplementedError: replace the stub "
    "with your code",
    "SystemExit": "it called sys.exit() or exit(), which ends the program",
    "MemoryError": "it ran out of memory (the limit is {memory})",
    "RecursionError": "it recursed too deeply (RecursionError)",
}


def describe_failure(attempt, exercise, limits):
    """The failure of an Attempt in plain words, without any hidden value."""
    code = attempt.failure
    if code == "timeout":
        text = f"it did not finish within the time limit of {limits.time_s:g} s"
    elif code.startswith("signal"):
        text = f"the process running it was killed ({code.split()[1]})"
        text += ", usually for using more memory than the limit" * code.endswith("KILL")
    elif code.startswith("exit"):
        text = f"the process running it ended (exit status {code.split()[1]}); "
        text += "does the code call os._exit() or exit the interpreter?"
    elif code in CHILD_CODES:
        text = CHILD_CODES[code].format(
            name=exercise.name,
            count=len(exercise.outputs),
            outputs=", ".join(exercise.outputs),
            memory=f"{limits.memory_bytes / 1024**3:g} GiB",
        )
    else:
        text = f"it raised {error_name(code)}"
        if attempt.case is not None:
            text += f" on hidden case {attempt.case + 1}"
    if attempt.during_cells:
        return f"the notebook's code stopped before {exercise.name} was defined: {text}"
    return text


def grade_submission(path, assignment, student, *, seed, limits=None, hidden=()):
    """Grade one notebook; return its gradebook record (a dict).

    The student's code cannot see the ``hidden`` files and folders.
    """
    limits = limits or Limits()
    exercises = ASSIGNMENTS[assignment]
    record = gradebook.new_record(student, assignment)
    try:
        sources = code_cells(path)
    except SubmissionError as error:
        for exercise, points in exercises:
            gradebook.score(record, exercise.name, 0, points, str(error))
        return record
    cases = {e.name: hidden_cases(e, seed=seed, student=student) for e, _ in exercises}
    attempts, cell_errors = run_exercises(
        [without_checks(source) for source in sources],
        [
            (e.name, len(e.outputs), [list(c.args.values()) for c in cases[e.name]])
            for e, _ in exercises
        ],
        limits,
        [Path(p).resolve() for p in hidden],
    )
    for exercise, points in exercises:
        record["flags"] += reference_uses(sources, exercise)
        attempt = attempts[exercise.name]
        if attempt.failure:
            reason = describe_failure(attempt, exercise, limits)
        else:
            reason = first_wrong_case(exercise, cases[exercise.name], attempt.answers)
        gradebook.score(record, exercise.name, 0 if reason else points, points, reason)
    record["notes"] = [
        f"code cell {number + 1} of {len(sources)} raised {error_name(name)}"
        for number, name in sorted(cell_errors.items())
        if number < len(sources)
    ]
    return record


def error_name(code):
    """``code`` if it names a built-in exception, else words that quote no code."""
    return code if isinstance(getattr(builtins, code, None), type) else "an exception"


def first_wrong_case(exercise, cases, answers):
    """None if every answer matches the reference, else what is wrong, in words."""
    for number, (case, answer) in enumerate(zip(cases, answers, strict=True), 1):
        result = answer if len(exercise.outputs) > 1 else answer[0]
        problem = exercise.first_problem(result, exercise.expected(case.args))
        if problem:
            return f"{problem.summary} on hidden case {number} of {len(cases)}"
    return None


def find_submissions(folder):
    """``(student, assignment, path)`` for each notebook of a known assignment.

    Accepts ``folder/STUDENT/ASSIGNMENT.ipynb`` and nbgrader's layout,
    ``folder/STUDENT/ASSIGNMENT/ASSIGNMENT.ipynb``.
    """
    found = []
    for student in sorted(p for p in folder.iterdir() if p.is_dir()):
        for assignment in ASSIGNMENTS:
            for path in (
                student / f"{assignment}.ipynb",
                student / assignment / f"{assignment}.ipynb",
            ):
                if path.is_file():
                    found.append((student.name, assignment, path))
                    break
    return found


def grade_folder(
    folder, out, *, seed, limits=None, jobs=2, force=False, hidden=(), log=print
):
    """Grade every submission under ``folder`` into the gradebook in ``out``.

    Student code sees neither ``folder`` (other students' work), nor ``out``,
    nor the ``hidden`` files and folders.

    Already graded (student, assignment) pairs are skipped unless ``force``;
    each grade is saved as soon as it is known, so an interrupted run loses
    nothing and a second run resumes. Returns the records graded now.
    """
    records = gradebook.load(out)
    todo = [
        (student, assignment, path)
        for student, assignment, path in find_submissions(folder)
        if force or (student, assignment) not in records
    ]
    graded = []
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {
            pool.submit(
                grade_submission,
                path,
                assignment,
                student,
                seed=seed,
                limits=limits,
                hidden=[folder, out, *hidden],
            ): f"{student}/{assignment}"
            for student, assignment, path in todo
        }
        for future in as_completed(futures):
            try:
                record = future.result()
            except SandboxError as error:  # not a grade: the next run retries it
                log(f"{futures[future]}: not graded: {error}")
                continue
            except Exception:  # a bug of the grader must not stop the batch
                log(f"{futures[future]}: not graded:\n{traceback.format_exc()}")
                continue
            records[(record["student"], record["assignment"])] = record
            gradebook.save(out, records)
            gradebook.write_feedback(out, record)
            graded.append(record)
            log(
                f"{record['student']}/{record['assignment']}: {record['total']:g}/"
                f"{record['max_total']:g}" + (" (flagged)" if record["flags"] else "")
            )
    gradebook.write_csv(out, records)
    return graded
