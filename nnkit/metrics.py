"""Metrics: how good a classifier is (chapter 8, "Evaluating classifiers").

A loss is what training minimises; a metric is what we report. Every function
takes the true labels first, as scikit-learn does, and the tests check each
one against scikit-learn.

Accuracy misleads on imbalanced data: if 99 of 100 patients are healthy, a
model that always answers "healthy" is 99% accurate and finds none of the sick.
The confusion matrix shows where the errors go; precision (how many predicted
positives are right) and recall (how many true positives are found) score the
rare class on its own, and F1 combines the two. The ROC curve follows the
true and false positive rates as the decision threshold moves; its area, AUC,
sums it up in one number that needs no threshold. On rare positives the
precision-recall curve and its average precision (AP) are the sharper view.
Calibration, whether a score of 0.8 comes true 80% of the time, is in
:mod:`nnkit.calibration`.
"""

import warnings

import numpy as np

from nnkit._checks import as_float_array, check_finite, shape_str

_AVERAGES = ("binary", "macro", "micro", "weighted", None)
_NOT_BINARY_HINT = "For one class against the rest, pass y_true == that_class."


class UndefinedMetricWarning(UserWarning):
    """A metric divided by zero, so ``zero_division`` (or NaN) was used instead."""


def _as_labels(y, *, owner, name):
    """Return ``y`` as a non-empty 1-D array of class labels (numbers or strings)."""
    y = np.asarray(y)
    if y.ndim != 1 or y.size == 0:
        raise ValueError(
            f"{owner}: expected a non-empty {name} of shape (N,), got shape "
            f"{shape_str(y.shape)}."
            + (" For class scores (N, C), use .argmax(axis=1)." if y.ndim == 2 else "")
        )
    if y.dtype.kind not in "biufUS":
        raise TypeError(
            f"{owner}: {name} must hold numbers or strings, got dtype {y.dtype}. "
            f"Convert it with np.asarray({name}, dtype=str) or dtype=int."
        )
    if y.dtype.kind == "f":
        check_finite(y, owner=owner, name=name)
        fractional = np.flatnonzero(y != np.round(y))
        if fractional.size:
            raise ValueError(
                f"{owner}: {name} must hold class labels, got {y[fractional[0]]} at "
                f"index {fractional[0]}. Threshold scores first, e.g. "
                "(y_score >= 0.5).astype(int)."
            )
    return y


def _labels_pair(y_true, y_pred, *, owner):
    """Validate true and predicted labels: both (N,), both numbers or both strings."""
    y_true = _as_labels(y_true, owner=owner, name="y_true")
    y_pred = _as_labels(y_pred, owner=owner, name="y_pred")
    if len(y_true) != len(y_pred):
        raise ValueError(
            f"{owner}: y_true has {len(y_true)} samples but y_pred has "
            f"{len(y_pred)}; they must have the same length."
        )
    # NumPy would silently turn the numbers into strings, so 1 would never match "1".
    if (y_true.dtype.kind in "US") != (y_pred.dtype.kind in "US"):
        raise TypeError(
            f"{owner}: y_true has dtype {y_true.dtype} but y_pred has dtype "
            f"{y_pred.dtype}; labels must be all numbers or all strings."
        )
    return y_true, y_pred


def _check_binary(classes, pos_label, *, owner, hint):
    """Raise unless the sorted ``classes`` make a binary problem with ``pos_label``."""
    if len(classes) > 2:
        raise ValueError(
            f"{owner}: expected at most 2 classes (a binary problem), got "
            f"{len(classes)}: {classes.tolist()}. {hint}"
        )
    if len(classes) == 2 and pos_label not in classes:
        raise ValueError(
            f"{owner}: pos_label={pos_label!r} is not one of the classes "
            f"{classes.tolist()}; pass the positive class as pos_label."
        )


