"""Conversions: nnkit (NumPy) <-> nnkit.torch <-> plain ``torch.nn``.

``from_numpy`` and ``to_numpy`` move a model between the two nnkit packages
with the same weights, so it gives the same outputs in both. ``to_torch_nn``
and ``from_torch_nn`` do the same with an equivalent ``torch.nn.Sequential``,
the form the rest of the PyTorch world expects. ``torch.nn.Linear`` stores its
weight as (D_out, D_in), the transpose of the book's (D_in, D_out), so those
two transpose every weight matrix.

Each function is one explicit chain of ``isinstance`` checks, one branch per
kind of layer (the activations without settings share one table of twin
classes); a layer with no counterpart is an error that says so.

>>> import numpy as np
>>> import nnkit
>>> model = nnkit.Sequential(nnkit.Linear(3, 2, rng=np.random.default_rng(0)))
>>> torch_model = to_torch_nn(from_numpy(model, device="cpu"))
>>> torch_model
Sequential(
  (0): Linear(in_features=3, out_features=2, bias=True)
)
>>> back = to_numpy(from_torch_nn(torch_model))
>>> bool(np.array_equal(back[0].weight.data, model[0].weight.data))
True
"""

import copy

import numpy as np
import torch
from torch import nn

import nnkit
from nnkit.torch import activations as act
from nnkit.torch.device import resolve_device
from nnkit.torch.init import zeros
from nnkit.torch.linear import Linear
from nnkit.torch.regularization import BatchNorm1d, Dropout
from nnkit.torch.sequential import Sequential

# Activations without settings: (nnkit class, nnkit.torch class, torch.nn class).
# Step has no torch.nn counterpart: its gradient is zero everywhere.
_SIMPLE = [
    (nnkit.Identity, act.Identity, nn.Identity),
    (nnkit.Step, act.Step, None),
    (nnkit.Sigmoid, act.Sigmoid, nn.Sigmoid),
    (nnkit.Tanh, act.Tanh, nn.Tanh),
    (nnkit.ReLU, act.ReLU, nn.ReLU),
]


def from_numpy(model, *, device=None, dtype=None):
    """The nnkit.torch twin of an nnkit model: same layers, weights and mode.

    ``dtype=None`` keeps each array's precision; ``device=None`` means
    ``default_device()``. A Dropout twin gets a copy of the layer's ``rng``,
    so both draw the same masks from here on.
    """
    device = resolve_device(device)
    if isinstance(model, nnkit.Sequential):
        twin = Sequential(*(from_numpy(m, device=device, dtype=dtype) for m in model))
    elif isinstance(model, nnkit.Linear):
        twin = Linear(
            model.in_features,
            model.out_features,
            bias=model.bias is not None,
            init=zeros,
            device=device,
            dtype=dtype or _torch_dtype(model.weight.data),
        )
        _copy_parameters(model, twin)
    elif isinstance(model, nnkit.BatchNorm1d):
        twin = BatchNorm1d(
            model.num_features,
            model.momentum,
            model.eps,
            device=device,
            dtype=dtype or _torch_dtype(model.weight.data),
        )
        _copy_parameters(model, twin)
        twin.running_mean.copy_(torch.as_tensor(model.running_mean))
        twin.running_var.copy_(torch.as_tensor(model.running_var))
    elif isinstance(model, nnkit.Dropout):
        twin = Dropout(model.p, rng=copy.deepcopy(model.rng))
    elif isinstance(model, nnkit.LeakyReLU):
        twin = act.LeakyReLU(model.negative_slope)
    elif isinstance(model, nnkit.Softmax):
        twin = act.Softmax()
    else:
        twin = _simple_twin(model, source=0, target=1, owner="from_numpy")
    return twin.train(model.training)


def to_numpy(model, *, dtype=None):
    """The nnkit (NumPy) twin of an nnkit.torch model: same layers, weights, mode.

    ``dtype=None`` keeps each tensor's precision (bfloat16, which NumPy
    lacks, becomes float32).
    """
    if isinstance(model, Sequential):
        twin = nnkit.Sequential(*(to_numpy(m, dtype=dtype) for m in model))
    elif isinstance(model, Linear):
        twin = nnkit.Linear(
            model.in_features,
            model.out_features,
            bias=model.bias is not None,
            init=nnkit.init.zeros,
            dtype=dtype or _array(model.weight.data).dtype,
        )
        _copy_parameters(model, twin)
    elif isinstance(model, BatchNorm1d):
        twin = nnkit.BatchNorm1d(
            model.num_features,
            model.momentum,
            model.eps,
            dtype=dtype or _array(model.weight.data).dtype,
        )
        _copy_parameters(model, twin)
        twin.running_mean[...] = _array(model.running_mean)
        twin.running_var[...] = _array(model.running_var)
    elif isinstance(model, Dropout):
        twin = nnkit.Dropout(model.p, rng=copy.deepcopy(model.rng))
    elif isinstance(model, act.LeakyReLU):
        twin = nnkit.LeakyReLU(model.negative_slope)
    elif isinstance(model, act.Softmax):
        twin = nnkit.Softmax()
    else:
        twin = _simple_twin(model, source=1, target=0, owner="to_numpy")
    return twin.train(model.training)


