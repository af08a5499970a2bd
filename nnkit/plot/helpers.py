"""What every figure of nnkit.plot and nnkit.widgets shares: the class colours,
the Axes to draw on, the check of 2-D points and their labels, and, for the
curves of chapter 8, the check of a curve's points and its reference line."""

import matplotlib.pyplot as plt
import numpy as np

from nnkit._checks import as_float_array, check_ndim, shape_str

# Class colours, the same in the filled regions and in the points.
CLASS_COLORS = plt.get_cmap("tab10").colors


def get_axes(ax, figsize=None):
    """Return ``ax``, or the Axes of a new figure when ``ax`` is None."""
    if ax is None:
        ax = plt.subplots(figsize=figsize, layout="constrained")[1]
    return ax


def check_points(X, y, *, owner):
    """Validate 2-D points ``X`` (N, 2) and their labels ``y`` (N,)."""
    X = as_float_array(X, owner=owner, name="X")
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(
            f"{owner}: expected X with 2 features (shape (N, 2)) to draw in the "
            f"plane, got shape {shape_str(X.shape)}. Pick two, e.g. X[:, :2]."
        )
    y = np.asarray(y)
    if y.shape != (len(X),):
        raise ValueError(
            f"{owner}: expected one label per row of X, shape ({len(X)},), got "
            f"shape {shape_str(y.shape)}. For one-hot rows, use y.argmax(axis=1)."
        )
    return X, y


def class_colors(classes):
    """One colour per class in the sorted array ``classes``.

    A whole-number label ``k`` always gets ``CLASS_COLORS[k % 10]`` (class 1 is
    orange in every panel, even one where class 0 is absent); other labels,
    such as strings, get the colours in the order of ``classes``.
    """
    whole = classes.dtype.kind in "biu" or (
        classes.dtype.kind == "f" and np.all(classes == np.round(classes))
    )
    if whole:
        return [CLASS_COLORS[int(c) % 10] for c in classes]
    return [CLASS_COLORS[k % 10] for k in range(len(classes))]


def check_curve(x, y, *, owner, names, hint):
    """Validate the points of a curve: ``x`` and ``y``, named ``names``, two
    arrays of shape (K,); ``hint`` says which call returns both."""
    x = as_float_array(x, owner=owner, name=names[0])
    y = as_float_array(y, owner=owner, name=names[1])
    check_ndim(x, 1, owner=owner, name=names[0], layout="(K,)")
    check_ndim(y, 1, owner=owner, name=names[1], layout="(K,)")
    if len(x) != len(y):
        raise ValueError(
            f"{owner}: {names[0]} has {len(x)} points but {names[1]} has {len(y)}; "
            f"pass both from one call: {hint}."
        )
    return x, y


def reference_line(ax, x, y, *, label):
    """Draw the dashed grey line ``label`` (a chance level, a diagonal) unless
    ``ax`` has it already, so that several models can share one plot."""
    if not any(line.get_label() == label for line in ax.get_lines()):
        ax.plot(x, y, "--", color="0.5", label=label)


def set_unit_square(ax, *, xlabel, ylabel, title):
    """Label ``ax`` and show [0, 1] on both axes, at equal scale (with a small
    margin, so that lines along the edges stay visible): the frame of the
    ROC and precision-recall curves and of the reliability diagram."""
    ax.set(
        xlim=(-0.02, 1.02),
        ylim=(-0.02, 1.02),
        aspect="equal",
        xlabel=xlabel,
        ylabel=ylabel,
        title=title,
    )
