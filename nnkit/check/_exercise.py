"""The machinery behind ``nnkit.check``: run a function on cases, compare, explain.

An :class:`Exercise` knows the function a student writes (its name and
signature), its cases and the reference answer, computed with nnkit itself.
Calling an exercise checks a student's function on the spot. The course's
grader (``nnkit.grading``) draws its cases with :meth:`Exercise.cases` from a
seed the students never see, in a separate process, and compares with the
same :meth:`Exercise.first_problem`.

A case passes when four things hold: the function returns, its answer matches
the reference, NumPy gave no ``RuntimeWarning`` (overflow, division by zero,
an invalid value) while it ran, and the input arrays are as they were before
the call.
"""

import contextlib
import copy
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from nnkit.check._explain import (
    CheckFailed,
    Problem,
    changed_input,
    compare,
    describe,
    explain_error,
    explain_warning,
)

__all__ = ["Case", "CheckFailed", "Exercise", "Problem", "compare"]


class Case(NamedTuple):
    """One test case: a short note, the arguments by name, and why it matters.

    ``why`` is shown when the case fails: what the case tests, in plain words.
    ``points`` is what the case counts for when the grader gives partial
    credit: an exercise's points are shared among its hidden cases in
    proportion to their ``points``.
    """

    note: str
    args: dict
    why: str = ""
    points: float = 1.0


class Failure(NamedTuple):
    """Why a case failed, in words; ``in_answer`` if the answer (or a warning
    while computing it) was wrong, rather than an error or a changed input."""

    text: str
    in_answer: bool = False


