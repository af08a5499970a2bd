"""Decision boundaries of MLPs of different hidden widths (chapters 2, 7)."""

import matplotlib.pyplot as plt
import numpy as np

from nnkit import metrics, plot
from nnkit._checks import check_count
from nnkit.activations import Tanh
from nnkit.linear import Linear
from nnkit.losses import CrossEntropyLoss
from nnkit.optim import Adam
from nnkit.sequential import Sequential
from nnkit.widgets._explorer import Explorer, rounded


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
    X, y, *, widths=(1, 2, 3, 4, 8, 16, 32), epochs=300, lr=0.05, seed=0, resolution=120
):
    """A slider for the width of the hidden layer of a 2-layer network, showing
    the decision boundary it learns on ``X`` (N, 2), labels ``y`` (N,).

    Each width is trained here, from ``np.random.default_rng(seed)`` as in
    :func:`plot_widths`; the trained networks are kept in ``models``. Each
    one's predicted class on a ``resolution x resolution`` grid over the data
    (the grid of :func:`nnkit.plot.decision_boundary`) is stored for the
    browser to draw.
    """
    X, y = plot._points(X, y, owner="width_explorer")
    low, high = X.min(axis=0), X.max(axis=0)
    margin = 0.1 * np.maximum(high - low, 1.0)
    (x0, y0), (x1, y1) = low - margin, high + margin
    # The cell centres of a grid of resolution x resolution cells over the view.
    step = (np.array([x1, y1]) - (x0, y0)) / resolution
    g1, g2 = np.meshgrid(
        x0 + step[0] * (np.arange(resolution) + 0.5),
        y0 + step[1] * (np.arange(resolution) + 0.5),
    )
    grid = np.column_stack([g1.ravel(), g2.ravel()])  # (resolution**2, 2)
    models, drawn = {}, []
    for width in widths:
        rng = np.random.default_rng(seed)
        models[width] = model = train_mlp(X, y, width, epochs=epochs, lr=lr, rng=rng)
        classes = model(grid).argmax(axis=1).reshape(resolution, resolution)
        drawn.append(
            {
                "width": int(width),
                "accuracy": float(metrics.accuracy(y, model(X).argmax(axis=1))),
                "grid": [
                    "".join(str(c) for c in row) for row in classes
                ],  # row 0 at y0
            }
        )
    data = {
        "extent": rounded([x0, x1, y0, y1], 6),
        "X": [rounded(point, 17) for point in X],  # exact: the training data
        "y": y.astype(int).tolist(),
        "models": drawn,
        "training": {"epochs": epochs, "lr": lr, "seed": seed},
    }
    widths = [int(w) for w in widths]
    controls = [("width", "width", widths, widths[len(widths) // 2])]
    explorer = Explorer(
        "width",
        controls,
        data,
        figure=lambda width: _draw_boundary(models[width], X, y, width),
    )
    explorer.models = models
    return explorer
