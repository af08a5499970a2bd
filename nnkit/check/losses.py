"""Checks for chapter 4: two losses and their gradients.

The references are :class:`nnkit.MSELoss` and :class:`nnkit.CrossEntropyLoss`;
each gradient is the loss's ``backward()``. Cross-entropy is also tried on
logits as large as 1000, where computing ``softmax`` and then its ``log``
overflows or takes the log of 0.
"""

import numpy as np

from nnkit.check._exercise import Case, Exercise
from nnkit.losses import CrossEntropyLoss, MSELoss


def _mse(y_pred, y_true):
    loss = MSELoss()
    return loss(y_pred, y_true), loss.backward()


def _mse_cases(rng):
    cases = [Case("a perfect prediction", dict(y_pred=np.ones(3), y_true=np.ones(3)))]
    for _ in range(6):
        shape = tuple(int(n) for n in rng.integers(1, 6, size=rng.integers(1, 3)))
        args = dict(y_pred=rng.normal(size=shape), y_true=rng.normal(size=shape))
        cases.append(Case(f"random, shape {shape}", args))
    one = dict(y_pred=np.array([2.5]), y_true=np.array([-1.0]))
    return [*cases, Case("one sample", one)]


mse_loss = Exercise(
    name="mse_loss",
    signature="mse_loss(y_pred, y_true) -> L",
    outputs=("L",),
    reference=lambda y_pred, y_true: _mse(y_pred, y_true)[:1],
    cases=_mse_cases,
    forbidden=("nnkit.MSELoss", "nnkit.losses.MSELoss"),
)

mse_gradient = Exercise(
    name="mse_gradient",
    signature="mse_gradient(y_pred, y_true) -> dy_pred",
    outputs=("dy_pred",),
    reference=lambda y_pred, y_true: _mse(y_pred, y_true)[1:],
    cases=_mse_cases,
    forbidden=("nnkit.MSELoss", "nnkit.losses.MSELoss"),
)


def _cross_entropy(Z, y):
    loss = CrossEntropyLoss()
    return loss(Z, y), loss.backward()


def _cross_entropy_cases(rng):
    big = np.array([[1000.0, 0.0, -1000.0], [0.0, 1000.0, 1000.0]])
    cases = [
        Case("huge logits, right class", dict(Z=big, y=np.array([0, 1]))),
        Case("huge logits, wrong class", dict(Z=big, y=np.array([2, 0]))),
        Case("equal logits", dict(Z=np.zeros((2, 4)), y=np.array([3, 0]))),
    ]
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
    cases=_cross_entropy_cases,
    forbidden=_FORBIDDEN_CE,
)

cross_entropy_gradient = Exercise(
    name="cross_entropy_gradient",
    signature="cross_entropy_gradient(Z, y) -> dZ",
    outputs=("dZ",),
    reference=lambda Z, y: _cross_entropy(Z, y)[1:],
    cases=_cross_entropy_cases,
    forbidden=_FORBIDDEN_CE,
)
