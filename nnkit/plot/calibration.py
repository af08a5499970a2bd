"""Figures of calibration: the reliability diagram (chapter 8).

``reliability_diagram`` draws what :func:`nnkit.calibration.calibration_curve`
computes, with the expected calibration error in the legend.
"""

from nnkit.plot.helpers import (
    check_curve,
    get_axes,
    reference_line,
    set_unit_square,
)


def reliability_diagram(prob_true, prob_pred, *, ece=None, ax=None, label=None):
    """Plot a reliability diagram: the fraction of positives against the mean
    predicted probability, one point per bin.

    A calibrated model lies on the dashed diagonal; below it, the model is
    overconfident (it says 0.9, it is right less often); above it,
    underconfident. The diagonal is drawn once per Axes, so a model before
    and after temperature scaling can share one plot: call
    ``reliability_diagram(..., ax=ax)`` for each, with its own ``label``.

    Parameters
    ----------
    prob_true, prob_pred : array_like, shape (K,)
        From :func:`nnkit.calibration.calibration_curve`. For class
        probabilities (N, C), prob_true is the accuracy and prob_pred the
        confidence of the top label.
    ece : float, optional
        The expected calibration error, shown in the legend.
    label : str, optional
        The model's name in the legend; default "model".

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> ax = reliability_diagram([0.1, 0.5, 0.7], [0.2, 0.5, 0.9], ece=0.1)
    >>> [text.get_text() for text in ax.get_legend().get_texts()]
    ['perfectly calibrated', 'model (ECE = 0.100)']
    >>> plt.close(ax.figure)
    """
    prob_true, prob_pred = check_curve(
        prob_true, prob_pred, owner="plot.reliability_diagram",
        names=("prob_true", "prob_pred"),
        hint="prob_true, prob_pred = calibration.calibration_curve(y, p)",
    )  # fmt: skip
    label = label or "model"
    if ece is not None:
        label += f" (ECE = {ece:.3f})"
    ax = get_axes(ax, figsize=(4.4, 4.0))
    reference_line(ax, [0, 1], [0, 1], label="perfectly calibrated")
    ax.plot(prob_pred, prob_true, "o-", linewidth=2, label=label)
    set_unit_square(
        ax,
        xlabel="Mean predicted probability",
        ylabel="Fraction of positives",
        title="Reliability diagram",
    )
    ax.legend(loc="upper left")
    return ax
