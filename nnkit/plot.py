"""The book's figures, one function per kind of plot (Matplotlib).

Each function draws on the Axes ``ax`` it is given, or on a new figure when
``ax`` is None, and returns what it drew on, so that figures compose::

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    decision_boundary(predict, X, y, ax=left)
    training_curves(history, ax=right)
    plt.show()

Nothing here calls ``plt.show()`` or draws at random, and no formula of the
course is written twice: activations come from :mod:`nnkit.activations`, and
counts and rates from :mod:`nnkit.metrics` or from the caller.
"""

import math
from functools import partial

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from nnkit._checks import as_float_array, check_count, check_ndim, shape_str
from nnkit.activations import (
    leaky_relu,
    leaky_relu_derivative,
    relu,
    relu_derivative,
    sigmoid,
    sigmoid_derivative,
    step,
    tanh_derivative,
)

# Class colours, the same in the filled regions and in the points.
CLASS_COLORS = plt.get_cmap("tab10").colors
# The legend label of the chance diagonal, by which roc_curve finds it again.
_CHANCE_LABEL = "chance (AUC = 0.5)"


def _axes(ax, figsize=None):
    """Return ``ax``, or the Axes of a new figure when ``ax`` is None."""
    if ax is None:
        ax = plt.subplots(figsize=figsize, layout="constrained")[1]
    return ax


def _points(X, y, *, owner):
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


def _class_colors(classes):
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


def decision_boundary(predict, X, y, *, ax=None, resolution=200, title=None):
    """Colour the plane by the predicted class, with the data points on top.

    Parameters
    ----------
    predict : callable
        Maps points of shape (M, 2) to class labels (M,), class scores (M, C)
        (the largest wins), or probabilities of class 1, (M,) or (M, 1),
        thresholded at 0.5.
    X : array_like, shape (N, 2)
    y : array_like, shape (N,)
        True class labels, which colour the points.
    resolution : int, default 200
        The grid has ``resolution x resolution`` points and covers the data
        with a margin on every side of 10% of its range (at least 0.1).

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    Integer class ``k`` is always drawn in colour ``k % 10`` of Matplotlib's
    ``tab10`` palette (0 blue, 1 orange, 2 green, ...), so a class keeps its
    colour from one figure to the next, whichever classes a panel shows.
    Other labels (strings) take the colours in sorted order.
    """
    owner = "decision_boundary"
    X, y = _points(X, y, owner=owner)
    if not callable(predict):
        raise TypeError(
            f"{owner}: predict must be a function of points (M, 2), got "
            f"{type(predict).__name__}. Pass e.g. lambda P: model(P).argmax(axis=1)."
        )
    check_count(resolution, owner=owner, name="resolution")
    low, high = X.min(axis=0), X.max(axis=0)
    margin = 0.1 * np.maximum(high - low, 1.0)
    x1, x2 = np.meshgrid(
        np.linspace(low[0] - margin[0], high[0] + margin[0], resolution),
        np.linspace(low[1] - margin[1], high[1] + margin[1], resolution),
    )
    grid = np.column_stack([x1.ravel(), x2.ravel()])  # (resolution**2, 2)
    out = np.asarray(predict(grid))
    if len(out) != len(grid):
        raise ValueError(
            f"{owner}: predict returned {len(out)} rows for {len(grid)} points; "
            "it must return one prediction per row."
        )
    if out.ndim == 2 and out.shape[1] > 1:
        out = out.argmax(axis=1)
    out = out.reshape(-1)
    if np.issubdtype(out.dtype, np.floating) and np.any(out != np.round(out)):
        out = (out >= 0.5).astype(np.int64)  # probabilities of class 1
    classes = np.union1d(y, out)
    # contourf needs numbers: region holds the index k of each grid point's
    # class in classes, and colors[k] is that class's colour.
    region = np.searchsorted(classes, out).reshape(x1.shape)
    ax = _axes(ax)
    colors = _class_colors(classes)
    levels = np.arange(len(classes) + 1) - 0.5
    ax.contourf(x1, x2, region, levels=levels, colors=colors, alpha=0.25)
    for k, c in enumerate(classes):
        if np.any(y == c):
            ax.scatter(
                *X[y == c].T,
                s=18,
                color=colors[k],
                edgecolor="black",
                linewidth=0.4,
                label=f"class {c}",
            )
    ax.set(xlabel="$x_1$", ylabel="$x_2$", title=title or "Decision boundary")
    ax.legend(loc="best", fontsize="small")
    return ax


