"""Parity of module.py, linear.py, activations.py and sequential.py.

Forward and backward of every layer agree, in float64 to 1e-10, between
nnkit (NumPy), nnkit.torch and torch.autograd applied to the same function;
the same mistakes give the same error messages; no autograd graph is built.
"""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import nnkit
import nnkit.torch as nt

TOL = {"rtol": 0, "atol": 1e-10}


def arr(tensor):
    return tensor.detach().cpu().numpy()


def autograd(f, *inputs, dA):
    """Output of ``f(*inputs)`` and the gradients of ``sum(f * dA)`` by autograd."""
    leaves = [x.detach().clone().requires_grad_(True) for x in inputs]
    out = f(*leaves)
    out.backward(dA)
    return out, [leaf.grad for leaf in leaves]


# (nnkit class, nnkit.torch class, the same function in plain torch)
ACTIVATIONS = [
    (nnkit.Identity, nt.Identity, lambda Z: Z * 1.0),
    (nnkit.Sigmoid, nt.Sigmoid, torch.sigmoid),
    (nnkit.Tanh, nt.Tanh, torch.tanh),
    (nnkit.ReLU, nt.ReLU, torch.relu),
    (nnkit.LeakyReLU, nt.LeakyReLU, F.leaky_relu),
    (nnkit.Softmax, nt.Softmax, lambda Z: F.softmax(Z, dim=-1)),
    (nnkit.Step, nt.Step, lambda Z: Z * 0.0 + (Z >= 0)),  # gradient 0, as Step's
]


@pytest.mark.parametrize("numpy_cls, torch_cls, function", ACTIVATIONS)
def test_activation_forward_and_backward_match_numpy_and_autograd(
    numpy_cls, torch_cls, function, device, rng
):
    Z = rng.normal(size=(7, 5)) * 3
    Z[0, 0] = 0.0  # the kink of ReLU and Step: derivative 0 there, as in torch
    dA = rng.normal(size=Z.shape)
    reference, mirror = numpy_cls(), torch_cls()
    A_np, dZ_np = reference(Z), reference.backward(dA)
    Z_t, dA_t = torch.as_tensor(Z, device=device), torch.as_tensor(dA, device=device)
    A, dZ = mirror(Z_t), mirror.backward(dA_t)
    A_t, (dZ_t,) = autograd(function, Z_t, dA=dA_t)
    assert A.device == dZ.device == device
    for ours, *others in [(A, A_np, arr(A_t)), (dZ, dZ_np, arr(dZ_t))]:
        for other in others:
            np.testing.assert_allclose(arr(ours), other, **TOL)


@pytest.mark.parametrize(
    "name", ["sigmoid", "relu", "leaky_relu", "step", "softmax", "tanh_derivative"]
)
def test_plain_functions_match_numpy_even_at_extreme_inputs(name):
    Z = np.array([[-1000.0, -30.0, -1e-3, 0.0, 1e-3, 30.0, 1000.0]])
    ours = getattr(nt.activations, name)(torch.as_tensor(Z))
    np.testing.assert_allclose(arr(ours), getattr(nnkit.activations, name)(Z), **TOL)
    assert torch.isfinite(ours).all()


@pytest.mark.parametrize("name", ["sigmoid", "relu", "leaky_relu"])
def test_derivative_functions_match_numpy(name, rng):
    Z = rng.normal(size=(4, 6))
    Z[0, 0] = 0.0
    derivative = f"{name}_derivative"
    ours = getattr(nt.activations, derivative)(torch.as_tensor(Z))
    expected = getattr(nnkit.activations, derivative)(Z)
    np.testing.assert_allclose(arr(ours), expected, **TOL)
    assert ours.dtype == torch.float64


