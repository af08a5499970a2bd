"""Tests of nnkit.optim: every optimiser against torch.optim, step by step."""

import re

import numpy as np
import pytest

from nnkit.linear import Linear
from nnkit.module import Parameter
from nnkit.optim import SGD, Adam, Optimizer, RMSprop, clip_grad_norm

STEPS = 10
TOLERANCE = 1e-10
SHAPES = [(3, 4), (4,), (1,)]

# (nnkit class, keyword arguments); torch.optim has a class of the same name.
CONFIGS = [
    (SGD, dict(lr=0.1)),
    (SGD, dict(lr=0.1, momentum=0.9)),
    (SGD, dict(lr=0.1, momentum=0.9, nesterov=True)),
    (SGD, dict(lr=0.1, weight_decay=0.05)),
    (SGD, dict(lr=0.05, momentum=0.5, nesterov=True, weight_decay=0.05)),
    (RMSprop, dict(lr=0.01)),
    (RMSprop, dict(lr=0.01, alpha=0.9, eps=1e-6)),
    (Adam, dict(lr=0.01)),
    (Adam, dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
]
CONFIG_IDS = [
    f"{cls.__name__}({', '.join(f'{k}={v}' for k, v in kwargs.items())})"
    for cls, kwargs in CONFIGS
]
OPTIMIZERS = [
    (SGD, dict(lr=0.1, momentum=0.9)),
    (RMSprop, dict(lr=0.01)),
    (Adam, dict(lr=0.01, weight_decay=0.1)),
]


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def make_params(rng, dtype=np.float64):
    return [Parameter(rng.normal(size=shape).astype(dtype)) for shape in SHAPES]


def assert_same_weights(params, tensors, step):
    for i, (p, t) in enumerate(zip(params, tensors, strict=True)):
        error = np.max(np.abs(p.data - t.detach().numpy()))
        assert error < TOLERANCE, f"parameter {i} after step {step}: error {error:.3g}"


@pytest.mark.parametrize("optimizer_class, kwargs", CONFIGS, ids=CONFIG_IDS)
def test_matches_torch_on_random_gradients(torch, optimizer_class, kwargs):
    rng = np.random.default_rng(0)
    params = make_params(rng)
    tensors = [torch.tensor(p.data.copy(), requires_grad=True) for p in params]
    ours = optimizer_class(params, **kwargs)
    theirs = getattr(torch.optim, optimizer_class.__name__)(tensors, **kwargs)
    for step in range(1, STEPS + 1):
        for p, t in zip(params, tensors, strict=True):
            grad = rng.normal(size=p.data.shape)
            p.grad[...] = grad
            t.grad = torch.tensor(grad)
        ours.step()
        theirs.step()
        assert_same_weights(params, tensors, step)


@pytest.mark.parametrize("optimizer_class, kwargs", CONFIGS, ids=CONFIG_IDS)
def test_matches_torch_on_a_quadratic_loss(torch, optimizer_class, kwargs):
    # L = 0.5 * sum(c * (w - target)**2): each side computes its own gradient
    # from its own weights, so any difference would grow from step to step.
    rng = np.random.default_rng(1)
    params = make_params(rng)
    tensors = [torch.tensor(p.data.copy(), requires_grad=True) for p in params]
    curvatures = [rng.uniform(0.1, 10.0, size=shape) for shape in SHAPES]
    targets = [rng.normal(size=shape) for shape in SHAPES]
    ours = optimizer_class(params, **kwargs)
    theirs = getattr(torch.optim, optimizer_class.__name__)(tensors, **kwargs)
    for step in range(1, STEPS + 1):
        ours.zero_grad()
        for p, c, target in zip(params, curvatures, targets, strict=True):
            p.grad += c * (p.data - target)
        ours.step()
        theirs.zero_grad()
        loss = sum(
            0.5 * (torch.tensor(c) * (t - torch.tensor(target)) ** 2).sum()
            for t, c, target in zip(tensors, curvatures, targets, strict=True)
        )
        loss.backward()
        theirs.step()
        assert_same_weights(params, tensors, step)


@pytest.mark.parametrize("max_norm", [0.5, 1e6], ids=["clips", "leaves-alone"])
def test_clip_grad_norm_matches_torch(torch, max_norm):
    rng = np.random.default_rng(2)
    params = make_params(rng)
    tensors = [torch.tensor(p.data.copy(), requires_grad=True) for p in params]
    for p, t in zip(params, tensors, strict=True):
        p.grad[...] = rng.normal(size=p.data.shape)
        t.grad = torch.tensor(p.grad.copy())
    total = clip_grad_norm(params, max_norm)
    expected = torch.nn.utils.clip_grad_norm_(tensors, max_norm)
    assert isinstance(total, float)
    assert abs(total - float(expected)) < TOLERANCE
    for p, t in zip(params, tensors, strict=True):
        assert np.max(np.abs(p.grad - t.grad.numpy())) < TOLERANCE


def test_clip_grad_norm_result_has_max_norm():
    p = Parameter(np.zeros(2))
    p.grad[:] = [30.0, 40.0]
    assert clip_grad_norm([p], max_norm=5.0) == 50.0
    assert np.linalg.norm(p.grad) == pytest.approx(5.0)


def test_zero_grad_resets_every_gradient():
    params = make_params(np.random.default_rng(3))
    for p in params:
        p.grad += 1.0
    SGD(params, lr=0.1).zero_grad()
    assert all(np.all(p.grad == 0) for p in params)


@pytest.mark.parametrize("optimizer_class, kwargs", CONFIGS, ids=CONFIG_IDS)
def test_step_changes_data_in_place_and_leaves_gradients_alone(optimizer_class, kwargs):
    rng = np.random.default_rng(4)
    params = make_params(rng)
    for p in params:
        p.grad[...] = rng.normal(size=p.data.shape)
    arrays = [p.data for p in params]
    grads = [p.grad.copy() for p in params]
    optimizer_class(params, **kwargs).step()
    for p, array, grad in zip(params, arrays, grads, strict=True):
        assert p.data is array
        np.testing.assert_array_equal(p.grad, grad)


@pytest.mark.parametrize("optimizer_class, kwargs", CONFIGS, ids=CONFIG_IDS)
def test_float32_parameters_stay_float32(optimizer_class, kwargs):
    rng = np.random.default_rng(5)
    params = make_params(rng, dtype=np.float32)
    optimizer = optimizer_class(params, **kwargs)
    for _ in range(3):
        for p in params:
            p.grad[...] = rng.normal(size=p.data.shape)
        clip_grad_norm(params, max_norm=1.0)
        optimizer.step()
    for p in params:
        assert p.data.dtype == np.float32
        assert p.grad.dtype == np.float32


def test_accepts_the_generator_model_parameters():
    model = Linear(3, 2, rng=np.random.default_rng(6))
    optimizer = Adam(model.parameters())
    assert optimizer.params == [model.weight, model.bias]


def test_sgd_minimises_a_one_dimensional_quadratic():
    # L = (w - 3)**2 has its minimum at w = 3; each step shrinks w - 3 by 0.8.
    w = Parameter(np.array([-5.0]))
    optimizer = SGD([w], lr=0.1)
    for _ in range(100):
        optimizer.zero_grad()
        w.grad += 2 * (w.data - 3.0)
        optimizer.step()
    assert abs(w.data[0] - 3.0) < 1e-8


BAD_HYPERPARAMETERS = [
    (SGD, dict(lr=-0.1), "SGD: lr must be a finite number >= 0, got -0.1."),
    (SGD, dict(lr=float("nan")), "SGD: lr must be a finite number >= 0, got nan."),
    (
        SGD,
        dict(lr=0.1, momentum=1.0),
        "SGD: momentum must be a number in [0, 1), got 1.0.",
    ),
    (
        SGD,
        dict(lr=0.1, momentum=-0.5),
        "SGD: momentum must be a number in [0, 1), got -0.5.",
    ),
    (
        SGD,
        dict(lr=0.1, nesterov=True),
        "SGD: nesterov=True needs momentum > 0, got momentum=0.0.",
    ),
    (
        SGD,
        dict(lr=0.1, weight_decay=-1e-4),
        "SGD: weight_decay must be a finite number >= 0, got -0.0001.",
    ),
    (RMSprop, dict(lr=-1.0), "RMSprop: lr must be a finite number >= 0, got -1.0."),
    (
        RMSprop,
        dict(lr=0.01, alpha=1.0),
        "RMSprop: alpha must be a number in [0, 1), got 1.0.",
    ),
    (
        RMSprop,
        dict(lr=0.01, eps=0.0),
        "RMSprop: eps must be a finite number > 0, got 0.0.",
    ),
    (Adam, dict(lr=-1e-3), "Adam: lr must be a finite number >= 0, got -0.001."),
    (
        Adam,
        dict(betas=(1.0, 0.999)),
        "Adam: betas[0] must be a number in [0, 1), got 1.0.",
    ),
    (
        Adam,
        dict(betas=(0.9, -0.1)),
        "Adam: betas[1] must be a number in [0, 1), got -0.1.",
    ),
    (Adam, dict(betas=0.9), "Adam: betas must be (beta1, beta2), got 0.9."),
    (Adam, dict(eps=-1e-8), "Adam: eps must be a finite number > 0, got -1e-08."),
    (
        Adam,
        dict(weight_decay=-0.1),
        "Adam: weight_decay must be a finite number >= 0, got -0.1.",
    ),
]


@pytest.mark.parametrize("optimizer_class, kwargs, message", BAD_HYPERPARAMETERS)
def test_bad_hyperparameters_raise(optimizer_class, kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        optimizer_class([Parameter(np.zeros(2))], **kwargs)


@pytest.mark.parametrize("optimizer_class, kwargs", OPTIMIZERS)
def test_empty_parameter_list_raises(optimizer_class, kwargs):
    name = optimizer_class.__name__
    with pytest.raises(ValueError, match=f"{name}: got no parameters"):
        optimizer_class([], **kwargs)
    used = Linear(2, 1, rng=np.random.default_rng(7)).parameters()
    list(used)
    with pytest.raises(ValueError, match="generator and is empty once used"):
        optimizer_class(used, **kwargs)


def test_non_parameter_item_raises_naming_index_and_type():
    with pytest.raises(
        TypeError,
        match=r"SGD: params\[1\] must be a Parameter, "
        "got ndarray",
    ):
        SGD([Parameter(np.zeros(2)), np.zeros(2)], lr=0.1)


def test_single_parameter_raises_with_hint():
    with pytest.raises(TypeError, match=r"got a single Parameter. Wrap it in a list"):
        SGD(Parameter(np.zeros(2)), lr=0.1)


def test_clip_grad_norm_bad_arguments_raise():
    with pytest.raises(
        ValueError, match="clip_grad_norm: max_norm must be a finite number > 0, got 0"
    ):
        clip_grad_norm([Parameter(np.zeros(2))], max_norm=0)
    with pytest.raises(ValueError, match="clip_grad_norm: got no parameters"):
        clip_grad_norm([], max_norm=1.0)


def test_base_optimizer_step_is_abstract():
    with pytest.raises(NotImplementedError, match="Optimizer must implement step"):
        Optimizer([Parameter(np.zeros(2))], lr=0.1).step()
