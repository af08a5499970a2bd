"""Interactive explorers for the book (ipywidgets), and their static twins.

Each explorer returns a widget: controls above an image of the figure. Every
change of a control redraws the figure with a static function from this
module or from :mod:`nnkit.plot`, and the book shows that static function
with fixed settings next to the widget, so the website and nbval have a
figure that never changes.

==============================  ==========================================
explorer                        static twin
==============================  ==========================================
``activation_explorer()``       ``plot.activation``, ``plot.activation_grid``
``learning_rate_explorer()``    ``plot_gradient_descent_1d(lr, steps)``
``width_explorer(X, y)``        ``plot_widths(X, y, widths)``
``threshold_explorer(y, s)``    ``plot_threshold(y, s, threshold)``
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
from nnkit.linear import Linear
from nnkit.losses import CrossEntropyLoss
from nnkit.optim import Adam
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
