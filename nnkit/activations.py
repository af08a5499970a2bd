"""Activation functions, each with its derivative right below it (chapter 3).

The plain functions (``sigmoid``, ``softmax``, ...) hold the one implementation
of each formula; the modules wrap them for use inside a network, and the
book's plots call the functions directly. In every backward,
``dZ = dA * f'(Z)``: the chain rule, one element at a time.
"""

import numpy as np

from nnkit._checks import as_float_array, check_positive
from nnkit.module import Module


def sigmoid(Z):
    """Logistic sigmoid: ``A = 1 / (1 + exp(-Z))``, computed without overflow.

    For ``Z < 0`` the equal form ``exp(Z) / (1 + exp(Z))`` is used, so ``exp``
    only ever sees non-positive numbers and cannot overflow.

    >>> sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    array([0. , 0.5, 1. ])
    """
    E = np.exp(-np.abs(Z))  # in (0, 1]: never overflows
    return np.where(Z >= 0, 1.0 / (1.0 + E), E / (1.0 + E))


def sigmoid_derivative(Z):
    """``sigmoid'(Z) = A * (1 - A)``; largest (0.25) at ``Z = 0``."""
    A = sigmoid(Z)
    return A * (1.0 - A)


def tanh_derivative(Z):
    """``tanh'(Z) = 1 - tanh(Z)**2``."""
    return 1.0 - np.tanh(Z) ** 2


def relu(Z):
    """Rectified linear unit: ``A = max(0, Z)``.

    >>> relu(np.array([-2.0, 0.0, 3.0]))
    array([0., 0., 3.])
    """
    return np.maximum(Z, 0)


def relu_derivative(Z):
    """``relu'(Z) = 1 if Z > 0 else 0`` (0 at the kink, as in PyTorch)."""
    return (Z > 0).astype(Z.dtype)


def leaky_relu(Z, negative_slope=0.01):
    """Leaky ReLU: ``A = Z if Z > 0 else negative_slope * Z``."""
    return np.where(Z > 0, Z, negative_slope * Z)


def leaky_relu_derivative(Z, negative_slope=0.01):
    """``1 if Z > 0 else negative_slope``."""
    return np.where(Z > 0, 1.0, negative_slope).astype(Z.dtype)


def step(Z):
    """Binary step (Heaviside): ``A = 1 if Z >= 0 else 0``.

    >>> step(np.array([-0.5, 0.0, 2.0]))
    array([0., 1., 1.])
    """
    return (Z >= 0).astype(Z.dtype)


def softmax(Z):
    """Softmax along the last axis: ``A = exp(Z) / exp(Z).sum(-1)``.

    Subtracting each row's maximum first changes nothing mathematically (it
    cancels in the ratio) but keeps ``exp`` from overflowing.

    >>> softmax(np.array([[1000.0, 1000.0]]))
    array([[0.5, 0.5]])
    """
    if Z.shape[-1] == 0:  # rows of no entries: nothing to normalise (as in torch)
        return Z.copy()
    E = np.exp(Z - Z.max(axis=-1, keepdims=True))
    return E / E.sum(axis=-1, keepdims=True)


class _Elementwise(Module):
    """Shared plumbing of the activations: check the input, cache it for backward."""

    def __init__(self):
        super().__init__()
        self.Z = None

    def _remember(self, Z):
        Z = as_float_array(Z, owner=self, name="Z")
        self.Z = Z
        return Z


class Identity(_Elementwise):
    """Identity (linear) activation: ``A = Z``; ``dZ = dA``.

    Used on the output layer of regression networks.
    """

    def forward(self, Z):
        return self._remember(Z)

    def backward(self, dA):
        self._check_backward(self.Z, dA)
        return dA


class Step(_Elementwise):
    """Binary step: ``A = 1 if Z >= 0 else 0`` (the perceptron's activation).

    Its derivative is 0 everywhere it exists, so backward returns zeros: no
    gradient flows through a step, which is why networks trained by gradient
    descent use smooth activations instead.
    """

    def forward(self, Z):
        return step(self._remember(Z))

    def backward(self, dA):
        self._check_backward(self.Z, dA)
        return np.zeros_like(self.Z)


class Sigmoid(_Elementwise):
    """Sigmoid: ``A = 1 / (1 + exp(-Z))``, range (0, 1); ``dZ = dA * A * (1 - A)``.

    >>> Sigmoid()(np.array([[0.0]]))
    array([[0.5]])
    """

    def forward(self, Z):
        self.A = sigmoid(self._remember(Z))
        return self.A

    def backward(self, dA):
        self._check_backward(self.Z, dA)
        return dA * sigmoid_derivative(self.Z)


class Tanh(_Elementwise):
    """Hyperbolic tangent: ``A = tanh(Z)``, range (-1, 1); ``dZ = dA * (1 - A**2)``."""

    def forward(self, Z):
        self.A = np.tanh(self._remember(Z))
        return self.A

    def backward(self, dA):
        self._check_backward(self.Z, dA)
        return dA * tanh_derivative(self.Z)


class ReLU(_Elementwise):
    """Rectified linear unit: ``A = max(0, Z)``; ``dZ = dA * (Z > 0)``.

    >>> ReLU()(np.array([[-1.0, 2.0]]))
    array([[0., 2.]])
    """

    def forward(self, Z):
        return relu(self._remember(Z))

    def backward(self, dA):
        self._check_backward(self.Z, dA)
        return dA * relu_derivative(self.Z)


class LeakyReLU(_Elementwise):
    """Leaky ReLU: ``A = Z if Z > 0 else negative_slope * Z``.

    The small slope for negative inputs keeps a gradient flowing, so a neuron
    cannot "die" the way a ReLU neuron stuck at negative inputs does.
    """

    def __init__(self, negative_slope=0.01):
        super().__init__()
        check_positive(
            negative_slope, owner="LeakyReLU", name="negative_slope", allow_zero=True
        )
        self.negative_slope = negative_slope

    def forward(self, Z):
        return leaky_relu(self._remember(Z), self.negative_slope)

    def backward(self, dA):
        self._check_backward(self.Z, dA)
        return dA * leaky_relu_derivative(self.Z, self.negative_slope)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}"


class Softmax(_Elementwise):
    """Softmax along the last axis: each row becomes probabilities summing to 1.

    Backward uses the Jacobian-vector product without building the Jacobian:
    ``dZ = A * (dA - (dA * A).sum(-1, keepdims=True))``.

    >>> Softmax()(np.array([[0.0, 0.0]]))
    array([[0.5, 0.5]])
    """

    def forward(self, Z):
        Z = self._remember(Z)
        if Z.ndim == 0:
            raise ValueError(
                f"{self!r}: expected Z with at least one axis (softmax normalises "
                "along the last one), got a 0-d value. Use Z.reshape(1, -1)."
            )
        self.A = softmax(Z)
        return self.A

    def backward(self, dA):
        self._check_backward(self.Z, dA)
        return self.A * (dA - (dA * self.A).sum(axis=-1, keepdims=True))
