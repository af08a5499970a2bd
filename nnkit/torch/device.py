"""Where tensors live: the default device of nnkit.torch.

Every function or class of the mirror that creates tensors takes a ``device``
argument; left as ``None`` it means :func:`default_device`, the fastest
device this machine has. Pass ``device="cpu"`` to override it.
"""

import torch


def default_device():
    """The best available device: CUDA if present, else Apple's MPS, else the CPU.

    MPS has no float64, the mirror's default precision (as in the NumPy
    package): on a Mac pass ``dtype=torch.float32`` too.

    >>> default_device().type in {"cuda", "mps", "cpu"}
    True
    """
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def resolve_device(device):
    """``device`` as a ``torch.device``, or :func:`default_device` for ``None``."""
    return default_device() if device is None else torch.device(device)
