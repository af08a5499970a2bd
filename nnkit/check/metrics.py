"""Checks for chapter 8: precision, recall, F1 and the ROC AUC of a binary classifier.

The references are the functions of :mod:`nnkit.metrics` (themselves tested
against scikit-learn). Labels are 0 and 1, with 1 the positive class. Where a
score divides by zero (no predicted positives, say) the answer is 0, and the
cases include those edges; for AUC they include tied scores, which count half.
"""

import warnings

import numpy as np

from nnkit import metrics
from nnkit.check._exercise import Case, Exercise


def _quietly(function, *args):
    """Call a metric without its warning about dividing by zero (answer: 0)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", metrics.UndefinedMetricWarning)
        return (function(*args),)


def _label_cases(rng):
    cases = [
        Case(
            "all right",
            dict(y_true=np.array([0, 1, 1, 0]), y_pred=np.array([0, 1, 1, 0])),
        ),
        Case(
            "no sample predicted positive",
            dict(y_true=np.array([0, 1, 1]), y_pred=np.array([0, 0, 0])),
        ),
        Case(
            "no positive sample",
            dict(y_true=np.array([0, 0, 0]), y_pred=np.array([0, 1, 0])),
        ),
        Case(
            "every sample wrong",
            dict(y_true=np.array([1, 0, 1, 0]), y_pred=np.array([0, 1, 0, 1])),
        ),
    ]
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
        cases=_label_cases,
        forbidden=(f"nnkit.metrics.{function.__name__}",),
    )


precision = _label_metric("precision", metrics.precision, "precision")
recall = _label_metric("recall", metrics.recall, "recall")
f1_score = _label_metric("f1_score", metrics.f1_score, "f1")


def _auc_cases(rng):
    cases = [
        Case(
            "a perfect ranking",
            dict(y_true=np.array([0, 0, 1, 1]), y_score=np.array([0.1, 0.2, 0.8, 0.9])),
        ),
        Case(
            "the example of the chapter",
            dict(
                y_true=np.array([0, 0, 1, 1]), y_score=np.array([0.1, 0.4, 0.35, 0.8])
            ),
        ),
        Case(
            "all scores tied: a coin flip",
            dict(y_true=np.array([0, 1, 1]), y_score=np.array([0.5, 0.5, 0.5])),
        ),
    ]
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
    cases=_auc_cases,
    forbidden=("nnkit.metrics.roc_auc_score", "nnkit.metrics.roc_curve"),
)
