"""The fully connected (dense) layer: ``Z = X @ W + b`` (chapter 2)."""

import numpy as np

from nnkit import init as initializers
from nnkit._checks import (
    as_float_array,
    as_generator,
    check_count,
    check_ndim,
    shape_str,
)
from nnkit.module import Module, Parameter


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
    init : callable, default ``nnkit.init.xavier_uniform``
        ``init(shape, rng=rng, dtype=dtype)`` returning the initial ``W``.
        The bias always starts at zero.
    rng : numpy.random.Generator, optional
        Source of randomness for ``init``; ``np.random.default_rng()`` if omitted.
    dtype : numpy dtype, default float64
        Precision of the parameters; inputs are converted to it.
    Shapes
    ------
    X: (N, D_in) -> Z: (N, D_out); ``weight.data``: (D_in, D_out);
    ``bias.data``: (D_out,).

    Notes
    -----
    Batches are rows, so one matrix product handles all N samples. Backward:
    ``dW = X.T @ dZ``, ``db = dZ.sum(axis=0)``, ``dX = dZ @ W.T``; each is
    a matrix product as large as the forward one. ``backward(dZ,
    input_grad=False)``, which ``backward_parameters`` runs, skips ``dX``.

    Examples
    --------
    >>> layer = Linear(3, 2, rng=np.random.default_rng(0))
    >>> layer
    Linear(in_features=3, out_features=2, bias=True)
    >>> layer(np.ones((4, 3))).shape
    (4, 2)
    """

    def __init__(
        self,
        in_features,
        out_features,
        *,
        bias=True,
        init=initializers.xavier_uniform,
        rng=None,
        dtype=np.float64,
    ):
        super().__init__()
        check_count(in_features, owner="Linear", name="in_features")
        check_count(out_features, owner="Linear", name="out_features")
        rng = as_generator(rng, owner="Linear")
        self.in_features = int(in_features)
        self.out_features = int(out_features)
        shape = (self.in_features, self.out_features)
        self.weight = Parameter(init(shape, rng=rng, dtype=dtype))
        self.bias = (
            Parameter(np.zeros(self.out_features, dtype=dtype)) if bias else None
        )
        self.X = None

    def forward(self, X):
        X = as_float_array(X, owner=self, name="X", dtype=self.weight.data.dtype)
        check_ndim(X, 2, owner=self, name="X", layout=f"(N, {self.in_features})")
        if X.shape[1] != self.in_features:
            raise ValueError(
                f"{self!r} expected X with {self.in_features} features "
                f"(shape (N, {self.in_features})), got shape {shape_str(X.shape)}."
            )
        self.X = X
        Z = X @ self.weight.data
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
