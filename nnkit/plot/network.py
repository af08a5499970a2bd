"""Figures of what a network holds inside: its first layer's weights drawn as
images, and its hidden activations (chapters 3 and 8)."""

import math

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from nnkit._checks import as_float_array, check_count, check_ndim, shape_str
from nnkit.plot.helpers import get_axes


def weights_as_images(W, *, image_shape=(8, 8), n=16, fig=None, title=None):
    """Show the first ``n`` columns of ``W`` (D_in, H) as small images.

    Column k holds the weights from every pixel into hidden unit k, so it has
    the shape of an input image: red pixels push the unit up, blue ones down.
    Each image has its own symmetric colour scale. For a first layer
    ``Linear(64, H)`` on 8x8 digits, pass ``layer.weight.data``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    owner = "weights_as_images"
    W = as_float_array(W, owner=owner, name="W")
    check_ndim(W, 2, owner=owner, name="W", layout="(D_in, H)")
    pixels = math.prod(image_shape)
    if W.shape[0] != pixels:
        raise ValueError(
            f"{owner}: image_shape {shape_str(image_shape)} needs W with {pixels} "
            f"rows (one weight per pixel), got shape {shape_str(W.shape)}. Pass the "
            "first layer's weights, layer.weight.data."
        )
    check_count(n, owner=owner, name="n")
    n = min(n, W.shape[1])
    cols = math.ceil(math.sqrt(n))
    rows = math.ceil(n / cols)
    size = (1.3 * cols, 1.4 * rows + 0.4)
    fig = fig or plt.figure(figsize=size, layout="constrained")
    axes = np.atleast_1d(fig.subplots(rows, cols)).ravel()
    for k, ax in enumerate(axes):
        ax.axis("off")
        if k < n:
            limit = np.abs(W[:, k]).max() or 1.0
            ax.imshow(
                W[:, k].reshape(image_shape), cmap="RdBu_r", vmin=-limit, vmax=limit
            )
            ax.set_title(f"unit {k}", fontsize="small")
    fig.suptitle(title or f"Weights into the first {n} hidden units")
    return fig


def hidden_activations(A, y=None, *, ax=None, title=None):
    """Heat map of hidden activations ``A`` (N, H): one row per sample.

    With labels ``y`` (N,), rows are sorted by class and the classes are
    separated by lines, so units that respond to one class stand out.

    Returns
    -------
    matplotlib.axes.Axes
    """
    owner = "hidden_activations"
    A = as_float_array(A, owner=owner, name="A")
    check_ndim(A, 2, owner=owner, name="A", layout="(N, H)")
    if y is not None:
        y = np.asarray(y)
        if y.shape != (len(A),):
            raise ValueError(
                f"{owner}: expected one label per row of A, shape ({len(A)},), "
                f"got shape {shape_str(y.shape)}."
            )
        order = np.argsort(y, kind="stable")
        A, y = A[order], y[order]
    ax = get_axes(ax, figsize=(5.0, 4.0))
    if y is not None:
        for boundary in np.flatnonzero(y[1:] != y[:-1]) + 0.5:
            ax.axhline(boundary, color="white", linewidth=1)
    image = ax.imshow(A, aspect="auto", cmap="viridis", interpolation="nearest")
    ax.figure.colorbar(image, ax=ax, label="activation")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ylabel = "sample" if y is None else "sample (sorted by class)"
    ax.set(xlabel="hidden unit", ylabel=ylabel, title=title or "Hidden activations")
    ax.grid(False)
    return ax
