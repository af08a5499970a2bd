"""Tests of nnkit.plot: what each figure shows, and that no figure is left open."""

import matplotlib

matplotlib.use("Agg")  # draw off screen, before pyplot is imported

from types import SimpleNamespace  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from nnkit import calibration, metrics, plot  # noqa: E402
from nnkit.activations import sigmoid, sigmoid_derivative  # noqa: E402

pytestmark = [
    pytest.mark.filterwarnings("error"),
    pytest.mark.usefixtures("no_leaked_figures"),
]


def legend_texts(ax):
    return [text.get_text() for text in ax.get_legend().get_texts()]


@pytest.fixture
def blobs(rng):
    X = np.vstack([rng.normal(-1, 0.5, (30, 2)), rng.normal(1, 0.5, (30, 2))])
    return X, np.repeat([0, 1], 30)


def test_decision_boundary_grid_covers_the_data(blobs):
    X, y = blobs
    seen = []

    def predict(P):
        seen.append(P)
        return (P.sum(axis=1) > 0).astype(int)

    ax = plot.decision_boundary(predict, X, y, resolution=50)
    (grid,) = seen
    assert grid.shape == (50 * 50, 2)
    assert np.all(grid.min(axis=0) < X.min(axis=0))
    assert np.all(grid.max(axis=0) > X.max(axis=0))
    assert ax.get_title() == "Decision boundary"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("$x_1$", "$x_2$")
    assert legend_texts(ax) == ["class 0", "class 1"]
    plt.close(ax.figure)


@pytest.mark.parametrize(
    "predict",
    [
        lambda P: sigmoid(P.sum(axis=1)),  # probabilities of class 1, (M,)
        lambda P: sigmoid(P.sum(axis=1, keepdims=True)),  # (M, 1)
        lambda P: np.column_stack([-P.sum(axis=1), P.sum(axis=1)]),  # scores (M, C)
    ],
)
def test_decision_boundary_turns_scores_into_two_regions(blobs, predict):
    X, y = blobs
    ax = plot.decision_boundary(predict, X, y, resolution=20, title="t")
    (regions,) = [c for c in ax.collections if hasattr(c, "levels")]
    assert len(regions.levels) == 3  # two classes: boundaries -0.5, 0.5, 1.5
    assert ax.get_title() == "t"
    plt.close(ax.figure)


def point_colors(ax):
    """The RGB colour of each scatter of points, in legend order."""
    scatters = [c for c in ax.collections if not hasattr(c, "levels")]
    return [tuple(c.get_facecolor()[0][:3]) for c in scatters]


@pytest.mark.parametrize("labels", [[1], [1, 2], [0, 2]])
def test_decision_boundary_colours_a_class_by_its_label(blobs, labels):
    # Class k is colour k in every panel, even where class 0 is absent.
    X, _ = blobs
    y = np.resize(labels, len(X))
    ax = plot.decision_boundary(lambda P: np.resize(labels, len(P)), X, y, resolution=8)
    expected = [plot.CLASS_COLORS[k] for k in labels]
    assert point_colors(ax) == expected
    (regions,) = [c for c in ax.collections if hasattr(c, "levels")]
    np.testing.assert_allclose(regions.get_facecolor()[:, :3], expected)
    plt.close(ax.figure)


def test_decision_boundary_colours_string_labels_in_sorted_order(blobs):
    X, _ = blobs
    y = np.resize(["dog", "cat"], len(X))
    ax = plot.decision_boundary(lambda P: np.resize(["cat"], len(P)), X, y)
    assert legend_texts(ax) == ["class cat", "class dog"]
    assert point_colors(ax) == list(plot.CLASS_COLORS[:2])
    plt.close(ax.figure)


