"""Why a submission lost points, in plain words, and how many it lost.

The grader compares each hidden case's answers here, in its own process. A
case fails as in ``nnkit.check``: the function raises, its answer is wrong,
NumPy warns while it runs (a ``RuntimeWarning``: overflow, division by zero,
an invalid value) or it changes an input array in place. Nothing here quotes
a hidden value or text the student's code chose: only error names the grader
knows, case numbers, and the student's own cell and line numbers.

An exercise's points are all or nothing, or, with partial credit, shared
among its hidden cases in proportion to their ``points``
(:class:`nnkit.check.Case`; 1 each unless the check's source says otherwise).
"""

import builtins

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


def describe_failure(code, exercise, limits):
    """A failure's code (:class:`~.sandbox.Attempt`) in plain words, without any
    hidden value."""
    kind, _, detail = code.partition(" ")
    if code == "timeout":
        return f"it did not finish within the time limit of {limits.time_s:g} s"
    if code == "budget":
        return (
            "the submission's time budget of "
            f"{limits.submission_s:g} s ran out before it finished"
        )
    if kind == "signal":
        text = f"the process running it was killed ({detail})"
        return text + ", usually for using more memory than the limit" * (
            code.endswith("KILL")
        )
    if kind == "exit":
        return (
            f"the process running it ended (exit status {detail}); "
            "does the code call os._exit() or exit the interpreter?"
        )
    if code in CHILD_CODES:
        return CHILD_CODES[code].format(
            name=exercise.name,
            count=len(exercise.outputs),
            outputs=", ".join(exercise.outputs),
            memory=f"{limits.memory_bytes / 1024**3:g} GiB",
        )
    return f"it raised {error_name(code)}"


def notes(program, cell_errors, offered):
    """What went wrong while the notebook's code ran, cell by cell."""
    lines = []
    for number, name in sorted({**cell_errors, **program.errors}.items()):
        if number >= len(program.code):
            continue
        where = f"code cell {number + 1} of {len(program.code)}"
        if number in program.errors and program.lines.get(number):
            lines.append(f"{where} has a {name} at line {program.lines[number]}")
        else:
            lines.append(f"{where} raised {error_name(name)}")
        if name == "ModuleNotFoundError" and number in cell_errors:
            lines[-1] += (
                ": while grading, notebooks can import the standard library and "
                f"{', '.join(offered)}, and nothing else"
            )
    return lines


def case_problems(exercise, expected, attempt, program, limits):
    """For each hidden case, what went wrong in words, or None if it passed."""
    count = len(expected)
    if attempt.failure:
        text = describe_failure(attempt.failure, exercise, limits)
        broken = program.syntax_error(exercise.name)
        if attempt.failure == "missing" and broken:
            cell, line = broken
            at = f" at line {line}" if line else ""
            text = (
                f"{exercise.name} is not defined: code cell {cell + 1} has a "
                f"SyntaxError{at}, so it never ran"
            )
        elif attempt.during_cells:
            stopped = f"the notebook's code stopped before {exercise.name} was defined"
            text = f"{stopped}: {text}"
        return [text] * count
    problems = []
    for number, (wanted, answer) in enumerate(
        zip(expected, attempt.answers, strict=True), 1
    ):
        code = attempt.case_failures.get(number - 1)
        if code not in (None, *AFTER_ANSWER):
            text = describe_failure(code, exercise, limits)
        else:
            result = answer if len(exercise.outputs) > 1 else answer[0]
            problem = exercise.first_problem(result, wanted)
            text = problem.summary if problem else AFTER_ANSWER.get(code)
        problems.append(text and f"{text} on hidden case {number} of {count}")
    return problems


# Failures found after a right answer, as in nnkit.check.
AFTER_ANSWER = {
    "RuntimeWarning": "NumPy warned (an overflow, a division by zero or an invalid "
    "value): a RuntimeWarning fails a case, as in nnkit.check",
    "changed-input": "it changed an input array in place instead of returning "
    "a new one",
}


def share(points, problems, weights, partial):
    """The points earned and the reason for those lost: all or nothing, or
    (``partial``) in proportion to the ``weights`` of the cases passed."""
    first = next((problem for problem in problems if problem), None)
    if first is None:
        return points, None
    if not partial:
        return 0, first
    passed = [weight for weight, p in zip(weights, problems, strict=True) if p is None]
    earned = round(points * sum(passed) / (sum(weights) or 1), 2)
    return earned, f"{first} ({len(passed)} of {len(problems)} hidden cases passed)"


def error_name(code):
    """``code`` if it names a built-in exception, else words that quote no code."""
    return code if isinstance(getattr(builtins, code, None), type) else "an exception"
