"""Input checks of the PyTorch mirror, worded exactly like ``nnkit._checks``.

The checks that only look at shapes and Python numbers (``shape_str``,
``check_ndim``, ``check_same_shape``, ``check_positive``, ``check_count``,
``check_in_range``, ``check_probability``) and at ``rng`` (``as_generator``)
are reused from the NumPy package as they are; this file holds torch versions of
the ones that look at the values themselves.
"""

import torch

from nnkit._checks import (
    NonFiniteError,
    as_float_array,
    as_generator,
    check_count,
    check_in_range,
    check_ndim,
    check_positive,
    check_probability,
    check_same_shape,
    shape_str,
)

__all__ = [
    "NonFiniteError",
    "as_float_tensor",
    "as_generator",
    "check_count",
    "check_in_range",
    "check_finite",
    "check_ndim",
    "check_positive",
    "check_probability",
    "check_same_shape",
    "shape_str",
]


def as_float_tensor(x, *, owner, name, dtype=None, device=None):
    """Return ``x`` as a floating-point tensor, refusing what cannot be one.

    Tensors keep their device; anything else (a NumPy array, a list) goes
    through ``nnkit._checks.as_float_array`` first, so its errors read the
    same, and is then copied to ``device``. A tensor on another device than
    ``device`` is an error rather than a silent copy: data should move to the
    model's device once, not on every call. The result is detached, so no
    autograd graph is ever built: nnkit.torch writes every backward by hand.
    """
    if not isinstance(x, torch.Tensor):
        array = as_float_array(x, owner=owner, name=name)
        return torch.as_tensor(array, dtype=dtype, device=device)
    if x.is_complex():
        raise TypeError(f"{owner}: {name} must be real, got complex values.")
    if device is not None and not _on(x, torch.device(device)):
        raise ValueError(
            f"{owner}: {name} is on device {x.device} but the layer is on "
            f"{torch.device(device)}. Move the data once, before training: "
            f"{name} = {name}.to({str(torch.device(device))!r})."
        )
    tensor = x.detach()
    if dtype is not None:
        tensor = tensor.to(dtype)
    elif not tensor.is_floating_point():
        tensor = tensor.to(torch.float64)
    check_finite(tensor, owner=owner, name=name)
    return tensor


def _on(tensor, device):
    """Whether ``tensor`` is on ``device`` (``"cuda"`` with no index: any GPU)."""
    same_type = tensor.device.type == device.type
    return same_type and device.index in (None, tensor.device.index)


def check_finite(tensor, *, owner, name):
    """Raise if ``tensor`` holds NaN or infinity, saying where the first one is."""
    finite = torch.isfinite(tensor)
    if not finite.all():
        bad = torch.argwhere(~finite)[0]
        where = tuple(int(i) for i in bad)
        raise NonFiniteError(
            f"{owner}: {name} contains NaN or infinity "
            f"(first at index {where}: {float(tensor[where])}). "
            "Check the data, or lower the learning rate if training diverged."
        )
