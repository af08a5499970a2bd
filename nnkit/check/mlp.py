"""Checks for chapter 2: a layer's forward pass, a network's, and its size.

The references are :class:`nnkit.Linear` and :class:`nnkit.Sequential`, given
the weights of each case.
"""

import numpy as np

from nnkit.activations import ReLU
from nnkit.check._exercise import Case, Exercise
from nnkit.linear import Linear
from nnkit.sequential import Sequential, count_parameters


def linear_layer(W, b):
    """An nnkit Linear layer holding the weights ``W`` and the bias ``b``."""
    layer = Linear(W.shape[0], W.shape[1], rng=np.random.default_rng(0))
    layer.weight.data = np.array(W, dtype=np.float64)
    layer.bias.data = np.array(b, dtype=np.float64)
    return layer


def _sizes(rng):
    """Random (N, D_in, D_out); 1 is included, the edge of every size."""
    return (int(n) for n in rng.integers(1, 6, size=3))


def _linear_forward(X, W, b):
    return (linear_layer(W, b)(X),)


def _linear_cases(rng):
    cases = [
        Case(
            "one sample, one neuron",
            dict(
                X=np.array([[1.0, 2.0]]), W=np.array([[3.0], [-1.0]]), b=np.array([0.5])
            ),
        )
    ]
    for _ in range(8):
        N, D_in, D_out = _sizes(rng)
        args = dict(
            X=rng.normal(size=(N, D_in)),
            W=rng.normal(size=(D_in, D_out)),
            b=rng.normal(size=D_out),
        )
        cases.append(Case(f"random, N={N}, D_in={D_in}, D_out={D_out}", args))
    return cases


linear_forward = Exercise(
    name="linear_forward",
    signature="linear_forward(X, W, b) -> Z",
    outputs=("Z",),
    reference=_linear_forward,
    cases=_linear_cases,
    forbidden=("nnkit.Linear", "nnkit.linear.Linear"),
)


def _mlp_forward(X, W1, b1, W2, b2):
    return (Sequential(linear_layer(W1, b1), ReLU(), linear_layer(W2, b2))(X),)


def _mlp_cases(rng):
    cases = []
    for _ in range(8):
        N, D_in, H = _sizes(rng)
        D_out = int(rng.integers(1, 4))
        args = dict(
            X=rng.normal(size=(N, D_in)),
            W1=rng.normal(size=(D_in, H)),
            b1=rng.normal(size=H),
            W2=rng.normal(size=(H, D_out)),
            b2=rng.normal(size=D_out),
        )
        cases.append(Case(f"random, N={N}, D_in={D_in}, H={H}, D_out={D_out}", args))
    return cases


mlp_forward = Exercise(
    name="mlp_forward",
    signature="mlp_forward(X, W1, b1, W2, b2) -> A2",
    outputs=("A2",),
    reference=_mlp_forward,
    cases=_mlp_cases,
    forbidden=(
        "nnkit.Sequential",
        "nnkit.sequential.Sequential",
        "nnkit.Linear",
        "nnkit.linear.Linear",
    ),
)


def _count(layer_sizes):
    rng = np.random.default_rng(0)
    layers = [
        Linear(a, b, rng=rng)
        for a, b in zip(layer_sizes[:-1], layer_sizes[1:], strict=True)
    ]
    return (count_parameters(Sequential(*layers)),)


def _count_cases(rng):
    cases = [
        Case("the 3-5-2 network of the chapter", dict(layer_sizes=[3, 5, 2])),
        Case("a single neuron with one input", dict(layer_sizes=[1, 1])),
    ]
    for _ in range(6):
        depth = int(rng.integers(2, 6))
        sizes = [int(n) for n in rng.integers(1, 100, size=depth)]
        cases.append(Case(f"{depth - 1} random layers", dict(layer_sizes=sizes)))
    return cases


count_mlp_parameters = Exercise(
    name="count_mlp_parameters",
    signature="count_mlp_parameters(layer_sizes) -> count",
    outputs=("count",),
    reference=_count,
    cases=_count_cases,
    forbidden=(
        "nnkit.count_parameters",
        "nnkit.sequential.count_parameters",
        "nnkit.Sequential",
        "nnkit.sequential.Sequential",
        "nnkit.Linear",
        "nnkit.linear.Linear",
    ),
)
