"""Tests of nnkit.widgets: the math behind each explorer, its static twin, and
that each explorer builds without a front end and redraws when a control moves."""

import matplotlib

matplotlib.use("Agg")  # draw off screen, before pyplot is imported

import ipywidgets  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from nnkit import metrics, widgets  # noqa: E402
from nnkit.data import logic_gate, two_moons  # noqa: E402

pytestmark = pytest.mark.filterwarnings("error")


@pytest.fixture(autouse=True)
def no_leaked_figures():
    yield
    leaked = plt.get_fignums()
    plt.close("all")
    assert not leaked, f"figures left open: {leaked}"


def parts(explorer):
    """The controls of an explorer and the bytes of the PNG it shows."""
    controls, image = explorer.children
    assert isinstance(image, ipywidgets.Image)
    return controls.children, image


def png(image):
    data = bytes(image.value)
    assert data.startswith(b"\x89PNG")
    return data


def test_gradient_descent_1d_matches_hand_computed_steps():
    # L = (w - 2)**2, L' = 2 (w - 2): from 0 with lr 0.1, w1 = 0.4, w2 = 0.72.
    ws = widgets.gradient_descent_1d(widgets.quadratic_grad, 0.0, 0.1, 2)
    np.testing.assert_allclose(ws, [0.0, 0.4, 0.72])
    ws = widgets.gradient_descent_1d(lambda w: np.cos(w), 1.0, 0.5, 2)
    w1 = 1.0 - 0.5 * np.cos(1.0)
    np.testing.assert_allclose(ws, [1.0, w1, w1 - 0.5 * np.cos(w1)])


@pytest.mark.parametrize("lr", [0.01, 0.4, 0.9, 1.1, 1.5])
def test_gradient_descent_1d_on_a_quadratic_converges_below_2_over_curvature(lr):
    # Each step multiplies w - 2 by 1 - 2 lr, so it shrinks iff lr < 2 / L'' = 1.
    ws = widgets.gradient_descent_1d(widgets.quadratic_grad, -1.0, lr, 20)
    expected = 2.0 + (1.0 - 2.0 * lr) ** np.arange(21) * (-1.0 - 2.0)
    np.testing.assert_allclose(ws, expected)
    distance = abs(ws[-1] - 2.0)
    assert distance < 3.0 if lr < 1.0 else distance > 3.0


def test_gradient_descent_1d_diverges_quietly_and_checks_its_arguments():
    ws = widgets.gradient_descent_1d(widgets.double_well_grad, 3.0, 1.0, 10)
    assert not np.isfinite(ws[-1])  # overflowed, without a warning
    with pytest.raises(ValueError, match="steps must be a positive integer"):
        widgets.gradient_descent_1d(widgets.quadratic_grad, 0.0, 0.1, 0)
    with pytest.raises(ValueError, match="lr must be a finite number > 0"):
        widgets.gradient_descent_1d(widgets.quadratic_grad, 0.0, -0.1, 5)


@pytest.mark.parametrize("lr, title", [(0.25, "= 1.750"), (1.5, "off the plot")])
def test_plot_gradient_descent_1d_shows_the_path(lr, title):
    ax = widgets.plot_gradient_descent_1d(lr, 3, w0=0.0, window=(-2.0, 6.0))
    assert title in ax.get_title()
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("w", "L(w)")
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["L(w)", "$w_t$, t = 0..3", "$w_0$ = 0"]
    path = ax.get_lines()[1]
    ws = widgets.gradient_descent_1d(widgets.quadratic_grad, 0.0, lr, 3)
    np.testing.assert_allclose(path.get_xdata(), ws)
    np.testing.assert_allclose(path.get_ydata(), widgets.quadratic(ws))
    plt.close(ax.figure)


def test_train_mlp_learns_xor():
    X, y = logic_gate("xor")
    rng = np.random.default_rng(0)
    model = widgets.train_mlp(X, y, 4, epochs=300, lr=0.05, rng=rng)
    assert metrics.accuracy(y, model(X).argmax(axis=1)) == 1.0


