"""The activation-function explorer (chapter 3)."""

from functools import partial

import ipywidgets as widgets
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
from nnkit.widgets._render import _explorer


def activation_explorer():
    """Pick an activation and see it with its derivative; a slider sets the
    leaky ReLU's slope for ``z < 0``. Chapter 3."""
    choice = widgets.Dropdown(
        options=[
            ("step", (step, np.zeros_like)),
            ("sigmoid", (sigmoid, sigmoid_derivative)),
            ("tanh", (np.tanh, tanh_derivative)),
            ("ReLU", (relu, relu_derivative)),
            ("leaky ReLU", (leaky_relu, leaky_relu_derivative)),
        ],
        value=(sigmoid, sigmoid_derivative),
        description="activation",
    )
    slope = widgets.FloatSlider(
        value=0.1, min=0.0, max=0.5, step=0.01, description="leaky slope"
    )

    def draw():
        fn, derivative = choice.value
        slope.disabled = fn is not leaky_relu
        if fn is leaky_relu:
            fn = partial(leaky_relu, negative_slope=slope.value)
            derivative = partial(leaky_relu_derivative, negative_slope=slope.value)
        z = np.linspace(-3.0, 3.0, 301)
        ax = plot.activation(fn, derivative, z=z, name=choice.label)
        ax.set_ylim(-1.2, 3.2)  # the same scale for every choice
        return ax.figure

    return _explorer([choice, slope], draw)