def accuracy(y_true, y_pred):
    """Fraction of correct predictions: ``accuracy = mean(y_pred == y_true)``.

    Parameters
    ----------
    y_true, y_pred : array_like, shape (N,)
        True and predicted class labels (integers or strings).

    Returns
    -------
    float
        In [0, 1]. Compare it with always predicting the majority class.

    >>> accuracy([0, 1, 1, 0], [0, 1, 0, 0])
    0.75
    """
    y_true, y_pred = _labels_pair(y_true, y_pred, owner="accuracy")
    return float(np.mean(y_true == y_pred))


def classification_accuracy(y_true, logits):
    """Accuracy of the classes picked by the logits: ``mean(predicted == y_true)``.

    The predicted class is ``logits.argmax(axis=1)`` for logits of shape
    (N, C), and ``logits > 0`` (that is ``sigmoid(z) > 0.5``) for one logit
    per sample, shape (N, 1) or (N,). ``y_true`` holds labels (N,), one-hot
    rows (N, C) or 0/1 targets (N, 1). It is the metric to give ``fit`` for a
    classifier trained with ``CrossEntropyLoss`` or ``BCEWithLogitsLoss``; for
    a network ending in ``Sigmoid`` (probabilities), threshold at 0.5 instead.
    Labels are then checked as :func:`accuracy` checks them.

    >>> classification_accuracy([0, 2], np.array([[3.0, 1.0, 0.0], [0.0, 1.0, 2.0]]))
    1.0
    >>> classification_accuracy([1, 0, 0], np.array([[2.0], [-1.0], [0.5]]))
    0.6666666666666666
    """
    logits = as_float_array(logits, owner="classification_accuracy", name="logits")
    y_true = np.asarray(y_true)
    if logits.ndim == 2 and logits.shape[1] > 1:
        y_pred = logits.argmax(axis=1)
    else:
        y_pred = (_one_per_row(logits, name="logits") > 0).astype(np.int64)
    if y_true.ndim == 2 and y_true.shape[1] > 1:
        y_true = y_true.argmax(axis=1)  # one-hot rows back to labels
    y_true, y_pred = _labels_pair(
        _one_per_row(y_true, name="y_true"), y_pred, owner="classification_accuracy"
    )
    return float(np.mean(y_pred == y_true))


def _one_per_row(values, *, name):
    """``values`` of shape (N, 1) or (N,) as shape (N,)."""
    if values.ndim == 2 and values.shape[1] == 1:
        return values[:, 0]
    if values.ndim != 1:
        raise ValueError(
            f"classification_accuracy: expected {name} of shape (N, C), (N, 1) or "
            f"(N,), got shape {shape_str(values.shape)}."
        )
    return values


def confusion_matrix(y_true, y_pred, *, labels=None):
    """Pair counts: ``M[i, j] = number of n with y_true[n] = c_i, y_pred[n] = c_j``.

    Parameters
    ----------
    y_true, y_pred : array_like, shape (N,)
        True and predicted class labels (integers or strings).
    labels : array_like, shape (C,), optional
        The classes c_i, in row and column order; default: all labels found,
        sorted. Samples with a label not listed here are not counted.

    Returns
    -------
    M : ndarray of int, shape (C, C)
        Rows are true classes, columns predicted ones (scikit-learn's layout);
        the diagonal counts the correct predictions.

    Notes
    -----
    With one-hot rows ``T[n, i] = (y_true[n] == c_i)`` and
    ``P[n, j] = (y_pred[n] == c_j)``, both (N, C), ``M = T.T @ P``.

    >>> confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2])
    array([[1, 0, 0],
           [0, 1, 1],
           [0, 0, 1]])
    """
    owner = "confusion_matrix"
    y_true, y_pred = _labels_pair(y_true, y_pred, owner=owner)
    if labels is None:
        labels = np.union1d(y_true, y_pred)
    else:
        labels = _as_labels(labels, owner=owner, name="labels")
        if len(np.unique(labels)) != len(labels):
            raise ValueError(f"{owner}: labels has repeated values: {labels.tolist()}.")
        if not np.isin(labels, y_true).any():
            raise ValueError(
                f"{owner}: none of labels={labels.tolist()} occurs in y_true "
                f"(dtype {y_true.dtype}); check their spelling and type."
            )
    # Float matrix products run on BLAS, ~10x faster than integer ones, and stay
    # exact for counts below 2**53.
    T = (y_true[:, None] == labels[None, :]).astype(np.float64)
    P = (y_pred[:, None] == labels[None, :]).astype(np.float64)
    return (T.T @ P).astype(np.int64)  # (C, N) @ (N, C) -> (C, C)


