"""The activation-function explorer (chapter 3)."""

from functools import partial

import matplotlib.pyplot as plt
import numpy as np

from nnkit import plot
from nnkit.activations import (
    leaky_relu,
    leaky_relu_derivative,
    relu,
    relu_derivative,
    sigmoid,
    sigmoid_derivative,
    step,
    tanh_derivative,
)
from nnkit.widgets._explorer import Explorer, rounded

# The explorer's functions: name -> (activation, derivative). The leaky ReLU
# also takes the slope for z < 0, which the explorer's slider sets.
ACTIVATIONS = {
    "step": (step, np.zeros_like),
    "sigmoid": (sigmoid, sigmoid_derivative),
    "tanh": (np.tanh, tanh_derivative),
    "ReLU": (relu, relu_derivative),
    "leaky ReLU": (leaky_relu, leaky_relu_derivative),
}


# The leaky slopes of the explorer's slider: 0 to 0.5 in steps of 0.01.
SLOPES = np.linspace(0.0, 0.5, 51)


def activation_explorer(*, slopes=SLOPES):
    """Pick an activation and see it with its derivative; a slider sets the
    leaky ReLU's slope for ``z < 0``. Chapter 3.

    Every curve is computed here, by the functions of :mod:`nnkit.activations`
    on 121 points of ``z`` in [-3, 3] (the leaky ReLU once per slope); the
    browser only draws them.
    """
    z = np.linspace(-3.0, 3.0, 121)  # steps of 0.05: z = 0 and z = 1 are on it
    slopes = [round(float(s), 4) for s in slopes]
    functions = []
    for name, (fn, derivative) in ACTIVATIONS.items():
        if fn is leaky_relu:
            by_slope = [
                {
                    "f": rounded(fn(z, negative_slope=s)),
                    "df": rounded(derivative(z, negative_slope=s)),
                }
                for s in slopes
            ]
            functions.append({"name": name, "by_slope": by_slope})
        else:
            functions.append(
                {"name": name, "f": rounded(fn(z)), "df": rounded(derivative(z))}
            )
    data = {
        "z": rounded(z),
        "xlim": [-3.0, 3.0],
        "ylim": [-1.2, 3.2],  # the same scale for every choice
        "functions": functions,
    }
    controls = [
        ("activation", "activation", list(ACTIVATIONS), "sigmoid"),
        ("slope", "leaky slope", slopes, 0.1),
    ]
    return Explorer(
        "activation", controls, data, menus=("activation",), figure=_plot_choice
    )


def _plot_choice(activation, slope):
    """The explorer's picture with matplotlib: one activation and its derivative."""
    fn, derivative = ACTIVATIONS[activation]
    if fn is leaky_relu:
        fn = partial(fn, negative_slope=slope)
        derivative = partial(derivative, negative_slope=slope)
    _, ax = plt.subplots(figsize=(6.0, 4.0), layout="constrained")
    plot.activation(
        fn, derivative, z=np.linspace(-3.0, 3.0, 121), ax=ax, name=activation
    )
    ax.set_ylim(-1.2, 3.2)
    return ax
