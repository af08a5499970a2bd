"""Interactive explorers for the book, and their static twins.

Each explorer is a widget: controls above a figure. nnkit computes, in Python,
what the figure shows for every setting of the controls; the widget stores
those values and its front end (``explorer.js``) only draws them. So an
explorer responds at once, in Jupyter and on the static website alike, where
no kernel runs. The book shows each static twin with fixed settings next to
the explorer: a figure that prints and that nbval checks.

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

An explorer's text output names its controls' values, e.g.
``Explorer('perceptron', w1=1.0, w2=1.0, b=-1.5)``: the same on every run, so
strict nbval compares it. ``explorer.set(w1=0.5)`` moves a control from
Python, ``explorer.value`` reads them.
"""

from nnkit.widgets._explorer import Explorer
from nnkit.widgets.activation import ACTIVATIONS, activation_explorer
from nnkit.widgets.gradient_descent import (
    double_well,
    double_well_grad,
    gradient_descent_1d,
    learning_rate_explorer,
    plot_gradient_descent_1d,
    quadratic,
    quadratic_grad,
)
from nnkit.widgets.perceptron import (
    GATE_NAMES,
    perceptron_explorer,
    plot_perceptron,
)
from nnkit.widgets.precision import (
    FLOAT_FORMATS,
    example_gradients,
    plot_precision,
    precision_explorer,
    representable_fraction,
)
from nnkit.widgets.threshold import (
    plot_threshold,
    threshold_explorer,
)
from nnkit.widgets.width import (
    plot_widths,
    train_mlp,
    width_explorer,
)

__all__ = [
    "ACTIVATIONS",
    "Explorer",
    "FLOAT_FORMATS",
    "GATE_NAMES",
    "activation_explorer",
    "double_well",
    "double_well_grad",
    "example_gradients",
    "gradient_descent_1d",
    "learning_rate_explorer",
    "perceptron_explorer",
    "plot_gradient_descent_1d",
    "plot_perceptron",
    "plot_precision",
    "plot_threshold",
    "plot_widths",
    "precision_explorer",
    "quadratic",
    "quadratic_grad",
    "representable_fraction",
    "threshold_explorer",
    "train_mlp",
    "width_explorer",
]