def training_curves(history, *, metric=None, ax=None):
    """Plot the training and validation loss per epoch (and ``metric``, if given).

    Parameters
    ----------
    history : History or dict
        ``fit``'s History (its ``.history``) or a dict of per-epoch lists such
        as ``{"loss": [...], "val_loss": [...], "accuracy": [...]}``.
    metric : str, optional
        Another key to plot, e.g. ``"accuracy"``, in a second panel. Labels
        and titles write its underscores as spaces: the key
        ``"classification_accuracy"`` is labelled "classification accuracy".
    ax : Axes, or a pair of Axes when ``metric`` is given; optional

    Returns
    -------
    Axes, or an array of two Axes (loss, metric) when ``metric`` is given.
    """
    curves = getattr(history, "history", history)
    if not isinstance(curves, dict):
        raise TypeError(
            "training_curves: history must be fit's History or a dict of "
            f"per-epoch lists, got {type(history).__name__}."
        )
    keys = ["loss"] if metric is None else ["loss", metric]
    for key in keys:
        if key not in curves:
            raise ValueError(
                f"training_curves: history has no {key!r} entry; it has "
                f"{sorted(curves)}."
            )
    if ax is None:
        size = (5.2 * len(keys), 3.8)
        ax = plt.subplots(1, len(keys), figsize=size, layout="constrained")[1]
    axes = np.atleast_1d(ax)
    if len(axes) != len(keys):
        raise ValueError(
            f"training_curves: {len(keys)} panel(s) to draw but {len(axes)} Axes "
            "given; pass a pair of Axes when a metric is given."
        )
    for panel, key in zip(axes, keys, strict=True):
        name = key.replace("_", " ")  # "classification_accuracy" reads as words
        for prefix, label, style in (
            ("", "training", "-"),
            ("val_", "validation", "--"),
        ):
            if prefix + key in curves:
                values = np.asarray(curves[prefix + key], dtype=float)
                epochs = np.arange(1, len(values) + 1)
                panel.plot(epochs, values, style, label=f"{label} {name}")
        panel.set(xlabel="epoch", ylabel=name, title=f"{name.capitalize()} per epoch")
        panel.legend()
    return ax if metric is not None else axes[0]


def activation(fn, derivative=None, *, z=None, ax=None, name=None):
    """Plot an activation ``A = fn(z)`` and, if given, its derivative ``fn'(z)``.

    ``z`` defaults to 401 points in [-5, 5]; ``name`` (default
    ``fn.__name__``) labels the curves and titles the plot. Chapter 3.

    Returns
    -------
    matplotlib.axes.Axes
    """
    z = np.linspace(-5.0, 5.0, 401) if z is None else z
    z = as_float_array(z, owner="activation", name="z")
    check_ndim(z, 1, owner="activation", name="z", layout="(M,)")
    name = name or getattr(fn, "__name__", "f")
    ax = _axes(ax)
    ax.axhline(0.0, color="0.6", linewidth=0.8)
    ax.axvline(0.0, color="0.6", linewidth=0.8)
    ax.plot(z, fn(z), label=f"{name}(z)", linewidth=2)
    if derivative is not None:
        ax.plot(z, derivative(z), "--", label=f"{name}'(z)", linewidth=2)
    ax.set(xlabel="z", ylabel="value", title=name)
    ax.legend(loc="upper left")
    return ax


def activation_grid(*, negative_slope=0.1, z=None):
    """Each activation of chapter 3 in its own panel, with its derivative.

    Identity, step, sigmoid, tanh, ReLU and leaky ReLU (slope
    ``negative_slope`` for ``z < 0``). The step's derivative is 0 wherever it
    exists, so no gradient flows through it. Returns the Figure.
    """
    panels = [
        ("identity", lambda Z: Z, np.ones_like),
        ("step", step, np.zeros_like),
        ("sigmoid", sigmoid, sigmoid_derivative),
        ("tanh", np.tanh, tanh_derivative),
        ("relu", relu, relu_derivative),
        (
            "leaky_relu",
            partial(leaky_relu, negative_slope=negative_slope),
            partial(leaky_relu_derivative, negative_slope=negative_slope),
        ),
    ]
    fig, axes = plt.subplots(2, 3, figsize=(10.5, 6.4), layout="constrained")
    for ax, (name, fn, derivative) in zip(axes.ravel(), panels, strict=True):
        activation(fn, derivative, z=z, ax=ax, name=name)
        ax.legend(loc="upper left", fontsize="small")
    return fig


