"""A network as a chain of modules, in PyTorch: the mirror of ``nnkit.sequential``.

Forward in order, backward in reverse. Introduced in chapter 2.
"""

from nnkit.torch.module import Module


class Sequential(Module):
    """Apply modules one after another: ``A = f_L(... f_2(f_1(X)))``.

    Forward propagation is function composition; backpropagation walks the
    same chain backwards, each module turning the gradient of its output into
    the gradient of its input (the chain rule).

    Sizes are checked when the network is built: each ``Linear`` must expect
    as many features as the previous ``Linear`` produces.

    Examples
    --------
    >>> import numpy as np
    >>> from nnkit.torch import Linear, ReLU
    >>> rng = np.random.default_rng(0)
    >>> model = Sequential(Linear(3, 5, rng=rng), ReLU(), Linear(5, 2, rng=rng))
    >>> count_parameters(model)
    32
    >>> model(np.zeros((4, 3))).shape  # NumPy input is copied to the model's device
    torch.Size([4, 2])
    """

    def __init__(self, *layers):
        super().__init__()
        for i, layer in enumerate(layers):
            if not isinstance(layer, Module):
                raise TypeError(
                    f"Sequential: layer {i} must be a Module (e.g. Linear(3, 5) or "
                    f"ReLU()), got {type(layer).__name__}. Did you forget the ()?"
                )
        self.layers = list(layers)
        self._check_each_module_once()
        self._check_sizes()

    def _check_each_module_once(self):
        # A module remembers its last input for backward: used twice, its second
        # forward overwrites what the first backward needs, and the gradients
        # come out wrong without any error.
        first_use = {}
        for i, layer in enumerate(self.layers):
            for module in _self_and_descendants(layer):
                if id(module) in first_use:
                    raise ValueError(
                        f"Sequential: layer {i} uses the same {module!r} object as "
                        f"layer {first_use[id(module)]}. A module remembers its last "
                        "input for backward, so one object cannot sit in two places "
                        "of a network: create a new one for each place."
                    )
                first_use[id(module)] = i

    def _check_sizes(self):
        width, source = None, None
        for i, layer in enumerate(self.layers):
            if layer.in_features is None:
                continue
            if width is not None and layer.in_features != width:
                raise ValueError(
                    f"Sequential: layer {i}, {layer!r}, expects {layer.in_features} "
                    f"input features, but layer {source}, {self.layers[source]!r}, "
                    f"outputs {width}. Make its in_features {width}."
                )
            width, source = layer.out_features, i

    @property
    def in_features(self):
        return next((m.in_features for m in self.layers if m.in_features), None)

    @property
    def out_features(self):
        sizes = [m.out_features for m in self.layers if m.out_features]
        return sizes[-1] if sizes else None

    def forward(self, X):
        for layer in self.layers:
            X = layer(X)
        return X

    def backward(self, dA):
        for layer in reversed(self.layers):
            dA = layer.backward(dA)
        return dA

    def backward_parameters(self, dA):
        """Backward for training, as ``fit`` runs it: every parameter gets its
        gradient, but no gradient is computed for the network's input (the
        data), which nothing uses. Layers before the first one with parameters
        are skipped, and that one runs its own ``backward_parameters``."""
        with_parameters = (i for i, m in enumerate(self.layers) if any(m.parameters()))
        first = next(with_parameters, None)
        if first is None:
            return
        for layer in reversed(self.layers[first + 1 :]):
            dA = layer.backward(dA)
        self.layers[first].backward_parameters(dA)

    def __getitem__(self, index):
        return self.layers[index]

    def __len__(self):
        return len(self.layers)

    def __iter__(self):
        return iter(self.layers)

    def summary(self):
        """Print each layer, its output shape and parameter count, and the total.

        >>> import numpy as np
        >>> from nnkit.torch import Linear, ReLU
        >>> rng = np.random.default_rng(0)
        >>> layers = Linear(3, 5, rng=rng), ReLU(), Linear(5, 2, rng=rng)
        >>> Sequential(*layers).summary()
        Layer                                                 Output shape    Params
        ----------------------------------------------------------------------------
        0  Linear(in_features=3, out_features=5, bias=True)   (N, 5)              20
        1  ReLU()                                             (N, 5)               0
        2  Linear(in_features=5, out_features=2, bias=True)   (N, 2)              12
        ----------------------------------------------------------------------------
        Total parameters: 32
        """
        rows, width = [], self.in_features
        for i, layer in enumerate(self.layers):
            width = layer.out_features or width
            shape = f"(N, {width if width else '?'})"
            rows.append((f"{i:<3}{layer!r}", shape, count_parameters(layer)))
        # A list, not max(a, *rest): an empty Sequential has no rows.
        name_width = max([len("Layer")] + [len(name) for name, _, _ in rows]) + 3
        header = f"{'Layer':<{name_width}}{'Output shape':<14}{'Params':>8}"
        print(header)
        print("-" * len(header))
        for name, shape, n in rows:
            print(f"{name:<{name_width}}{shape:<14}{n:>8,}")
        print("-" * len(header))
        print(f"Total parameters: {count_parameters(self):,}")

    def __repr__(self):
        # Indent nested reprs (a Sequential inside a Sequential) under their index.
        lines = [
            f"  ({i}): " + repr(layer).replace("\n", "\n  ")
            for i, layer in enumerate(self.layers)
        ]
        return "Sequential(\n" + "\n".join(lines) + "\n)"


def count_parameters(model):
    """The number of trainable numbers in ``model`` (weights and biases).

    A 3-5-2 network has 3*5 + 5 + 5*2 + 2 = 32.
    """
    return sum(parameter.data.numel() for parameter in model.parameters())


def _self_and_descendants(module):
    yield module
    for child in module.children():
        yield from _self_and_descendants(child)