def _class_counts(owner, y_true, y_pred, average, pos_label, zero_division):
    """Return the classes and their TP, FP, FN counts, read off the confusion matrix.

    ``"binary"`` keeps the positive class only; ``"micro"`` sums the counts over
    the classes, so that every sample counts once.
    """
    if average not in _AVERAGES:
        raise ValueError(
            f"{owner}: average must be 'binary', 'macro', 'micro', 'weighted' or "
            f"None, got {average!r}."
        )
    if zero_division not in (0, 1) and not (
        isinstance(zero_division, float) and np.isnan(zero_division)
    ):
        raise ValueError(
            f"{owner}: zero_division must be 0.0, 1.0 or np.nan, got "
            f"{zero_division!r}. (nnkit always warns when a metric is undefined.)"
        )
    y_true, y_pred = _labels_pair(y_true, y_pred, owner=owner)
    classes = np.union1d(y_true, y_pred)
    M = confusion_matrix(y_true, y_pred, labels=classes)
    tp = np.diag(M)
    fp = M.sum(axis=0) - tp  # predicted as the class, truly another one
    fn = M.sum(axis=1) - tp  # truly the class, predicted as another one
    if average == "binary":
        _check_binary(
            classes,
            pos_label,
            owner=owner,
            hint="average='binary' scores "
            "pos_label only; use average='macro', 'micro' or 'weighted'.",
        )
        # A pos_label absent from both y_true and y_pred selects nothing: counts 0.
        is_pos = classes == pos_label
        tp, fp, fn = (np.array([count[is_pos].sum()]) for count in (tp, fp, fn))
        classes = np.array([pos_label])
    elif average == "micro":
        # Pooled over the classes, every denominator counts all N samples: never 0.
        tp, fp, fn = (np.array([count.sum()]) for count in (tp, fp, fn))
    return classes, tp, fp, fn


def _undefined_to(zero_division, score, classes, *, owner, why):
    """``score`` with its NaN entries (0 / 0: the metric is undefined for those
    classes) replaced by ``zero_division``, with a warning naming the classes."""
    undefined = np.isnan(score)
    if undefined.any():
        warnings.warn(
            f"{owner} is ill-defined for class(es) {classes[undefined].tolist()}: "
            f"{why}; set to {zero_division}. Pass zero_division to choose the value.",
            UndefinedMetricWarning,
            stacklevel=3,
        )
    return np.where(undefined, zero_division, score)


def _average(score, *, support, average):
    """The per-class ``score`` averaged as ``average`` asks (None: kept per class);
    ``support``, the number of true samples per class, weighs ``"weighted"``."""
    if average is None:
        return score
    # zero_division=np.nan leaves those classes out of the mean, as in scikit-learn.
    kept = ~np.isnan(score)
    if not kept.any():
        return float("nan")
    weights = support[kept] if average == "weighted" else None
    if weights is not None and weights.sum() == 0:
        weights = None  # no kept class occurs in y_true: take the plain mean
    return float(np.average(score[kept], weights=weights))