def confusion_matrix(cm, *, labels=None, normalize=False, ax=None):
    """Heat map of a confusion matrix, each cell annotated with its count.

    Parameters
    ----------
    cm : array_like, shape (C, C)
        Counts, rows the true classes and columns the predicted ones, as
        returned by :func:`nnkit.metrics.confusion_matrix`.
    labels : sequence of length C, optional
        Class names for the ticks; default 0 .. C-1.
    normalize : bool, default False
        Divide each row by its total, so that the diagonal shows each class's
        recall (a row with no samples stays 0).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = confusion_matrix(np.array([[5, 1], [2, 7]]), labels=["cat", "dog"])
    >>> [text.get_text() for text in ax.texts]
    ['5', '1', '2', '7']
    >>> plt.close(ax.figure)
    """
    owner = "plot.confusion_matrix"
    cm = as_float_array(cm, owner=owner, name="cm")
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1] or np.any(cm < 0):
        raise ValueError(
            f"{owner}: expected a square matrix of counts >= 0, shape (C, C), got "
            f"shape {shape_str(cm.shape)}. Use nnkit.metrics.confusion_matrix."
        )
    C = len(cm)
    labels = list(range(C)) if labels is None else list(labels)
    if len(labels) != C:
        raise ValueError(f"{owner}: cm has {C} classes but {len(labels)} labels.")
    if normalize:
        cm = cm / np.maximum(cm.sum(axis=1, keepdims=True), 1)
    size = max(4.2, 0.55 * C + 1.2)
    ax = _axes(ax, figsize=(size + 0.6, size))
    image = ax.imshow(cm, cmap="Blues", vmin=0)
    ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    dark_above = 0.6 * cm.max()  # white text on the darkest cells, black elsewhere
    fontsize = "small" if C > 5 else "medium"
    for (i, j), value in np.ndenumerate(cm):
        text = f"{value:.2f}" if normalize else f"{value:.0f}"
        color = "white" if value > dark_above else "black"
        ax.text(j, i, text, ha="center", va="center", color=color, fontsize=fontsize)
    ax.set(
        xticks=range(C),
        yticks=range(C),
        xticklabels=labels,
        yticklabels=labels,
        xlabel="Predicted label",
        ylabel="True label",
        title="Confusion matrix" + (" (rows normalized)" if normalize else ""),
    )
    ax.grid(False)
    return ax


def roc_curve(fpr, tpr, *, auc=None, ax=None, label=None):
    """Plot an ROC curve, true positive rate against false positive rate.

    ``fpr`` and ``tpr`` are the arrays (K,) from :func:`nnkit.metrics.roc_curve`;
    ``auc``, if given, is shown in the legend. The dashed diagonal is a
    classifier that guesses at random (AUC 0.5); it is drawn once per Axes,
    so several models can share one plot: call ``roc_curve(..., ax=ax)`` for
    each, with its own ``label``. Chapter 8.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = roc_curve([0.0, 0.0, 0.5, 1.0], [0.0, 0.5, 1.0, 1.0], auc=0.875)
    >>> [text.get_text() for text in ax.get_legend().get_texts()]
    ['chance (AUC = 0.5)', 'ROC curve (AUC = 0.875)']
    >>> ax = roc_curve([0.0, 1.0], [0.0, 1.0], label="guess", ax=ax)
    >>> len(ax.get_legend().get_texts())  # the diagonal is not drawn twice
    3
    >>> plt.close(ax.figure)
    """
    owner = "plot.roc_curve"
    fpr = as_float_array(fpr, owner=owner, name="fpr")
    tpr = as_float_array(tpr, owner=owner, name="tpr")
    check_ndim(fpr, 1, owner=owner, name="fpr", layout="(K,)")
    check_ndim(tpr, 1, owner=owner, name="tpr", layout="(K,)")
    if len(fpr) != len(tpr):
        raise ValueError(
            f"{owner}: fpr has {len(fpr)} points but tpr has {len(tpr)}; pass "
            "both from one call: fpr, tpr, thresholds = metrics.roc_curve(y, s)."
        )
    label = label or "ROC curve"
    if auc is not None:
        label += f" (AUC = {auc:.3f})"
    ax = _axes(ax, figsize=(4.4, 4.0))
    if not any(line.get_label() == _CHANCE_LABEL for line in ax.get_lines()):
        ax.plot([0, 1], [0, 1], "--", color="0.5", label=_CHANCE_LABEL)
    ax.plot(fpr, tpr, linewidth=2, label=label)
    ax.set(
        xlim=(-0.02, 1.02),
        ylim=(-0.02, 1.02),
        aspect="equal",
        xlabel="False positive rate",
        ylabel="True positive rate",
        title="ROC curve",
    )
    ax.legend(loc="lower right")
    return ax


