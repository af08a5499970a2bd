"""fit, evaluate, History and classification_accuracy."""

import os
import subprocess
import sys

import numpy as np
import pytest
from sklearn.metrics import accuracy_score

from nnkit import CrossEntropyLoss, Linear, MSELoss, ReLU, Sequential, init
from nnkit.data import load_digits, minibatches, train_test_split, two_moons
from nnkit.module import Module
from nnkit.optim import SGD, Adam, clip_grad_norm
from nnkit.regularization import Dropout, L2Penalty
from nnkit.training import History, classification_accuracy, evaluate, fit


def mlp(seed, sizes=(2, 16, 2), dtype=np.float64):
    rng = np.random.default_rng(seed)
    layers = []
    for d_in, d_out in zip(sizes, sizes[1:], strict=False):
        layers += [Linear(d_in, d_out, rng=rng, dtype=dtype), ReLU()]
    return Sequential(*layers[:-1])


@pytest.fixture
def moons():
    X, y = two_moons(200, noise=0.1, rng=np.random.default_rng(0))
    return X[:150], y[:150], X[150:], y[150:]


def train(model, X, y, seed=0, **options):
    options = {"epochs": 5, "batch_size": 32, "progress": False, **options}
    optimizer = SGD(model.parameters(), lr=0.1)
    rng = np.random.default_rng(seed)
    return fit(model, CrossEntropyLoss(), optimizer, X, y, rng=rng, **options)


def test_history_has_one_value_per_epoch_under_keras_names(moons):
    X, y, X_val, y_val = moons
    history = train(
        mlp(0),
        X,
        y,
        validation_data=(X_val, y_val),
        metrics=[classification_accuracy],
        epochs=4,
    )
    assert isinstance(history, History)
    assert list(history.history) == [
        "loss",
        "classification_accuracy",
        "val_loss",
        "val_classification_accuracy",
    ]
    assert history.epochs == [1, 2, 3, 4]
    assert all(len(values) == 4 for values in history.history.values())
    assert repr(history).startswith("History(epochs=4, loss=")


def test_training_lowers_the_loss_and_learns_the_moons(moons):
    X, y, X_val, y_val = moons
    history = train(
        mlp(0, sizes=(2, 32, 32, 2)),
        X,
        y,
        validation_data=(X_val, y_val),
        epochs=100,
        metrics=[classification_accuracy],
    )
    loss = history.history["loss"]
    assert loss[-1] < 0.2 * loss[0]
    assert history.history["val_classification_accuracy"][-1] >= 0.95


@pytest.mark.parametrize("penalty", [None, L2Penalty(0.01)])
@pytest.mark.parametrize("max_grad_norm", [None, 0.5])
def test_fit_is_exactly_the_five_line_loop(moons, penalty, max_grad_norm):
    X, y, _, _ = moons
    model = mlp(0)
    history = train(model, X, y, epochs=3, penalty=penalty, max_grad_norm=max_grad_norm)
    by_hand, loss_fn, rng = mlp(0), CrossEntropyLoss(), np.random.default_rng(0)
    optimizer = SGD(by_hand.parameters(), lr=0.1)
    for epoch in range(3):
        total = 0.0
        for X_batch, y_batch in minibatches(X, y, 32, rng=rng):
            optimizer.zero_grad()
            loss = loss_fn(by_hand(X_batch), y_batch)
            by_hand.backward(loss_fn.backward())
            if penalty is not None:
                loss += penalty(by_hand.parameters())
                penalty.backward(by_hand.parameters())
            if max_grad_norm is not None:
                clip_grad_norm(by_hand.parameters(), max_grad_norm)
            optimizer.step()
            total += loss * len(X_batch)
        assert history.history["loss"][epoch] == total / len(X)
    for ours, theirs in zip(model.parameters(), by_hand.parameters(), strict=True):
        np.testing.assert_array_equal(ours.data, theirs.data)


def test_the_same_seeds_reproduce_training_bit_for_bit(moons):
    X, y, X_val, y_val = moons
    a, b = mlp(3), mlp(3)
    history_a = train(a, X, y, seed=5, validation_data=(X_val, y_val))
    history_b = train(b, X, y, seed=5, validation_data=(X_val, y_val))
    assert history_a.history == history_b.history
    for p, q in zip(a.parameters(), b.parameters(), strict=True):
        np.testing.assert_array_equal(p.data, q.data)


class ModeRecorder(Module):
    """The identity, noting ``self.training`` at every forward pass."""

    def __init__(self):
        super().__init__()
        self.modes = []

    def forward(self, X):
        self.modes.append(self.training)
        return X

    def backward(self, dA):
        return dA


