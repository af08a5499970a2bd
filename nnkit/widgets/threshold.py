"""The decision-threshold explorer: precision, recall and ROC (chapter 8)."""

import warnings

import matplotlib.pyplot as plt
import numpy as np

from nnkit import metrics, plot
from nnkit._checks import as_float_array
from nnkit.widgets._explorer import Explorer, rounded


def _at_threshold(y_true, y_score, threshold):
    """The confusion matrix, precision (nan if nothing is predicted 1) and
    recall of the rule "predict 1 where ``y_score >= threshold``"."""
    y_pred = (y_score >= threshold).astype(np.int64)
    cm = metrics.confusion_matrix(y_true, y_pred, labels=np.array([0, 1]))
    with warnings.catch_warnings():  # no positive prediction: precision undefined
        warnings.simplefilter("ignore", metrics.UndefinedMetricWarning)
        p = metrics.precision(y_true, y_pred, zero_division=np.nan)
    return cm, p, metrics.recall(y_true, y_pred)


def plot_threshold(y_true, y_score, threshold):
    """Predict 1 where ``y_score >= threshold``: the score histograms, the
    confusion matrix, and where that rule sits on the ROC curve.

    Parameters
    ----------
    y_true : array_like, shape (N,)
        Labels 0 and 1, both present.
    y_score : array_like, shape (N,)
        Scores, higher meaning "more likely 1" (probabilities or logits).
    threshold : float

    Returns
    -------
    matplotlib.figure.Figure
        Three panels; chapter 8.
    """
    fpr, tpr, _ = metrics.roc_curve(y_true, y_score)  # checks y_true and y_score
    y_true, y_score = np.asarray(y_true), np.asarray(y_score, dtype=float)
    if not np.isin([0, 1], y_true).all():
        raise ValueError(
            "plot_threshold: y_true must contain both classes, 0 and 1, got "
            f"{np.unique(y_true).tolist()}."
        )
    cm, p, r = _at_threshold(y_true, y_score, threshold)
    (tn, fp), (fn, tp) = cm
    point = (fp / (fp + tn), tp / (tp + fn))  # (FPR, TPR): this rule's ROC point

    fig, (hist, matrix, roc) = plt.subplots(
        1, 3, figsize=(13.5, 3.9), layout="constrained"
    )
    bins = np.linspace(y_score.min(), y_score.max(), 26)
    for c, name in ((0, "negative"), (1, "positive")):
        hist.hist(y_score[y_true == c], bins=bins, alpha=0.6, label=f"{c} ({name})")
    hist.axvline(threshold, color="black", linestyle="--", label="threshold")
    hist.set(xlabel="score", ylabel="count", title="Scores by true class")
    hist.legend(fontsize="small")
    plot.confusion_matrix(cm, ax=matrix)
    matrix.set_title(f"Predict 1 if score >= {threshold:.2f}")
    plot.roc_curve(fpr, tpr, auc=metrics.roc_auc_score(y_true, y_score), ax=roc)
    precision_text = "undefined" if np.isnan(p) else f"{p:.2f}"
    roc.plot(
        *point,
        "o",
        color="black",
        markersize=8,
        label=f"threshold {threshold:.2f}",
    )
    roc.set_title(f"precision {precision_text}, recall {r:.2f}")
    roc.legend(loc="lower right", fontsize="small")
    return fig


def _round_numbers(low, high, n):
    """About ``n`` numbers from ``low`` to ``high`` in steps of 1, 2 or 5 times
    a power of ten: 0.01, 0.02, ... rather than 0.0099, 0.0198, ..."""
    if high == low:
        return [low]
    raw = (high - low) / (n - 1)
    power = 10.0 ** float(np.floor(np.log10(raw)))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first, last = int(np.ceil(low / step)), int(np.floor(high / step))
    return [round(k * step, 10) for k in range(first, last + 1)]


def threshold_explorer(y_true, y_score, *, n_thresholds=101):
    """A slider for the decision threshold of a binary classifier, drawn as
    :func:`plot_threshold` draws it: the score histograms, the confusion
    matrix, precision, recall and the point on the ROC curve. Chapter 8.

    The slider has about ``n_thresholds`` round thresholds (steps of 1, 2 or
    5 times a power of ten) from the lowest score to the highest; at each,
    :mod:`nnkit.metrics` computes the matrix, precision and recall here.
    ``y_true`` and ``y_score`` are stored with them.
    """
    if not np.isin([0, 1], y_true).all():
        raise ValueError(
            "threshold_explorer: y_true must contain both classes, 0 and 1, got "
            f"{np.unique(y_true).tolist()}."
        )
    fpr, tpr, _ = metrics.roc_curve(y_true, y_score)  # checks y_true and y_score
    y_true = np.asarray(y_true)
    scores = as_float_array(y_score, owner="threshold_explorer", name="y_score")
    low, high = float(scores.min()), float(scores.max())
    thresholds = _round_numbers(low, high, n_thresholds)
    rules = [_at_threshold(y_true, scores, t) for t in thresholds]
    edges = np.linspace(low, high, 26)  # as plot_threshold's histogram
    counts = [np.histogram(scores[y_true == c], edges)[0].tolist() for c in (0, 1)]
    data = {
        "y_true": y_true.astype(int).tolist(),
        "y_score": rounded(scores, 8),
        "thresholds": thresholds,
        "cm": [cm.ravel().astype(int).tolist() for cm, _, _ in rules],  # tn fp fn tp
        "precision": [rounded(p) for _, p, _ in rules],
        "recall": [rounded(r) for _, _, r in rules],
        "hist": {
            "edges": rounded(edges),
            "counts": counts,
            "xlim": rounded([low - 0.05 * (high - low), high + 0.05 * (high - low)]),
            "ylim": [0, 1.1 * max(max(c) for c in counts)],
        },
        "roc": {
            "fpr": rounded(fpr),
            "tpr": rounded(tpr),
            "auc": float(metrics.roc_auc_score(y_true, scores)),
        },
    }
    default = min(thresholds, key=lambda t: abs(t - 0.5))
    controls = [("threshold", "threshold", thresholds, default)]
    return Explorer(
        "threshold",
        controls,
        data,
        figure=lambda threshold: plot_threshold(y_true, scores, threshold),
    )