def weights_as_images(W, *, image_shape=(8, 8), n=16, fig=None, title=None):
    """Show the first ``n`` columns of ``W`` (D_in, H) as small images.

    Column k holds the weights from every pixel into hidden unit k, so it has
    the shape of an input image: red pixels push the unit up, blue ones down.
    Each image has its own symmetric colour scale. For a first layer
    ``Linear(64, H)`` on 8x8 digits, pass ``layer.weight.data``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    owner = "weights_as_images"
    W = as_float_array(W, owner=owner, name="W")
    check_ndim(W, 2, owner=owner, name="W", layout="(D_in, H)")
    pixels = math.prod(image_shape)
    if W.shape[0] != pixels:
        raise ValueError(
            f"{owner}: image_shape {shape_str(image_shape)} needs W with {pixels} "
            f"rows (one weight per pixel), got shape {shape_str(W.shape)}. Pass the "
            "first layer's weights, layer.weight.data."
        )
    check_count(n, owner=owner, name="n")
    n = min(n, W.shape[1])
    cols = math.ceil(math.sqrt(n))
    rows = math.ceil(n / cols)
    size = (1.3 * cols, 1.4 * rows + 0.4)
    fig = fig or plt.figure(figsize=size, layout="constrained")
    axes = np.atleast_1d(fig.subplots(rows, cols)).ravel()
    for k, ax in enumerate(axes):
        ax.axis("off")
        if k < n:
            limit = np.abs(W[:, k]).max() or 1.0
            ax.imshow(
                W[:, k].reshape(image_shape), cmap="RdBu_r", vmin=-limit, vmax=limit
            )
            ax.set_title(f"unit {k}", fontsize="small")
    fig.suptitle(title or f"Weights into the first {n} hidden units")
    return fig


def hidden_activations(A, y=None, *, ax=None, title=None):
    """Heat map of hidden activations ``A`` (N, H): one row per sample.

    With labels ``y`` (N,), rows are sorted by class and the classes are
    separated by lines, so units that respond to one class stand out.

    Returns
    -------
    matplotlib.axes.Axes
    """
    owner = "hidden_activations"
    A = as_float_array(A, owner=owner, name="A")
    check_ndim(A, 2, owner=owner, name="A", layout="(N, H)")
    if y is not None:
        y = np.asarray(y)
        if y.shape != (len(A),):
            raise ValueError(
                f"{owner}: expected one label per row of A, shape ({len(A)},), "
                f"got shape {shape_str(y.shape)}."
            )
        order = np.argsort(y, kind="stable")
        A, y = A[order], y[order]
    ax = _axes(ax, figsize=(5.0, 4.0))
    if y is not None:
        for boundary in np.flatnonzero(y[1:] != y[:-1]) + 0.5:
            ax.axhline(boundary, color="white", linewidth=1)
    image = ax.imshow(A, aspect="auto", cmap="viridis", interpolation="nearest")
    ax.figure.colorbar(image, ax=ax, label="activation")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ylabel = "sample" if y is None else "sample (sorted by class)"
    ax.set(xlabel="hidden unit", ylabel=ylabel, title=title or "Hidden activations")
    ax.grid(False)
    return ax
