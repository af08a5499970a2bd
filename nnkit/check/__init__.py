"""Instant feedback on the exercises: ``nnkit.check.<exercise>(your_function)``.

Each graded assignment asks for a few functions with a stated signature, such
as ``perceptron_update(w, b, x, y, lr)``. After writing one, run its check::

    import nnkit.check
    nnkit.check.perceptron_update(perceptron_update)

The check calls your function on a dozen cases and compares each answer with
nnkit's own implementation. The hand-picked cases come first: edge values
(zeros, ties, inputs of +-1000) and the cases that tell common mistakes apart
(precision from recall, a mean from a sum, one axis from the other); random
shapes and values follow. It prints one line if every answer is right;
otherwise it raises :class:`CheckFailed` with a message in plain words: which
value is wrong, at which index, what it should be, the inputs of the case and
the call that rebuilds it, such as ``nnkit.check.softmax.case(1)``. Pass
``seed=`` to try other random cases.

A case also fails when NumPy warns while your function runs (a
``RuntimeWarning``: overflow, division by zero, an invalid value), even if
the answer is right, because such code is not numerically stable; and when
your function changes the arrays it was given instead of returning new ones.

The grader (``nnkit.grading``) uses the same kinds of cases and the same
comparison, drawn from a seed the students never see: the hand-picked cases
with other numbers, and other random ones. A function that passes its check
for any seed should pass grading; one that only reproduces the visible cases
will not.

``import nnkit`` does not import this module: import ``nnkit.check`` itself.
"""

from nnkit.check._exercise import Case, CheckFailed, Exercise, Problem, compare
from nnkit.check.activations import (
    relu,
    relu_derivative,
    sigmoid,
    sigmoid_derivative,
    softmax,
)
from nnkit.check.backprop import linear_backward, relu_backward, two_layer_backward
from nnkit.check.losses import (
    cross_entropy_gradient,
    cross_entropy_loss,
    mse_gradient,
    mse_loss,
)
from nnkit.check.metrics import f1_score, precision, recall, roc_auc
from nnkit.check.mlp import count_mlp_parameters, linear_forward, mlp_forward
from nnkit.check.optim import adam_step, sgd_momentum_step
from nnkit.check.perceptron import (
    perceptron_epoch,
    perceptron_predict,
    perceptron_update,
)
from nnkit.check.regularization import (
    dropout_backward,
    dropout_forward,
    l2_gradient,
    l2_penalty,
)

__all__ = [
    "Case",
    "CheckFailed",
    "Exercise",
    "Problem",
    "adam_step",
    "compare",
    "count_mlp_parameters",
    "cross_entropy_gradient",
    "cross_entropy_loss",
    "dropout_backward",
    "dropout_forward",
    "f1_score",
    "l2_gradient",
    "l2_penalty",
    "linear_backward",
    "linear_forward",
    "mlp_forward",
    "mse_gradient",
    "mse_loss",
    "perceptron_epoch",
    "perceptron_predict",
    "perceptron_update",
    "precision",
    "recall",
    "relu",
    "relu_backward",
    "relu_derivative",
    "roc_auc",
    "sgd_momentum_step",
    "sigmoid",
    "sigmoid_derivative",
    "softmax",
    "two_layer_backward",
]