def test_validation_runs_in_eval_mode_and_training_mode_comes_back(moons):
    X, y, X_val, y_val = moons
    recorder = ModeRecorder()
    model = Sequential(
        Linear(2, 16, rng=np.random.default_rng(0)),
        ReLU(),
        Dropout(0.5, rng=np.random.default_rng(1)),
        recorder,
        Linear(16, 2, rng=np.random.default_rng(2)),
    )
    history = train(model, X, y, epochs=2, validation_data=(X_val, y_val))
    batches = len(range(0, len(X), 32))
    assert recorder.modes == ([True] * batches + [False]) * 2
    assert model.training
    # In eval mode Dropout is off, so evaluating again gives the same loss.
    assert (
        history.history["val_loss"][-1]
        == evaluate(model, CrossEntropyLoss(), X_val, y_val)["loss"]
    )


def test_evaluate_restores_eval_mode(moons):
    X, y, _, _ = moons
    model = mlp(0).eval()
    scores = evaluate(
        model, CrossEntropyLoss(), X, y, metrics=[classification_accuracy]
    )
    assert not model.training
    assert set(scores) == {"loss", "classification_accuracy"}


def test_exploding_training_stops_with_epoch_batch_and_advice(moons, capfd):
    X, y, _, _ = moons
    model = mlp(0)
    with (
        pytest.raises(
            FloatingPointError,
            match=(
                r"fit: training diverged at epoch \d+, batch \d+\. .*NaN or infinity.*"
                r"Try a smaller learning rate \(lr is 1e\+30\), or clip the gradients"
            ),
        ),
    ):
        fit(
            model,
            CrossEntropyLoss(),
            SGD(model.parameters(), lr=1e30),
            X,
            y,
            epochs=50,
            batch_size=32,
            rng=np.random.default_rng(0),
            progress=False,
        )
    # NumPy's overflow warnings are silenced inside fit: the error says it all.
    assert capfd.readouterr().err == ""


def test_divergence_in_the_validation_pass_is_reported_as_divergence(moons):
    X, y, _, _ = moons
    model = mlp(0)
    model[0].weight.data[:] = 10.0
    huge = np.full_like(X, 1e308)  # finite, but X @ W overflows to infinity
    with pytest.raises(
        FloatingPointError,
        match=r"diverged at epoch 1, in the validation pass\. .*NaN or infinity",
    ):
        fit(
            model,
            CrossEntropyLoss(),
            SGD(model.parameters(), lr=0.1),
            X,
            y,
            validation_data=(huge, y),
            epochs=2,
            batch_size=32,
            rng=np.random.default_rng(0),
            progress=False,
        )


def test_an_infinite_loss_stops_training_at_its_batch():
    model = Linear(1, 1, dtype=np.float32, rng=np.random.default_rng(0))
    model.weight.data[:] = 1e30  # outputs stay finite, their squares do not
    X, y = np.ones((8, 1), dtype=np.float32), np.zeros((8, 1), dtype=np.float32)
    with (
        np.errstate(over="ignore"),
        pytest.raises(
            FloatingPointError, match=r"at epoch 1, batch 1\. The loss is inf\."
        ),
    ):
        fit(
            model,
            MSELoss(),
            SGD(model.parameters(), lr=0.1),
            X,
            y,
            epochs=1,
            batch_size=4,
            progress=False,
        )


def test_nan_in_the_data_is_a_data_error_not_divergence(moons):
    X, y, _, _ = moons
    X = X.copy()
    X[3, 1] = np.nan
    with pytest.raises(ValueError, match=r"fit: X contains NaN.*index \(3, 1\)"):
        train(mlp(0), X, y)


def test_progress_false_prints_nothing(moons, capfd):
    X, y, _, _ = moons
    train(mlp(0), X, y, epochs=2, progress=False)
    assert capfd.readouterr() == ("", "")


PROGRAM = """
import numpy as np
from nnkit import CrossEntropyLoss, Linear
from nnkit.optim import SGD
from nnkit.training import fit
model = Linear(2, 2, rng=np.random.default_rng(0))
fit(model, CrossEntropyLoss(), SGD(model.parameters(), lr=0.1), np.eye(2),
    np.array([0, 1]), epochs=3, batch_size=1, rng=np.random.default_rng(0))
"""


