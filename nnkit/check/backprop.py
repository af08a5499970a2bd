"""Checks for chapter 5: the backward pass of a layer and of a 2-layer network.

The references run nnkit's own modules forward and backward: :class:`nnkit.Linear`,
:class:`nnkit.ReLU` and, for the network, ``Linear -> ReLU -> Linear`` with
:class:`nnkit.MSELoss`. A wrong gradient is reported by its name and index,
say ``dW1[2, 0]``.
"""

import numpy as np

from nnkit.activations import ReLU
from nnkit.check._exercise import Case, Exercise
from nnkit.check.mlp import linear_layer
from nnkit.losses import MSELoss
from nnkit.sequential import Sequential

# Numerical gradients would answer any of these exercises without backprop.
NUMERICAL = (
    "nnkit.numerical_gradient",
    "nnkit.gradcheck.numerical_gradient",
    "nnkit.gradcheck",
    "nnkit.gradcheck.gradcheck",
)


def _linear_backward(X, W, dZ):
    layer = linear_layer(W, np.zeros(W.shape[1]))
    layer(X)
    dX = layer.backward(dZ)
    return dX, layer.weight.grad, layer.bias.grad


def _linear_cases(rng):
    cases = []
    for _ in range(8):
        N, D_in, D_out = (int(n) for n in rng.integers(1, 6, size=3))
        args = dict(
            X=rng.normal(size=(N, D_in)),
            W=rng.normal(size=(D_in, D_out)),
            dZ=rng.normal(size=(N, D_out)),
        )
        cases.append(Case(f"random, N={N}, D_in={D_in}, D_out={D_out}", args))
    return cases


linear_backward = Exercise(
    name="linear_backward",
    signature="linear_backward(X, W, dZ) -> (dX, dW, db)",
    outputs=("dX", "dW", "db"),
    reference=_linear_backward,
    cases=_linear_cases,
    forbidden=("nnkit.Linear", "nnkit.linear.Linear", *NUMERICAL),
)


def _relu_backward(Z, dA):
    relu = ReLU()
    relu(Z)
    return (relu.backward(dA),)


def _relu_cases(rng):
    Z = np.array([[-2.0, -0.0, 0.0, 3.0]])
    cases = [Case("the kink at 0 passes no gradient", dict(Z=Z, dA=np.ones((1, 4))))]
    for _ in range(6):
        N, D = (int(n) for n in rng.integers(1, 6, size=2))
        args = dict(Z=rng.normal(size=(N, D)), dA=rng.normal(size=(N, D)))
        cases.append(Case(f"random, shape ({N}, {D})", args))
    return cases


relu_backward = Exercise(
    name="relu_backward",
    signature="relu_backward(Z, dA) -> dZ",
    outputs=("dZ",),
    reference=_relu_backward,
    cases=_relu_cases,
    forbidden=("nnkit.ReLU", "nnkit.activations.ReLU", *NUMERICAL),
)


def _two_layer_backward(X, Y, W1, b1, W2, b2):
    first, second = linear_layer(W1, b1), linear_layer(W2, b2)
    model, loss = Sequential(first, ReLU(), second), MSELoss()
    loss(model(X), Y)
    model.backward(loss.backward())
    return first.weight.grad, first.bias.grad, second.weight.grad, second.bias.grad


def _two_layer_cases(rng):
    cases = []
    for number in range(8):
        N, D_in, H, D_out = (int(n) for n in rng.integers(1, 6, size=4))
        X, b1 = rng.normal(size=(N, D_in)), rng.normal(size=H)
        note = f"random, N={N}, D_in={D_in}, H={H}, D_out={D_out}"
        if number == 0:
            # A zero input row and zero biases put hidden units exactly at the kink.
            X[0], b1[: H // 2 + 1] = 0.0, 0.0
            note += ", some hidden units at exactly 0"
        args = dict(
            X=X,
            Y=rng.normal(size=(N, D_out)),
            W1=rng.normal(size=(D_in, H)),
            b1=b1,
            W2=rng.normal(size=(H, D_out)),
            b2=rng.normal(size=D_out),
        )
        cases.append(Case(note, args))
    return cases


two_layer_backward = Exercise(
    name="two_layer_backward",
    signature="two_layer_backward(X, Y, W1, b1, W2, b2) -> (dW1, db1, dW2, db2)",
    outputs=("dW1", "db1", "dW2", "db2"),
    reference=_two_layer_backward,
    cases=_two_layer_cases,
    forbidden=(
        "nnkit.Sequential",
        "nnkit.sequential.Sequential",
        "nnkit.Linear",
        "nnkit.linear.Linear",
        "nnkit.MSELoss",
        "nnkit.losses.MSELoss",
        *NUMERICAL,
    ),
)
