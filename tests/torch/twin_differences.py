"""The intended differences between the bodies of nnkit's and nnkit.torch's twin
functions, read by test_api_parity.py: for each function, (NumPy text, torch
text) pairs, in the form ``ast.unparse`` writes them after the translations of
test_api_parity.TRANSLATIONS. Device and dtype plumbing, and operations the two
libraries spell differently. Generated from the twins, then reviewed: an entry
changes only when a twin changes on purpose.
"""

# ruff: noqa: E501

TWIN_DIFFERENCES = {
    "module.Module._check_backward": [
        (
            "    raise RuntimeError(f'{self!r}: backward() was called before forward(). Run the forward pass first: A = layer(X), then layer.backward(dA).')",
            "    raise RuntimeError(f'{self!r}: backward() was called before forward(). Run the forward pass first: A = layer(X), then layer.backward(dA).')\nif not isinstance(dA, torch.Tensor):\n    raise TypeError(f'{self!r}: backward() expected dA as a torch.Tensor, got {type(dA).__name__}. Convert it once: torch.as_tensor(dA).')",
        ),
        (
            'if torch.shape(dA) != shape:\n    raise ValueError(f"{self!r}: backward() expected a gradient of the output\'s shape {shape_str(shape)}, got shape {shape_str(torch.shape(dA))}.")',
            'if tuple(dA.shape) != tuple(shape):\n    raise ValueError(f"{self!r}: backward() expected a gradient of the output\'s shape {shape_str(shape)}, got shape {shape_str(dA.shape)}.")',
        ),
    ],
    "module.Parameter.__init__": [
        (
            "self.data = torch.asarray(data)",
            "self.data = torch.as_tensor(data, dtype=dtype, device=device).detach()",
        ),
    ],
    "module.Parameter.__repr__": [
        (
            "return f'Parameter(shape={tuple(self.data.shape)}, dtype={self.data.dtype})'",
            "return f'Parameter(shape={tuple(self.data.shape)}, dtype={self.data.dtype}, device={self.data.device})'",
        ),
    ],
    "module.Parameter.zero_grad": [
        ("self.grad.fill(0)", "self.grad.fill_(0)"),
    ],
    "linear.Linear.__init__": [
        (
            "rng = as_generator(rng, owner='Linear')",
            "rng = as_generator(rng, owner='Linear')\ndevice = resolve_device(device)",
        ),
        (
            "self.weight = Parameter(init(shape, rng=rng, dtype=dtype))\nself.bias = Parameter(torch.zeros(self.out_features, dtype=dtype)) if bias else None",
            "self.weight = Parameter(init(shape, rng=rng, device=device, dtype=dtype))\nself.bias = Parameter(torch.zeros(self.out_features, device=device, dtype=dtype)) if bias else None",
        ),
    ],
    "linear.Linear.forward": [
        (
            "X = as_float_tensor(X, owner=self, name='X', dtype=self.weight.data.dtype)",
            "W = self.weight.data\nX = as_float_tensor(X, owner=self, name='X', dtype=W.dtype, device=W.device)",
        ),
        ("Z = X @ self.weight.data", "Z = X @ W"),
    ],
    "activations.leaky_relu_derivative": [
        (
            "return torch.where(Z > 0, 1.0, negative_slope).to(Z.dtype)",
            "return torch.where(Z > 0, torch.ones_like(Z), torch.full_like(Z, negative_slope))",
        ),
    ],
    "activations.relu": [
        ("return torch.maximum(Z, 0)", "return torch.clamp(Z, min=0)"),
    ],
    "activations.softmax": [
        (
            "E = torch.exp(Z - Z.max(axis=-1, keepdims=True))",
            "E = torch.exp(Z - Z.amax(axis=-1, keepdims=True))",
        ),
    ],
    "losses.BCELoss.backward": [
        (
            "return (p - y) / torch.maximum(p * (1.0 - p), _BCE_GRAD_EPS) / p.numel()",
            "return (p - y) / torch.clamp(p * (1.0 - p), min=_BCE_GRAD_EPS) / p.numel()",
        ),
    ],
    "losses.BCELoss.forward": [
        (
            "    if values.min() < 0 or values.max() > 1:\n        raise ValueError(f'{self!r}: {name} must hold probabilities in [0, 1], got values in [{values.min():.4g}, {values.max():.4g}].' + (' If y_pred are raw scores (logits), use BCEWithLogitsLoss.' if name == 'y_pred' else ''))\nlog_p = torch.log(torch.maximum(p, _LOG_FLOOR))\nlog_1mp = torch.log(torch.maximum(1.0 - p, _LOG_FLOOR))",
            "    low, high = (float(values.min()), float(values.max()))\n    if low < 0 or high > 1:\n        raise ValueError(f'{self!r}: {name} must hold probabilities in [0, 1], got values in [{low:.4g}, {high:.4g}].' + (' If y_pred are raw scores (logits), use BCEWithLogitsLoss.' if name == 'y_pred' else ''))\nlog_p = torch.log(torch.clamp(p, min=_LOG_FLOOR))\nlog_1mp = torch.log(torch.clamp(1.0 - p, min=_LOG_FLOOR))",
        ),
    ],
    "losses.BCEWithLogitsLoss._pos_weight_like": [
        (
            "return w.to(z.dtype)",
            "return w.to(device=z.device, dtype=z.dtype)",
        ),
    ],
    "losses.BCEWithLogitsLoss.forward": [
        (
            "softplus_z, softplus_minus_z = (torch.maximum(z, 0) + t, torch.maximum(-z, 0) + t)",
            "softplus_z, softplus_minus_z = (torch.clamp(z, min=0) + t, torch.clamp(-z, min=0) + t)",
        ),
    ],
    "losses.CrossEntropyLoss._weight_like": [
        (
            "return self.weight.to(Z.dtype)",
            "return self.weight.to(device=Z.device, dtype=Z.dtype)",
        ),
    ],
    "losses.CrossEntropyLoss.forward": [
        (
            "Y = self._targets(y_true, Z.shape, Z.dtype)",
            "Y = self._targets(y_true, Z)",
        ),
        (
            "total = self._total(Y, torch.ndim(y_true) == 1)\nshifted = Z - Z.max(axis=1, keepdims=True)",
            "total = self._total(Y, torch.as_tensor(y_true).ndim == 1)\nshifted = Z - Z.amax(axis=1, keepdims=True)",
        ),
    ],
    "losses.CrossEntropyLoss._targets": [
        (
            "N, C = logits_shape\ny = torch.asarray(y_true)",
            "N, C = Z.shape\ny = torch.as_tensor(y_true, device=Z.device)",
        ),
        (
            "    if not torch.issubdtype(y.dtype, torch.integer):\n        raise TypeError(f'{self!r}: class labels y_true must be integers in [0, {C}), got dtype {y.dtype}. Use y.to(int), or pass one-hot rows (N, C).')\n    if y.min() < 0 or y.max() >= C:\n        raise ValueError(f'{self!r}: class labels must lie in [0, {C}) for {C} logits per row, got labels in [{y.min()}, {y.max()}].')\n    Y = torch.zeros(logits_shape, dtype=dtype)\n    Y[torch.arange(N), y] = 1.0",
            "    if y.is_floating_point() or y.is_complex() or y.dtype == torch.bool:\n        raise TypeError(f'{self!r}: class labels y_true must be integers in [0, {C}), got dtype {y.dtype}. Use y.long(), or pass one-hot rows (N, C).')\n    low, high = (int(y.min()), int(y.max()))\n    if low < 0 or high >= C:\n        raise ValueError(f'{self!r}: class labels must lie in [0, {C}) for {C} logits per row, got labels in [{low}, {high}].')\n    Y = torch.zeros_like(Z)\n    Y[torch.arange(N, device=Z.device), y] = 1.0",
        ),
        (
            "Y = as_float_tensor(y, owner=self, name='y_true', dtype=dtype)\nif Y.shape != logits_shape:\n    raise ValueError(f'{self!r}: y_true must be labels of shape ({N},) or one-hot rows of shape {shape_str(logits_shape)}, got shape {shape_str(Y.shape)}.')",
            "Y = _like(y, Z, owner=self, name='y_true')\nif Y.shape != Z.shape:\n    raise ValueError(f'{self!r}: y_true must be labels of shape ({N},) or one-hot rows of shape {shape_str(Z.shape)}, got shape {shape_str(Y.shape)}.')",
        ),
    ],
    "losses.HuberLoss.backward": [
        (
            "return torch.clip(r, -self.delta, self.delta) / self.y_pred.numel()",
            "return torch.clamp(r, -self.delta, self.delta) / self.y_pred.numel()",
        ),
    ],
    "losses.Loss._inputs": [
        (
            "y_true = as_float_tensor(y_true, owner=self, name='y_true', dtype=y_pred.dtype)",
            "y_true = _like(y_true, y_pred, owner=self, name='y_true')",
        ),
    ],
    "gradcheck.gradcheck": [
        (
            "X = as_float_tensor(X, owner='gradcheck', name='X').to(torch.float64)",
            "X = as_float_tensor(X, owner='gradcheck', name='X', dtype=torch.float64)\ndevice = next((p.data.device for p in module.parameters()), X.device)\nX = X.to(device).clone()",
        ),
        (
            "    dA = rng.normal(size=module(X).shape)",
            "    dA = torch.as_tensor(rng.normal(size=tuple(module(X).shape)), device=X.device)",
        ),
    ],
    "gradcheck.gradcheck_loss": [
        (
            "y_pred = as_float_tensor(y_pred, owner='gradcheck_loss', name='y_pred').to(torch.float64)",
            "y_pred = as_float_tensor(y_pred, owner='gradcheck_loss', name='y_pred', dtype=torch.float64).clone()",
        ),
    ],
    "gradcheck.numerical_gradient": [
        (
            "for index in torch.ndindex(x.shape):\n    original = x[index]",
            "for index in np.ndindex(tuple(x.shape)):\n    original = x[index].clone()",
        ),
    ],
    "gradcheck.relative_error": [
        (
            "scale = max(torch.max(torch.abs(analytic), initial=0.0), torch.max(torch.abs(numeric), initial=0.0))",
            "analytic, numeric = (torch.as_tensor(analytic), torch.as_tensor(numeric))\nscale = max(float(analytic.abs().max()) if analytic.numel() else 0.0, float(numeric.abs().max()) if numeric.numel() else 0.0)",
        ),
    ],
    "init.he_normal": [
        (
            "std = torch.sqrt(2.0 / fan_in)\nreturn (std * rng.standard_normal(shape)).to(dtype)",
            "std = np.sqrt(2.0 / fan_in)\nreturn _tensor(std * rng.standard_normal(shape), device, dtype)",
        ),
    ],
    "init.he_uniform": [
        (
            "limit = torch.sqrt(6.0 / fan_in)\nreturn rng.uniform(-limit, limit, size=shape).to(dtype)",
            "limit = np.sqrt(6.0 / fan_in)\nreturn _tensor(rng.uniform(-limit, limit, size=shape), device, dtype)",
        ),
    ],
    "init.normal": [
        (
            "return (std * rng.standard_normal(shape)).to(dtype)",
            "return _tensor(std * rng.standard_normal(shape), device, dtype)",
        ),
    ],
    "init.xavier_normal": [
        (
            "std = torch.sqrt(2.0 / (fan_in + fan_out))\nreturn (std * rng.standard_normal(shape)).to(dtype)",
            "std = np.sqrt(2.0 / (fan_in + fan_out))\nreturn _tensor(std * rng.standard_normal(shape), device, dtype)",
        ),
    ],
    "init.xavier_uniform": [
        (
            "limit = torch.sqrt(6.0 / (fan_in + fan_out))\nreturn rng.uniform(-limit, limit, size=shape).to(dtype)",
            "limit = np.sqrt(6.0 / (fan_in + fan_out))\nreturn _tensor(rng.uniform(-limit, limit, size=shape), device, dtype)",
        ),
    ],
    "init.zeros": [
        (
            "return torch.zeros(shape, dtype=dtype)",
            "return torch.zeros(shape, dtype=dtype, device=resolve_device(device))",
        ),
    ],
    "regularization.BatchNorm1d.__init__": [
        (
            "self.weight = Parameter(torch.ones(self.num_features, dtype=dtype))\nself.bias = Parameter(torch.zeros(self.num_features, dtype=dtype))\nself.running_mean = torch.zeros(self.num_features, dtype=dtype)\nself.running_var = torch.ones(self.num_features, dtype=dtype)",
            "place = {'device': resolve_device(device), 'dtype': dtype}\nself.weight = Parameter(torch.ones(self.num_features, **place))\nself.bias = Parameter(torch.zeros(self.num_features, **place))\nself.running_mean = torch.zeros(self.num_features, **place)\nself.running_var = torch.ones(self.num_features, **place)",
        ),
    ],
    "regularization.BatchNorm1d.forward": [
        (
            "X = as_float_tensor(X, owner=self, name='X', dtype=self.weight.data.dtype)",
            "gamma = self.weight.data\nX = as_float_tensor(X, owner=self, name='X', dtype=gamma.dtype, device=gamma.device)",
        ),
        (
            "    mean, var = (X.mean(axis=0), X.var(axis=0))",
            "    mean, var = (X.mean(axis=0), X.var(axis=0, correction=0))",
        ),
    ],
    "regularization.Dropout.forward": [
        (
            "    keep = self.rng.random(X.shape) >= self.p",
            "    keep = self.rng.random(tuple(X.shape)) >= self.p\n    keep = torch.as_tensor(keep, device=X.device)",
        ),
    ],
    "schedulers._check_optimizer": [
        (
            "raise TypeError(f'{owner}: optimizer must be an nnkit Optimizer such as SGD(model.parameters(), lr=0.1), got {type(optimizer).__name__}.')",
            "raise TypeError(f'{owner}: optimizer must be an nnkit.torch Optimizer such as SGD(model.parameters(), lr=0.1), got {type(optimizer).__name__}.')",
        ),
    ],
    "early_stopping.EarlyStopping.restore": [
        ("        torch.copyto(p.data, best)", "        p.data.copy_(best)"),
    ],
    "training._checked_fit_arguments": [
        (
            "X, y = _finite_pair(X, y, owner='fit')",
            "W = next(model.parameters(), None)\ndevice = default_device() if W is None else W.data.device\nplace = {'device': device, 'dtype': None if W is None else W.data.dtype}\nX, y = _finite_pair(X, y, owner='fit', **place)",
        ),
        (
            "    validation_data = _finite_pair(*validation_data, owner='fit: validation_data')",
            "    owner = 'fit: validation_data'\n    validation_data = _finite_pair(*validation_data, owner=owner, **place)",
        ),
    ],
    "training._diverging": [
        (
            "    with torch.errstate(over='ignore', invalid='ignore', divide='ignore'):\n        yield",
            "    yield",
        ),
    ],
    "training._finite_pair": [
        (
            "X, y = check_pair(X, y, owner=owner)\nfor name, array in (('X', X), ('y', y)):\n    if torch.issubdtype(array.dtype, torch.floating):\n        check_finite(array, owner=owner, name=name)",
            "X, y = (t if isinstance(t, torch.Tensor) else torch.as_tensor(np.asarray(t)) for t in (X, y))\ncheck_rows(X, y, owner=owner)\nX = X.to(device=device, dtype=dtype)\ny = y.to(device=device, dtype=dtype if y.is_floating_point() else None)\nfor name, tensor in (('X', X), ('y', y)):\n    if tensor.is_floating_point():\n        check_finite(tensor, owner=owner, name=name)",
        ),
    ],
    "training.fit": [
        (
            "    batches = minibatches(X, y, batch_size, shuffle=shuffle, rng=rng)",
            "    batches = _minibatches(X, y, batch_size, shuffle=shuffle, rng=rng)",
        ),
    ],
}