def precision(y_true, y_pred, *, average="binary", pos_label=1, zero_division=0.0):
    """Precision: ``TP / (TP + FP)``, the share of predicted positives that are right.

    Parameters
    ----------
    y_true, y_pred : array_like, shape (N,)
        True and predicted class labels.
    average : {"binary", "macro", "micro", "weighted", None}
        "binary": the score of class ``pos_label`` (needs at most 2 classes).
        "macro": the mean of the per-class scores, each class counting equally.
        "micro": one score from TP, FP, FN summed over the classes.
        "weighted": the mean of the per-class scores weighted by true counts.
        None: the per-class scores, for the classes in sorted order.
    pos_label : int or str
        The positive class of ``average="binary"``; ignored otherwise.
    zero_division : {0.0, 1.0, np.nan}
        The score of a class whose denominator is 0, with an
        :class:`UndefinedMetricWarning`. Averages leave NaN scores out.

    Returns
    -------
    float, or ndarray of shape (C,) when ``average`` is None

    >>> precision([0, 1, 1, 0], [1, 1, 1, 0])
    0.6666666666666666
    """
    owner = "precision"
    classes, tp, fp, fn = _class_counts(
        owner, y_true, y_pred, average, pos_label, zero_division
    )
    with np.errstate(invalid="ignore"):  # 0 / 0 gives NaN: undefined, see below
        score = tp / (tp + fp)
    why = "no sample was predicted as it (TP + FP = 0)"
    score = _undefined_to(zero_division, score, classes, owner=owner, why=why)
    return _average(score, support=tp + fn, average=average)


def recall(y_true, y_pred, *, average="binary", pos_label=1, zero_division=0.0):
    """Recall: ``TP / (TP + FN)``, the share of true positives that are found.

    Also called sensitivity or true positive rate. Arguments and return value
    as for :func:`precision`.

    >>> recall([0, 1, 2, 2], [0, 2, 2, 2], average=None)
    array([1., 0., 1.])
    """
    owner = "recall"
    classes, tp, fp, fn = _class_counts(
        owner, y_true, y_pred, average, pos_label, zero_division
    )
    with np.errstate(invalid="ignore"):  # 0 / 0 gives NaN: undefined, see below
        score = tp / (tp + fn)
    why = "it never occurs in y_true (TP + FN = 0)"
    score = _undefined_to(zero_division, score, classes, owner=owner, why=why)
    return _average(score, support=tp + fn, average=average)


def f1_score(y_true, y_pred, *, average="binary", pos_label=1, zero_division=0.0):
    """F1, the harmonic mean of precision and recall: ``2 TP / (2 TP + FP + FN)``.

    Written with counts, F1 is defined (0) even where precision is not but
    recall is. Arguments and return value as for :func:`precision`.

    >>> round(f1_score([0, 1, 2, 2], [0, 2, 2, 2], average="macro"), 4)
    0.6
    """
    owner = "f1_score"
    classes, tp, fp, fn = _class_counts(
        owner, y_true, y_pred, average, pos_label, zero_division
    )
    with np.errstate(invalid="ignore"):  # 0 / 0 gives NaN: undefined, see below
        score = 2 * tp / (2 * tp + fp + fn)
    why = "it occurs in neither y_true nor y_pred"
    score = _undefined_to(zero_division, score, classes, owner=owner, why=why)
    return _average(score, support=tp + fn, average=average)


def _scores_pair(y_true, y_score, *, owner):
    """Validate true labels (N,) and finite real-valued scores (N,)."""
    y_true = _as_labels(y_true, owner=owner, name="y_true")
    y_score = as_float_array(y_score, owner=owner, name="y_score", dtype=np.float64)
    if y_score.shape != y_true.shape:
        raise ValueError(
            f"{owner}: y_true has shape {shape_str(y_true.shape)} but y_score has "
            f"shape {shape_str(y_score.shape)}; expected one score per sample. "
            "For class probabilities (N, 2), pass the positive column y_score[:, 1]."
        )
    return y_true, y_score