def to_torch_nn(model, *, device=None, dtype=None):
    """An equivalent plain ``torch.nn`` model, ready for ``torch.autograd``.

    Weights are copied (``nn.Linear.weight`` gets ``W.T``); ``device`` and
    ``dtype`` default to the model's own. Dropout keeps ``p`` but not the
    ``rng``: ``nn.Dropout`` draws its masks from torch's generator. ``Step``
    has no counterpart and raises ``TypeError``.
    """
    if isinstance(model, Sequential):
        twin = nn.Sequential(
            *(to_torch_nn(m, device=device, dtype=dtype) for m in model)
        )
    elif isinstance(model, Linear):
        W = model.weight.data
        twin = nn.Linear(
            model.in_features,
            model.out_features,
            bias=model.bias is not None,
            device=device or W.device,
            dtype=dtype or W.dtype,
        )
        with torch.no_grad():
            twin.weight.copy_(W.T)  # (D_in, D_out) -> torch's (D_out, D_in)
            if model.bias is not None:
                twin.bias.copy_(model.bias.data)
    elif isinstance(model, BatchNorm1d):
        gamma = model.weight.data
        twin = nn.BatchNorm1d(
            model.num_features,
            eps=model.eps,
            momentum=model.momentum,
            device=device or gamma.device,
            dtype=dtype or gamma.dtype,
        )
        with torch.no_grad():
            twin.weight.copy_(gamma)
            twin.bias.copy_(model.bias.data)
            twin.running_mean.copy_(model.running_mean)
            twin.running_var.copy_(model.running_var)
    elif isinstance(model, Dropout):
        twin = nn.Dropout(model.p)
    elif isinstance(model, act.LeakyReLU):
        twin = nn.LeakyReLU(model.negative_slope)
    elif isinstance(model, act.Softmax):
        twin = nn.Softmax(dim=-1)
    else:
        twin = _simple_twin(model, source=1, target=2, owner="to_torch_nn")
    return twin.train(model.training)


def from_torch_nn(module, *, rng=None, device=None, dtype=None):
    """The nnkit.torch twin of a plain ``torch.nn`` model (``nn.Sequential`` of
    ``nn.Linear``, activations, ``nn.Dropout`` and ``nn.BatchNorm1d``).

    Weights are copied (``W = nn.Linear.weight.T``); ``device`` and ``dtype``
    default to the module's own. Dropout layers draw their masks from ``rng``.
    """
    if isinstance(module, nn.Sequential):
        layers = (from_torch_nn(m, rng=rng, device=device, dtype=dtype) for m in module)
        twin = Sequential(*layers)
    elif isinstance(module, nn.Linear):
        W = module.weight.detach()
        twin = Linear(
            module.in_features,
            module.out_features,
            bias=module.bias is not None,
            init=zeros,
            device=device or W.device,
            dtype=dtype or W.dtype,
        )
        twin.weight.data.copy_(W.T)  # torch's (D_out, D_in) -> (D_in, D_out)
        if module.bias is not None:
            twin.bias.data.copy_(module.bias.detach())
    elif isinstance(module, nn.BatchNorm1d):
        if not (module.affine and module.track_running_stats) or not module.momentum:
            raise ValueError(
                f"from_torch_nn: {module!r} must have affine=True, "
                "track_running_stats=True and a momentum, as nnkit's BatchNorm1d has."
            )
        gamma = module.weight.detach()
        twin = BatchNorm1d(
            module.num_features,
            module.momentum,
            module.eps,
            device=device or gamma.device,
            dtype=dtype or gamma.dtype,
        )
        twin.weight.data.copy_(gamma)
        twin.bias.data.copy_(module.bias.detach())
        twin.running_mean.copy_(module.running_mean)
        twin.running_var.copy_(module.running_var)
    elif isinstance(module, nn.Dropout):
        twin = Dropout(module.p, rng=rng)
    elif isinstance(module, nn.LeakyReLU):
        twin = act.LeakyReLU(module.negative_slope)
    elif isinstance(module, nn.Softmax):
        if module.dim not in (-1, 1):
            raise ValueError(
                f"from_torch_nn: {module!r} normalizes along dim={module.dim}; "
                "nnkit's Softmax normalizes each row, the last axis (dim=-1)."
            )
        twin = act.Softmax()
    else:
        twin = _simple_twin(module, source=2, target=1, owner="from_torch_nn")
    return twin.train(module.training)


def _simple_twin(module, *, source, target, owner):
    """A new instance of the class in column ``target`` of ``_SIMPLE`` whose
    column ``source`` holds ``module``'s exact class; raise if there is none."""
    for row in _SIMPLE:
        if row[source] is type(module) and row[target] is not None:
            return row[target]()
    raise TypeError(
        f"{owner}: cannot convert {type(module).__name__}; it converts Sequential, "
        "Linear, BatchNorm1d, Dropout and the activations Identity, Sigmoid, Tanh, "
        "ReLU, LeakyReLU, Softmax (and Step between nnkit and nnkit.torch)."
    )


def _copy_parameters(source, target):
    """Copy every parameter's data, in order, into the other package's twin."""
    pairs = zip(source.parameters(), target.parameters(), strict=True)
    for theirs, mine in pairs:
        if isinstance(mine.data, torch.Tensor):
            mine.data.copy_(torch.as_tensor(theirs.data))  # to the twin's device
        else:
            mine.data[...] = _array(theirs.data)


def _torch_dtype(array):
    """The torch dtype of a NumPy array (``np.float32`` -> ``torch.float32``)."""
    return torch.from_numpy(np.zeros(0, dtype=array.dtype)).dtype


def _array(tensor):
    """A NumPy copy of ``tensor``, on the CPU (bfloat16 becomes float32)."""
    if tensor.dtype == torch.bfloat16:
        tensor = tensor.to(torch.float32)
    return tensor.detach().cpu().numpy().copy()
