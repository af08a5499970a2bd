"""The kinds of input PyTorch's own reference tests use, with torch as the oracle:
soft targets that are not distributions, empty axes, non-contiguous arrays and
0-d inputs. Each case runs through nnkit and through its mirror nnkit.torch;
values and gradients must agree with torch.nn and autograd in float64."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import nnkit
import nnkit.torch as nt

TOL = {"rtol": 0, "atol": 1e-10}


def arr(tensor):
    return tensor.detach().cpu().numpy()


def torch_value_and_grad(function, X, dA=None):
    """``function(X)`` and the gradient of ``sum(function(X) * dA)`` (or of the
    scalar ``function(X)``) with respect to X, by autograd."""
    leaf = torch.tensor(X, requires_grad=True)
    out = function(leaf)
    out.backward(None if dA is None else torch.tensor(dA))
    return arr(out), arr(leaf.grad)


# Rows of Y that sum to 0.6, 0, 2.5 and 1 (only the last is a distribution).
SOFT_TARGETS = np.array(
    [[0.2, 0.2, 0.2], [0.0, 0.0, 0.0], [1.0, 0.5, 1.0], [0.1, 0.3, 0.6]]
)


@pytest.mark.parametrize("pair", ["numpy", "mirror"])
def test_cross_entropy_with_soft_targets_that_are_not_distributions(pair, rng):
    Z = rng.normal(size=SOFT_TARGETS.shape) * 2
    loss = nnkit.CrossEntropyLoss() if pair == "numpy" else nt.CrossEntropyLoss()
    Y = SOFT_TARGETS if pair == "numpy" else torch.tensor(SOFT_TARGETS)
    value = loss(Z if pair == "numpy" else torch.tensor(Z), Y)
    grad = np.asarray(arr(loss.backward()) if pair == "mirror" else loss.backward())

    expected, expected_grad = torch_value_and_grad(
        lambda z: F.cross_entropy(z, torch.tensor(SOFT_TARGETS)), Z
    )
    assert value == pytest.approx(float(expected), abs=1e-12)
    np.testing.assert_allclose(grad, expected_grad, **TOL)


def test_the_issues_example_of_a_soft_target_gives_torchs_gradient():
    # Z = [[0.5, -1, 2]], Y = [[0.2, 0.2, 0.2]]: torch gives these three numbers.
    Z, Y = np.array([[0.5, -1.0, 2.0]]), np.array([[0.2, 0.2, 0.2]])
    _, expected = torch_value_and_grad(lambda z: F.cross_entropy(z, torch.tensor(Y)), Z)
    loss = nnkit.CrossEntropyLoss()
    loss(Z, Y)
    np.testing.assert_allclose(loss.backward(), expected, **TOL)
    np.testing.assert_allclose(expected, [[-0.0948, -0.1765, 0.2714]], atol=1e-4)
    assert nnkit.gradcheck_loss(nnkit.CrossEntropyLoss(), Z, Y) < 1e-7


@pytest.mark.parametrize("shape", [(3, 0), (0, 4), (0, 0), (2, 0, 3), (2, 3, 0)])
def test_softmax_on_empty_axes_returns_an_empty_array_like_torch(shape):
    Z = np.zeros(shape)
    expected, expected_grad = torch_value_and_grad(
        lambda z: F.softmax(z, dim=-1), Z, np.ones(shape)
    )
    for layer, to in ((nnkit.Softmax(), np.asarray), (nt.Softmax(), torch.tensor)):
        A = layer(to(Z))
        dZ = layer.backward(to(np.ones(shape)))
        assert tuple(A.shape) == expected.shape == shape
        assert tuple(dZ.shape) == expected_grad.shape
    assert nnkit.softmax(Z).shape == nt.softmax(torch.tensor(Z)).shape == shape


def leaky_relu_01(z):
    return F.leaky_relu(z, 0.1)


ELEMENTWISE = [
    (nnkit.ReLU, nt.ReLU, F.relu),
    (nnkit.Sigmoid, nt.Sigmoid, torch.sigmoid),
    (nnkit.Tanh, nt.Tanh, torch.tanh),
    (nnkit.Identity, nt.Identity, lambda z: z),
    (lambda: nnkit.LeakyReLU(0.1), lambda: nt.LeakyReLU(0.1), leaky_relu_01),
]


@pytest.mark.parametrize("make, make_mirror, torch_fn", ELEMENTWISE)
@pytest.mark.parametrize("shape", [(0, 3), (3, 0), (0,)])
def test_elementwise_activations_accept_empty_arrays(
    make, make_mirror, torch_fn, shape
):
    Z = np.zeros(shape)
    expected, expected_grad = torch_value_and_grad(torch_fn, Z, np.ones(shape))
    layer, mirror = make(), make_mirror()
    assert layer(Z).shape == expected.shape
    assert layer.backward(np.ones(shape)).shape == expected_grad.shape
    assert tuple(mirror(torch.tensor(Z)).shape) == expected.shape
    assert tuple(mirror.backward(torch.ones(shape)).shape) == expected_grad.shape


@pytest.mark.parametrize("make, make_mirror, torch_fn", ELEMENTWISE)
def test_elementwise_activations_accept_0d_inputs_like_torch(
    make, make_mirror, torch_fn
):
    Z, dA = np.array(0.7), np.array(-1.3)
    expected, expected_grad = torch_value_and_grad(torch_fn, Z, dA)
    layer, mirror = make(), make_mirror()
    np.testing.assert_allclose(layer(Z), expected, **TOL)
    np.testing.assert_allclose(layer.backward(dA), expected_grad, **TOL)
    np.testing.assert_allclose(arr(mirror(torch.tensor(Z))), expected, **TOL)
    np.testing.assert_allclose(
        arr(mirror.backward(torch.tensor(dA))), expected_grad, **TOL
    )


@pytest.mark.parametrize("make", [nnkit.Softmax, nt.Softmax])
def test_softmax_refuses_a_0d_input_with_a_clear_error(make):
    Z = np.array(1.0) if make is nnkit.Softmax else torch.tensor(1.0)
    with pytest.raises(ValueError, match="at least one axis"):
        make()(Z)


def non_contiguous(rng, shape):
    """A view of ``shape`` whose memory is not contiguous: every other column of
    a transposed array."""
    rows, cols = shape
    view = rng.normal(size=(2 * cols, rows)).T[:, ::2]
    assert view.shape == shape and not view.flags.c_contiguous
    return view


LAYERS = [
    (nnkit.Softmax, nt.Softmax, lambda z: F.softmax(z, dim=-1)),
    *ELEMENTWISE,
]


@pytest.mark.parametrize("make, make_mirror, torch_fn", LAYERS)
def test_activations_on_non_contiguous_arrays_match_torch(
    make, make_mirror, torch_fn, rng
):
    Z, dA = non_contiguous(rng, (5, 4)), non_contiguous(rng, (5, 4))
    expected, expected_grad = torch_value_and_grad(torch_fn, Z, dA)
    layer, mirror = make(), make_mirror()
    np.testing.assert_allclose(layer(Z), expected, **TOL)
    np.testing.assert_allclose(layer.backward(dA), expected_grad, **TOL)
    Z_t, dA_t = torch.from_numpy(Z), torch.from_numpy(dA)
    assert not Z_t.is_contiguous()
    np.testing.assert_allclose(arr(mirror(Z_t)), expected, **TOL)
    np.testing.assert_allclose(arr(mirror.backward(dA_t)), expected_grad, **TOL)


def test_linear_on_non_contiguous_arrays_matches_torch(rng):
    X, dZ = non_contiguous(rng, (6, 4)), non_contiguous(rng, (6, 3))
    layer = nnkit.Linear(4, 3, rng=rng)
    mirror = nt.Linear(4, 3, rng=rng)
    mirror.weight.data = torch.tensor(layer.weight.data)
    reference = torch.nn.Linear(4, 3).double()
    with torch.no_grad():
        reference.weight.copy_(torch.tensor(layer.weight.data.T))
        reference.bias.zero_()
    expected, expected_dX = torch_value_and_grad(reference, X, dZ)
    for module, to in ((layer, np.asarray), (mirror, torch.from_numpy)):
        Z = module(to(X))
        dX = module.backward(to(dZ))
        np.testing.assert_allclose(
            np.asarray(arr(Z) if module is mirror else Z), expected, **TOL
        )
        np.testing.assert_allclose(
            np.asarray(arr(dX) if module is mirror else dX), expected_dX, **TOL
        )
    np.testing.assert_allclose(layer.weight.grad, arr(reference.weight.grad).T, **TOL)
    np.testing.assert_allclose(arr(mirror.weight.grad), layer.weight.grad, **TOL)


@pytest.mark.parametrize("targets", ["labels", "soft"])
def test_cross_entropy_on_non_contiguous_logits_and_targets_matches_torch(targets, rng):
    Z = non_contiguous(rng, (6, 4))
    if targets == "labels":
        y = rng.integers(0, 4, size=12)[::2]  # a strided view of labels
        y_t = torch.from_numpy(y)
    else:
        y = np.abs(non_contiguous(rng, (6, 4)))  # rows do not sum to 1
        y_t = torch.from_numpy(y)
    expected, expected_grad = torch_value_and_grad(lambda z: F.cross_entropy(z, y_t), Z)
    for loss, to in (
        (nnkit.CrossEntropyLoss(), np.asarray),
        (nt.CrossEntropyLoss(), torch.from_numpy),
    ):
        value = loss(to(Z), to(y))
        grad = loss.backward()
        assert value == pytest.approx(float(expected), abs=1e-12)
        np.testing.assert_allclose(np.asarray(grad), expected_grad, **TOL)


@pytest.mark.parametrize(
    "make, make_mirror, functional",
    [
        (nnkit.MSELoss, nt.MSELoss, F.mse_loss),
        (nnkit.L1Loss, nt.L1Loss, F.l1_loss),
        (
            nnkit.BCEWithLogitsLoss,
            nt.BCEWithLogitsLoss,
            F.binary_cross_entropy_with_logits,
        ),
    ],
)
def test_elementwise_losses_accept_0d_predictions_like_torch(
    make, make_mirror, functional
):
    y_pred, y_true = np.array(0.3), np.array(1.0)
    expected, expected_grad = torch_value_and_grad(
        lambda p: functional(p, torch.tensor(y_true)), y_pred
    )
    loss, mirror = make(), make_mirror()
    assert loss(y_pred, y_true) == pytest.approx(float(expected), abs=1e-12)
    np.testing.assert_allclose(loss.backward(), expected_grad, **TOL)
    value = mirror(torch.tensor(y_pred), torch.tensor(y_true))
    assert value == pytest.approx(float(expected), abs=1e-12)
    np.testing.assert_allclose(arr(mirror.backward()), expected_grad, **TOL)


# Constructors and functions that take an rng, in both twins.
RNG_TAKERS = [
    ("Linear", lambda rng: nnkit.Linear(3, 2, rng=rng)),
    ("Linear", lambda rng: nt.Linear(3, 2, rng=rng)),
    ("Dropout", lambda rng: nnkit.Dropout(0.5, rng=rng)),
    ("Dropout", lambda rng: nt.Dropout(0.5, rng=rng)),
    ("Perceptron", lambda rng: nnkit.Perceptron(2, rng=rng)),
    ("gradcheck", lambda rng: nnkit.gradcheck(nnkit.ReLU(), np.ones((1, 2)), rng=rng)),
    ("gradcheck", lambda rng: nt.gradcheck(nt.ReLU(), np.ones((1, 2)), rng=rng)),
    ("two_moons", lambda rng: nnkit.data.two_moons(10, rng=rng)),
    ("xavier_uniform", lambda rng: nnkit.init.xavier_uniform((3, 2), rng=rng)),
    ("he_normal", lambda rng: nt.init.he_normal((3, 2), rng=rng)),
]


@pytest.mark.parametrize("owner, make", RNG_TAKERS)
def test_an_int_seed_as_rng_is_a_clear_error_everywhere(owner, make):
    # A seed is refused, not turned into a generator: two layers given the same
    # seed would start from the same numbers.
    with pytest.raises(TypeError) as info:
        make(0)
    assert str(info.value).startswith(
        f"{owner}: rng must be a numpy.random.Generator, got int."
    )
    assert "np.random.default_rng(0)" in str(info.value)
    make(np.random.default_rng(0))  # a Generator is accepted
    make(None)  # and so is None


RANGES = [
    (lambda v: nnkit.Dropout(v), lambda v: nt.Dropout(v), "Dropout: p", "[0, 1)"),
    (
        lambda v: nnkit.BatchNorm1d(2, momentum=v),
        lambda v: nt.BatchNorm1d(2, momentum=v),
        "BatchNorm1d: momentum",
        "[0, 1]",
    ),
    (
        lambda v: nnkit.SGD([nnkit.Parameter(np.zeros(1))], lr=0.1, momentum=v),
        lambda v: nt.SGD([nt.Parameter(np.zeros(1))], lr=0.1, momentum=v),
        "SGD: momentum",
        "[0, 1)",
    ),
]


@pytest.mark.parametrize("make, make_mirror, name, interval", RANGES)
@pytest.mark.parametrize("value", [-0.1, 1.5, float("nan"), True, "0.5"])
def test_out_of_range_arguments_get_the_same_message_in_both_twins(
    make, make_mirror, name, interval, value
):
    messages = []
    for build in (make, make_mirror):
        with pytest.raises(ValueError) as info:
            build(value)
        messages.append(str(info.value))
    assert messages[0] == messages[1]
    assert messages[0].startswith(f"{name} must be a number in {interval}, got ")


@pytest.mark.parametrize(
    "y_true, logits, error, match",
    [
        ([0, 1], np.zeros((3, 2)), ValueError, "y_true has 2 samples but y_pred has 3"),
        ([0.5, 1.0], np.zeros((2, 2)), ValueError, "must hold class labels, got 0.5"),
        ([0, 1], np.zeros((2, 2, 2)), ValueError, r"logits of shape \(N, C\)"),
        ([[[0]], [[1]]], np.zeros((2, 2)), ValueError, r"y_true of shape \(N, C\)"),
        ([0, 1], np.array([[np.nan, 0.0], [0.0, 1.0]]), ValueError, "NaN"),
    ],
)
def test_classification_accuracy_validates_the_same_way_in_both_twins(
    y_true, logits, error, match
):
    messages = []
    for accuracy, to in (
        (nnkit.classification_accuracy, np.asarray),
        (nt.classification_accuracy, torch.tensor),
    ):
        with pytest.raises(error, match=match) as info:
            accuracy(to(y_true), to(logits))
        messages.append(str(info.value))
    assert messages[0] == messages[1]
    assert messages[0].startswith("classification_accuracy: ")


def test_classification_accuracy_agrees_between_the_twins(rng):
    logits, labels = rng.normal(size=(50, 4)), rng.integers(0, 4, size=50)
    expected = float(np.mean(logits.argmax(axis=1) == labels))
    assert nnkit.classification_accuracy(labels, logits) == expected
    assert nt.classification_accuracy(torch.tensor(labels), torch.tensor(logits)) == (
        expected
    )
    assert nt.classification_accuracy(labels, torch.tensor(logits)) == expected


@pytest.mark.parametrize("package", [nnkit, nt])
def test_both_twins_refuse_one_layer_object_in_two_places(package):
    # torch.nn shares the weights of a reused layer correctly through autograd;
    # nnkit's hand-written backward caches one input per module, so both twins
    # refuse the reuse instead of returning wrong gradients.
    shared = package.Linear(3, 3)
    with pytest.raises(ValueError, match=r"layer 2 uses the same Linear\(.*layer 0"):
        package.Sequential(shared, package.Tanh(), shared)
