"""nnkit: neural networks from scratch in NumPy, the companion of the course.

Notation, used in the book and in every docstring:

======  =====================================================
N       number of samples (rows): the dataset, or whatever a layer gets
B       batch size: the number of samples in one mini-batch
D_in    number of input features of a layer
D_out   number of outputs (neurons) of a layer
C       number of classes
X       inputs, one sample per row, shape (N, D_in); a mini-batch (B, D_in)
W, b    weights (D_in, D_out) and bias (D_out,); W1, b1: those of layer 1
Z       pre-activation ``Z = X @ W + b``, shape (N, D_out)
A       activation ``A = f(Z)``
L       the loss, one number
dX      the gradient dL/dX (same shape as X); likewise dW, dZ, dA
======  =====================================================

``import nnkit`` never imports PyTorch; the PyTorch mirror lives in
``nnkit.torch`` and is imported only when asked for.
"""

from nnkit import calibration, data, init
from nnkit.activations import (
    Identity,
    LeakyReLU,
    ReLU,
    Sigmoid,
    Softmax,
    Step,
    Tanh,
    leaky_relu,
    relu,
    sigmoid,
    softmax,
    step,
)
from nnkit.early_stopping import EarlyStopping
from nnkit.gradcheck import (
    gradcheck,
    gradcheck_loss,
    numerical_gradient,
    relative_error,
)
from nnkit.linear import Linear
from nnkit.losses import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HuberLoss,
    L1Loss,
    Loss,
    MSELoss,
)
from nnkit.metrics import classification_accuracy
from nnkit.module import Module, Parameter
from nnkit.optim import SGD, Adam, Optimizer, RMSprop, clip_grad_norm
from nnkit.perceptron import Perceptron
from nnkit.regularization import BatchNorm1d, Dropout, L1Penalty, L2Penalty
from nnkit.schedulers import (
    CosineAnnealingLR,
    LinearLR,
    LRScheduler,
    ReduceLROnPlateau,
    SequentialLR,
    StepLR,
)
from nnkit.sequential import Sequential, count_parameters
from nnkit.training import History, evaluate, fit

__version__ = "0.1.0"

__all__ = [
    "Adam",
    "BCELoss",
    "BatchNorm1d",
    "BCEWithLogitsLoss",
    "CosineAnnealingLR",
    "CrossEntropyLoss",
    "Dropout",
    "EarlyStopping",
    "History",
    "HuberLoss",
    "Identity",
    "L1Loss",
    "L1Penalty",
    "L2Penalty",
    "LeakyReLU",
    "Linear",
    "LinearLR",
    "Loss",
    "LRScheduler",
    "MSELoss",
    "Module",
    "Optimizer",
    "Parameter",
    "Perceptron",
    "ReduceLROnPlateau",
    "RMSprop",
    "ReLU",
    "SGD",
    "Sequential",
    "SequentialLR",
    "Sigmoid",
    "Softmax",
    "Step",
    "StepLR",
    "Tanh",
    "calibration",
    "classification_accuracy",
    "clip_grad_norm",
    "count_parameters",
    "data",
    "evaluate",
    "fit",
    "gradcheck",
    "gradcheck_loss",
    "init",
    "leaky_relu",
    "numerical_gradient",
    "relative_error",
    "relu",
    "sigmoid",
    "softmax",
    "step",
]
