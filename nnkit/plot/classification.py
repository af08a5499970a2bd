"""Figures of a classifier: its decision regions in the plane, its confusion
matrix, its ROC curve and its precision-recall curve (chapters 1, 2 and 8).

``confusion_matrix``, ``roc_curve`` and ``precision_recall_curve`` draw what
the functions of the same names in :mod:`nnkit.metrics` compute:
``nnkit.plot.confusion_matrix(metrics.confusion_matrix(y_true, y_pred))``.
"""

import numpy as np

from nnkit._checks import as_float_array, check_count, check_probability, shape_str
from nnkit.plot.helpers import (
    check_curve,
    check_points,
    class_colors,
    get_axes,
    reference_line,
    set_unit_square,
)


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
    X, y = check_points(X, y, owner=owner)
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
    ax = get_axes(ax)
    colors = class_colors(classes)
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
    >>> import matplotlib.pyplot as plt
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
    ax = get_axes(ax, figsize=(size + 0.6, size))
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
    >>> import matplotlib.pyplot as plt
    >>> ax = roc_curve([0.0, 0.0, 0.5, 1.0], [0.0, 0.5, 1.0, 1.0], auc=0.875)
    >>> [text.get_text() for text in ax.get_legend().get_texts()]
    ['chance (AUC = 0.5)', 'ROC curve (AUC = 0.875)']
    >>> ax = roc_curve([0.0, 1.0], [0.0, 1.0], label="guess", ax=ax)
    >>> len(ax.get_legend().get_texts())  # the diagonal is not drawn twice
    3
    >>> plt.close(ax.figure)
    """
    fpr, tpr = check_curve(
        fpr, tpr, owner="plot.roc_curve", names=("fpr", "tpr"),
        hint="fpr, tpr, thresholds = metrics.roc_curve(y, s)",
    )  # fmt: skip
    label = label or "ROC curve"
    if auc is not None:
        label += f" (AUC = {auc:.3f})"
    ax = get_axes(ax, figsize=(4.4, 4.0))
    reference_line(ax, [0, 1], [0, 1], label="chance (AUC = 0.5)")
    ax.plot(fpr, tpr, linewidth=2, label=label)
    set_unit_square(
        ax, xlabel="False positive rate", ylabel="True positive rate", title="ROC curve"
    )
    ax.legend(loc="lower right")
    return ax


def precision_recall_curve(
    precision, recall, *, average_precision=None, prevalence=None, ax=None, label=None
):
    """Plot a precision-recall curve, precision against recall, as steps.

    ``precision`` and ``recall`` are the arrays (K,) from
    :func:`nnkit.metrics.precision_recall_curve`; ``average_precision``, if
    given, is shown in the legend. ``prevalence``, the fraction of positive
    samples, draws the dashed level of a classifier that guesses at random:
    its precision is the prevalence at every recall (drawn once per Axes, as
    in :func:`roc_curve`, so several models can share one plot). Chapter 8.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> precision, recall = [0.5, 0.67, 0.5, 1.0, 1.0], [1.0, 1.0, 0.5, 0.5, 0.0]
    >>> ax = precision_recall_curve(
    ...     precision, recall, average_precision=0.83, prevalence=0.5
    ... )
    >>> [text.get_text() for text in ax.get_legend().get_texts()]
    ['chance (precision = 0.500)', 'PR curve (AP = 0.830)']
    >>> plt.close(ax.figure)
    """
    owner = "plot.precision_recall_curve"
    precision, recall = check_curve(
        precision, recall, owner=owner, names=("precision", "recall"),
        hint="precision, recall, _ = metrics.precision_recall_curve(y, s)",
    )  # fmt: skip
    if prevalence is not None:
        check_probability(prevalence, owner=owner, name="prevalence")
    label = label or "PR curve"
    if average_precision is not None:
        label += f" (AP = {average_precision:.3f})"
    ax = get_axes(ax, figsize=(4.4, 4.0))
    if prevalence is not None:
        chance = f"chance (precision = {prevalence:.3f})"
        reference_line(ax, [0, 1], [prevalence, prevalence], label=chance)
    # Precision holds from each point to the next lower recall: steps, as AP sums.
    ax.plot(recall, precision, drawstyle="steps-post", linewidth=2, label=label)
    set_unit_square(
        ax, xlabel="Recall", ylabel="Precision", title="Precision-recall curve"
    )
    ax.legend(loc="lower left")
    return ax
