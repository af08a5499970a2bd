"""Interactive explorers for the book (ipywidgets), and their static twins.

Each explorer returns a widget: controls above an image of the figure. Every
change of a control redraws the figure with a static function from this
module or from :mod:`nnkit.plot`, and the book shows that static function
with fixed settings next to the widget, so the website and nbval have a
figure that never changes.

==============================  ==========================================
explorer                        static twin
==============================  ==========================================
``perceptron_explorer()``       ``plot_perceptron(w1, w2, b)``
``activation_explorer()``       ``plot.activation``, ``plot.activation_grid``
``learning_rate_explorer()``    ``plot_gradient_descent_1d(lr, steps)``
``width_explorer(X, y)``        ``plot_widths(X, y, widths)``
``threshold_explorer(y, s)``    ``plot_threshold(y, s, threshold)``
``precision_explorer()``        ``plot_precision(dtype_name, loss_scale)``
==============================  ==========================================

The figure is drawn off screen and shown as a PNG in an ``Image`` widget, then
closed: no figure stays open, nothing is printed, and the widget works (and
can be tested) without a notebook front end. Its text output is the same on
every run, so strict nbval passes a cell that shows an explorer; the website
shows the image saved with the notebook's widget state.
"""

import io
import warnings
from functools import partial

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from nnkit import metrics, plot
from nnkit._checks import as_float_array, check_count, check_positive
from nnkit.activations import (
    Tanh,
    leaky_relu,
    leaky_relu_derivative,
    relu,
    relu_derivative,
    sigmoid,
    sigmoid_derivative,
    step,
    tanh_derivative,
)
from nnkit.data import logic_gate
from nnkit.linear import Linear
from nnkit.losses import CrossEntropyLoss
from nnkit.optim import Adam
from nnkit.perceptron import Perceptron
from nnkit.sequential import Sequential


def _show(image, fig):
    """Put ``fig`` into the Image widget ``image`` as a PNG, then close it."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")  # our figures use constrained layout
    plt.close(fig)
    image.value = buffer.getvalue()


def _explorer(controls, draw):
    """Controls above an Image redrawn by ``draw()`` (which returns a Figure)
    now and whenever a control's value changes."""
    image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))

    def update(change=None):
        _show(image, draw())

    for control in controls:
        control.observe(update, names="value")
    update()
    return widgets.VBox([widgets.HBox(controls), image])


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


def quadratic(w):
    """``L(w) = (w - 2)**2``: one minimum at w = 2, curvature ``L'' = 2``."""
    return (w - 2.0) ** 2


def quadratic_grad(w):
    """``L'(w) = 2 * (w - 2)``."""
    return 2.0 * (w - 2.0)


def double_well(w):
    """``L(w) = w**4 - 3 * w**2 + w``: a local minimum near w = 1.13 and the
    global one near w = -1.30."""
    return w**4 - 3.0 * w**2 + w


def double_well_grad(w):
    """``L'(w) = 4 * w**3 - 6 * w + 1``."""
    return 4.0 * w**3 - 6.0 * w + 1.0


def gradient_descent_1d(grad, w0, lr, steps):
    """Run ``w = w - lr * grad(w)`` for ``steps`` steps from ``w0``.

    Returns
    -------
    ws : ndarray, shape (steps + 1,)
        ``ws[0] = w0`` and ``ws[t + 1] = ws[t] - lr * grad(ws[t])``. A run that
        diverges ends in ``inf`` or ``nan``; nothing is printed about it.

    Notes
    -----
    On ``L(w) = (w - 2)**2`` one step multiplies the distance to the minimum
    by ``1 - 2 * lr``: it shrinks for ``lr < 1 = 2 / L''`` and grows beyond.
    Chapter 6.

    >>> gradient_descent_1d(quadratic_grad, w0=0.0, lr=0.25, steps=3)
    array([0.  , 1.  , 1.5 , 1.75])
    """
    check_count(steps, owner="gradient_descent_1d", name="steps")
    check_positive(lr, owner="gradient_descent_1d", name="lr")
    ws = np.empty(steps + 1)
    ws[0] = w0
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(steps):
            ws[t + 1] = ws[t] - lr * grad(ws[t])
    return ws


