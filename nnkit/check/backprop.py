"""Checks for chapter 5: the backward pass of a layer and of a 2-layer network.

The references run nnkit's own modules forward and backward: :class:`nnkit.Linear`,
:class:`nnkit.ReLU` and, for the network, ``Linear -> ReLU -> Linear`` with
:class:`nnkit.MSELoss`. A wrong gradient is reported by its name and index,
say ``dW1[2, 0]``.
"""

import numpy as np

from nnkit.activations import ReLU
from nnkit.check._exercise import Case, Exercise
from nnkit.check._vary import scale, shuffled
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


def _linear_fixed(rng):
    k = scale(rng)
    args = dict(
        X=np.array([[1.0, 2.0, 0.0], [-1.0, 0.0, 3.0]]),
        W=np.array([[1.0, 0.0, 1.0], [2.0, -1.0, 0.0], [0.0, 1.0, -1.0]]),
        dZ=k * np.array([[1.0, -1.0, 0.5], [2.0, 0.5, 1.0]]),
    )
    return [
        Case(
            "2 samples, 3 inputs, 3 outputs",
            args,
            "dX = dZ @ W.T has X's shape, dW = X.T @ dZ has W's shape, and "
            "db = dZ.sum(axis=0) adds up the samples (a sum, not a mean).",
        )
    ]


def _linear_random(rng):
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
    fixed=_linear_fixed,
    random=_linear_random,
    forbidden=("nnkit.Linear", "nnkit.linear.Linear", *NUMERICAL),
)


def _relu_backward(Z, dA):
    relu = ReLU()
    relu(Z)
    return (relu.backward(dA),)


def _relu_fixed(rng):
    # The grader shuffles the columns: each case still has its zeros.
    Z, dA = shuffled(rng, np.array([-2.0, -0.0, 0.0, 3.0]), np.arange(1.0, 5.0))
    Z, dA = Z[np.newaxis, :], scale(rng) * dA[np.newaxis, :]
    return [
        Case(
            "the kink at 0 passes no gradient",
            dict(Z=Z, dA=dA),
            "dZ = dA where Z > 0, and 0 elsewhere, at Z = 0 too.",
        )
    ]


def _relu_random(rng):
    cases = []
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
    fixed=_relu_fixed,
    random=_relu_random,
    forbidden=("nnkit.ReLU", "nnkit.activations.ReLU", *NUMERICAL),
)


def _two_layer_backward(X, Y, W1, b1, W2, b2):
    first, second = linear_layer(W1, b1), linear_layer(W2, b2)
    model, loss = Sequential(first, ReLU(), second), MSELoss()
    loss(model(X), Y)
    model.backward(loss.backward())
    return first.weight.grad, first.bias.grad, second.weight.grad, second.bias.grad


def _two_layer_args(rng, N, D_in, H, D_out):
    return dict(
        X=rng.normal(size=(N, D_in)),
        Y=rng.normal(size=(N, D_out)),
        W1=rng.normal(size=(D_in, H)),
        b1=rng.normal(size=H),
        W2=rng.normal(size=(H, D_out)),
        b2=rng.normal(size=D_out),
    )


def _two_layer_fixed(rng):
    # The public case is drawn from a generator of its own, so it is the same
    # whatever the seed; the grader draws it from its own generator.
    draw = np.random.default_rng(2024) if rng is None else rng
    args = _two_layer_args(draw, 3, 2, 4, 2)
    # A zero input row and zero biases put hidden units exactly at the kink.
    args["X"][0], args["b1"][:3] = 0.0, 0.0
    return [
        Case(
            "N=3, D_in=2, H=4, D_out=2, some hidden units at exactly 0",
            args,
            "the loss is the mean over all N * D_out values, so the gradient "
            "starts from dZ2 = 2 * (Z2 - Y) / Z2.size; and the ReLU passes no "
            "gradient where Z1 is exactly 0.",
        )
    ]


def _two_layer_random(rng):
    cases = []
    for _ in range(7):
        N, D_in, H, D_out = (int(n) for n in rng.integers(1, 6, size=4))
        note = f"random, N={N}, D_in={D_in}, H={H}, D_out={D_out}"
        cases.append(Case(note, _two_layer_args(rng, N, D_in, H, D_out)))
    return cases


two_layer_backward = Exercise(
    name="two_layer_backward",
    signature="two_layer_backward(X, Y, W1, b1, W2, b2) -> (dW1, db1, dW2, db2)",
    outputs=("dW1", "db1", "dW2", "db2"),
    reference=_two_layer_backward,
    fixed=_two_layer_fixed,
    random=_two_layer_random,
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
