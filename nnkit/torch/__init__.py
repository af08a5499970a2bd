"""nnkit.torch: the PyTorch mirror of nnkit, file by file and class by class.

Every file of the NumPy package has a twin here with the same name, the same
classes and the same signatures (plus ``device=`` and ``dtype=`` wherever
tensors are created), so that a diff of the two shows mostly ``np.`` ->
``torch.``. Weights keep the book's layout, ``W`` of shape (D_in, D_out).
Backward passes are written out by hand on tensors, exactly as in NumPy:
nothing here uses ``torch.autograd`` (the tests use it, as an oracle).

What the mirror adds:

==============================  =============================================
``default_device()``            CUDA if available, else MPS, else the CPU;
                                every ``device=None`` means this
``from_numpy``, ``to_numpy``    an nnkit model <-> an equal mirror model
``to_torch_nn``,                a mirror model <-> a plain
``from_torch_nn``               ``torch.nn.Sequential`` (weights transposed)
``nnkit.torch.distributed``     data-parallel training over several GPUs
==============================  =============================================

Parameters default to float64, as in the NumPy package, so that both give the
same numbers; pass ``dtype=torch.float32`` for speed on a GPU.

``import nnkit`` never imports this package; ``import nnkit.torch`` imports
PyTorch.

>>> import numpy as np
>>> import nnkit
>>> import nnkit.torch
>>> rng = np.random.default_rng(0)
>>> model = nnkit.Sequential(nnkit.Linear(3, 4, rng=rng), nnkit.ReLU())
>>> mirror = nnkit.torch.from_numpy(model, device="cpu")
>>> X = rng.normal(size=(5, 3))
>>> bool(np.allclose(mirror(X).numpy(), model(X), rtol=0, atol=1e-12))
True
"""

from nnkit.torch import init
from nnkit.torch.activations import (
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
from nnkit.torch.convert import from_numpy, from_torch_nn, to_numpy, to_torch_nn
from nnkit.torch.device import default_device
from nnkit.torch.early_stopping import EarlyStopping
from nnkit.torch.gradcheck import (
    gradcheck,
    gradcheck_loss,
    numerical_gradient,
    relative_error,
)
from nnkit.torch.linear import Linear
from nnkit.torch.losses import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HuberLoss,
    L1Loss,
    Loss,
    MSELoss,
)
from nnkit.torch.metrics import classification_accuracy
from nnkit.torch.module import Module, Parameter
from nnkit.torch.optim import SGD, Adam, Optimizer, RMSprop, clip_grad_norm
from nnkit.torch.regularization import BatchNorm1d, Dropout, L1Penalty, L2Penalty
from nnkit.torch.schedulers import (
    CosineAnnealingLR,
    LinearLR,
    LRScheduler,
    ReduceLROnPlateau,
    SequentialLR,
    StepLR,
)
from nnkit.torch.sequential import Sequential, count_parameters
from nnkit.torch.training import History, evaluate, fit

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
    "classification_accuracy",
    "clip_grad_norm",
    "count_parameters",
    "default_device",
    "evaluate",
    "fit",
    "from_numpy",
    "from_torch_nn",
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
    "to_numpy",
    "to_torch_nn",
]
