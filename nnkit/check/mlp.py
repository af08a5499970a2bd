"""Checks for chapter 2: a layer's forward pass, a network's, and its size.

The references are :class:`nnkit.Linear` and :class:`nnkit.Sequential`, given
the weights of each case.
"""

import numpy as np

from nnkit.activations import ReLU
from nnkit.check._exercise import Case, Exercise
from nnkit.check._vary import public_or, scale
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


def _linear_fixed(rng):
    k = scale(rng)
    return [
        Case(
            "one sample, one neuron",
            dict(
                X=np.array([[1.0, 2.0]]),
                W=k * np.array([[3.0], [-1.0]]),
                b=np.array([0.5]),
            ),
        ),
        Case(
            "square: 2 samples, 2 inputs, 2 neurons",
            dict(
                X=np.array([[1.0, 2.0], [3.0, 4.0]]),
                W=k * np.array([[1.0, -1.0], [0.0, 2.0]]),
                b=np.array([0.5, -0.5]),
            ),
            "Z = X @ W + b, one row per sample; W @ X or X @ W.T have the same "
            "shape here but other values.",
        ),
    ]


def _linear_random(rng):
    cases = []
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
    fixed=_linear_fixed,
    random=_linear_random,
    forbidden=("nnkit.Linear", "nnkit.linear.Linear"),
)


def _mlp_forward(X, W1, b1, W2, b2):
    return (Sequential(linear_layer(W1, b1), ReLU(), linear_layer(W2, b2))(X),)


def _mlp_fixed(rng):
    k = scale(rng)
    args = dict(
        X=np.array([[1.0, 2.0]]),
        W1=k * np.array([[1.0, -1.0], [1.0, -1.0]]),
        b1=np.zeros(2),
        W2=np.array([[1.0], [1.0]]),
        b2=np.array([0.5]),
    )
    return [
        Case(
            "one hidden unit below 0",
            args,
            "the hidden layer's sums are 3 and -3 (times the scale of W1); the "
            "ReLU turns -3 into 0 before the second layer.",
        )
    ]


def _mlp_random(rng):
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
    fixed=_mlp_fixed,
    random=_mlp_random,
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


def _count_fixed(rng):
    chapter = public_or(
        rng, [3, 5, 2], lambda rng: [int(n) for n in rng.integers(2, 9, 3)]
    )
    inputs = public_or(rng, 1, lambda rng: int(rng.integers(2, 10)))
    return [
        Case(
            "three layer sizes, like the 3-5-2 network of the chapter",
            dict(layer_sizes=chapter),
            "each layer from a inputs to b outputs holds a * b weights and b biases.",
        ),
        Case("a single neuron", dict(layer_sizes=[inputs, 1])),
    ]


def _count_random(rng):
    cases = []
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
    fixed=_count_fixed,
    random=_count_random,
    forbidden=(
        "nnkit.count_parameters",
        "nnkit.sequential.count_parameters",
        "nnkit.Sequential",
        "nnkit.sequential.Sequential",
        "nnkit.Linear",
        "nnkit.linear.Linear",
    ),
)
