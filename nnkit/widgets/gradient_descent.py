"""Gradient descent on a 1-D loss, and its learning-rate explorer (chapters 5, 6)."""

import numpy as np

from nnkit import plot
from nnkit._checks import check_count, check_positive
from nnkit.widgets._explorer import Explorer, rounded


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
    Chapter 5.

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
    :func:`gradient_descent_1d` go from light to dark. The legend goes where
    it covers the least of the curve and the path (``loc="best"``), so it does
    not hide the zigzag of a run that overshoots. Chapter 5; the double well
    (``loss=double_well``), chapter 6.

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
    ax.legend(loc="best", fontsize="small", framealpha=0.95)
    return ax


# The explorer's learning rates: 1, 1.5, 2, 3, 5, 7 per decade, and more of them
# around 1 = 2 / L'' of the parabola, where descent stops converging.
LEARNING_RATES = [m * 10.0**e for e in (-3, -2, -1) for m in (1, 1.5, 2, 3, 5, 7)] + [
    0.8,
    0.9,
    0.95,
    1.0,
    1.05,
    1.1,
    1.2,
    1.5,
]
LOSSES = {
    "(w - 2)²": (quadratic, quadratic_grad, (-2.0, 6.0)),
    "w⁴ - 3w² + w": (double_well, double_well_grad, (-2.2, 2.2)),
}


# The starts w0 of the explorer's slider: -2 to 2 in steps of 0.25.
STARTS = np.linspace(-2.0, 2.0, 17)


def learning_rate_explorer(*, max_steps=50, starts=STARTS):
    """Sliders for the learning rate, the number of steps and the start ``w0``
    of gradient descent on a 1-D loss: too small a rate crawls, too large a
    rate overshoots and, past ``2 / L''``, diverges. Chapters 5 and 6.

    For each loss, learning rate and start, :func:`gradient_descent_1d` runs
    ``max_steps`` steps here; the steps slider shows the first ones.
    """
    lrs = [round(lr, 6) for lr in LEARNING_RATES]
    starts = [round(float(w0), 4) for w0 in starts]
    losses = []
    for loss, grad, window in LOSSES.values():
        w = np.linspace(*window, 200)
        curve = loss(w)
        top = curve.max()
        paths = []
        for lr in lrs:
            row = []
            for w0 in starts:
                ws = gradient_descent_1d(grad, w0, lr, max_steps)
                with np.errstate(over="ignore", invalid="ignore"):
                    row.append({"w": rounded(ws, 5), "L": rounded(loss(ws), 5)})
            paths.append(row)
        losses.append(
            {
                "window": list(window),
                "ylim": [float(curve.min() - 0.05 * top), float(1.05 * top)],
                "w": rounded(w),
                "L": rounded(curve),
                "paths": paths,
            }
        )
    controls = [
        ("loss", "loss", list(LOSSES), "(w - 2)²"),
        ("lr", "lr", lrs, 0.1),
        ("steps", "steps", list(range(1, max_steps + 1)), 10),
        ("w0", "w0", starts, -1.0),
    ]
    data = {"lrs": lrs, "steps": list(range(1, max_steps + 1)), "losses": losses}
    return Explorer(
        "learning_rate", controls, data, menus=("loss",), figure=_plot_setting
    )


def _plot_setting(loss, lr, steps, w0):
    """The explorer's picture with matplotlib, for one setting of its controls."""
    fn, grad, window = LOSSES[loss]
    with np.errstate(over="ignore", invalid="ignore"):
        return plot_gradient_descent_1d(
            lr, steps, w0=w0, loss=fn, grad=grad, window=window
        )