def _rate(counts, *, name, missing):
    """``counts / counts[-1]``: at the last threshold every sample is positive."""
    if counts[-1] == 0:
        warnings.warn(
            f"roc_curve: y_true has no {missing} samples, so the {name} divides by "
            "zero; it is set to NaN.",
            UndefinedMetricWarning,
            stacklevel=3,
        )
        return np.full(len(counts), np.nan)
    return counts / counts[-1]


def _counts_per_threshold(y_true, y_score, pos_label, *, owner):
    """TP and FP counts of the rule "positive if y_score >= t", for each
    distinct score t from the highest down; returns ``tps, fps, thresholds``."""
    y_true, y_score = _scores_pair(y_true, y_score, owner=owner)
    _check_binary(np.unique(y_true), pos_label, owner=owner, hint=_NOT_BINARY_HINT)
    # Sort by decreasing score: lowering the threshold then admits samples in order.
    order = np.argsort(-y_score, kind="stable")
    score, positive = y_score[order], y_true[order] == pos_label
    last = np.r_[np.flatnonzero(np.diff(score)), len(score) - 1]  # end of each tie
    tps = np.cumsum(positive)[last]
    fps = (last + 1) - tps
    return tps, fps, score[last]


def roc_curve(y_true, y_score, *, pos_label=1):
    """ROC curve: ``fpr = FP / (FP + TN)``, ``tpr = TP / (TP + FN)`` per threshold t.

    Each threshold t gives the rule "positive if y_score >= t". From t = inf
    (nothing positive, the point (0, 0)) down to the lowest score (everything
    positive, (1, 1)), each distinct score gives one point.

    Parameters
    ----------
    y_true : array_like, shape (N,)
        True labels of a binary problem.
    y_score : array_like, shape (N,)
        Scores, higher meaning "more positive": probabilities or logits.
    pos_label : int or str
        The positive class.

    Returns
    -------
    fpr, tpr, thresholds : ndarray, shape (K,)
        Increasing rates and decreasing thresholds; ``thresholds[0]`` is inf.

    Notes
    -----
    Tied scores cross every threshold together, so they make one (diagonal)
    step. Points collinear with their neighbours are dropped, as scikit-learn
    does: they change neither the plot nor the area.

    >>> fpr, tpr, thresholds = roc_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> fpr, tpr
    (array([0. , 0. , 0.5, 0.5, 1. ]), array([0. , 0.5, 0.5, 1. , 1. ]))
    """
    tps, fps, thresholds = _counts_per_threshold(
        y_true, y_score, pos_label, owner="roc_curve"
    )
    if len(tps) > 2:
        # Keep the ends and every corner: a point where fps or tps changes slope.
        corner = np.r_[True, (np.diff(fps, 2) != 0) | (np.diff(tps, 2) != 0), True]
        tps, fps, thresholds = tps[corner], fps[corner], thresholds[corner]
    fpr = _rate(np.r_[0, fps], name="false positive rate", missing="negative")
    tpr = _rate(np.r_[0, tps], name="true positive rate", missing="positive")
    return fpr, tpr, np.r_[np.inf, thresholds]


def roc_auc_score(y_true, y_score):
    """ROC AUC: ``sum(diff(fpr) * (tpr[1:] + tpr[:-1]) / 2)``, by trapezoids.

    AUC is the probability that a random positive scores above a random
    negative (a tie counts half): 1.0 ranks perfectly, 0.5 is a coin flip.

    Parameters
    ----------
    y_true : array_like, shape (N,)
        True labels with exactly two classes; the larger one is positive.
    y_score : array_like, shape (N,)
        Scores, higher meaning "more positive".

    Returns
    -------
    float

    >>> roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75
    """
    y_true, y_score = _scores_pair(y_true, y_score, owner="roc_auc_score")
    classes = np.unique(y_true)
    if len(classes) == 1:
        raise ValueError(
            f"roc_auc_score: only one class ({classes[0].item()!r}) is present in "
            "y_true; ROC AUC is not defined without both positive and negative samples."
        )
    _check_binary(classes, classes[-1], owner="roc_auc_score", hint=_NOT_BINARY_HINT)
    fpr, tpr, _ = roc_curve(y_true, y_score, pos_label=classes[-1])
    # Sum of trapezoids; a diagonal step from tied scores counts half its box.
    return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))