@pytest.mark.parametrize("bias", [True, False])
def test_linear_matches_numpy_and_autograd(bias, device):
    reference = nnkit.Linear(4, 3, bias=bias, rng=np.random.default_rng(5))
    mirror = nt.Linear(4, 3, bias=bias, rng=np.random.default_rng(5), device=device)
    np.testing.assert_array_equal(arr(mirror.weight.data), reference.weight.data)
    rng = np.random.default_rng(6)
    if bias:  # a non-zero bias, so that a wrong db cannot hide
        reference.bias.data[:] = rng.normal(size=3)
        mirror.bias.data.copy_(torch.as_tensor(reference.bias.data))
    X, dZ = rng.normal(size=(6, 4)), rng.normal(size=(6, 3))
    Z_np, dX_np = reference(X), reference.backward(dZ)
    Z, dX = mirror(X), mirror.backward(torch.as_tensor(dZ, device=device))

    params = [mirror.weight.data] + ([mirror.bias.data] if bias else [])
    # torch's F.linear wants W as (D_out, D_in): the book's layout transposed.
    Z_t, grads = autograd(
        lambda X, W, *b: F.linear(X, W.T, *b),
        torch.as_tensor(X, device=device),
        *params,
        dA=torch.as_tensor(dZ, device=device),
    )
    pairs = [(Z, Z_np, Z_t), (dX, dX_np, grads[0])]
    pairs.append((mirror.weight.grad, reference.weight.grad, grads[1]))
    if bias:
        pairs.append((mirror.bias.grad, reference.bias.grad, grads[2]))
    for ours, numpy_value, torch_value in pairs:
        np.testing.assert_allclose(arr(ours), numpy_value, **TOL)
        np.testing.assert_allclose(arr(ours), arr(torch_value), **TOL)


def make_pair(device, rng_seed=0):
    """The same 4-8-8-3 network in nnkit and in nnkit.torch."""
    rng = np.random.default_rng(rng_seed)
    reference = nnkit.Sequential(
        nnkit.Linear(4, 8, rng=rng),
        nnkit.Tanh(),
        nnkit.Linear(8, 8, rng=rng),
        nnkit.LeakyReLU(0.1),
        nnkit.Linear(8, 3, rng=rng),
        nnkit.Softmax(),
    )
    rng = np.random.default_rng(rng_seed)
    mirror = nt.Sequential(
        nt.Linear(4, 8, rng=rng, device=device),
        nt.Tanh(),
        nt.Linear(8, 8, rng=rng, device=device),
        nt.LeakyReLU(0.1),
        nt.Linear(8, 3, rng=rng, device=device),
        nt.Softmax(),
    )
    return reference, mirror


def test_sequential_matches_numpy_and_torch_nn(device, rng):
    reference, mirror = make_pair(device)
    oracle = nt.to_torch_nn(mirror)
    X, dA = rng.normal(size=(10, 4)), rng.normal(size=(10, 3))
    A_np, dX_np = reference(X), reference.backward(dA)
    A, dX = mirror(X), mirror.backward(torch.as_tensor(dA, device=device))
    A_t, (dX_t,) = autograd(
        oracle, torch.as_tensor(X, device=device), dA=torch.as_tensor(dA, device=device)
    )
    np.testing.assert_allclose(arr(A), A_np, **TOL)
    np.testing.assert_allclose(arr(A), arr(A_t), **TOL)
    np.testing.assert_allclose(arr(dX), dX_np, **TOL)
    np.testing.assert_allclose(arr(dX), arr(dX_t), **TOL)
    linears = [m for m in oracle if isinstance(m, torch.nn.Linear)]
    torch_grads = [g for m in linears for g in (m.weight.grad.T, m.bias.grad)]
    for ours, theirs, torch_grad in zip(
        mirror.parameters(), reference.parameters(), torch_grads, strict=True
    ):
        np.testing.assert_allclose(arr(ours.grad), theirs.grad, **TOL)
        np.testing.assert_allclose(arr(ours.grad), arr(torch_grad), **TOL)
    assert nt.count_parameters(mirror) == nnkit.count_parameters(reference) == 139


def test_summary_and_repr_read_like_numpy(capsys):
    reference, mirror = make_pair("cpu")
    assert repr(mirror) == repr(reference)
    reference.summary()
    expected = capsys.readouterr().out
    mirror.summary()
    assert capsys.readouterr().out == expected


def test_gradients_accumulate_until_zero_grad(rng):
    layer = nt.Linear(3, 2, rng=rng, device="cpu")
    X, dZ = rng.normal(size=(5, 3)), torch.as_tensor(rng.normal(size=(5, 2)))
    layer(X)
    layer.backward(dZ)
    once = layer.weight.grad.clone()
    layer(X)
    layer.backward(dZ)
    torch.testing.assert_close(layer.weight.grad, 2 * once)
    layer.zero_grad()
    assert not layer.weight.grad.any()


