"""Parameter, Module and Sequential: bookkeeping, modes, summary, size checks."""

import numpy as np
import pytest

import nnkit


def three_five_two(rng):
    return nnkit.Sequential(
        nnkit.Linear(3, 5, rng=rng), nnkit.ReLU(), nnkit.Linear(5, 2, rng=rng)
    )


def test_parameter_grad_has_the_shape_and_dtype_of_data():
    p = nnkit.Parameter(np.ones((2, 3), dtype=np.float32))
    assert p.grad.shape == (2, 3) and p.grad.dtype == np.float32
    assert not p.grad.any()


def test_three_five_two_network_has_32_parameters(rng):
    assert nnkit.count_parameters(three_five_two(rng)) == 3 * 5 + 5 + 5 * 2 + 2 == 32


def test_parameters_are_found_in_definition_order(rng):
    model = three_five_two(rng)
    shapes = [p.data.shape for p in model.parameters()]
    assert shapes == [(3, 5), (5,), (5, 2), (2,)]


def test_sequential_gradients_match_finite_differences(rng):
    model = nnkit.Sequential(
        nnkit.Linear(4, 6, rng=rng),
        nnkit.Tanh(),
        nnkit.Linear(6, 5, rng=rng),
        nnkit.Sigmoid(),
        nnkit.Linear(5, 3, rng=rng),
        nnkit.Softmax(),
    )
    for N in (1, 8):
        assert nnkit.gradcheck(model, rng.normal(size=(N, 4)), rng=rng)["max"] < 1e-6


def test_stacked_linear_layers_equal_one_linear_layer(rng):
    first, second = nnkit.Linear(3, 4, rng=rng), nnkit.Linear(4, 2, rng=rng)
    X = rng.normal(size=(5, 3))
    W = first.weight.data @ second.weight.data
    b = first.bias.data @ second.weight.data + second.bias.data
    np.testing.assert_allclose(nnkit.Sequential(first, second)(X), X @ W + b)


def test_train_and_eval_reach_every_layer(rng):
    model = three_five_two(rng)
    model.eval()
    assert not model.training and not any(layer.training for layer in model)
    model.train()
    assert model.training and all(layer.training for layer in model)


def test_zero_grad_resets_every_parameter(rng):
    model = three_five_two(rng)
    model(rng.normal(size=(4, 3)))
    model.backward(np.ones((4, 2)))
    assert any(p.grad.any() for p in model.parameters())
    model.zero_grad()
    assert not any(p.grad.any() for p in model.parameters())


def test_repr_lists_the_layers(rng):
    assert repr(three_five_two(rng)) == (
        "Sequential(\n"
        "  (0): Linear(in_features=3, out_features=5, bias=True)\n"
        "  (1): ReLU()\n"
        "  (2): Linear(in_features=5, out_features=2, bias=True)\n"
        ")"
    )


def test_summary_prints_shapes_counts_and_total(rng, capsys):
    three_five_two(rng).summary()
    lines = capsys.readouterr().out.splitlines()
    assert lines[2].split()[-2:] == ["5)", "20"]
    assert lines[3].split()[-3:] == ["(N,", "5)", "0"]
    assert lines[4].split()[-2:] == ["2)", "12"]
    assert lines[-1] == "Total parameters: 32"


def test_summary_of_an_empty_sequential_prints_a_zero_total(capsys):
    nnkit.Sequential().summary()
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["Layer", "Output", "shape", "Params"]
    assert lines[-1] == "Total parameters: 0"


def test_indexing_and_length(rng):
    model = three_five_two(rng)
    assert len(model) == 3 and isinstance(model[1], nnkit.ReLU)


def test_mismatched_sizes_are_refused_at_construction(rng):
    with pytest.raises(
        ValueError,
        match=r"layer 2, Linear\(in_features=4, out_features"
        r"=2, bias=True\), expects 4 input features, but layer 0, .* "
        r"outputs 5\. Make its in_features 5\.",
    ):
        nnkit.Sequential(
            nnkit.Linear(3, 5, rng=rng), nnkit.ReLU(), nnkit.Linear(4, 2, rng=rng)
        )


def test_a_class_instead_of_a_layer_is_refused():
    with pytest.raises(
        TypeError, match=r"layer 0 must be a Module.*got type.*forget the"
    ):
        nnkit.Sequential(nnkit.ReLU)