def test_decision_boundary_rejects_bad_input(blobs):
    X, y = blobs
    predict = lambda P: np.zeros(len(P), dtype=int)  # noqa: E731
    with pytest.raises(ValueError, match=r"expected X with 2 features .*\(60, 3\)"):
        plot.decision_boundary(predict, np.ones((60, 3)), y)
    with pytest.raises(ValueError, match=r"one label per row of X, shape \(60,\)"):
        plot.decision_boundary(predict, X, y[:10])
    with pytest.raises(TypeError, match="predict must be a function"):
        plot.decision_boundary(np.zeros(3), X, y)
    with pytest.raises(ValueError, match="predict returned 3 rows"):
        plot.decision_boundary(lambda P: np.zeros(3), X, y, resolution=5)
    assert not plt.get_fignums()


HISTORY = {
    "loss": [1.0, 0.6, 0.4],
    "val_loss": [1.1, 0.8, 0.7],
    "accuracy": [0.5, 0.7, 0.9],
    "val_accuracy": [0.4, 0.6, 0.8],
}


@pytest.mark.parametrize("history", [HISTORY, SimpleNamespace(history=HISTORY)])
def test_training_curves_plots_loss_per_epoch(history):
    ax = plot.training_curves(history)
    train, val = ax.get_lines()
    np.testing.assert_array_equal(train.get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(train.get_ydata(), HISTORY["loss"])
    np.testing.assert_array_equal(val.get_ydata(), HISTORY["val_loss"])
    assert legend_texts(ax) == ["training loss", "validation loss"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("epoch", "loss")
    assert ax.get_title()
    plt.close(ax.figure)


def test_training_curves_with_a_metric_draws_two_panels():
    loss_ax, metric_ax = plot.training_curves(HISTORY, metric="accuracy")
    assert legend_texts(metric_ax) == ["training accuracy", "validation accuracy"]
    assert metric_ax.get_ylabel() == "accuracy"
    assert loss_ax.figure is metric_ax.figure
    plt.close(loss_ax.figure)


def test_training_curves_write_underscores_in_a_metric_name_as_spaces():
    history = {"loss": [1.0], "classification_accuracy": [0.5]}
    _, metric_ax = plot.training_curves(history, metric="classification_accuracy")
    assert legend_texts(metric_ax) == ["training classification accuracy"]
    assert metric_ax.get_ylabel() == "classification accuracy"
    assert metric_ax.get_title() == "Classification accuracy per epoch"
    plt.close(metric_ax.figure)


def test_training_curves_without_validation_and_bad_input():
    ax = plot.training_curves({"loss": [3.0, 2.0]})
    assert legend_texts(ax) == ["training loss"]
    plt.close(ax.figure)
    with pytest.raises(ValueError, match=r"no 'accuracy' entry; it has \['loss'\]"):
        plot.training_curves({"loss": [1.0]}, metric="accuracy")
    with pytest.raises(TypeError, match="History or a dict"):
        plot.training_curves([1.0, 0.5])
    _, ax = plt.subplots()
    with pytest.raises(ValueError, match="pass a pair of Axes"):
        plot.training_curves(HISTORY, metric="accuracy", ax=ax)
    plt.close(ax.figure)


def test_activation_plots_the_function_and_its_derivative():
    z = np.linspace(-3, 3, 7)
    ax = plot.activation(sigmoid, sigmoid_derivative, z=z)
    curves = [line for line in ax.get_lines() if len(line.get_xdata()) == 7]
    np.testing.assert_allclose(curves[0].get_ydata(), sigmoid(z))
    np.testing.assert_allclose(curves[1].get_ydata(), sigmoid_derivative(z))
    assert legend_texts(ax) == ["sigmoid(z)", "sigmoid'(z)"]
    assert (ax.get_title(), ax.get_xlabel()) == ("sigmoid", "z")
    plt.close(ax.figure)
    with pytest.raises(ValueError, match=r"expected z with 1 dimension"):
        plot.activation(sigmoid, z=np.zeros((2, 2)))


def test_activation_grid_has_one_titled_panel_per_activation():
    fig = plot.activation_grid(negative_slope=0.2)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["identity", "step", "sigmoid", "tanh", "relu", "leaky_relu"]
    leaky = fig.axes[-1].get_lines()[2]  # after the two zero lines
    assert leaky.get_ydata()[0] == pytest.approx(0.2 * -5.0)
    plt.close(fig)


def test_confusion_matrix_annotates_the_counts():
    cm = metrics.confusion_matrix([0, 0, 1, 1, 2, 2, 2], [0, 1, 1, 1, 2, 0, 2])
    ax = plot.confusion_matrix(cm, labels=["a", "b", "c"])
    numbers = np.array([int(t.get_text()) for t in ax.texts]).reshape(3, 3)
    np.testing.assert_array_equal(numbers, cm)
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("Predicted label", "True label")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    assert ax.get_title() == "Confusion matrix"
    plt.close(ax.figure)


def test_confusion_matrix_normalized_rows_and_bad_input():
    ax = plot.confusion_matrix(np.array([[3, 1], [0, 0]]), normalize=True)
    assert [t.get_text() for t in ax.texts] == ["0.75", "0.25", "0.00", "0.00"]
    plt.close(ax.figure)
    with pytest.raises(ValueError, match=r"square matrix .*got shape \(2, 3\)"):
        plot.confusion_matrix(np.ones((2, 3)))
    with pytest.raises(ValueError, match="cm has 2 classes but 3 labels"):
        plot.confusion_matrix(np.ones((2, 2)), labels="abc")


def test_roc_curve_has_the_chance_diagonal_and_the_auc():
    fpr, tpr, _ = metrics.roc_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    ax = plot.roc_curve(fpr, tpr, auc=0.75)
    chance, curve = ax.get_lines()
    np.testing.assert_array_equal(chance.get_xydata(), [[0, 0], [1, 1]])
    np.testing.assert_array_equal(curve.get_xdata(), fpr)
    assert legend_texts(ax) == ["chance (AUC = 0.5)", "ROC curve (AUC = 0.750)"]
    assert ax.get_xlabel() == "False positive rate"
    assert ax.get_ylabel() == "True positive rate"
    plt.close(ax.figure)
    with pytest.raises(ValueError, match="fpr has 3 points but tpr has 2"):
        plot.roc_curve([0, 0.5, 1], [0, 1])


def test_roc_curves_of_two_models_share_one_chance_diagonal():
    ax = plot.roc_curve([0.0, 0.5, 1.0], [0.0, 1.0, 1.0], label="A")
    plot.roc_curve([0.0, 1.0], [0.0, 1.0], label="B", ax=ax)
    assert legend_texts(ax) == ["chance (AUC = 0.5)", "A", "B"]
    assert len(ax.get_lines()) == 3
    plt.close(ax.figure)


def test_weights_as_images_shows_each_column_as_an_image(rng):
    W = rng.standard_normal((64, 5))
    fig = plot.weights_as_images(W, n=4)
    shown = [ax for ax in fig.axes if ax.images]
    assert len(shown) == 4
    for k, ax in enumerate(shown):
        np.testing.assert_array_equal(ax.images[0].get_array(), W[:, k].reshape(8, 8))
        assert ax.get_title() == f"unit {k}"
    plt.close(fig)
    with pytest.raises(ValueError, match=r"needs W with 64 rows .*\(10, 5\)"):
        plot.weights_as_images(np.ones((10, 5)))


def test_hidden_activations_sorts_rows_by_class():
    A = np.array([[1.0, 0.0], [2.0, 0.0], [3.0, 0.0]])
    ax = plot.hidden_activations(A, y=np.array([1, 0, 1]))
    np.testing.assert_array_equal(ax.images[0].get_array()[:, 0], [2.0, 1.0, 3.0])
    assert ax.get_ylabel() == "sample (sorted by class)"
    assert ax.get_xlabel() == "hidden unit"
    plt.close(ax.figure)
    with pytest.raises(ValueError, match=r"one label per row of A"):
        plot.hidden_activations(A, y=[0, 1])


def test_functions_draw_on_the_axes_they_are_given():
    fig, ax = plt.subplots()
    assert plot.roc_curve([0, 1], [0, 1], ax=ax) is ax
    assert plot.precision_recall_curve([1, 1], [1, 0], ax=ax) is ax
    assert plot.reliability_diagram([0.2], [0.3], ax=ax) is ax
    assert plot.activation(np.tanh, ax=ax) is ax
    assert len(plt.get_fignums()) == 1
    plt.close(fig)


def test_precision_recall_curve_draws_steps_with_the_chance_level_and_ap():
    y_true, y_score = [0, 0, 1, 1, 0], [0.1, 0.4, 0.35, 0.8, 0.2]
    precision, recall, _ = metrics.precision_recall_curve(y_true, y_score)
    ap = metrics.average_precision(y_true, y_score)
    ax = plot.precision_recall_curve(
        precision, recall, average_precision=ap, prevalence=0.4
    )
    chance, curve = ax.get_lines()
    np.testing.assert_array_equal(chance.get_xydata(), [[0, 0.4], [1, 0.4]])
    np.testing.assert_array_equal(curve.get_xdata(), recall)
    np.testing.assert_array_equal(curve.get_ydata(), precision)
    assert curve.get_drawstyle() == "steps-post"
    assert legend_texts(ax) == ["chance (precision = 0.400)", "PR curve (AP = 0.833)"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("Recall", "Precision")
    assert ax.get_title() == "Precision-recall curve"
    plot.precision_recall_curve(precision, recall, prevalence=0.4, label="B", ax=ax)
    assert legend_texts(ax)[1:] == ["PR curve (AP = 0.833)", "B"]  # one chance line
    plt.close(ax.figure)


def test_reliability_diagram_shows_the_diagonal_the_bins_and_the_ece(rng):
    p = rng.random(200)
    y = (rng.random(200) < p**2).astype(int)
    prob_true, prob_pred = calibration.calibration_curve(y, p, n_bins=5)
    ece = calibration.expected_calibration_error(y, p, n_bins=5)
    ax = plot.reliability_diagram(prob_true, prob_pred, ece=ece, label="before")
    plot.reliability_diagram([0.5], [0.5], label="after", ax=ax)
    diagonal, before, after = ax.get_lines()
    np.testing.assert_array_equal(diagonal.get_xydata(), [[0, 0], [1, 1]])
    np.testing.assert_array_equal(before.get_xdata(), prob_pred)
    np.testing.assert_array_equal(before.get_ydata(), prob_true)
    assert legend_texts(ax) == [
        "perfectly calibrated",
        f"before (ECE = {ece:.3f})",
        "after",
    ]
    assert ax.get_xlabel() == "Mean predicted probability"
    assert ax.get_ylabel() == "Fraction of positives"
    assert ax.get_title() == "Reliability diagram"
    plt.close(ax.figure)


@pytest.mark.parametrize(
    "draw, message",
    [
        (
            lambda: plot.precision_recall_curve([1.0, 0.5], [0.0]),
            r"plot.precision_recall_curve: precision has 2 points but recall has 1; "
            r"pass both from one call: precision, recall, _ = ",
        ),
        (
            lambda: plot.precision_recall_curve([1.0], [0.0], prevalence=5),
            r"prevalence must be a number in \[0, 1\], got 5",
        ),
        (
            lambda: plot.reliability_diagram([[0.1, 0.2]], [0.1, 0.2]),
            r"plot.reliability_diagram: expected prob_true with 1 dimension\(s\), "
            r"shape \(K,\), got shape \(1, 2\)",
        ),
        (
            lambda: plot.reliability_diagram([0.1, 0.2], [0.1]),
            r"pass both from one call: prob_true, prob_pred = calibration.cal",
        ),
    ],
)
def test_curve_plots_refuse_bad_points_with_a_clear_message(draw, message):
    with pytest.raises(ValueError, match=message):
        draw()
