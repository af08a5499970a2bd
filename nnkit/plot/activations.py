"""Figures of activation functions and their derivatives (chapter 3).

The curves come from :mod:`nnkit.activations`: no formula is written twice.
"""

from functools import partial

import matplotlib.pyplot as plt
import numpy as np

from nnkit._checks import as_float_array, check_ndim
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
from nnkit.plot.helpers import get_axes


def activation(fn, derivative=None, *, z=None, ax=None, name=None):
    """Plot an activation ``A = fn(z)`` and, if given, its derivative ``fn'(z)``.

    ``z`` defaults to 401 points in [-5, 5]; ``name`` (default
    ``fn.__name__``) labels the curves and titles the plot. Chapter 3.

    Returns
    -------
    matplotlib.axes.Axes
    """
    z = np.linspace(-5.0, 5.0, 401) if z is None else z
    z = as_float_array(z, owner="activation", name="z")
    check_ndim(z, 1, owner="activation", name="z", layout="(M,)")
    name = name or getattr(fn, "__name__", "f")
    ax = get_axes(ax)
    ax.axhline(0.0, color="0.6", linewidth=0.8)
    ax.axvline(0.0, color="0.6", linewidth=0.8)
    ax.plot(z, fn(z), label=f"{name}(z)", linewidth=2)
    if derivative is not None:
        ax.plot(z, derivative(z), "--", label=f"{name}'(z)", linewidth=2)
    ax.set(xlabel="z", ylabel="value", title=name)
    ax.legend(loc="upper left")
    return ax


def activation_grid(*, negative_slope=0.1, z=None):
    """Each activation of chapter 3 in its own panel, with its derivative.

    Identity, step, sigmoid, tanh, ReLU and leaky ReLU (slope
    ``negative_slope`` for ``z < 0``). The step's derivative is 0 wherever it
    exists, so no gradient flows through it. Returns the Figure.
    """
    panels = [
        ("identity", lambda Z: Z, np.ones_like),
        ("step", step, np.zeros_like),
        ("sigmoid", sigmoid, sigmoid_derivative),
        ("tanh", np.tanh, tanh_derivative),
        ("relu", relu, relu_derivative),
        (
            "leaky_relu",
            partial(leaky_relu, negative_slope=negative_slope),
            partial(leaky_relu_derivative, negative_slope=negative_slope),
        ),
    ]
    fig, axes = plt.subplots(2, 3, figsize=(10.5, 6.4), layout="constrained")
    for ax, (name, fn, derivative) in zip(axes.ravel(), panels, strict=True):
        activation(fn, derivative, z=z, ax=ax, name=name)
        ax.legend(loc="upper left", fontsize="small")
    return fig
