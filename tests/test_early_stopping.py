"""EarlyStopping: when it stops, which weights it restores, errors."""

import numpy as np
import pytest

from nnkit import CrossEntropyLoss, Linear, ReLU, Sequential
from nnkit.data import two_moons
from nnkit.early_stopping import EarlyStopping
from nnkit.optim import Adam
from nnkit.training import classification_accuracy, fit


def overfitting_run(epochs, early_stopping=None):
    """60 noisy training points, a wide network: validation loss soon rises."""
    rng = np.random.default_rng(0)
    X, y = two_moons(60, noise=0.35, rng=rng)
    X_val, y_val = two_moons(200, noise=0.35, rng=rng)
    model = Sequential(
        Linear(2, 64, rng=rng),
        ReLU(),
        Linear(64, 64, rng=rng),
        ReLU(),
        Linear(64, 2, rng=rng),
    )
    history = fit(
        model,
        CrossEntropyLoss(),
        Adam(model.parameters(), lr=0.01),
        X,
        y,
        epochs=epochs,
        batch_size=16,
        rng=rng,
        validation_data=(X_val, y_val),
        metrics=[classification_accuracy],
        early_stopping=early_stopping,
        progress=False,
    )
    return model, history


def test_stops_patience_epochs_after_the_best_and_restores_its_weights():
    stopper = EarlyStopping(patience=5)
    model, history = overfitting_run(300, stopper)
    val_loss = history.history["val_loss"]
    best_epoch = int(np.argmin(val_loss)) + 1
    assert stopper.best_epoch == best_epoch and stopper.best == min(val_loss)
    assert stopper.stopped_epoch == best_epoch + 5 == history.epochs[-1] < 300
    # Training again for best_epoch epochs, from the same seeds, gives the
    # snapshot of the best epoch: the restored weights must equal it.
    snapshot, _ = overfitting_run(best_epoch)
    for restored, best in zip(model.parameters(), snapshot.parameters(), strict=True):
        np.testing.assert_array_equal(restored.data, best.data)


def test_without_restoring_the_last_weights_stay():
    stopper = EarlyStopping(patience=5, restore_best_weights=False)
    model, history = overfitting_run(300, stopper)
    last, _ = overfitting_run(len(history.epochs))
    for ours, theirs in zip(model.parameters(), last.parameters(), strict=True):
        np.testing.assert_array_equal(ours.data, theirs.data)


def test_mode_max_follows_an_accuracy():
    stopper = EarlyStopping("val_classification_accuracy", patience=3, mode="max")
    _, history = overfitting_run(300, stopper)
    accuracies = history.history["val_classification_accuracy"]
    assert stopper.best == max(accuracies)
    assert stopper.best_epoch == accuracies.index(max(accuracies)) + 1
    assert stopper.stopped_epoch == stopper.best_epoch + 3


def test_min_delta_ignores_small_improvements():
    stopper = EarlyStopping(patience=0, min_delta=0.01)
    model = Linear(1, 1)
    assert not stopper.update(1, {"val_loss": 1.0}, model)
    assert stopper.update(2, {"val_loss": 0.995}, model)  # better, but by < 0.01
    assert (stopper.best, stopper.best_epoch, stopper.stopped_epoch) == (1.0, 1, 2)


def test_running_out_of_epochs_still_restores_the_best_weights():
    stopper = EarlyStopping(patience=1000)
    model, history = overfitting_run(25, stopper)
    assert stopper.stopped_epoch is None and len(history.epochs) == 25
    snapshot, _ = overfitting_run(stopper.best_epoch)
    for restored, best in zip(model.parameters(), snapshot.parameters(), strict=True):
        np.testing.assert_array_equal(restored.data, best.data)


def test_each_fit_starts_afresh():
    stopper = EarlyStopping(patience=5)
    overfitting_run(300, stopper)
    first = (stopper.best, stopper.best_epoch, stopper.stopped_epoch)
    overfitting_run(300, stopper)
    assert (stopper.best, stopper.best_epoch, stopper.stopped_epoch) == first


def test_monitoring_a_missing_name_asks_for_validation_data():
    model = Linear(2, 2)
    with pytest.raises(
        ValueError,
        match=(
            r"early_stopping monitors 'val_loss', but fit records only \['loss'\]\. "
            r"Pass validation_data"
        ),
    ):
        fit(
            model,
            CrossEntropyLoss(),
            Adam(model.parameters()),
            np.zeros((4, 2)),
            np.zeros(4, dtype=int),
            epochs=1,
            batch_size=2,
            early_stopping=EarlyStopping(),
            progress=False,
        )


@pytest.mark.parametrize(
    "arguments, error, message",
    [
        ({"patience": -1}, ValueError, "patience must be an integer >= 0, got -1"),
        ({"patience": 2.5}, ValueError, "patience must be an integer >= 0"),
        ({"min_delta": -0.1}, ValueError, "min_delta must be a finite number >= 0"),
        ({"mode": "max_"}, ValueError, r'mode must be "min" \(for losses\) or "max"'),
        ({"monitor": 3}, TypeError, "monitor must be a History name"),
    ],
)
def test_bad_arguments_are_refused(arguments, error, message):
    with pytest.raises(error, match=message):
        EarlyStopping(**arguments)


def test_repr():
    assert repr(EarlyStopping()) == (
        "EarlyStopping(monitor='val_loss', patience=5, min_delta=0.0, mode='min')"
    )
