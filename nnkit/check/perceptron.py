"""Checks for chapter 1: the perceptron's prediction and its learning rule.

The reference is :class:`nnkit.perceptron.Perceptron`, given the weights of
each case. Inputs are small integers, so that some points fall exactly on the
decision boundary ``x @ w + b = 0``, where the step gives 1.
"""

import numpy as np

from nnkit.check._exercise import Case, Exercise
from nnkit.check._vary import public_or, scale, shuffled
from nnkit.perceptron import Perceptron

FORBIDDEN = ("nnkit.Perceptron", "nnkit.perceptron.Perceptron")


def _perceptron(w, b, lr=1.0):
    """An nnkit Perceptron holding the weights ``w`` and the bias ``b``."""
    perceptron = Perceptron(len(w), lr=lr)
    perceptron.weight = np.array(w, dtype=np.float64)
    perceptron.bias = float(b)
    return perceptron


def _integers(rng, shape):
    return rng.integers(-2, 3, size=shape).astype(np.float64)


def _predict(w, b, X):
    return (_perceptron(w, b).predict(X),)


def _predict_fixed(rng):
    k = scale(rng)  # > 0: no point crosses the boundary
    X = public_or(
        rng,
        np.array([[1.0, -2.0, 0.0], [0.0, 0.0, 0.0], [2.0, 1.0, -1.0]]),
        lambda rng: _integers(rng, (3, 3)),
    )
    return [
        Case(
            "points exactly on the boundary are class 1",
            dict(
                w=k * np.array([1.0, -1.0]),
                b=0.0,
                X=np.array([[2.0, 2.0], [1.0, 3.0]]),
            ),
            "the step gives 1 where x @ w + b >= 0, so a point on the boundary "
            "(exactly 0) is class 1.",
        ),
        Case("zero weights and bias", dict(w=np.zeros(3), b=0.0, X=X)),
    ]


def _predict_random(rng):
    cases = []
    for _ in range(8):
        D, N = int(rng.integers(1, 6)), int(rng.integers(1, 8))
        args = dict(
            w=_integers(rng, D), b=float(rng.integers(-2, 3)), X=_integers(rng, (N, D))
        )
        cases.append(Case("random", args))
    return cases


perceptron_predict = Exercise(
    name="perceptron_predict",
    signature="perceptron_predict(w, b, X) -> y_hat",
    outputs=("y_hat",),
    reference=_predict,
    fixed=_predict_fixed,
    random=_predict_random,
    forbidden=FORBIDDEN,
)


def _update(w, b, x, y, lr):
    perceptron = _perceptron(w, b, lr)
    perceptron.fit(x[np.newaxis, :], np.array([y]), epochs=1)
    return perceptron.weight, perceptron.bias


def _update_fixed(rng):
    k = scale(rng)  # > 0: no point crosses the boundary
    w, x = k * np.array([1.0, -2.0]), np.array([3.0, 1.0])  # x @ w = k
    return [
        Case(
            "a correct prediction changes nothing",
            dict(w=w, b=0.0, x=x, y=1, lr=1.0),
        ),
        Case(
            "says 1 for a 0: move away from x",
            dict(w=w, b=0.0, x=x, y=0, lr=0.5),
            "the error y - y_hat is -1, so w becomes w - lr * x and b becomes b - lr.",
        ),
        Case(
            "says 0 for a 1: move towards x",
            dict(w=w, b=-2.0 * k, x=x, y=1, lr=0.5),
            "the error y - y_hat is +1, so w becomes w + lr * x and b becomes b + lr.",
        ),
        Case(
            "on the boundary, label 0",
            dict(w=w, b=-1.0 * k, x=x, y=0, lr=1.0),
            "x @ w + b is exactly 0, which the step calls class 1: a mistake here.",
        ),
    ]


def _update_random(rng):
    cases = []
    for _ in range(8):
        D = int(rng.integers(1, 6))
        args = dict(
            w=_integers(rng, D),
            b=float(rng.integers(-2, 3)),
            x=_integers(rng, D),
            y=int(rng.integers(0, 2)),
            lr=float(rng.choice([0.1, 0.5, 1.0, 2.0])),
        )
        cases.append(Case("random", args))
    return cases


perceptron_update = Exercise(
    name="perceptron_update",
    signature="perceptron_update(w, b, x, y, lr) -> (w, b)",
    outputs=("w", "b"),
    reference=_update,
    fixed=_update_fixed,
    random=_update_random,
    forbidden=FORBIDDEN,
)


def _epoch(w, b, X, y, lr):
    perceptron = _perceptron(w, b, lr)
    mistakes = perceptron.fit(X, y, epochs=1)
    return perceptron.weight, perceptron.bias, mistakes[0]


def _epoch_fixed(rng):
    # The grader shuffles the order of the samples.
    X_and, y_and = shuffled(
        rng,
        np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]),
        np.array([0, 0, 0, 1]),
    )
    return [
        Case(
            "AND from zero weights",
            dict(w=np.zeros(2), b=0.0, X=X_and, y=y_and, lr=1.0),
            "the rule is applied one sample at a time, in order: each prediction "
            "uses the weights the previous update left, not those at the start.",
        ),
        Case(
            "already right: no mistakes",
            dict(w=np.array([2.0, 1.0]), b=-3.0, X=X_and, y=y_and, lr=1.0),
        ),
    ]


def _epoch_random(rng):
    cases = []
    for _ in range(6):
        D, N = int(rng.integers(1, 5)), int(rng.integers(1, 9))
        args = dict(
            w=_integers(rng, D),
            b=float(rng.integers(-2, 3)),
            X=_integers(rng, (N, D)),
            y=rng.integers(0, 2, size=N),
            lr=float(rng.choice([0.1, 0.5, 1.0])),
        )
        cases.append(Case("random", args))
    return cases


perceptron_epoch = Exercise(
    name="perceptron_epoch",
    signature="perceptron_epoch(w, b, X, y, lr) -> (w, b, mistakes)",
    outputs=("w", "b", "mistakes"),
    reference=_epoch,
    fixed=_epoch_fixed,
    random=_epoch_random,
    forbidden=FORBIDDEN,
)
