"""Tests of nnkit.widgets: the math behind each explorer, its static twin, and
that each explorer builds without a front end and redraws when a control moves."""

import matplotlib

matplotlib.use("Agg")  # draw off screen, before pyplot is imported

import itertools  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

import ipywidgets  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from nnkit import metrics, widgets  # noqa: E402
from nnkit.data import logic_gate, two_moons  # noqa: E402
from nnkit.perceptron import Perceptron  # noqa: E402

pytestmark = [
    pytest.mark.filterwarnings("error"),
    pytest.mark.usefixtures("no_leaked_figures"),
]


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


@pytest.mark.parametrize("lr", [1.05, 1.3])
def test_plot_gradient_descent_1d_legend_leaves_a_diverging_path_visible(lr):
    # The zigzag of a diverging run leaves the plot through its top centre.
    ax = widgets.plot_gradient_descent_1d(lr, 10)
    ax.figure.canvas.draw()
    legend = ax.get_legend().get_window_extent()
    ws = widgets.gradient_descent_1d(widgets.quadratic_grad, -1.0, lr, 10)
    corners = np.column_stack([ws, widgets.quadratic(ws)])
    t = np.linspace(0.0, 1.0, 100)[:, None]
    for start, end in itertools.pairwise(corners):
        on_screen = ax.transData.transform(start + t * (end - start))
        assert not any(legend.contains(x, y) for x, y in on_screen)
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


def test_importing_nnkit_widgets_does_not_import_torch():
    code = (
        "import nnkit.widgets, sys; "
        "assert 'torch' not in sys.modules, 'torch was imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(
    "w1, w2, b, name",
    [
        (1.0, 1.0, -1.5, "AND"),
        (1.0, 1.0, -0.5, "OR"),
        (-1.0, -1.0, 0.5, "NOR"),
        (-1.0, -1.0, 1.5, "NAND"),
        (-1.0, 0.0, 0.5, "NOT $x_1$"),
    ],
)
def test_plot_perceptron_shows_the_gate_it_computes(w1, w2, b, name):
    ax = widgets.plot_perceptron(w1, w2, b)
    assert ax.get_title() == f"{name}:  w = ({w1:g}, {w2:g}),  b = {b:g}"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("$x_1$", "$x_2$")
    # The points are coloured by the outputs of a Perceptron with these weights.
    X, _ = logic_gate("and")
    perceptron = Perceptron(2)
    perceptron.weight[:] = w1, w2
    perceptron.bias = b
    y_hat = perceptron.predict(X)
    zeros, ones = ax.collections[-2:]
    np.testing.assert_array_equal(zeros.get_offsets(), X[y_hat == 0])
    np.testing.assert_array_equal(ones.get_offsets(), X[y_hat == 1])
    # The black line lies on w1 * x1 + w2 * x2 + b = 0.
    (boundary,) = ax.get_lines()
    np.testing.assert_allclose(boundary.get_xydata() @ [w1, w2] + b, 0.0, atol=1e-12)
    (table,) = [t for t in ax.texts if t.get_text().startswith("x1")]
    rows = table.get_text().splitlines()[1:]
    assert [int(row.split()[-1]) for row in rows] == y_hat.tolist()
    plt.close(ax.figure)


def test_plot_perceptron_with_zero_weights_has_no_boundary():
    ax = widgets.plot_perceptron(0.0, 0.0, -0.3)
    assert ax.get_title().startswith("always 0:")
    assert len(ax.get_lines()) == 0  # no boundary
    assert [t.get_text()[:2] for t in ax.texts] == ["x1"]  # the table, no arrow
    plt.close(ax.figure)


def test_gate_names_are_the_14_functions_a_perceptron_reaches():
    # Every (w1, w2, b) on a grid: the outputs on the four inputs are always
    # one of GATE_NAMES, each is reached, and XOR and XNOR never are.
    X, _ = logic_gate("and")
    values = np.linspace(-2.0, 2.0, 9)
    reached = set()
    for w1, w2, b in itertools.product(values, values, values):
        reached.add(tuple(int(v) for v in (X @ [w1, w2] + b >= 0)))
    assert reached == set(widgets.GATE_NAMES)
    assert len(reached) == 14
    assert (0, 1, 1, 0) not in reached and (1, 0, 0, 1) not in reached


def test_perceptron_explorer_redraws_on_every_change(capsys):
    explorer = widgets.perceptron_explorer()
    (w1, w2, b), image = parts(explorer)
    assert (w1.value, w2.value, b.value) == (1.0, 1.0, -1.5)  # AND
    seen = {png(image)}
    for control, value in [(w1, -0.5), (w2, 0.0), (b, 0.8)]:
        control.value = value
        seen.add(png(image))
    assert len(seen) == 4
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize(
    "value, lost",
    [
        (1e-8, {"float16": (1.0, 0.0), "bfloat16": (0.0, 0.0), "float32": (0.0, 0.0)}),
        (1e5, {"float16": (0.0, 1.0), "bfloat16": (0.0, 0.0), "float32": (0.0, 0.0)}),
        (1e-44, {"float16": (1.0, 0.0), "bfloat16": (1.0, 0.0), "float32": (0.0, 0.0)}),
        (1e39, {"float16": (0.0, 1.0), "bfloat16": (0.0, 1.0), "float32": (0.0, 1.0)}),
        (0.0, {"float16": (0.0, 0.0), "bfloat16": (0.0, 0.0), "float32": (0.0, 0.0)}),
    ],
)
def test_representable_fraction_of_single_values(value, lost):
    for dtype_name, expected in lost.items():
        assert widgets.representable_fraction([value], dtype_name) == expected
        assert widgets.representable_fraction([-value], dtype_name) == expected