def test_plot_widths_draws_one_boundary_per_width():
    X, y = logic_gate("xor")
    fig = widgets.plot_widths(X, y, widths=(1, 4), epochs=50)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[0].startswith("width 1: training accuracy")
    assert titles[1].startswith("width 4: training accuracy")
    plt.close(fig)
    with pytest.raises(ValueError, match=r"expected X with 2 features"):
        widgets.plot_widths(np.ones((4, 3)), y)


def test_plot_threshold_counts_and_rates():
    y_true = np.array([0, 0, 0, 1, 1, 1])
    y_score = np.array([0.1, 0.6, 0.3, 0.7, 0.4, 0.9])
    fig = widgets.plot_threshold(y_true, y_score, 0.5)
    hist, matrix, roc = fig.axes[:3]
    counts = [int(t.get_text()) for t in matrix.texts]
    assert counts == [2, 1, 1, 2]  # TN, FP / FN, TP at threshold 0.5
    assert roc.get_title() == "precision 0.67, recall 0.67"
    marker = roc.get_lines()[-1]
    np.testing.assert_allclose(marker.get_xydata(), [[1 / 3, 2 / 3]])
    assert hist.get_xlabel() == "score"
    plt.close(fig)


def test_plot_threshold_above_every_score_has_no_precision_and_no_warning():
    fig = widgets.plot_threshold([0, 1, 1], [0.2, 0.5, 0.8], 0.95)
    assert fig.axes[2].get_title() == "precision undefined, recall 0.00"
    plt.close(fig)
    with pytest.raises(ValueError, match="y_true has shape"):
        widgets.plot_threshold([0, 1, 1], [0.2, 0.5], 0.5)


def test_activation_explorer_redraws_on_every_change(capsys):
    explorer = widgets.activation_explorer()
    (choice, slope), image = parts(explorer)
    sigmoid_png = png(image)
    assert slope.disabled
    choice.label = "leaky ReLU"
    assert not slope.disabled
    leaky_png = png(image)
    slope.value = 0.3
    assert png(image) not in (sigmoid_png, leaky_png)
    choice.label = "step"
    assert slope.disabled
    assert capsys.readouterr() == ("", "")


def test_learning_rate_explorer_redraws_on_every_change(capsys):
    explorer = widgets.learning_rate_explorer()
    (curve, lr, steps, w0), image = parts(explorer)
    seen = {png(image)}
    changes = [(lr, 1.5), (steps, 3), (w0, 0.5), (curve, curve.options[1][1])]
    for control, value in changes:
        control.value = value
        seen.add(png(image))
    assert len(seen) == 5
    assert capsys.readouterr() == ("", "")


def test_width_explorer_trains_each_width_once(capsys):
    X, y = two_moons(40, rng=np.random.default_rng(0))
    explorer = widgets.width_explorer(X, y, widths=(2, 8), epochs=20)
    (width,), image = parts(explorer)
    first = png(image)
    assert list(explorer.models) == [8]
    width.value = 2
    assert list(explorer.models) == [8, 2] and png(image) != first
    model = explorer.models[8]
    width.value = 8
    assert explorer.models[8] is model and png(image) == first
    assert capsys.readouterr() == ("", "")
    with pytest.raises(ValueError, match=r"width_explorer: expected X with 2"):
        widgets.width_explorer(np.ones((4, 1)), [0, 1, 0, 1])


def test_threshold_explorer_redraws_on_every_change(capsys):
    explorer = widgets.threshold_explorer([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    (threshold,), image = parts(explorer)
    assert (threshold.min, threshold.max, threshold.value) == (0.1, 0.8, 0.5)
    before = png(image)
    threshold.value = 0.3
    assert png(image) != before
    assert capsys.readouterr() == ("", "")