@pytest.mark.parametrize("disable", [None, "1"])
def test_progress_bar_shows_the_loss_unless_tqdm_disable_is_set(disable):
    env = {k: v for k, v in os.environ.items() if k != "TQDM_DISABLE"}
    if disable:
        env["TQDM_DISABLE"] = disable
    result = subprocess.run(
        [sys.executable, "-c", PROGRAM],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout == ""
    assert ("3/3" in result.stderr and "loss=" in result.stderr) == (not disable)


def test_digits_mlp_reaches_98_percent_test_accuracy():
    """The benchmark's workload B on its fixed split: a 64-128-64-10 ReLU MLP,
    He-uniform weights, Adam(lr=3e-3), batches of 32, 50 epochs, pixels / 16,
    on the stratified 75/25 split of seed 0 (hyperparameters chosen on
    validation splits of the training set; see tests/benchmarks/cpu.py)."""
    X, y = load_digits()
    X = (X / 16).astype(np.float32)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=True, rng=np.random.default_rng(0)
    )
    rng = np.random.default_rng(0)
    model = Sequential(
        Linear(64, 128, init=init.he_uniform, rng=rng, dtype=np.float32),
        ReLU(),
        Linear(128, 64, init=init.he_uniform, rng=rng, dtype=np.float32),
        ReLU(),
        Linear(64, 10, init=init.he_uniform, rng=rng, dtype=np.float32),
    )
    fit(
        model,
        CrossEntropyLoss(),
        Adam(model.parameters(), lr=3e-3),
        X_train,
        y_train,
        epochs=50,
        batch_size=32,
        rng=rng,
        progress=False,
    )
    scores = evaluate(
        model, CrossEntropyLoss(), X_test, y_test, metrics=[classification_accuracy]
    )
    assert scores["classification_accuracy"] >= 0.98


def test_classification_accuracy_matches_sklearn(rng):
    logits = rng.normal(size=(40, 3))
    labels = rng.integers(0, 3, 40)
    expected = accuracy_score(labels, logits.argmax(axis=1))
    assert classification_accuracy(labels, logits) == expected
    assert classification_accuracy(np.eye(3)[labels], logits) == expected  # one-hot
    z, targets = rng.normal(size=(40, 1)), rng.integers(0, 2, (40, 1)).astype(float)
    expected = accuracy_score(targets.ravel(), (z.ravel() > 0).astype(int))
    assert classification_accuracy(targets, z) == expected
    assert classification_accuracy(targets.ravel(), z.ravel()) == expected


def test_float32_training_stays_float32(moons):
    X, y, _, _ = moons
    model = mlp(0, dtype=np.float32)
    train(model, X.astype(np.float32), y)
    assert all(p.data.dtype == np.float32 for p in model.parameters())


def fit_with(**changes):
    X, y = np.zeros((10, 2)), np.zeros(10, dtype=int)
    model = mlp(0)
    arguments = {
        "model": model,
        "loss_fn": CrossEntropyLoss(),
        "optimizer": SGD(model.parameters(), lr=0.1),
        "X": X,
        "y": y,
        "epochs": 1,
        "batch_size": 4,
        "progress": False,
        **changes,
    }
    return fit(**arguments)


@pytest.mark.parametrize(
    "changes, error, message",
    [
        ({"epochs": 0}, ValueError, "fit: epochs must be a positive integer, got 0"),
        ({"batch_size": 2.5}, ValueError, "fit: batch_size must be a positive integer"),
        ({"y": np.zeros(9, dtype=int)}, ValueError, r"X has 10 rows .* but y has 9"),
        ({"X": np.zeros((0, 2)), "y": np.zeros(0)}, ValueError, "X and y are empty"),
        (
            {"loss_fn": CrossEntropyLoss},
            TypeError,
            r"loss_fn must be an nnkit Loss .*forget the \(\)",
        ),
        (
            {"model": "mlp"},
            TypeError,
            r"fit: model must be an nnkit Module such as Seq",
        ),
        (
            {"optimizer": None},
            TypeError,
            r"optimizer must be an nnkit Optimizer such as SGD",
        ),
        (
            {"metrics": classification_accuracy},
            TypeError,
            r"Use metrics=\[classification_accuracy\]",
        ),
        (
            {"metrics": [classification_accuracy, classification_accuracy]},
            ValueError,
            "two metrics are named 'classification_accuracy'",
        ),
        ({"metrics": [3]}, TypeError, r"each metric must be a function"),
        ({"max_grad_norm": -1.0}, ValueError, "max_grad_norm must be a finite number"),
        ({"early_stopping": 5}, TypeError, "early_stopping must be an EarlyStopping"),
        ({"rng": 3}, TypeError, "fit: rng must be a numpy.random.Generator"),
        (
            {"validation_data": (np.zeros((3, 2)), np.zeros(2))},
            ValueError,
            r"fit: validation_data: X has 3 rows",
        ),
    ],
)
def test_bad_arguments_are_refused_with_a_clear_message(changes, error, message):
    with pytest.raises(error, match=message):
        fit_with(**changes)
