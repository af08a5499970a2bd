"""Checks for chapter 8: precision, recall, F1 and the ROC AUC of a binary classifier.

The references are the functions of :mod:`nnkit.metrics` (themselves tested
against scikit-learn). Labels are 0 and 1, with 1 the positive class. The
first case tells precision, recall, F1 and accuracy apart; where a score
divides by zero (no predicted positives, say) the answer is 0, and the cases
include those edges; for AUC they include tied scores, which count half.
"""

import warnings

import numpy as np

from nnkit import metrics
from nnkit.check._exercise import Case, Exercise
from nnkit.check._vary import shuffled


def _quietly(function, *args):
    """Call a metric without its warning about dividing by zero (answer: 0)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", metrics.UndefinedMetricWarning)
        return (function(*args),)


def _labels(rng, y_true, **others):
    """The arguments of a case; the grader shuffles the samples' order."""
    arrays = shuffled(rng, np.array(y_true), *(np.array(v) for v in others.values()))
    return dict(zip(["y_true", *others], arrays, strict=True))


def _label_fixed(rng):
    return [
        Case(
            "2 true positives, 1 false positive, 3 false negatives",
            _labels(
                rng, [1, 1, 1, 1, 1, 0, 0, 0, 0], y_pred=[1, 1, 0, 0, 0, 1, 0, 0, 0]
            ),
            "here precision = TP / (TP + FP) = 2/3, recall = TP / (TP + FN) = 2/5, "
            "F1 = 2 TP / (2 TP + FP + FN) = 1/2 and accuracy = 5/9 all differ.",
        ),
        Case("all right", _labels(rng, [0, 1, 1, 0], y_pred=[0, 1, 1, 0])),
        Case(
            "no sample predicted positive",
            _labels(rng, [0, 1, 1], y_pred=[0, 0, 0]),
            "TP + FP = 0: precision divides by zero, and its answer is 0; "
            "recall is 0 / 2 = 0.",
        ),
        Case(
            "no positive sample",
            _labels(rng, [0, 0, 0], y_pred=[0, 1, 0]),
            "TP + FN = 0: recall divides by zero, and its answer is 0; "
            "precision is 0 / 1 = 0.",
        ),
        Case("every sample wrong", _labels(rng, [1, 0, 1, 0], y_pred=[0, 1, 0, 1])),
    ]


def _label_random(rng):
    cases = []
    for _ in range(6):
        N = int(rng.integers(1, 21))
        args = dict(
            y_true=rng.integers(0, 2, size=N), y_pred=rng.integers(0, 2, size=N)
        )
        cases.append(Case(f"random, N={N}", args))
    return cases


def _label_metric(name, function, output):
    return Exercise(
        name=name,
        signature=f"{name}(y_true, y_pred) -> {output}",
        outputs=(output,),
        reference=lambda y_true, y_pred: _quietly(function, y_true, y_pred),
        fixed=_label_fixed,
        random=_label_random,
        forbidden=(f"nnkit.metrics.{function.__name__}",),
    )


precision = _label_metric("precision", metrics.precision, "precision")
recall = _label_metric("recall", metrics.recall, "recall")
f1_score = _label_metric("f1_score", metrics.f1_score, "f1")


def _auc_fixed(rng):
    return [
        Case(
            "the example of the chapter",
            _labels(rng, [0, 0, 1, 1], y_score=[0.1, 0.4, 0.35, 0.8]),
            "3 of the 4 (positive, negative) pairs are ranked right: AUC = 0.75.",
        ),
        Case(
            "a perfect ranking",
            _labels(rng, [0, 0, 1, 1], y_score=[0.1, 0.2, 0.8, 0.9]),
        ),
        Case(
            "all scores tied: a coin flip",
            _labels(rng, [0, 1, 1], y_score=[0.5, 0.5, 0.5]),
            "a tied pair counts one half.",
        ),
    ]


def _auc_random(rng):
    cases = []
    for _ in range(6):
        N = int(rng.integers(2, 21))
        y_true = rng.integers(0, 2, size=N)
        y_true[:2] = [0, 1]  # both classes are present, or AUC is undefined
        # Scores rounded to one decimal, so that some are tied.
        y_score = rng.uniform(size=N).round(1)
        cases.append(Case(f"random, N={N}", dict(y_true=y_true, y_score=y_score)))
    return cases


roc_auc = Exercise(
    name="roc_auc",
    signature="roc_auc(y_true, y_score) -> auc",
    outputs=("auc",),
    reference=lambda y_true, y_score: (metrics.roc_auc_score(y_true, y_score),),
    fixed=_auc_fixed,
    random=_auc_random,
    forbidden=("nnkit.metrics.roc_auc_score", "nnkit.metrics.roc_curve"),
)
