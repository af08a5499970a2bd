"""The perceptron explorer (chapter 1): weights and bias over the logic-gate inputs."""

import numpy as np

from nnkit import plot
from nnkit.data import logic_gate
from nnkit.perceptron import Perceptron
from nnkit.widgets._explorer import Explorer, rounded

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


def _boundary(w, b):
    """The ends of the decision boundary ``w @ x + b = 0`` (w not 0) across the
    view, shape (2, 2), and the tip of the arrow for ``w`` drawn from the
    centre of the square, shape (2,)."""
    # The boundary passes through p, its point nearest the centre c of the
    # square, and runs along (-w2, w1), which is perpendicular to w.
    c = np.array([0.5, 0.5])
    p = c - (w @ c + b) / (w @ w) * w
    along = np.array([-w[1], w[0]]) / np.linalg.norm(w)
    ends = p + np.array([[-3.0], [3.0]]) * along  # long enough to cross the view
    return ends, c + 0.4 * w / np.linalg.norm(w)


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
        ends, tip = _boundary(w, b)
        ax.plot(*ends.T, color="black", linewidth=1.5, label="boundary")
        c = np.array([0.5, 0.5])
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


# The values of each slider of the perceptron explorer: -2 to 2 in steps of 0.25.
WEIGHTS = np.linspace(-2.0, 2.0, 17)


def perceptron_explorer(*, values=WEIGHTS):
    """Sliders for the weights ``w1``, ``w2`` and the bias ``b`` of a perceptron
    with two inputs, drawn as :func:`plot_perceptron` draws them: the weights
    turn the decision boundary, the bias slides it, and the title names the
    logic function of the four inputs. It starts at AND. Chapter 1.

    For every setting (``values`` for each slider: 17**3 = 4,913 of them) a
    :class:`nnkit.Perceptron` computes ``z`` and ``y_hat`` on the four inputs,
    and the boundary and the half-plane where ``y_hat = 1`` are stored.
    """
    values = [round(float(v), 4) for v in values]
    X, _ = logic_gate("and")  # the inputs (0, 0), (0, 1), (1, 0), (1, 1)
    perceptron = Perceptron(2)
    zs, outputs, regions, arrows = [], [], [], []
    for w1 in values:
        for w2 in values:
            for b in values:
                perceptron.weight[:] = w1, w2
                perceptron.bias = b
                zs.append(rounded(X @ perceptron.weight + perceptron.bias))
                outputs.append("".join(str(v) for v in perceptron.predict(X)))
                if w1 == w2 == 0:  # no boundary: the bias alone decides
                    regions.append(None)
                    arrows.append(None)
                    continue
                w = perceptron.weight
                ends, tip = _boundary(w, b)
                # The half-plane where y_hat = 1 runs from the boundary along w.
                beyond = ends + 6.0 * w / np.linalg.norm(w)
                regions.append(rounded(np.vstack([ends, beyond[::-1]])))
                arrows.append(rounded(tip))
    names = {
        "".join(map(str, key)): name.replace("$x_1$", "x₁").replace("$x_2$", "x₂")
        for key, name in GATE_NAMES.items()
    }
    data = {
        "size": len(values),
        "values": values,
        "inputs": X.astype(int).tolist(),
        "z": zs,
        "yhat": outputs,
        "region": regions,
        "arrow": arrows,
        "names": names,
    }
    controls = [
        ("w1", "w1", values, 1.0),
        ("w2", "w2", values, 1.0),
        ("b", "b", values, -1.5),
    ]
    return Explorer("perceptron", controls, data, figure=plot_perceptron)
