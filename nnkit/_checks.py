"""Input checks shared by every public function and layer.

Each check raises a ``ValueError`` or ``TypeError`` whose message names the
owner (the layer or function), the argument, what was expected, what was
received and, where there is one, a hint. A layer passes itself as the owner:
its repr is only written out when a message is, not on every forward pass.
Keeping the wording here means every error in nnkit reads the same way.
"""

import math

import numpy as np


class NonFiniteError(ValueError):
    """An array holds NaN or infinity; ``fit`` reports it as training diverging."""


def shape_str(shape):
    """Format a shape the way the book writes it: ``(32, 5)``."""
    return (
        "(" + ", ".join(str(n) for n in shape) + ("," if len(shape) == 1 else "") + ")"
    )


def as_float_array(x, *, owner, name, dtype=None):
    """Return ``x`` as a floating-point array, refusing what cannot be one.

    Integer and boolean inputs are converted to ``dtype`` (default float64);
    floating inputs keep their precision unless ``dtype`` is given. NaN and
    infinity are rejected, because they would silently poison every later
    number.
    """
    array = np.asarray(x)
    # dtype.kind is one letter: b(ool), i(nt), u(nsigned int), f(loat), c(omplex);
    # anything else (objects, strings, dates) is not a number.
    if array.dtype.kind == "c":
        raise TypeError(f"{owner}: {name} must be real, got complex values.")
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"{owner}: {name} must be a numeric array, got {type(x).__name__} "
            f"with dtype {array.dtype}."
        )
    if dtype is not None:
        array = array.astype(dtype, copy=False)
    elif array.dtype.kind != "f":
        array = array.astype(np.float64)
    check_finite(array, owner=owner, name=name)
    return array


def check_finite(array, *, owner, name):
    """Raise if ``array`` holds NaN or infinity, saying where the first one is."""
    if not np.isfinite(array).all():
        bad = np.argwhere(~np.isfinite(array))[0]
        where = tuple(int(i) for i in bad)
        raise NonFiniteError(
            f"{owner}: {name} contains NaN or infinity "
            f"(first at index {where}: {array[where]}). "
            "Check the data, or lower the learning rate if training diverged."
        )


def check_ndim(array, ndim, *, owner, name, layout):
    """Raise unless ``array`` has ``ndim`` dimensions; ``layout`` is e.g. ``(N, D)``."""
    if array.ndim != ndim:
        raise ValueError(
            f"{owner}: expected {name} with {ndim} dimension(s), shape {layout}, "
            f"got shape {shape_str(array.shape)}."
        )


def check_same_shape(y_pred, y_true, *, owner):
    """Raise unless predictions and targets have exactly the same shape.

    NumPy would happily broadcast ``(N, 1)`` against ``(N,)`` into ``(N, N)``
    and return a meaningless loss, so a mismatch is always an error here. Only
    shapes are read, so the PyTorch mirror uses this check for tensors too.
    """
    if y_pred.shape == y_true.shape:
        return
    message = (
        f"{owner}: y_pred has shape {shape_str(y_pred.shape)} but y_true has "
        f"shape {shape_str(y_true.shape)}."
    )
    try:
        broadcast = np.broadcast_shapes(tuple(y_pred.shape), tuple(y_true.shape))
        message += f" They would broadcast to {shape_str(broadcast)}."
    except ValueError:
        pass
    if math.prod(y_pred.shape) == math.prod(y_true.shape):
        message += f" Use y_true.reshape{shape_str(y_pred.shape)}."
    raise ValueError(message)


def check_positive(value, *, owner, name, allow_zero=False):
    """Raise unless ``value`` is a real number > 0 (or >= 0 with ``allow_zero``)."""
    ok = isinstance(value, (int, float, np.integer, np.floating)) and np.isfinite(value)
    ok = ok and (value >= 0 if allow_zero else value > 0)
    if not ok:
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(
            f"{owner}: {name} must be a finite number {bound}, got {value!r}."
        )


def check_count(value, *, owner, name, allow_zero=False):
    """Raise unless ``value`` is a positive integer (a size or a count), or an
    integer >= 0 with ``allow_zero``."""
    is_int = isinstance(value, (int, np.integer)) and not isinstance(value, bool)
    if not is_int or value < (0 if allow_zero else 1):
        kind = "an integer >= 0" if allow_zero else "a positive integer"
        raise ValueError(f"{owner}: {name} must be {kind}, got {value!r}.")


def check_in_range(
    value, *, owner, name, low, high, include_low=True, include_high=False, hint=""
):
    """Raise unless ``value`` is a real number between ``low`` and ``high``
    (by default ``low <= value < high``): a probability, a decay rate, a fraction."""
    is_number = isinstance(value, (int, float, np.integer, np.floating))
    ok = is_number and not isinstance(value, bool)
    ok = ok and (low <= value if include_low else low < value)
    ok = ok and (value <= high if include_high else value < high)
    if not ok:
        left, right = "[" if include_low else "(", "]" if include_high else ")"
        interval = f"{left}{low}, {high}{right}"
        raise ValueError(
            f"{owner}: {name} must be a number in {interval}, got {value!r}."
            + (f" {hint}" if hint else "")
        )


def check_probability(value, *, owner, name, hint=""):
    """Raise unless ``value`` is a probability, a number in [0, 1]."""
    check_in_range(
        value, owner=owner, name=name, low=0, high=1, include_high=True, hint=hint
    )


def as_generator(rng, *, owner):
    """Return ``rng``, a Generator; ``None`` gives a fresh, unseeded one.

    A fresh generator draws its seed from the operating system, so results
    differ from call to call; nothing ever touches NumPy's global random state.
    A seed is refused rather than turned into a generator: two layers given
    the same seed would start with the same random numbers.
    """
    if rng is None:
        return np.random.default_rng()
    # Not only a Generator: nnkit.check hands Dropout a stand-in that replays
    # fixed draws. A seed, the usual mistake, has no random() and is refused.
    if not callable(getattr(rng, "random", None)):
        hint = (
            f" Create one with np.random.default_rng({rng}) and pass it to every "
            "layer, so each draws different numbers."
            if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool)
            else " Create one with np.random.default_rng(seed)."
        )
        raise TypeError(
            f"{owner}: rng must be a numpy.random.Generator, got "
            f"{type(rng).__name__}.{hint}"
        )
    return rng
