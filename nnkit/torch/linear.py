"""The fully connected (dense) layer in PyTorch: ``Z = X @ W + b`` (chapter 2)."""

import torch

from nnkit.torch import init as initializers
from nnkit.torch._checks import (
    as_float_tensor,
    as_generator,
    check_count,
    check_ndim,
    shape_str,
)
from nnkit.torch.device import resolve_device
from nnkit.torch.module import Module, Parameter


class Linear(Module):
    """Fully connected layer: ``Z = X @ W + b``.

    Parameters
    ----------
    in_features : int
        D_in, the number of input features.
    out_features : int
        D_out, the number of neurons in the layer.
    bias : bool, default True
        Whether to add the bias vector ``b``.
    init : callable, default ``nnkit.torch.init.xavier_uniform``
        ``init(shape, rng=rng, device=device, dtype=dtype)`` returning the
        initial ``W``. The bias always starts at zero.
    rng : numpy.random.Generator, optional
        Source of randomness for ``init``; ``np.random.default_rng()`` if omitted.
    device : torch.device or str, optional
        Where the parameters live; ``default_device()`` if omitted.
    dtype : torch.dtype, default torch.float64
        Precision of the parameters; inputs are converted to it.
    Shapes
    ------
    X: (N, D_in) -> Z: (N, D_out); ``weight.data``: (D_in, D_out);
    ``bias.data``: (D_out,). This is the book's layout: ``torch.nn.Linear``
    stores the transpose, (D_out, D_in).

    Notes
    -----
    Batches are rows, so one matrix product handles all N samples. Backward:
    ``dW = X.T @ dZ``, ``db = dZ.sum(axis=0)``, ``dX = dZ @ W.T``; each is
    a matrix product as large as the forward one. ``backward(dZ,
    input_grad=False)``, which ``backward_parameters`` runs, skips ``dX``.

    Examples
    --------
    >>> import numpy as np
    >>> layer = Linear(3, 2, rng=np.random.default_rng(0), device="cpu")
    >>> layer
    Linear(in_features=3, out_features=2, bias=True)
    >>> layer(torch.ones((4, 3))).shape
    torch.Size([4, 2])
    """

    def __init__(
        self,
        in_features,
        out_features,
        *,
        bias=True,
        init=initializers.xavier_uniform,
        rng=None,
        device=None,
        dtype=torch.float64,
    ):
        super().__init__()
        check_count(in_features, owner="Linear", name="in_features")
        check_count(out_features, owner="Linear", name="out_features")
        rng = as_generator(rng, owner="Linear")
        device = resolve_device(device)
        self.in_features = int(in_features)
        self.out_features = int(out_features)
        shape = (self.in_features, self.out_features)
        self.weight = Parameter(init(shape, rng=rng, device=device, dtype=dtype))
        self.bias = (
            Parameter(torch.zeros(self.out_features, device=device, dtype=dtype))
            if bias
            else None
        )
        self.X = None

    def forward(self, X):
        W = self.weight.data
        X = as_float_tensor(X, owner=self, name="X", dtype=W.dtype, device=W.device)
        check_ndim(X, 2, owner=self, name="X", layout=f"(N, {self.in_features})")
        if X.shape[1] != self.in_features:
            raise ValueError(
                f"{self!r} expected X with {self.in_features} features "
                f"(shape (N, {self.in_features})), got shape {shape_str(X.shape)}."
            )
        self.X = X
        Z = X @ W
        if self.bias is not None:
            Z += self.bias.data
        return Z

    def backward(self, dZ, *, input_grad=True):
        self._check_backward(self.X, dZ, self.out_features)
        self.weight.grad += self.X.T @ dZ  # dW: (D_in, N) @ (N, D_out)
        if self.bias is not None:
            self.bias.grad += dZ.sum(axis=0)  # db
        if not input_grad:
            return None
        return dZ @ self.weight.data.T  # dX: (N, D_out) @ (D_out, D_in)

    def backward_parameters(self, dZ):
        """``backward`` without ``dX``: in a network's first layer ``dX`` is the
        gradient of the data, which training never uses; skipping it saves a
        third of the layer's work."""
        self.backward(dZ, input_grad=False)

    def extra_repr(self):
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )
