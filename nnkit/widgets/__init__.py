"""Interactive explorers for the book (ipywidgets), and their static twins.

Each explorer returns a widget: controls above an image of the figure. Every
change of a control redraws the figure with a static function from this
package or from :mod:`nnkit.plot`, and the book shows that static function
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

from nnkit.widgets.activation import activation_explorer
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
