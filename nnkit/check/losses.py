"""Checks for chapter 4: two losses and their gradients.

The references are :class:`nnkit.MSELoss` and :class:`nnkit.CrossEntropyLoss`;
each gradient is the loss's ``backward()``. The fixed cases come first: one
where the mean and the sum differ, and logits as large as 1000, where
computing ``softmax`` and then its ``log`` overflows or takes the log of 0.
"""

import numpy as np

from nnkit.check._exercise import Case, Exercise
from nnkit.check._vary import scale, shift
from nnkit.check.activations import SOFTMAX_ADVICE
from nnkit.losses import CrossEntropyLoss, MSELoss


def _mse(y_pred, y_true):
    loss = MSELoss()
    return loss(y_pred, y_true), loss.backward()


def _mse_fixed(rng):
    # The grader scales the errors: what each case tests stays.
    k = scale(rng)
    return [
        Case(
            "three errors: the mean, not the sum",
            dict(y_pred=k * np.array([3.0, 0.0, 2.0]), y_true=np.zeros(3) + 0.5),
            "the loss is the mean of the squared errors, so it divides by the "
            "number of values.",
        ),
        Case(
            "a batch of 2 rows and 2 outputs",
            dict(
                y_pred=k * np.array([[1.0, 2.0], [3.0, 4.0]]),
                y_true=np.zeros((2, 2)),
            ),
            "the mean runs over every value, y_pred.size of them, not only the rows.",
        ),
        Case(
            "a perfect prediction", dict(y_pred=k * np.ones(3), y_true=k * np.ones(3))
        ),
        Case(
            "one sample",
            dict(y_pred=k * np.array([2.5]), y_true=np.array([-1.0])),
        ),
    ]


def _mse_random(rng):
    cases = []
    for _ in range(6):
        shape = tuple(int(n) for n in rng.integers(1, 6, size=rng.integers(1, 3)))
        args = dict(y_pred=rng.normal(size=shape), y_true=rng.normal(size=shape))
        cases.append(Case(f"random, shape {shape}", args))
    return cases


mse_loss = Exercise(
    name="mse_loss",
    signature="mse_loss(y_pred, y_true) -> L",
    outputs=("L",),
    reference=lambda y_pred, y_true: _mse(y_pred, y_true)[:1],
    fixed=_mse_fixed,
    random=_mse_random,
    forbidden=("nnkit.MSELoss", "nnkit.losses.MSELoss"),
)

mse_gradient = Exercise(
    name="mse_gradient",
    signature="mse_gradient(y_pred, y_true) -> dy_pred",
    outputs=("dy_pred",),
    reference=lambda y_pred, y_true: _mse(y_pred, y_true)[1:],
    fixed=_mse_fixed,
    random=_mse_random,
    forbidden=("nnkit.MSELoss", "nnkit.losses.MSELoss"),
)


def _cross_entropy(Z, y):
    loss = CrossEntropyLoss()
    return loss(Z, y), loss.backward()


def _cross_entropy_fixed(rng):
    # The grader shifts each row by a few units, which changes no probability.
    def shifted(Z):
        return Z + shift(rng, len(Z))

    big = np.array([[1000.0, 0.0, -1000.0], [0.0, 1000.0, 1000.0]])
    return [
        Case(
            "two rows, far apart",
            dict(
                Z=shifted(np.array([[1000.0, 999.0], [0.0, 1.0]])), y=np.array([1, 0])
            ),
            "each row needs its own largest logit subtracted. Subtracting the "
            "largest of the whole array (Z - Z.max()) sends the second row to "
            "exp(-1000) = 0, and its log to -inf.",
        ),
        Case(
            "the mean over the samples",
            dict(
                Z=shifted(np.array([[2.0, 0.0, 0.0], [0.0, 0.0, 0.0]])),
                y=np.array([0, 2]),
            ),
            "the loss is the mean over the N samples (rows), so the gradient "
            "divides by N too.",
        ),
        Case("huge logits, right class", dict(Z=shifted(big), y=np.array([0, 1]))),
        Case("huge logits, wrong class", dict(Z=shifted(big), y=np.array([2, 0]))),
        Case("equal logits", dict(Z=shifted(np.zeros((2, 4))), y=np.array([3, 0]))),
    ]


def _cross_entropy_random(rng):
    cases = []
    for _ in range(6):
        N, C = int(rng.integers(1, 6)), int(rng.integers(2, 6))
        args = dict(Z=rng.normal(scale=3.0, size=(N, C)), y=rng.integers(0, C, size=N))
        cases.append(Case(f"random, N={N}, C={C}", args))
    return cases


_FORBIDDEN_CE = ("nnkit.CrossEntropyLoss", "nnkit.losses.CrossEntropyLoss")

cross_entropy_loss = Exercise(
    name="cross_entropy_loss",
    signature="cross_entropy_loss(Z, y) -> L",
    outputs=("L",),
    reference=lambda Z, y: _cross_entropy(Z, y)[:1],
    fixed=_cross_entropy_fixed,
    random=_cross_entropy_random,
    forbidden=_FORBIDDEN_CE,
    advice=SOFTMAX_ADVICE,
)

cross_entropy_gradient = Exercise(
    name="cross_entropy_gradient",
    signature="cross_entropy_gradient(Z, y) -> dZ",
    outputs=("dZ",),
    reference=lambda Z, y: _cross_entropy(Z, y)[1:],
    fixed=_cross_entropy_fixed,
    random=_cross_entropy_random,
    forbidden=_FORBIDDEN_CE,
    advice=SOFTMAX_ADVICE,
)
