"""Checks for chapter 3: activation functions and their derivatives.

The references are the functions of :mod:`nnkit.activations`. Besides random
inputs of random shapes, every check tries the edges: 0 (the kink of the
ReLU), and inputs as large as +-1000, where a careless ``exp`` overflows.
"""

import numpy as np

from nnkit import activations
from nnkit.check._exercise import Case, Exercise

EDGES = np.array([-1000.0, -40.0, -1.0, -0.0, 0.0, 1e-8, 1.0, 40.0, 1000.0])


def _elementwise_cases(rng):
    """Edge values, then random arrays of 1 or 2 dimensions and random sizes."""
    cases = [
        Case("edge values, from -1000 to 1000", dict(Z=EDGES.copy())),
        Case("edge values as a (3, 3) batch", dict(Z=EDGES.reshape(3, 3))),
    ]
    for _ in range(6):
        shape = tuple(int(n) for n in rng.integers(1, 6, size=rng.integers(1, 3)))
        Z = rng.normal(scale=3.0, size=shape)
        cases.append(Case(f"random, shape {shape}", dict(Z=Z)))
    return cases


def _elementwise(name, function, output, forbidden):
    """The exercise of one elementwise function, ``output = name(Z)``."""
    return Exercise(
        name=name,
        signature=f"{name}(Z) -> {output}",
        outputs=(output,),
        reference=lambda Z: (function(Z),),
        cases=_elementwise_cases,
        forbidden=forbidden,
    )


sigmoid = _elementwise(
    "sigmoid",
    activations.sigmoid,
    "A",
    (
        "nnkit.sigmoid",
        "nnkit.activations.sigmoid",
        "nnkit.Sigmoid",
        "nnkit.activations.Sigmoid",
    ),
)
sigmoid_derivative = _elementwise(
    "sigmoid_derivative",
    activations.sigmoid_derivative,
    "dA_dZ",
    (
        "nnkit.activations.sigmoid_derivative",
        "nnkit.Sigmoid",
        "nnkit.activations.Sigmoid",
    ),
)
relu = _elementwise(
    "relu",
    activations.relu,
    "A",
    ("nnkit.relu", "nnkit.activations.relu", "nnkit.ReLU", "nnkit.activations.ReLU"),
)
relu_derivative = _elementwise(
    "relu_derivative",
    activations.relu_derivative,
    "dA_dZ",
    ("nnkit.activations.relu_derivative", "nnkit.ReLU", "nnkit.activations.ReLU"),
)


def _softmax_cases(rng):
    cases = [
        Case("huge equal logits", dict(Z=np.array([[1000.0, 1000.0, 999.0]]))),
        Case("logits far apart", dict(Z=np.array([[-1000.0, 0.0, 1000.0]]))),
        Case("a single class", dict(Z=np.array([[3.0], [-2.0]]))),
    ]
    for _ in range(6):
        N, C = (int(n) for n in rng.integers(1, 6, size=2))
        Z = rng.normal(scale=3.0, size=(N, C))
        cases.append(Case(f"random, N={N}, C={C}", dict(Z=Z)))
    return cases


softmax = Exercise(
    name="softmax",
    signature="softmax(Z) -> A",
    outputs=("A",),
    reference=lambda Z: (activations.softmax(Z),),
    cases=_softmax_cases,
    forbidden=(
        "nnkit.softmax",
        "nnkit.activations.softmax",
        "nnkit.Softmax",
        "nnkit.activations.Softmax",
    ),
)