def test_representable_fraction_rounds_to_nearest_like_a_cast():
    # float16: the smallest subnormal is 2**-24, so up to 2**-25 rounds to 0;
    # the largest value is 65504, so from 65520 (halfway to 2**16) it is inf.
    values = [2.0**-25, 1.01 * 2.0**-25, 65519.0, 65520.0]
    assert widgets.representable_fraction(values, "float16") == (0.25, 0.25)
    assert widgets.representable_fraction(values[1:3], "float16") == (0.0, 0.0)
    # The fractions count every value, here 4 of which 1 is lost to 0.
    assert widgets.representable_fraction([1e-9, 1.0, 2.0, 3.0], "float16") == (
        0.25,
        0.0,
    )


@pytest.mark.parametrize("dtype", [np.float16, np.float32])
def test_representable_fraction_agrees_with_numpy_casts(dtype, rng):
    values = rng.choice([-1, 1], 5000) * 10.0 ** rng.uniform(-50, 40, 5000)
    with np.errstate(over="ignore"):
        cast = values.astype(dtype)
    expected = (float(np.mean(cast == 0)), float(np.mean(np.isinf(cast))))
    assert widgets.representable_fraction(values, np.dtype(dtype).name) == expected


def test_representable_fraction_agrees_with_torch_for_bfloat16(rng):
    torch = pytest.importorskip("torch")
    values = rng.choice([-1, 1], 5000) * 10.0 ** rng.uniform(-50, 40, 5000)
    cast = torch.as_tensor(values).to(torch.bfloat16)
    expected = ((cast == 0).double().mean().item(), cast.isinf().double().mean().item())
    assert widgets.representable_fraction(values, "bfloat16") == expected
    info = torch.finfo(torch.bfloat16)
    _, normal, largest = widgets.FLOAT_FORMATS["bfloat16"]
    assert (normal, largest) == (info.smallest_normal, info.max)


def test_representable_fraction_checks_its_arguments():
    with pytest.raises(ValueError, match=r"dtype_name must be one of \['bfloat16'"):
        widgets.representable_fraction([1.0], "float8")
    with pytest.raises(ValueError, match="values contains NaN or infinity"):
        widgets.representable_fraction([1.0, np.nan], "float16")
    with pytest.raises(ValueError, match="values is empty"):
        widgets.representable_fraction([], "float16")


def test_example_gradients_are_fixed_and_span_twelve_decades():
    g = widgets.example_gradients()
    np.testing.assert_array_equal(g, widgets.example_gradients())
    assert g.shape == (10_000,)
    assert 1e-10 <= g.min() < 1e-9 and 10.0 < g.max() <= 1e2


def test_plot_precision_shows_the_fractions_and_the_limits():
    ax = widgets.plot_precision("float16", 1024)
    underflow, overflow = widgets.representable_fraction(
        1024 * widgets.example_gradients(), "float16"
    )
    assert (underflow, round(overflow, 3)) == (0.0, 0.016)
    assert ax.get_title() == "float16, S = 1024: 0.0% round to 0, 1.6% to inf"
    assert ax.get_xlabel().startswith(r"$\log_{10}$")
    assert ax.get_ylabel() == "number of gradients"
    lines = [line.get_xdata()[0] for line in ax.get_lines()]
    np.testing.assert_allclose(lines, np.log10([2.0**-24, 2.0**-14, 65504.0]))
    # The three stacked histograms together hold every gradient once.
    heights = [patch.get_height() for patch in ax.patches[1:]]
    assert sum(heights) == 10_000
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "rounds to 0" in labels and "largest 6.55e+04" in labels
    plt.close(ax.figure)


def test_plot_precision_checks_its_arguments():
    with pytest.raises(ValueError, match="loss_scale must be a finite number > 0"):
        widgets.plot_precision("float16", 0)
    with pytest.raises(ValueError, match="plot_precision: dtype_name must be one"):
        widgets.plot_precision("half", 1)


def test_precision_explorer_redraws_on_every_change(capsys):
    explorer = widgets.precision_explorer()
    (dtype, scale), image = parts(explorer)
    assert (dtype.value, scale.value) == ("float16", 1)
    assert scale.options[-1] == ("65536", 2**16)
    seen = {png(image)}
    for control, value in [(scale, 2**10), (dtype, "bfloat16"), (dtype, "float32")]:
        control.value = value
        seen.add(png(image))
    assert len(seen) == 4
    assert capsys.readouterr() == ("", "")