def plot_gradient_descent_1d(
    lr,
    steps,
    *,
    w0=-1.0,
    loss=quadratic,
    grad=quadratic_grad,
    window=(-2.0, 6.0),
    ax=None,
):
    """Draw the path of gradient descent on a 1-D loss ``loss(w)``.

    The curve is drawn over ``window``; the points ``(w_t, L(w_t))`` of
    :func:`gradient_descent_1d` go from light to dark. Chapter 6.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ws = gradient_descent_1d(grad, w0, lr, steps)
    w = np.linspace(*window, 400)
    ax = plot._axes(ax)
    ax.plot(w, loss(w), color="0.3", label="L(w)")
    inside = np.isfinite(ws) & (ws >= window[0]) & (ws <= window[1])
    with np.errstate(over="ignore", invalid="ignore"):
        path = loss(ws)
    ax.plot(ws, path, "-", color="tab:orange", linewidth=1, zorder=2)
    ax.scatter(
        ws[inside],
        path[inside],
        c=np.arange(len(ws))[inside],
        zorder=3,
        cmap="Oranges",
        vmin=-steps / 3,
        vmax=steps,
        edgecolor="black",
        linewidth=0.4,
        label=f"$w_t$, t = 0..{steps}",
    )
    ax.plot(ws[0], path[0], "s", color="tab:blue", zorder=4, label=f"$w_0$ = {w0:g}")
    last = f"$w_{{{steps}}}$"
    if inside[-1]:
        outcome = f"{last} = {ws[-1]:.3f}"
    else:
        outcome = f"{last} = {ws[-1]:.3g}, off the plot"
    curve = loss(w)
    top = curve.max()
    ax.set(
        xlim=window,
        ylim=(curve.min() - 0.05 * top, 1.05 * top),
        xlabel="w",
        ylabel="L(w)",
        title=f"lr = {lr:g}: {outcome}",
    )
    ax.legend(loc="upper center", fontsize="small", framealpha=0.95)
    return ax


def learning_rate_explorer():
    """Sliders for the learning rate, the number of steps and the start ``w0``
    of gradient descent on a 1-D loss: too small a rate crawls, too large a
    rate overshoots and, past ``2 / L''``, diverges. Chapter 6."""
    curve = widgets.Dropdown(
        options=[
            ("(w - 2)²", (quadratic, quadratic_grad, (-2.0, 6.0))),
            ("w⁴ - 3w² + w", (double_well, double_well_grad, (-2.2, 2.2))),
        ],
        description="loss",
    )
    lr = widgets.FloatLogSlider(
        value=0.1,
        base=10,
        min=-3,
        max=0.2,
        step=0.05,
        description="lr",
        readout_format=".3f",
    )
    steps = widgets.IntSlider(value=10, min=1, max=50, description="steps")
    w0 = widgets.FloatSlider(value=-1.0, min=-2.0, max=2.0, step=0.1, description="w0")

    def draw():
        loss, grad, window = curve.value
        ax = plot_gradient_descent_1d(
            lr.value, steps.value, w0=w0.value, loss=loss, grad=grad, window=window
        )
        return ax.figure

    return _explorer([curve, lr, steps, w0], draw)


def train_mlp(X, y, width, *, epochs=300, lr=0.05, rng):
    """Train ``Linear(D_in, width) -> Tanh -> Linear(width, C)`` on all of
    ``X`` (N, D_in), labels ``y`` (N,) in [0, C), with Adam and cross-entropy.

    Every epoch is one full-batch step of the training loop of chapter 6.
    Returns the trained ``Sequential``, whose output is C logits per row.
    """
    check_count(width, owner="train_mlp", name="width")
    C = int(np.max(y)) + 1
    model = Sequential(
        Linear(X.shape[1], width, rng=rng), Tanh(), Linear(width, C, rng=rng)
    )
    loss_fn = CrossEntropyLoss()
    optimizer = Adam(model.parameters(), lr=lr)
    for _ in range(epochs):
        optimizer.zero_grad()
        loss_fn(model(X), y)
        model.backward(loss_fn.backward())
        optimizer.step()
    return model


def _draw_boundary(model, X, y, width, ax=None):
    """The decision boundary of a trained ``model``, titled with its accuracy."""
    accuracy = metrics.accuracy(y, model(X).argmax(axis=1))
    title = f"width {width}: training accuracy {accuracy:.2f}"
    return plot.decision_boundary(
        lambda P: model(P).argmax(axis=1), X, y, ax=ax, resolution=150, title=title
    )


def plot_widths(X, y, widths=(1, 3, 16), *, epochs=300, lr=0.05, seed=0):
    """One decision boundary per hidden-layer width, side by side; returns the
    Figure. Each network starts from ``np.random.default_rng(seed)``."""
    X, y = plot._points(X, y, owner="plot_widths")
    size = (4.2 * len(widths), 3.8)
    fig, axes = plt.subplots(1, len(widths), figsize=size, layout="constrained")
    for ax, width in zip(np.atleast_1d(axes), widths, strict=True):
        rng = np.random.default_rng(seed)
        model = train_mlp(X, y, width, epochs=epochs, lr=lr, rng=rng)
        _draw_boundary(model, X, y, width, ax=ax)
    return fig


def width_explorer(
    X, y, *, widths=(1, 2, 3, 4, 8, 16, 32), epochs=300, lr=0.05, seed=0
):
    """A slider for the width of the hidden layer of a 2-layer network, showing
    the decision boundary it learns on ``X`` (N, 2), labels ``y`` (N,).

    Each width is trained once, from ``np.random.default_rng(seed)``, as in
    :func:`plot_widths`, and the trained networks are kept in ``models``.
    """
    X, y = plot._points(X, y, owner="width_explorer")
    width = widgets.SelectionSlider(
        options=list(widths), value=widths[len(widths) // 2], description="width"
    )
    models = {}

    def draw():
        if width.value not in models:
            rng = np.random.default_rng(seed)
            models[width.value] = train_mlp(
                X, y, width.value, epochs=epochs, lr=lr, rng=rng
            )
        return _draw_boundary(models[width.value], X, y, width.value).figure

    explorer = _explorer([width], draw)
    explorer.models = models
    return explorer


def plot_threshold(y_true, y_score, threshold):
    """Predict 1 where ``y_score >= threshold``: the score histograms, the
    confusion matrix, and where that rule sits on the ROC curve.

    Parameters
    ----------
    y_true : array_like, shape (N,)
        Labels 0 and 1, both present.
    y_score : array_like, shape (N,)
        Scores, higher meaning "more likely 1" (probabilities or logits).
    threshold : float

    Returns
    -------
    matplotlib.figure.Figure
        Three panels; chapter 8.
    """
    fpr, tpr, _ = metrics.roc_curve(y_true, y_score)  # checks y_true and y_score
    y_true, y_score = np.asarray(y_true), np.asarray(y_score, dtype=float)
    if not np.isin([0, 1], y_true).all():
        raise ValueError(
            "plot_threshold: y_true must contain both classes, 0 and 1, got "
            f"{np.unique(y_true).tolist()}."
        )
    y_pred = (y_score >= threshold).astype(np.int64)
    cm = metrics.confusion_matrix(y_true, y_pred, labels=np.array([0, 1]))
    with warnings.catch_warnings():  # no positive prediction: precision undefined
        warnings.simplefilter("ignore", metrics.UndefinedMetricWarning)
        p = metrics.precision(y_true, y_pred, zero_division=np.nan)
    r = metrics.recall(y_true, y_pred)
    (tn, fp), (fn, tp) = cm
    point = (fp / (fp + tn), tp / (tp + fn))  # (FPR, TPR): this rule's ROC point

    fig, (hist, matrix, roc) = plt.subplots(
        1, 3, figsize=(13.5, 3.9), layout="constrained"
    )
    bins = np.linspace(y_score.min(), y_score.max(), 26)
    for c, name in ((0, "negative"), (1, "positive")):
        hist.hist(y_score[y_true == c], bins=bins, alpha=0.6, label=f"{c} ({name})")
    hist.axvline(threshold, color="black", linestyle="--", label="threshold")
    hist.set(xlabel="score", ylabel="count", title="Scores by true class")
    hist.legend(fontsize="small")
    plot.confusion_matrix(cm, ax=matrix)
    matrix.set_title(f"Predict 1 if score >= {threshold:.2f}")
    plot.roc_curve(fpr, tpr, auc=metrics.roc_auc_score(y_true, y_score), ax=roc)
    precision_text = "undefined" if np.isnan(p) else f"{p:.2f}"
    roc.plot(
        *point,
        "o",
        color="black",
        markersize=8,
        label=f"threshold {threshold:.2f}",
    )
    roc.set_title(f"precision {precision_text}, recall {r:.2f}")
    roc.legend(loc="lower right", fontsize="small")
    return fig


def threshold_explorer(y_true, y_score):
    """A slider for the decision threshold of a binary classifier, redrawing
    :func:`plot_threshold`: the confusion matrix, precision, recall and the
    point on the ROC curve. Chapter 8."""
    scores = as_float_array(y_score, owner="threshold_explorer", name="y_score")
    low, high = float(scores.min()), float(scores.max())
    threshold = widgets.FloatSlider(
        value=min(max(0.5, low), high),
        min=low,
        max=max(high, low + 1e-6),
        step=(high - low) / 100 or 0.01,
        description="threshold",
        readout_format=".2f",
        continuous_update=False,
    )
    return _explorer(
        [threshold], lambda: plot_threshold(y_true, y_score, threshold.value)
    )


def _limits(info):
    """(smallest subnormal, smallest normal, largest finite) of an ``np.finfo``."""
    return float(info.smallest_subnormal), float(info.smallest_normal), float(info.max)


# The limits of the number formats of mixed precision. bfloat16, which NumPy
# lacks, has float32's 8 exponent bits but only 7 stored fraction bits: the same
# smallest normal 2**-126 as float32, subnormals down to 2**-133 and a largest
# value of (2 - 2**-7) * 2**127, about 9.18e-41, 1.18e-38 and 3.39e38.
FLOAT_FORMATS = {
    "float16": _limits(np.finfo(np.float16)),
    "bfloat16": (2.0**-133, 2.0**-126, (2.0 - 2.0**-7) * 2.0**127),
    "float32": _limits(np.finfo(np.float32)),
}


def _format_limits(dtype_name, *, owner):
    """The limits of the format ``dtype_name``, or a clear error."""
    if dtype_name not in FLOAT_FORMATS:
        raise ValueError(
            f"{owner}: dtype_name must be one of {sorted(FLOAT_FORMATS)}, got "
            f"{dtype_name!r}."
        )
    return FLOAT_FORMATS[dtype_name]


def _lost(values, dtype_name, *, owner):
    """Masks of the entries of ``values`` that round to 0 and to infinity."""
    subnormal, _, largest = _format_limits(dtype_name, owner=owner)
    size = np.abs(as_float_array(values, owner=owner, name="values"))
    if size.size == 0:
        raise ValueError(f"{owner}: values is empty; pass at least one number.")
    # Rounding is to the nearest number of the format, ties to the even one.
    # Up to half the smallest subnormal, the nearest is 0. From halfway between
    # the largest finite number and the next power of two (the first number
    # too large to store), the result is infinity.
    to_zero = (size > 0) & (size <= subnormal / 2)
    too_large = 2.0 ** np.ceil(np.log2(largest))
    to_inf = size >= (largest + too_large) / 2
    return to_zero, to_inf


def representable_fraction(values, dtype_name):
    """What storing ``values`` in a number format loses: the fraction of them
    that underflows to 0 and the fraction that overflows to infinity.

    Parameters
    ----------
    values : array_like, any shape
        Finite real numbers, e.g. gradients times a loss scale.
    dtype_name : {"float16", "bfloat16", "float32"}

    Returns
    -------
    underflow : float
        The fraction of ``values`` that are not 0 but round to 0.
    overflow : float
        The fraction that round to plus or minus infinity.

    Notes
    -----
    Each value is rounded to the nearest number of the format, as a cast
    such as ``values.astype(np.float16)`` does, without making the cast:
    NumPy has no bfloat16. Numbers between the smallest subnormal and the
    smallest normal value are kept, but with fewer significant bits.
    Chapter 9.

    Examples
    --------
    >>> representable_fraction([1e-8, 0.5, 1e5, 2e5], "float16")
    (0.25, 0.5)
    >>> representable_fraction([1e-8, 0.5, 1e5, 2e5], "bfloat16")
    (0.0, 0.0)
    """
    to_zero, to_inf = _lost(values, dtype_name, owner="representable_fraction")
    return float(to_zero.mean()), float(to_inf.mean())


def example_gradients():
    """10,000 gradient magnitudes spread evenly on a log scale from 1e-10 to 1e2,
    drawn from ``np.random.default_rng(0)``: the same on every call."""
    rng = np.random.default_rng(0)
    return 10.0 ** rng.uniform(-10.0, 2.0, size=10_000)


def plot_precision(dtype_name, loss_scale, *, ax=None):
    """Histogram of :func:`example_gradients` times the loss scale ``S``, against
    the range of the number format ``dtype_name``.

    Bars are red where a gradient underflows to 0 and purple where it
    overflows; the grey band holds the subnormal numbers. The title gives
    both fractions, from :func:`representable_fraction`. Chapter 9.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = plot_precision("float16", 1)
    >>> ax.get_title()
    'float16, S = 1: 21.0% round to 0, 0.0% to inf'
    >>> plt.close(ax.figure)
    """
    owner = "plot_precision"
    check_positive(loss_scale, owner=owner, name="loss_scale")
    subnormal, normal, largest = _format_limits(dtype_name, owner=owner)
    gradients = example_gradients()
    to_zero, to_inf = _lost(loss_scale * gradients, dtype_name, owner=owner)
    kept = ~(to_zero | to_inf)
    x = np.log10(loss_scale * gradients)
    limits = np.log10([subnormal, normal, largest])
    # Quarter-decade bins over the format's range and the gradients times any S
    # from 1 to 2**16, the explorer's range: moving S moves the bars, not the axis.
    smallest_scale, largest_scale = min(loss_scale, 1), max(loss_scale, 2**16)
    low = np.floor(min(np.log10(smallest_scale * gradients.min()), limits[0])) - 1
    high = np.ceil(max(np.log10(largest_scale * gradients.max()), limits[2])) + 1
    bins = np.arange(low, high + 0.25, 0.25)

    ax = plot._axes(ax, figsize=(6.4, 4.0))
    ax.axvspan(*limits[:2], color="0.85", label="subnormal (fewer bits)")
    ax.hist(
        [x[to_zero], x[kept], x[to_inf]],
        bins=bins,
        stacked=True,
        color=["tab:red", "tab:blue", "tab:purple"],
        label=["rounds to 0", "stored", "overflows to inf"],
    )
    lines = [
        (limits[0], ":", f"smallest subnormal {subnormal:.3g}"),
        (limits[1], "--", f"smallest normal {normal:.3g}"),
        (limits[2], "-", f"largest {largest:.3g}"),
    ]
    for position, style, label in lines:
        ax.axvline(position, color="black", linestyle=style, label=label)
    underflow, overflow = to_zero.mean(), to_inf.mean()
    ax.set(
        xlim=(low, high),
        ylim=(0, 1.6 * np.histogram(x, bins)[0].max()),  # room for the legend
        xlabel=r"$\log_{10}$(|gradient| $\times$ S)",
        ylabel="number of gradients",
        title=(
            f"{dtype_name}, S = {loss_scale:g}: {underflow:.1%} round to 0, "
            f"{overflow:.1%} to inf"
        ),
    )
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # whole powers of ten
    ax.legend(loc="upper left", fontsize="small", ncols=2)
    return ax


def precision_explorer():
    """A menu for the number format and a slider for the loss scale ``S``
    (powers of two from 1 to 2**16), redrawing :func:`plot_precision`: how
    many of the example gradients times ``S`` the format loses to 0 or to
    infinity. Chapter 9."""
    dtype = widgets.Dropdown(options=list(FLOAT_FORMATS), description="format")
    scale = widgets.SelectionSlider(
        options=[(str(2**k), 2**k) for k in range(17)],
        value=1,
        description="loss scale S",
        style={"description_width": "initial"},
    )
    return _explorer(
        [dtype, scale], lambda: plot_precision(dtype.value, scale.value).figure
    )
