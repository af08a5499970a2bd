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

import builtins
import sys
import traceback
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

import nnkit
from nnkit.grading import gradebook
from nnkit.grading.cells import read_program
from nnkit.grading.exercises import ASSIGNMENTS, hidden_cases
from nnkit.grading.flags import notebook_uses, reference_uses
from nnkit.grading.sandbox import Limits, Sandbox, SandboxError, probe, run_exercises
from nnkit.grading.submissions import SubmissionError, find_submissions, read_notebook

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
MAX_PROBED = 5000
MAX_FLAGS = 20


def describe_failure(attempt, exercise, limits):
    """The failure of an Attempt in plain words, without any hidden value."""
    code = attempt.failure
    kind, _, detail = code.partition(" ")
    if code == "timeout":
        text = f"it did not finish within the time limit of {limits.time_s:g} s"
    elif code == "budget":
        text = (
            "the submission's time budget of "
            f"{limits.submission_s:g} s ran out before it finished"
        )
    elif kind == "signal":
        text = f"the process running it was killed ({detail})"
        text += ", usually for using more memory than the limit" * code.endswith("KILL")
    elif kind == "exit":
        text = f"the process running it ended (exit status {detail}); "
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


def grade_submission(folder, submission, *, seed, limits, sandbox, log=print):
    """Grade one notebook (a :class:`~.submissions.Submission` under ``folder``);
    return its gradebook record (a dict)."""
    student, assignment = submission.student, submission.assignment
    exercises = ASSIGNMENTS[assignment]
    record = gradebook.new_record(student, assignment)
    try:
        program = read_program(read_notebook(folder, submission.parts))
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
            attempt = attempts[exercise.name]
            if attempt.failure:
                reason = describe_failure(attempt, exercise, limits)
            else:
                reason = first_wrong_case(
                    exercise, expected[exercise.name], attempt.answers
                )
        except Exception as error:
            reason = grader_error(error, log, submission)
        gradebook.score(record, exercise.name, 0 if reason else points, points, reason)
    try:
        record["flags"] += notebook_uses(program.trees)
    except Exception as error:
        record["flags"].append(grader_error(error, log, submission))
    if len(record["flags"]) > MAX_FLAGS:  # a notebook can name thousands
        more = len(record["flags"]) - MAX_FLAGS
        record["flags"][MAX_FLAGS:] = [f"... and {more} more uses"]
    errors = {**cell_errors, **program.errors}
    record["notes"] = [
        f"code cell {number + 1} of {len(program.code)} raised {error_name(name)}"
        for number, name in sorted(errors.items())
        if number < len(program.code)
    ]
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


def error_name(code):
    """``code`` if it names a built-in exception, else words that quote no code."""
    return code if isinstance(getattr(builtins, code, None), type) else "an exception"


def first_wrong_case(exercise, expected, answers):
    """None if every answer matches the reference, else what is wrong, in words."""
    for number, (wanted, answer) in enumerate(zip(expected, answers, strict=True), 1):
        result = answer if len(exercise.outputs) > 1 else answer[0]
        problem = exercise.first_problem(result, wanted)
        if problem:
            return f"{problem.summary} on hidden case {number} of {len(expected)}"
    return None


def nnkit_checkout():
    """The source checkout nnkit is imported from, or None for an installed copy."""
    root = Path(nnkit.__file__).resolve().parent.parent
    return root if (root / "pyproject.toml").is_file() else None


def make_sandbox(hidden):
    """A Sandbox hiding ``hidden`` and nnkit's own checkout (the instructor
    notebooks, the git history), but for the package and the interpreter."""
    checkout = nnkit_checkout()
    keep = [Path(nnkit.__file__).resolve().parent, sys.prefix, sys.base_prefix]
    keep.append(Path(sys.executable).resolve().parent)
    return Sandbox(
        hidden=tuple(str(p) for p in [*hidden, *([checkout] if checkout else [])]),
        keep=tuple(map(str, keep)),
    )


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
    log=print,
):
    """Grade every submission under ``folder`` into the gradebook in ``out``.

    Student code sees neither ``folder`` (other students' work), nor ``out``,
    nor the ``hidden`` files and folders, nor the instructor's ``solutions``
    folders and nnkit's own checkout; grading refuses to start (SandboxError)
    if it could read a notebook of those.

    Already graded (student, assignment) pairs are skipped unless ``force``;
    each grade is saved as soon as it is known, so an interrupted run loses
    nothing and a second run resumes. Returns the records graded now.
    """
    folder, out = Path(folder), Path(out)
    limits = limits or Limits()
    solutions = solution_folders(solutions)
    sandbox = make_sandbox([folder, out, *hidden, *solutions])
    private = [p for f in solutions for p in sorted(f.rglob("*.ipynb"))]
    private += [Path(p) for p in hidden if Path(p).is_file()]
    check_sandbox(sandbox, private, limits)
    records = gradebook.load(out)
    todo = [
        submission
        for submission in find_submissions(folder, ASSIGNMENTS)
        if force or (submission.student, submission.assignment) not in records
    ]
    graded = []
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {
            pool.submit(
                grade_submission,
                folder,
                submission,
                seed=seed,
                limits=limits,
                sandbox=sandbox,
                log=log,
            ): submission
            for submission in todo
        }
        for future in as_completed(futures):
            student, assignment, _ = futures[future]
            try:
                record = future.result()
            except Exception as error:  # a bug of the grader must not stop the batch
                record = zero(
                    gradebook.new_record(student, assignment),
                    ASSIGNMENTS[assignment],
                    grader_error(error, log, futures[future]),
                )
            records[(student, assignment)] = record
            gradebook.save(out, records)
            gradebook.write_feedback(out, record)
            graded.append(record)
            log(
                f"{gradebook.printable(student)}/{assignment}: {record['total']:g}/"
                f"{record['max_total']:g}" + (" (flagged)" if record["flags"] else "")
            )
    gradebook.write_csv(out, records)
    return graded
