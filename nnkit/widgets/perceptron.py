"""The perceptron explorer (chapter 1): weights and bias over the logic-gate inputs."""

import ipywidgets as widgets
import numpy as np

from nnkit import plot
from nnkit.data import logic_gate
from nnkit.perceptron import Perceptron
from nnkit.widgets._render import _explorer

# The logic function a perceptron computes, named by its outputs on the inputs
# (0, 0), (0, 1), (1, 0), (1, 1). Only 14 of the 16 possible functions are here:
# XOR (0, 1, 1, 0) and XNOR (1, 0, 0, 1) never occur, because no line puts
# their 1s on one side and their 0s on the other.
GATE_NAMES = {
    (0, 0, 0, 0): "always 0",
    (0, 0, 0, 1): "AND",
    (0, 0, 1, 0): "$x_1$ AND NOT $x_2$",
    (0, 0, 1, 1): "copy $x_1$",
    (0, 1, 0, 0): "NOT $x_1$ AND $x_2$",
    (0, 1, 0, 1): "copy $x_2$",
    (0, 1, 1, 1): "OR",
    (1, 0, 0, 0): "NOR",
    (1, 0, 1, 0): "NOT $x_2$",
    (1, 0, 1, 1): "$x_1$ OR NOT $x_2$",
    (1, 1, 0, 0): "NOT $x_1$",
    (1, 1, 0, 1): "NOT $x_1$ OR $x_2$",
    (1, 1, 1, 0): "NAND",
    (1, 1, 1, 1): "always 1",
}


def plot_perceptron(w1, w2, b, *, ax=None):
    """Draw the perceptron ``y_hat = step(w1 * x1 + w2 * x2 + b)`` on the four
    inputs of a two-input logic gate.

    The plane is shaded by the output (orange where it is 1), the black line is
    the decision boundary ``w1 * x1 + w2 * x2 + b = 0``, and the red arrow,
    drawn from the centre of the square, is the direction of ``w = (w1, w2)``:
    perpendicular to the boundary, pointing into the half where the output is
    1. The inputs (0, 0), (0, 1), (1, 0), (1, 1) are coloured by the output, a
    truth table beside the plot lists ``z`` and ``y_hat`` for each, and the
    title names the logic function. The outputs come from
    :class:`nnkit.Perceptron`, so from :func:`nnkit.activations.step`. With
    ``w = 0`` there is no boundary: the bias alone decides. Chapter 1.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = plot_perceptron(1.0, 1.0, -1.5)
    >>> ax.get_title()
    'AND:  w = (1, 1),  b = -1.5'
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    perceptron = Perceptron(2)
    perceptron.weight[:] = w1, w2
    perceptron.bias = b
    X, _ = logic_gate("and")  # the inputs (0, 0), (0, 1), (1, 0), (1, 1)
    y_hat = perceptron.predict(X)

    ax = plot._axes(ax, figsize=(6.0, 4.0))
    g = np.linspace(-0.5, 1.5, 201)
    G1, G2 = np.meshgrid(g, g)
    grid = np.column_stack([G1.ravel(), G2.ravel()])  # (201 * 201, 2)
    shade = perceptron.predict(grid).reshape(G1.shape)
    colors = plot.CLASS_COLORS[:2]  # output 0 blue, output 1 orange
    ax.contourf(G1, G2, shade, levels=[-0.5, 0.5, 1.5], colors=colors, alpha=0.25)
    w = perceptron.weight
    if np.any(w != 0):
        # The boundary passes through p, its point nearest the centre c of the
        # square, and runs along (-w2, w1), which is perpendicular to w.
        c = np.array([0.5, 0.5])
        p = c - (w @ c + b) / (w @ w) * w
        along = np.array([-w[1], w[0]]) / np.linalg.norm(w)
        ends = p + np.array([[-3.0], [3.0]]) * along  # long enough to cross the view
        ax.plot(*ends.T, color="black", linewidth=1.5, label="boundary")
        tip = c + 0.4 * w / np.linalg.norm(w)
        arrow = dict(arrowstyle="-|>", color="tab:red", linewidth=1.5)
        ax.annotate("", xy=tip, xytext=c, arrowprops=arrow)
        ax.text(*(tip + 0.05), r"$\mathbf{w}$", color="tab:red", fontsize=12)
    for k in (0, 1):
        ax.scatter(
            *X[y_hat == k].T,
            s=80,
            color=colors[k],
            edgecolor="black",
            zorder=3,
            label=rf"$\hat{{y}} = {k}$",
        )
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize="small")
    z = X @ w + b
    table = ["x1  x2      z  ŷ"]
    table += [
        f" {x1:.0f}   {x2:.0f}  {z_n:+5.2f}  {y_n}"
        for (x1, x2), z_n, y_n in zip(X, z, y_hat, strict=True)
    ]
    ax.text(
        1.05,
        0.62,
        "\n".join(table),
        transform=ax.transAxes,
        family="monospace",
        va="top",
        bbox=dict(boxstyle="round", facecolor="white", edgecolor="0.8"),
    )
    name = GATE_NAMES[tuple(int(v) for v in y_hat)]
    ax.set(
        xlim=(-0.5, 1.5),
        ylim=(-0.5, 1.5),
        aspect="equal",
        xticks=[0, 1],
        yticks=[0, 1],
        xlabel="$x_1$",
        ylabel="$x_2$",
        title=f"{name}:  w = ({w[0]:g}, {w[1]:g}),  b = {b:g}",
    )
    ax.grid(False)
    return ax


def perceptron_explorer():
    """Sliders for the weights ``w1``, ``w2`` and the bias ``b`` of a perceptron
    with two inputs, redrawing :func:`plot_perceptron`: the weights turn the
    decision boundary, the bias slides it, and the title names the logic
    function of the four inputs. It starts at AND. Chapter 1."""
    sliders = [
        widgets.FloatSlider(value=value, min=-2.0, max=2.0, step=0.1, description=name)
        for name, value in (("w1", 1.0), ("w2", 1.0), ("b", -1.5))
    ]
    w1, w2, b = sliders
    return _explorer(
        sliders, lambda: plot_perceptron(w1.value, w2.value, b.value).figure
    )
