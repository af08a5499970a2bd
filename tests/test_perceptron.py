"""Perceptron: the learning rule, the convergence theorem, XOR, errors."""

import numpy as np
import pytest

from nnkit.data import logic_gate
from nnkit.perceptron import Perceptron


@pytest.mark.parametrize("gate", ["and", "or"])
@pytest.mark.parametrize("seed", [None, 0, 1])
def test_learns_and_and_or_to_zero_mistakes(gate, seed):
    X, y = logic_gate(gate)
    rng = None if seed is None else np.random.default_rng(seed)
    perceptron = Perceptron(2, rng=rng)
    mistakes = perceptron.fit(X, y, epochs=20)
    assert len(mistakes) == 20
    assert mistakes[-1] == 0
    # Once an epoch is clean nothing changes, so every later epoch is clean.
    first_clean = mistakes.index(0)
    assert all(m == 0 for m in mistakes[first_clean:])
    np.testing.assert_array_equal(perceptron.predict(X), y)


@pytest.mark.parametrize("seed", [None, 0, 1, 2])
def test_never_learns_xor(seed):
    X, y = logic_gate("xor")
    rng = None if seed is None else np.random.default_rng(seed)
    mistakes = Perceptron(2, rng=rng).fit(X, y, epochs=200)
    assert min(mistakes) > 0


def test_mistakes_stay_within_the_convergence_bound(rng):
    # Separable data with a margin: labels from the sign of x @ u + c.
    u, c = np.array([2.0, -1.0, 0.5]), 0.3
    X = rng.uniform(-1, 1, size=(500, 3))
    score = X @ u + c
    X, score = X[np.abs(score) > 0.2], score[np.abs(score) > 0.2]
    y = (score > 0).astype(int)
    # Novikoff: at most (R / gamma)**2 mistakes, with the bias as an input of 1.
    X1 = np.column_stack([X, np.ones(len(X))])
    unit = np.append(u, c) / np.linalg.norm(np.append(u, c))
    gamma = np.min(np.abs(X1 @ unit))
    R = np.max(np.linalg.norm(X1, axis=1))
    perceptron = Perceptron(3, rng=rng)
    mistakes = perceptron.fit(X, y, epochs=200)
    assert mistakes[-1] == 0
    assert sum(mistakes) <= (R / gamma) ** 2
    np.testing.assert_array_equal(perceptron.predict(X), y)


def test_one_update_follows_the_rule_by_hand():
    perceptron = Perceptron(2, lr=0.5)
    # w = 0, b = 0: the output is step(0) = 1, but the label is 0, so error = -1.
    assert perceptron.fit(np.array([[1.0, 2.0]]), np.array([0]), epochs=1) == [1]
    np.testing.assert_array_equal(perceptron.weight, [-0.5, -1.0])
    assert perceptron.bias == -0.5


def test_learning_rate_only_scales_the_weights():
    X, y = logic_gate("and")
    big, small = Perceptron(2, lr=1.0), Perceptron(2, lr=0.25)  # exact in binary
    assert big.fit(X, y, epochs=10) == small.fit(X, y, epochs=10)
    np.testing.assert_array_equal(small.weight * 4, big.weight)
    assert small.bias * 4 == big.bias


def test_a_fixed_rng_reproduces_training_bit_for_bit(rng):
    X = rng.normal(size=(50, 4))
    y = (X @ np.array([1.0, -2.0, 0.5, 0.0]) > 0).astype(int)
    a = Perceptron(4, rng=np.random.default_rng(7))
    b = Perceptron(4, rng=np.random.default_rng(7))
    assert a.fit(X, y, epochs=15) == b.fit(X, y, epochs=15)
    np.testing.assert_array_equal(a.weight, b.weight)
    assert a.bias == b.bias


def test_without_rng_the_samples_are_visited_in_order():
    X, y = logic_gate("and")
    assert Perceptron(2).fit(X, y, epochs=5) == [2, 3, 3, 2, 1]
    # Reversed rows meet the rule in another order, so the mistakes differ.
    assert Perceptron(2).fit(X[::-1], y[::-1], epochs=5) == [1, 3, 2, 2, 3]


def test_fit_continues_from_the_current_weights():
    X, y = logic_gate("and")
    once, twice = Perceptron(2), Perceptron(2)
    once.fit(X, y, epochs=6)
    twice.fit(X, y, epochs=3)
    twice.fit(X, y, epochs=3)
    np.testing.assert_array_equal(once.weight, twice.weight)


def test_predict_returns_integer_zeros_and_ones(rng):
    predictions = Perceptron(3).predict(rng.normal(size=(6, 3)))
    assert predictions.dtype == np.int64 and set(predictions) <= {0, 1}


def test_repr():
    assert repr(Perceptron(3, lr=0.5)) == "Perceptron(n_features=3, lr=0.5)"


@pytest.mark.parametrize("labels", [[-1, 1, 1, -1], [0, 2, 1, 0], [0.0, 0.5, 1, 1]])
def test_labels_other_than_zero_and_one_are_refused(labels):
    with pytest.raises(ValueError, match=r"labels y must be 0 or 1.*\(y > 0\)"):
        Perceptron(2).fit(logic_gate("and")[0], np.array(labels), epochs=1)


def test_string_labels_are_refused():
    with pytest.raises(ValueError, match="labels y must be 0 or 1"):
        Perceptron(2).fit(np.zeros((2, 2)), np.array(["a", "b"]), epochs=1)


def test_label_count_must_match_rows():
    with pytest.raises(ValueError, match=r"labels y of shape \(4,\).*got shape \(3,\)"):
        Perceptron(2).fit(np.zeros((4, 2)), np.array([0, 1, 0]), epochs=1)


def test_wrong_feature_count_names_expected_and_received():
    message = (
        r"Perceptron\(n_features=2, lr=1.0\) expected X with 2 features and at "
        r"least one row \(shape \(N, 2\)\), got shape \(4, 3\)\."
    )
    with pytest.raises(ValueError, match=message):
        Perceptron(2).predict(np.zeros((4, 3)))


def test_one_dimensional_and_empty_inputs_are_refused():
    with pytest.raises(ValueError, match=r"expected X with 2 dimension"):
        Perceptron(2).predict(np.zeros(2))
    with pytest.raises(ValueError, match=r"got shape \(0, 2\)"):
        Perceptron(2).fit(np.zeros((0, 2)), np.zeros(0), epochs=1)


def test_nan_input_is_refused():
    with pytest.raises(ValueError, match="X contains NaN or infinity"):
        Perceptron(1).predict(np.array([[np.nan]]))


@pytest.mark.parametrize("epochs", [0, -1, 2.5, True])
def test_epochs_must_be_a_positive_integer(epochs):
    X, y = logic_gate("and")
    with pytest.raises(ValueError, match="epochs must be a positive integer"):
        Perceptron(2).fit(X, y, epochs=epochs)


@pytest.mark.parametrize("lr", [0, -0.1, float("nan")])
def test_learning_rate_must_be_positive(lr):
    with pytest.raises(ValueError, match=r"Perceptron: lr must be a finite number > 0"):
        Perceptron(2, lr=lr)


def test_invalid_n_features_and_rng_are_refused():
    with pytest.raises(ValueError, match="n_features must be a positive integer"):
        Perceptron(0)
    with pytest.raises(TypeError, match=r"rng must be a numpy.random.Generator"):
        Perceptron(2, rng=42)
