"""The machinery behind ``nnkit.check``: run a function on cases, compare, explain.

An :class:`Exercise` knows the function a student writes (its name and
signature), how to draw test cases (random shapes and edge values, from a
seeded generator) and the reference answer, computed with nnkit itself.
Calling an exercise checks a student's function on the spot. The course's
grader (``nnkit.grading``) runs the same cases, drawn from a seed the students
never see, in a separate process, and compares with the same
:func:`compare`.
"""

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from nnkit._checks import shape_str


class CheckFailed(AssertionError):
    """A check found a mistake; the message says what and where, in plain words."""


class Case(NamedTuple):
    """One test case: a short note on what it tests, and the arguments by name."""

    note: str
    args: dict


class Problem(NamedTuple):
    """What is wrong with a returned value.

    ``summary`` names the value but quotes no numbers, so the grader can show
    it without revealing its hidden inputs; ``detail`` says where and how much.
    """

    summary: str
    detail: str


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
    cases : callable
        ``cases(rng)`` returns a list of :class:`Case`; argument order in each
        ``Case.args`` is the order of the call.
    forbidden : tuple of str
        Dotted names of nnkit's own version of the function (``nnkit.relu``);
        the grader flags solutions that use them.
    rtol, atol : float
        Tolerances of the comparison, as in ``np.isclose``.
    """

    name: str
    signature: str
    outputs: tuple
    reference: Callable
    cases: Callable
    forbidden: tuple = ()
    rtol: float = 1e-6
    atol: float = 1e-9

    def expected(self, args):
        """The reference outputs for ``args``, as a tuple of arrays."""
        return tuple(np.asarray(v) for v in self.reference(**copy.deepcopy(args)))

    def __call__(self, function, *, seed=0):
        """Check ``function`` on every case; print one line, or raise CheckFailed."""
        if not callable(function):
            raise CheckFailed(
                f"nnkit.check.{self.name} expects your function, got "
                f"{type(function).__name__}. Call it as "
                f"nnkit.check.{self.name}({self.name})."
            )
        cases = self.cases(np.random.default_rng(seed))
        for number, case in enumerate(cases, start=1):
            where = f"on case {number} of {len(cases)} ({case.note}), with\n"
            where += describe(case.args)
            try:
                result = function(*copy.deepcopy(list(case.args.values())))
            except NotImplementedError as error:
                raise CheckFailed(
                    f"{self.name} is not written yet: it raises NotImplementedError. "
                    "Replace `raise NotImplementedError()` with your code."
                ) from error
            except Exception as error:
                hint = ""
                if isinstance(error, TypeError):
                    hint = f"\nThe function should be called as {self.signature}."
                raise CheckFailed(
                    f"{self.name} raised {type(error).__name__}: {error}\n{where}{hint}"
                ) from error
            problem = self.count_problem(result) or self.first_problem(
                result, self.expected(case.args)
            )
            if problem:
                raise CheckFailed(f"{self.name}: {problem.detail}\n{where}")
        seeded = f" with seed={seed}" if seed else ""
        print(f"{self.name} passed all {len(cases)} checks{seeded}.")

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


def compare(value, expected, *, name, rtol=1e-6, atol=1e-9):
    """Compare one returned ``value`` with the ``expected`` array.

    Returns None if they match, else a :class:`Problem`. Nothing here calls
    the value's own ``==``: it is turned into a plain NumPy array first, so
    an object that claims to equal everything cannot pass.
    """
    try:
        array = np.asarray(value)
    except Exception:
        array = np.asarray(None)
    if array.dtype.kind not in "biuf":
        return Problem(
            f"{name} is not a number or an array of numbers",
            f"{name} should be a number or a NumPy array of numbers; got a "
            f"{type(value).__name__}.",
        )
    if expected.shape == () and array.size == 1:
        array = array.reshape(())
    if array.shape != expected.shape:
        hint = " (it looks transposed)" if array.shape == expected.shape[::-1] else ""
        wanted = "a single number" if expected.shape == () else "shape "
        wanted += shape_str(expected.shape) if expected.shape else ""
        return Problem(
            f"{name} has the wrong shape",
            f"{name} has shape {shape_str(array.shape)} but should be {wanted}{hint}.",
        )
    got, want = array.astype(np.float64), expected.astype(np.float64)
    wrong = ~np.isclose(got, want, rtol=rtol, atol=atol)
    if not wrong.any():
        return None
    index = tuple(int(i) for i in np.argwhere(wrong)[0])
    at = f"{name}[{', '.join(map(str, index))}]" if index else name
    detail = f"{at} is {got[index]:.6g} but should be {want[index]:.6g}"
    if want.size > 1:
        detail += f" ({int(wrong.sum())} of {want.size} values are wrong)"
    return Problem(f"{name} has wrong values", detail + "." + _factor_hint(got, want))


def _factor_hint(got, want):
    """A hint when every value is off by the same factor (a missing 1/N?)."""
    nonzero = np.abs(want) > 1e-12
    if nonzero.sum() < 2 or not np.all(np.isfinite(got)):
        return ""  # one value alone is always "off by a factor": no hint
    ratios = got[nonzero] / want[nonzero]
    factor = ratios[0]
    if not np.allclose(ratios, factor) or np.any(np.abs(got[~nonzero]) > 1e-12):
        return ""
    if np.isclose(factor, -1):
        return " Every value has the wrong sign."
    if np.isclose(factor, 0) or np.isclose(factor, 1):
        return ""
    return (
        f" Every value is {factor:.4g} times the right one: a factor is missing "
        "or extra (such as 1/N, or 2)."
    )


def describe(args):
    """The arguments of a case, one per line: small ones in full, large by shape."""
    lines = []
    for name, value in args.items():
        array = np.asarray(value)
        if array.ndim == 0 or isinstance(value, list):
            text = repr(value)
        elif array.size <= 12:
            body = np.array2string(array, precision=6, separator=", ")
            text = f"np.array({body.replace(chr(10), ' ')})"
        else:
            text = f"an array of shape {shape_str(array.shape)}"
        lines.append(f"    {name} = {text}")
    return "\n".join(lines)