def test_no_autograd_graph_is_built_even_for_inputs_that_require_grad(rng):
    _, mirror = make_pair("cpu")
    X = torch.as_tensor(rng.normal(size=(3, 4))).requires_grad_(True)
    A = mirror(X)
    dX = mirror.backward(torch.ones_like(A))
    assert not A.requires_grad and A.grad_fn is None and not dX.requires_grad
    assert not any(p.data.requires_grad for p in mirror.parameters())


def message(error_type, f):
    with pytest.raises(error_type) as info:
        f()
    return str(info.value)


def backward_with_wrong_shape(package, gradient):
    layer = package.Linear(4, 3, rng=np.random.default_rng(0))
    layer(np.ones((2, 4)))
    layer.backward(gradient)


# Each mistake made with nnkit (first function) and with nnkit.torch (second).
MISTAKES = [
    (
        ValueError,
        lambda: nnkit.Linear(4, 3)(np.ones((32, 5))),
        lambda: nt.Linear(4, 3)(np.ones((32, 5))),
    ),
    (
        ValueError,
        lambda: nnkit.Linear(4, 3)(np.ones(4)),
        lambda: nt.Linear(4, 3)(np.ones(4)),
    ),
    (
        ValueError,
        lambda: nnkit.ReLU()(np.array([[1.0, np.nan]])),
        lambda: nt.ReLU()(torch.tensor([[1.0, np.nan]])),
    ),
    (
        RuntimeError,
        lambda: nnkit.Tanh().backward(np.ones((2, 2))),
        lambda: nt.Tanh().backward(torch.ones((2, 2))),
    ),
    (
        ValueError,
        lambda: backward_with_wrong_shape(nnkit, np.ones((2, 4))),
        lambda: backward_with_wrong_shape(nt, torch.ones((2, 4))),
    ),
    (
        ValueError,
        lambda: nnkit.Sequential(nnkit.Linear(3, 5), nnkit.ReLU(), nnkit.Linear(4, 2)),
        lambda: nt.Sequential(nt.Linear(3, 5), nt.ReLU(), nt.Linear(4, 2)),
    ),
    (
        TypeError,
        lambda: nnkit.Sequential(nnkit.Linear(3, 5), nnkit.ReLU),
        lambda: nt.Sequential(nt.Linear(3, 5), nt.ReLU),
    ),
    (ValueError, lambda: nnkit.Linear(0, 3), lambda: nt.Linear(0, 3)),
    (ValueError, lambda: nnkit.LeakyReLU(-0.1), lambda: nt.LeakyReLU(-0.1)),
]


@pytest.mark.parametrize("error_type, numpy_mistake, torch_mistake", MISTAKES)
def test_the_same_mistake_gives_the_same_message(
    error_type, numpy_mistake, torch_mistake
):
    assert message(error_type, torch_mistake) == message(error_type, numpy_mistake)


def test_backward_refuses_a_numpy_gradient_with_a_hint():
    layer = nt.ReLU()
    layer(torch.ones((2, 2)))
    with pytest.raises(TypeError, match=r"expected dA as a torch.Tensor, got ndarray"):
        layer.backward(np.ones((2, 2)))


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_float32_on_cuda_agrees_with_float64_numpy_to_float32_precision(rng):
    reference, _ = make_pair("cpu")
    mirror = nt.from_numpy(reference, device="cuda", dtype=torch.float32)
    X, dA = rng.normal(size=(64, 4)), rng.normal(size=(64, 3))
    A = mirror(X.astype(np.float32))
    dX = mirror.backward(torch.as_tensor(dA, device="cuda", dtype=torch.float32))
    # float32 keeps about 7 significant digits; the network is shallow.
    np.testing.assert_allclose(arr(A), reference(X), rtol=0, atol=1e-5)
    np.testing.assert_allclose(arr(dX), reference.backward(dA), rtol=0, atol=1e-5)
    for ours, theirs in zip(mirror.parameters(), reference.parameters(), strict=True):
        np.testing.assert_allclose(arr(ours.grad), theirs.grad, rtol=0, atol=1e-4)


def test_summary_of_an_empty_sequential_reads_like_numpy(capsys):
    nnkit.Sequential().summary()
    expected = capsys.readouterr().out
    nt.Sequential().summary()
    assert capsys.readouterr().out == expected
