"""Checks for chapter 7: inverted dropout, and the L2 penalty and its gradient.

Dropout is random; so that every answer is exact, the exercise hands the
function the uniform draws ``u`` (one per unit) that :class:`nnkit.Dropout`
would draw from its generator. The references are :class:`nnkit.Dropout` and
:class:`nnkit.L2Penalty`.
"""

import numpy as np

from nnkit.check._exercise import Case, Exercise
from nnkit.check._vary import scale, shuffled
from nnkit.module import Parameter
from nnkit.regularization import Dropout, L2Penalty


class _Draws:
    """Stands in for a Generator: gives Dropout the draws ``u`` of the case."""

    def __init__(self, u):
        self.u = u

    def random(self, shape):
        return self.u.reshape(shape)


def _dropout_forward(X, p, u):
    dropout = Dropout(p, rng=_Draws(u))
    A = dropout(X)
    return A, dropout.mask


def _dropout_fixed(rng):
    # The grader shuffles the draws u: each case still has one exactly at p.
    u = np.array([[0.1, 0.5, 0.7], [0.5, 0.2, 0.99]])
    u = shuffled(rng, u.ravel())[0].reshape(2, 3)
    return [
        Case(
            "u exactly p keeps the unit",
            dict(X=np.ones((2, 3)), p=0.5, u=u),
            "a unit is kept where u >= p, and a kept unit is divided by 1 - p, "
            "so the expected value of each unit stays the same.",
        ),
        Case(
            "p = 0 keeps everything", dict(X=np.arange(6.0).reshape(2, 3), p=0.0, u=u)
        ),
    ]


def _dropout_random(rng):
    cases = []
    for _ in range(6):
        N, D = (int(n) for n in rng.integers(1, 6, size=2))
        p = float(rng.choice([0.1, 0.25, 0.5, 0.8]))
        args = dict(X=rng.normal(size=(N, D)), p=p, u=rng.uniform(size=(N, D)))
        cases.append(Case(f"random, shape ({N}, {D}), p={p}", args))
    return cases


dropout_forward = Exercise(
    name="dropout_forward",
    signature="dropout_forward(X, p, u) -> (A, mask)",
    outputs=("A", "mask"),
    reference=_dropout_forward,
    fixed=_dropout_fixed,
    random=_dropout_random,
    forbidden=("nnkit.Dropout", "nnkit.regularization.Dropout"),
)


def _dropout_backward(dA, mask):
    dropout = Dropout(0.5)
    dropout.mask = mask  # what forward would have stored
    return (dropout.backward(dA),)


def _dropout_backward_random(rng):
    cases = []
    for _ in range(6):
        N, D = (int(n) for n in rng.integers(1, 6, size=2))
        p = float(rng.choice([0.25, 0.5, 0.8]))
        mask = (rng.uniform(size=(N, D)) >= p) / (1 - p)
        cases.append(
            Case(f"random, p={p}", dict(dA=rng.normal(size=(N, D)), mask=mask))
        )
    return cases


dropout_backward = Exercise(
    name="dropout_backward",
    signature="dropout_backward(dA, mask) -> dX",
    outputs=("dX",),
    reference=_dropout_backward,
    fixed=lambda rng: [],
    random=_dropout_backward_random,
    forbidden=("nnkit.Dropout", "nnkit.regularization.Dropout"),
)


def _l2(W, lam):
    weight = Parameter(np.array(W, dtype=np.float64))
    penalty = L2Penalty(lam)
    R = penalty([weight])
    penalty.backward([weight])
    return R, weight.grad


def _l2_fixed(rng):
    k = scale(rng)
    W = k * np.array([[3.0, -4.0]])
    why = "R = lam / 2 * np.sum(W**2), so dW = lam * W: the 1/2 cancels the 2."
    return [
        Case("lam = 0: no penalty", dict(W=W, lam=0.0)),
        Case(
            "a (2, 2) W",
            dict(W=k * np.array([[1.0, -2.0], [0.5, 3.0]]), lam=0.1),
            why,
        ),
        Case("the example of the chapter", dict(W=W, lam=0.5), why),
    ]


def _l2_random(rng):
    cases = []
    for _ in range(6):
        D_in, D_out = (int(n) for n in rng.integers(1, 6, size=2))
        lam = float(rng.choice([1e-4, 0.01, 0.1, 1.0]))
        args = dict(W=rng.normal(size=(D_in, D_out)), lam=lam)
        cases.append(Case(f"random, W of shape ({D_in}, {D_out}), lam={lam}", args))
    return cases


_FORBIDDEN_L2 = ("nnkit.L2Penalty", "nnkit.regularization.L2Penalty")

l2_penalty = Exercise(
    name="l2_penalty",
    signature="l2_penalty(W, lam) -> R",
    outputs=("R",),
    reference=lambda W, lam: _l2(W, lam)[:1],
    fixed=_l2_fixed,
    random=_l2_random,
    forbidden=_FORBIDDEN_L2,
)

l2_gradient = Exercise(
    name="l2_gradient",
    signature="l2_gradient(W, lam) -> dW",
    outputs=("dW",),
    reference=lambda W, lam: _l2(W, lam)[1:],
    fixed=_l2_fixed,
    random=_l2_random,
    forbidden=_FORBIDDEN_L2,
)
