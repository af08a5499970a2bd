"""Figures of training: the loss (and a metric) per epoch (chapter 6)."""

import matplotlib.pyplot as plt
import numpy as np


def training_curves(history, *, metric=None, ax=None):
    """Plot the training and validation loss per epoch (and ``metric``, if given).

    Parameters
    ----------
    history : History or dict
        ``fit``'s History (its ``.history``) or a dict of per-epoch lists such
        as ``{"loss": [...], "val_loss": [...], "accuracy": [...]}``.
    metric : str, optional
        Another key to plot, e.g. ``"accuracy"``, in a second panel. Labels
        and titles write its underscores as spaces: the key
        ``"classification_accuracy"`` is labelled "classification accuracy".
    ax : Axes, or a pair of Axes when ``metric`` is given; optional

    Returns
    -------
    Axes, or an array of two Axes (loss, metric) when ``metric`` is given.
    """
    curves = getattr(history, "history", history)
    if not isinstance(curves, dict):
        raise TypeError(
            "training_curves: history must be fit's History or a dict of "
            f"per-epoch lists, got {type(history).__name__}."
        )
    keys = ["loss"] if metric is None else ["loss", metric]
    for key in keys:
        if key not in curves:
            raise ValueError(
                f"training_curves: history has no {key!r} entry; it has "
                f"{sorted(curves)}."
            )
    if ax is None:
        size = (5.2 * len(keys), 3.8)
        ax = plt.subplots(1, len(keys), figsize=size, layout="constrained")[1]
    axes = np.atleast_1d(ax)
    if len(axes) != len(keys):
        raise ValueError(
            f"training_curves: {len(keys)} panel(s) to draw but {len(axes)} Axes "
            "given; pass a pair of Axes when a metric is given."
        )
    for panel, key in zip(axes, keys, strict=True):
        name = key.replace("_", " ")  # "classification_accuracy" reads as words
        for prefix, label, style in (
            ("", "training", "-"),
            ("val_", "validation", "--"),
        ):
            if prefix + key in curves:
                values = np.asarray(curves[prefix + key], dtype=float)
                epochs = np.arange(1, len(values) + 1)
                panel.plot(epochs, values, style, label=f"{label} {name}")
        panel.set(xlabel="epoch", ylabel=name, title=f"{name.capitalize()} per epoch")
        panel.legend()
    return ax if metric is not None else axes[0]
