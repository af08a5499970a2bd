"""Parameters and modules, in PyTorch: the mirror of ``nnkit.module`` (chapter 2).

A :class:`Parameter` is a tensor the optimizer is allowed to change, together
with the gradient of the loss with respect to it. A :class:`Module` is one step
of the computation: ``forward`` maps an input batch to an output batch and
remembers what it needs, ``backward`` takes the gradient of the loss with
respect to the output and returns the gradient with respect to the input,
adding the gradients of its own parameters to their ``.grad`` on the way.

Three kinds of object have a ``backward``, each shaped by where it sits:

- ``Module.backward(dA)`` is a link in the chain: it receives dL/d(output) and
  returns dL/d(input). ``backward_parameters(dA)`` does the same work but
  returns nothing, for the first module of a network, whose input is the data.
- ``Loss.backward()`` starts the chain: a loss is the end of the network, so
  nothing comes from above it; it returns dL/dy_pred.
- A penalty's ``backward(parameters)`` (``L2Penalty``) adds to ``p.grad``
  directly: it is a function of the parameters themselves, not of an input,
  so it has no input gradient to return.

These are plain Python classes holding plain tensors, not ``torch.nn``
classes: no tensor here has ``requires_grad``, and every backward is written
out by hand, exactly as in the NumPy package.
"""

import torch

from nnkit.torch._checks import shape_str


class Parameter:
    """A trainable tensor ``data`` and its gradient ``grad`` (same shape and dtype).

    Backward passes *add* to ``grad`` (``+=``) so that gradients from several
    uses of a parameter, or several batches, accumulate until ``zero_grad()``
    resets them, as in PyTorch.

    ``device`` and ``dtype`` default to those of ``data`` (the CPU for a NumPy
    array); like ``np.asarray``, no copy is made when none is needed.

    Examples
    --------
    >>> p = Parameter(torch.ones((2, 3)), dtype=torch.float64)
    >>> p.grad.shape
    torch.Size([2, 3])
    >>> p
    Parameter(shape=(2, 3), dtype=torch.float64, device=cpu)
    """

    def __init__(self, data, *, device=None, dtype=None):
        self.data = torch.as_tensor(data, dtype=dtype, device=device).detach()
        self.grad = torch.zeros_like(self.data)

    def zero_grad(self):
        """Reset the accumulated gradient to zero, in place."""
        self.grad.fill_(0)

    def __repr__(self):
        return (
            f"Parameter(shape={tuple(self.data.shape)}, dtype={self.data.dtype}, "
            f"device={self.data.device})"
        )


class Module:
    """Base class of every layer and network.

    Subclasses implement ``forward(X)`` and ``backward(dA)``; forward stores
    what backward needs as attributes named after the math (``self.X``,
    ``self.A``). Calling a module runs ``forward``.

    ``in_features``/``out_features`` are ``None`` for modules that keep the
    width of their input (activations, dropout); layers that change it
    (``Linear``) set both, so ``Sequential`` can check that sizes fit.
    """

    in_features = None
    out_features = None

    def __init__(self):
        self.training = True

    def __call__(self, X):
        return self.forward(X)

    def forward(self, X):
        raise NotImplementedError(f"{type(self).__name__} must implement forward(X).")

    def backward(self, dA):
        raise NotImplementedError(f"{type(self).__name__} must implement backward(dA).")

    def backward_parameters(self, dA):
        """Backward for training: add this module's parameter gradients to their
        ``.grad``, and skip ``dX``, which nothing will use; returns None.

        ``fit`` calls it on the model, because the gradient with respect to the
        data is never used (autograd skips it too: data does not require a
        gradient). This default runs ``backward`` and drops ``dX``, and does
        nothing at all for a module without parameters; ``Linear`` and
        ``Sequential`` override it to skip the work.
        """
        if any(self.parameters()):  # is there at least one Parameter?
            self.backward(dA)

    def children(self):
        """The modules stored directly on this one (attributes or lists of them)."""
        for value in vars(self).values():
            if isinstance(value, Module):
                yield value
            elif isinstance(value, (list, tuple)):
                yield from (item for item in value if isinstance(item, Module))

    def parameters(self):
        """Every Parameter of this module and of its children, in definition
        order, each once: a custom module that holds one layer under two names
        has one set of weights, which the optimizer must update once (as in
        PyTorch)."""
        seen = set()
        for parameter in self._all_parameters():
            if id(parameter) not in seen:
                seen.add(id(parameter))
                yield parameter

    def _all_parameters(self):
        for value in vars(self).values():
            if isinstance(value, Parameter):
                yield value
        for child in self.children():
            yield from child._all_parameters()

    def zero_grad(self):
        """Reset the gradient of every parameter to zero."""
        for parameter in self.parameters():
            parameter.zero_grad()

    def train(self, mode=True):
        """Switch to training mode (``mode=False``: evaluation mode); returns self."""
        self.training = bool(mode)
        for child in self.children():
            child.train(mode)
        return self

    def eval(self):
        """Switch to evaluation mode (Dropout off, BatchNorm uses running stats)."""
        return self.train(False)

    def extra_repr(self):
        """The arguments shown inside ``Name(...)``; subclasses override it."""
        return ""

    def __repr__(self):
        return f"{type(self).__name__}({self.extra_repr()})"

    def _check_backward(self, cached, dA, out_features=None):
        """Raise a clear error if backward runs before forward stored ``cached``
        (the forward input), or if ``dA`` does not have the output's shape: the
        input's shape, with the last axis ``out_features`` wide when given."""
        if cached is None:
            raise RuntimeError(
                f"{self!r}: backward() was called before forward(). Run the forward "
                "pass first: A = layer(X), then layer.backward(dA)."
            )
        if not isinstance(dA, torch.Tensor):
            raise TypeError(
                f"{self!r}: backward() expected dA as a torch.Tensor, got "
                f"{type(dA).__name__}. Convert it once: torch.as_tensor(dA)."
            )
        shape = (
            cached.shape if out_features is None else (*cached.shape[:-1], out_features)
        )
        if tuple(dA.shape) != tuple(shape):
            raise ValueError(
                f"{self!r}: backward() expected a gradient of the output's shape "
                f"{shape_str(shape)}, got shape {shape_str(dA.shape)}."
            )