@dataclass(frozen=True, repr=False)
class Exercise:
    """One exercise; call it on your function to check it: ``check(function)``.

    Parameters
    ----------
    name : str
        The name of the function the student writes.
    signature : str
        How it is called and what it returns, e.g. ``"f(w, b) -> (w, b)"``.
    outputs : tuple of str
        The names of the returned values, in order (one name: a single value).
    reference : callable
        nnkit's answer: takes the same arguments, returns a tuple of outputs.
    fixed : callable
        ``fixed(rng)`` returns the hand-picked cases, a list of :class:`Case`:
        edge values, and the cases that tell common mistakes apart. With
        ``rng=None`` they are exactly as written in the source (the public
        check); with a generator, variants with the same purpose (the grader).
    random : callable
        ``random(rng)`` returns random cases. Argument order in each
        ``Case.args`` is the order of the call.
    forbidden : tuple of str
        Dotted names of nnkit's own version of the function (``nnkit.relu``);
        the grader flags solutions that use them.
    rtol, atol : float
        Tolerances of the comparison, as in ``np.isclose``.
    advice : str
        What to do when NumPy warns (overflow...), in the chapter's words.
    """

    name: str
    signature: str
    outputs: tuple
    reference: Callable
    fixed: Callable
    random: Callable
    forbidden: tuple = ()
    rtol: float = 1e-6
    atol: float = 1e-9
    advice: str = ""

    def cases(self, rng):
        """The grader's cases: variants of the fixed cases, then random ones."""
        return [*self.fixed(rng), *self.random(rng)]

    def public_cases(self, seed=0):
        """The cases ``check(function, seed=seed)`` runs.

        With ``seed=0`` the fixed cases are as written in the source; any other
        seed draws variants of them too, as the grader does.
        """
        rng = np.random.default_rng(seed)
        return [*self.fixed(rng if seed else None), *self.random(rng)]

    def case(self, number, *, seed=0):
        """The arguments of case ``number`` (counting from 1), as a fresh dict.

        Rebuild a failing case with ``args = check.case(3)``, then call your
        function as ``f(**args)``.
        """
        return copy.deepcopy(self.public_cases(seed)[number - 1].args)

    def expected(self, args):
        """The reference outputs for ``args``, as a tuple of arrays."""
        with np.errstate(all="ignore"):  # the reference's own edges are deliberate
            outputs = self.reference(**copy.deepcopy(args))
        return tuple(np.asarray(v) for v in outputs)

    def __call__(self, function, *, seed=0):
        """Check ``function`` on every case; print one line, or raise CheckFailed."""
        if not callable(function):
            raise CheckFailed(
                f"nnkit.check.{self.name} expects your function, got "
                f"{type(function).__name__}. Call it as "
                f"nnkit.check.{self.name}({self.name})."
            )
        cases, notes = self.public_cases(seed), []
        for number, case in enumerate(cases, start=1):
            failure = self.run(function, case.args, notes)
            if failure:
                where = self.where(case, number, len(cases), seed, failure.in_answer)
                raise CheckFailed(f"{failure.text}\n{where}")
        seeded = f" with seed={seed}" if seed else ""
        print(f"{self.name} passed all {len(cases)} checks{seeded}.")
        for note in dict.fromkeys(notes):  # each once, in order
            print(f"Note: it warned {note}; that does not fail the check.")

    def run(self, function, args, notes=None):
        """Call ``function`` on one case; return a :class:`Failure`, or None.

        Warnings other than RuntimeWarning do not fail the case; they are added
        to ``notes``, as text, and printed to stdout rather than to stderr.
        What the function itself prints to ``sys.stderr`` goes to stdout too:
        nbgrader zeroes a check cell that writes to stderr, and nnkit.grading
        counts only what the function returns, so both grade it the same.
        """
        given = copy.deepcopy(args)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", RuntimeWarning)
            with (
                np.errstate(over="warn", divide="warn", invalid="warn"),
                contextlib.redirect_stderr(sys.stdout),
            ):
                try:
                    result = function(*given.values())
                except NotImplementedError:
                    raise CheckFailed(  # about the function, not about this case
                        f"{self.name} is not written yet: it raises "
                        "NotImplementedError. Replace `raise NotImplementedError()` "
                        "with your code."
                    ) from None
                except Exception as error:
                    return Failure(explain_error(self.name, self.signature, error))
        numeric = [w for w in caught if issubclass(w.category, RuntimeWarning)]
        if notes is not None:
            notes += [
                f'"{w.message}" ({w.category.__name__})'
                for w in caught
                if w not in numeric
            ]
        problem = self.count_problem(result) or self.first_problem(
            result, self.expected(args)
        )
        if problem:
            text = f"{self.name}: {problem.detail}"
            if numeric:
                text += "\n" + explain_warning(numeric[0], self.advice, also=True)
            return Failure(text, in_answer=True)
        if numeric:
            text = f"{self.name}: " + explain_warning(numeric[0], self.advice)
            return Failure(text, in_answer=True)
        for name in args:
            changed = changed_input(name, args[name], given[name])
            if changed:
                return Failure(f"{self.name} {changed}")
        return None

    def where(self, case, number, count, seed, in_answer):
        """Which case failed, its inputs, the call that rebuilds it and, when
        the answer itself is wrong (``in_answer``), what the case tests."""
        text = f"Failed on case {number} of {count} ({case.note}), with\n"
        text += describe(case.args)
        seeded = f", seed={seed}" if seed else ""
        text += (
            f"\nRebuild it: args = nnkit.check.{self.name}.case({number}{seeded}),"
            f" then {self.name}(**args)."
        )
        if case.why and in_answer:
            text += f"\nWhat this case tests: {case.why}"
        return text

    def count_problem(self, result):
        """A Problem if ``result`` does not hold one value per output, else None."""
        count = len(self.outputs)
        if count == 1:
            return None
        if isinstance(result, (tuple, list)) and len(result) == count:
            return None
        got = (
            f"{len(result)} values"
            if isinstance(result, (tuple, list))
            else f"a single {type(result).__name__}"
        )
        names = ", ".join(self.outputs)
        return Problem(
            f"it should return {count} values ({names})",
            f"should return {count} values, ({names}), as a tuple; it returned {got}.",
        )

    def first_problem(self, result, expected):
        """The first Problem among the returned values, or None if all match."""
        values = result if len(self.outputs) > 1 else (result,)
        for name, value, wanted in zip(self.outputs, values, expected, strict=True):
            problem = compare(value, wanted, name=name, rtol=self.rtol, atol=self.atol)
            if problem:
                return problem
        return None

    def __repr__(self):
        return f"<nnkit.check for {self.signature}>"
