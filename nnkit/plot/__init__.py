"""The book's figures, one function per kind of plot (Matplotlib).

Each function draws on the Axes ``ax`` it is given, or on a new figure when
``ax`` is None, and returns what it drew on, so that figures compose::

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    decision_boundary(predict, X, y, ax=left)
    training_curves(history, ax=right)
    plt.show()

Nothing here calls ``plt.show()`` or draws at random, and no formula of the
course is written twice: activations come from :mod:`nnkit.activations`, and
counts and rates from :mod:`nnkit.metrics`, :mod:`nnkit.calibration` or the
caller. One file per kind of figure:

================================  ==========================================
``nnkit.plot.classification``     ``decision_boundary``, ``confusion_matrix``,
                                  ``roc_curve``, ``precision_recall_curve``
``nnkit.plot.calibration``        ``reliability_diagram``
``nnkit.plot.training``           ``training_curves``
``nnkit.plot.activations``        ``activation``, ``activation_grid``
``nnkit.plot.network``            ``weights_as_images``, ``hidden_activations``
``nnkit.plot.helpers``            ``CLASS_COLORS``, ``get_axes``,
                                  ``check_points``, ``class_colors``: shared
                                  with nnkit.widgets; ``check_curve``,
                                  ``reference_line``
================================  ==========================================
"""

from nnkit.plot.activations import activation, activation_grid
from nnkit.plot.calibration import reliability_diagram
from nnkit.plot.classification import (
    confusion_matrix,
    decision_boundary,
    precision_recall_curve,
    roc_curve,
)
from nnkit.plot.helpers import CLASS_COLORS, check_points, class_colors, get_axes
from nnkit.plot.network import hidden_activations, weights_as_images
from nnkit.plot.training import training_curves

# The names nnkit.widgets used before the helpers were public.
_axes, _points = get_axes, check_points

__all__ = [
    "CLASS_COLORS",
    "activation",
    "activation_grid",
    "check_points",
    "class_colors",
    "confusion_matrix",
    "decision_boundary",
    "get_axes",
    "hidden_activations",
    "precision_recall_curve",
    "reliability_diagram",
    "roc_curve",
    "training_curves",
    "weights_as_images",
]
