"""How ``nnkit.check`` puts a mistake into words.

Every message says what is wrong, where, and, only when the evidence shows it,
a likely cause: "every value is 2 times the right one" is said only when every
wrong value is, "the function should be called as f(Z)" only when the call
itself failed, not when a TypeError came from inside the student's code. An
error is reported at the student's own line, never deep inside NumPy or nnkit.
"""

import linecache
import sysconfig
import traceback
from pathlib import Path
from typing import NamedTuple

import numpy as np

from nnkit._checks import shape_str

# Code in these folders is not the student's: an error or warning raised there
# is reported at the student's line that called it.
LIBRARIES = tuple(
    {
        str(Path(np.__file__).parent),
        str(Path(__file__).parent.parent),  # nnkit itself
        sysconfig.get_paths()["stdlib"],
        sysconfig.get_paths()["purelib"],
        sysconfig.get_paths()["platlib"],
    }
)


class CheckFailed(AssertionError):
    """A check found a mistake; the message says what and where, in plain words."""

    def _render_traceback_(self):
        # IPython and Jupyter show an exception through this method when it
        # exists. The message already names the student's line, so the frames
        # of nnkit's checking code would only bury it.
        return [f"CheckFailed: {self}"]


class Problem(NamedTuple):
    """What is wrong with a returned value.

    ``summary`` names the value but quotes no numbers, so the grader can show
    it without revealing its hidden inputs; ``detail`` says where and how much.
    """

    summary: str
    detail: str


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
        return Problem(
            f"{name} has the wrong shape", wrong_shape(name, array, expected)
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
    if got.ndim == 2 and is_transpose(got, want):  # a square array
        hint = " It is the transpose of the right answer: rows and columns swapped."
    else:
        hint = factor_hint(got, want, wrong, atol)
    return Problem(f"{name} has wrong values", detail + "." + hint)


def is_transpose(array, expected):
    """True if the 2-D ``array`` is ``expected`` with rows and columns swapped."""
    return array.T.shape == expected.shape and np.allclose(array.T, expected)


def wrong_shape(name, array, expected):
    """Words for a value of the wrong shape, and whether it is a transpose."""
    wanted = "a single number" if expected.shape == () else "shape "
    wanted += shape_str(expected.shape) if expected.shape else ""
    hint = ""
    if array.ndim == 2 and array.shape == expected.shape[::-1]:
        if is_transpose(array, expected):
            hint = " (it is the transpose of the right answer)"
        else:
            hint = " (the shape is the transpose of the right one)"
    return f"{name} has shape {shape_str(array.shape)} but should be {wanted}{hint}."


def factor_hint(got, want, wrong, atol):
    """A hint when every wrong value is off by the same factor (a missing 1/N?).

    Said only when the evidence is all there: at least three values are wrong
    (two alike can be chance), every wrong value has the same ratio to the
    right one, and every value that is right is a zero, which any factor
    leaves alone.
    """
    if wrong.sum() < 3 or not np.all(np.isfinite(got)):
        return ""
    if np.any(np.abs(want[~wrong]) > atol) or np.any(want[wrong] == 0):
        return ""  # some nonzero values are right: not a factor
    ratios = got[wrong] / want[wrong]
    factor = ratios[0]
    if not np.allclose(ratios, factor):
        return ""
    every = "Every value" if wrong.all() else "Every nonzero value"
    if np.isclose(factor, -1):
        return f" {every} has the wrong sign."
    return (
        f" {every} is {factor:.4g} times the right one: a factor is missing "
        "or extra (such as 1/N, or 2)."
    )


def describe(args):
    """The arguments of a case, one per line, in full where they are small."""
    lines = []
    for name, value in args.items():
        array = np.asarray(value)
        # Labels (integers) are short to print, so longer ones are shown too.
        limit = 40 if array.dtype.kind in "biu" else 12
        if array.ndim == 0 or isinstance(value, list):
            text = repr(value)
        elif array.size <= limit:
            body = np.array2string(
                array, separator=", ", formatter={"float_kind": _number}
            )
            text = f"np.array({' '.join(body.split())})"
        else:
            text = f"an array of shape {shape_str(array.shape)} (rebuild it to see it)"
        lines.append(f"    {name} = {text}")
    return "\n".join(lines)


def _number(x):
    """A float in at most 6 digits, with a point so it reads as a float: 3., 1e-08."""
    text = f"{x:.6g}"
    return text if any(c in text for c in ".enai") else text + "."


def is_library(filename):
    """True if ``filename`` is NumPy's, nnkit's or Python's, not the student's."""
    return filename.startswith(LIBRARIES)


def explain_error(name, signature, error):
    """An error raised by the student's function, at the student's line.

    ``error.__traceback__`` starts at the frame that called the function; if it
    holds no other frame, the call itself failed (the wrong arguments).
    """
    frames = traceback.extract_tb(error.__traceback__)[1:]
    kind = type(error).__name__
    if not frames:
        hint = ""
        if isinstance(error, TypeError):
            hint = f" The function should be called as {signature}."
        return f"{name} could not be called: {kind}: {error}.{hint}"
    text = f"{name} raised {kind}: {error}"
    if isinstance(error, SyntaxError) and error.lineno:
        code = (error.text or "").strip()
        return f"{text}\n    at line {error.lineno}: {code}"
    own = [frame for frame in frames if not is_library(frame.filename)]
    frame = own[-1] if own else frames[-1]
    return f"{text}\n    in {frame.name}, line {frame.lineno}: {frame.line}"


def explain_warning(record, advice, *, also=False):
    """A RuntimeWarning from NumPy, at the student's line, and why it fails."""
    where = ""
    if not is_library(record.filename):
        code = linecache.getline(record.filename, record.lineno).strip()
        where = f" at line {record.lineno}: {code}"
    said = "NumPy also warned" if also else "NumPy warned"
    text = (
        f'{said} "{record.message}"{where}\n'
        "A RuntimeWarning means a step overflowed to infinity, divided by zero or "
        "made a NaN. Even when the answer comes out right, the code is not "
        "numerically stable, so a warning fails the check (and the grading)."
    )
    return f"{text} {advice}" if advice else text


def changed_input(name, before, after):
    """Words saying how the argument ``name`` was changed in place, or None."""
    old, new = np.asarray(before), np.asarray(after)
    if old.shape == new.shape and np.array_equal(old, new, equal_nan=True):
        return None
    detail = ""
    if old.shape == new.shape and old.ndim > 0:
        index = tuple(int(i) for i in np.argwhere(old != new)[0])
        where = f"{name}[{', '.join(map(str, index))}]"
        detail = f" ({where} was {old[index]:.6g} and is now {new[index]:.6g})"
    return (
        f"changed its input {name} in place{detail}. The caller still needs its "
        "arrays, so the function must leave them as they were and return new "
        "ones: write w = w + step rather than w += step, np.maximum(Z, 0) rather "
        "than Z[Z < 0] = 0, or start from a copy, Z = Z.copy()."
    )