def precision_recall_curve(y_true, y_score, *, pos_label=1):
    """Precision-recall curve: ``precision = TP / (TP + FP)`` and
    ``recall = TP / (TP + FN)`` for each threshold t.

    Each threshold t gives the rule "positive if y_score >= t"; each distinct
    score is one threshold. As t falls, recall never falls, while precision
    can go up and down. On rare positives this curve shows what the ROC curve
    hides: the ROC's false positive rate divides by the many negatives, so
    it stays small while false positives already outnumber true ones.

    Parameters
    ----------
    y_true : array_like, shape (N,)
        True labels of a binary problem.
    y_score : array_like, shape (N,)
        Scores, higher meaning "more positive": probabilities or logits.
    pos_label : int or str
        The positive class; y_true must contain it.

    Returns
    -------
    precision, recall : ndarray, shape (K + 1,)
        For increasing thresholds: recall falls from 1 (at the lowest score,
        everything positive) to 0. The last point, (recall 0, precision 1),
        has no threshold; it closes the curve on the precision axis.
    thresholds : ndarray, shape (K,)
        The distinct scores, increasing.

    Notes
    -----
    As ``sklearn.metrics.precision_recall_curve``. Without positive samples
    recall divides by 0: nnkit raises a ValueError where scikit-learn warns
    and sets recall to 1. Chapter 8, "The precision-recall curve".

    >>> precision, recall, thresholds = precision_recall_curve(
    ...     [0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]
    ... )
    >>> precision.round(3)
    array([0.5  , 0.667, 0.5  , 1.   , 1.   ])
    >>> recall
    array([1. , 1. , 0.5, 0.5, 0. ])
    >>> thresholds
    array([0.1 , 0.35, 0.4 , 0.8 ])
    """
    owner = "precision_recall_curve"
    tps, fps, thresholds = _counts_per_threshold(
        y_true, y_score, pos_label, owner=owner
    )
    n_positive = tps[-1]  # at the lowest threshold every sample is positive
    if n_positive == 0:
        raise ValueError(
            f"{owner}: y_true has no sample of the positive class "
            f"pos_label={pos_label!r}, so recall = TP / (TP + FN) divides by 0. "
            "Pass the right pos_label, or data with positives."
        )
    precision = tps / (tps + fps)  # each threshold admits at least one sample
    recall = tps / n_positive
    # Increasing thresholds, ending at (recall 0, precision 1), as scikit-learn.
    return np.r_[precision[::-1], 1.0], np.r_[recall[::-1], 0.0], thresholds[::-1]


def average_precision(y_true, y_score, *, pos_label=1):
    """Average precision (AP): ``AP = sum_k (R_k - R_(k+1)) * P_k``, precision
    weighted by the recall gained at each threshold.

    With ``P_k, R_k`` the points of :func:`precision_recall_curve`, AP is the
    area under the curve drawn as steps, not as straight lines (those would
    be too optimistic). It is the mean, over the positive samples, of the
    precision at the threshold that finds them: 1.0 ranks every positive
    first; a random ranking scores about the share of positives.

    Parameters
    ----------
    y_true, y_score, pos_label
        As for :func:`precision_recall_curve`.

    Returns
    -------
    float

    Notes
    -----
    As ``sklearn.metrics.average_precision_score``, which, without positive
    samples, warns and returns 0; nnkit raises a ValueError.

    >>> average_precision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.8333333333333333
    """
    precision, recall, _ = precision_recall_curve(y_true, y_score, pos_label=pos_label)
    # recall falls along the arrays, so -diff(recall) >= 0 is the recall gained.
    return float(-np.sum(np.diff(recall) * precision[:-1]))