def test_nested_sequentials_check_sizes_and_collect_parameters(rng):
    block = nnkit.Sequential(nnkit.Linear(3, 4, rng=rng), nnkit.ReLU())
    model = nnkit.Sequential(block, nnkit.Linear(4, 1, rng=rng))
    assert nnkit.count_parameters(model) == 16 + 5
    with pytest.raises(ValueError, match="expects 5 input features"):
        nnkit.Sequential(block, nnkit.Linear(5, 1, rng=rng))


def test_module_without_forward_says_what_to_implement():
    class Half(nnkit.Module):
        pass

    with pytest.raises(NotImplementedError, match=r"Half must implement forward\(X\)"):
        Half()(np.ones(2))


def test_nested_sequential_repr_is_indented(rng):
    block = nnkit.Sequential(nnkit.Linear(2, 3, rng=rng), nnkit.ReLU())
    assert repr(nnkit.Sequential(block, nnkit.Linear(3, 1, rng=rng))) == (
        "Sequential(\n"
        "  (0): Sequential(\n"
        "    (0): Linear(in_features=2, out_features=3, bias=True)\n"
        "    (1): ReLU()\n"
        "  )\n"
        "  (1): Linear(in_features=3, out_features=1, bias=True)\n"
        ")"
    )


def test_a_layer_held_under_two_names_has_its_parameters_listed_once(rng):
    class Twice(nnkit.Module):
        def __init__(self):
            super().__init__()
            self.first = nnkit.Linear(3, 3, rng=rng)
            self.second = self.first

    model = Twice()
    assert len(list(model.parameters())) == 2
    assert nnkit.count_parameters(model) == 12


@pytest.mark.parametrize(
    "where, message",
    [
        ("directly", r"layer 2 uses the same Linear\(.*\) object as layer 0"),
        ("nested", r"layer 1 uses the same Linear\(.*\) object as layer 0"),
        ("stateless", r"layer 3 uses the same ReLU\(\) object as layer 1"),
    ],
)
def test_one_module_object_in_two_places_is_refused(rng, where, message):
    # Each module caches its last input for backward, so a second use would
    # silently overwrite what the first one's backward needs: with a shared
    # Linear the weight gradient was off by 1.09 (finite differences).
    shared = nnkit.Linear(3, 3, rng=rng)
    relu = nnkit.ReLU()
    layers = {
        "directly": (shared, nnkit.Tanh(), shared),
        "nested": (shared, nnkit.Sequential(nnkit.Tanh(), shared)),
        "stateless": (nnkit.Linear(3, 3, rng=rng), relu, nnkit.Linear(3, 3), relu),
    }[where]
    with pytest.raises(ValueError, match=message + ".*create a new one"):
        nnkit.Sequential(*layers)


def gradients(model):
    return [p.grad.copy() for p in model.parameters()]


def test_backward_parameters_gives_the_gradients_of_backward_and_no_dX(rng):
    X, dA = rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    full, trained = (
        three_five_two(np.random.default_rng(1)),
        three_five_two(np.random.default_rng(1)),
    )
    full(X), trained(X)
    assert full.backward(dA).shape == X.shape  # backward still returns dX
    assert trained.backward_parameters(dA) is None
    for expected, got in zip(gradients(full), gradients(trained), strict=True):
        np.testing.assert_array_equal(got, expected)


class Doubling(nnkit.Module):
    """A module written as the book writes one: backward(dA) only."""

    def forward(self, X):
        self.X = X
        return 2 * X

    def backward(self, dA):
        return 2 * dA


def test_backward_parameters_skips_leading_layers_and_reaches_nested_ones(rng):
    def build(seed):
        r = np.random.default_rng(seed)
        inner = nnkit.Sequential(nnkit.Linear(3, 4, rng=r), nnkit.Tanh())
        return nnkit.Sequential(
            Doubling(), nnkit.ReLU(), inner, nnkit.Linear(4, 2, rng=r)
        )

    X, dA = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    full, trained = build(0), build(0)
    full(X), trained(X)
    full.backward(dA)
    trained.backward_parameters(dA)
    for expected, got in zip(gradients(full), gradients(trained), strict=True):
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-15)


def test_backward_parameters_works_with_modules_that_define_only_backward(
    rng,
):
    model = nnkit.Sequential(Doubling(), nnkit.Linear(3, 2, rng=rng))
    model(rng.normal(size=(4, 3)))
    model.backward_parameters(np.ones((4, 2)))
    assert model[1].weight.grad.any()
    # A module without parameters has nothing to do; a Sequential of them either.
    assert nnkit.Sequential(Doubling(), nnkit.ReLU()).backward_parameters(None) is None
