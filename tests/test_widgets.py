"""Tests of nnkit.widgets: the math behind each explorer, its static twin, and
that the values each explorer stores for the browser to draw are nnkit's.
(tests/test_book.py drives the explorers in a browser.)"""

import matplotlib

matplotlib.use("Agg")  # draw off screen, before pyplot is imported

import base64  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

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


def state_json(explorer):
    """The widget state a notebook saves: strict JSON (no NaN, no inf)."""
    return json.dumps(explorer.get_state(), allow_nan=False)


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


def test_activation_explorer_stores_nnkits_curves():
    explorer = widgets.activation_explorer()
    assert repr(explorer) == "Explorer('activation', activation='sigmoid', slope=0.1)"
    data = explorer.data
    z = np.array(data["z"])
    functions = {f["name"]: f for f in data["functions"]}
    assert list(functions) == list(widgets.ACTIVATIONS)
    fn, derivative = widgets.ACTIVATIONS["sigmoid"]
    np.testing.assert_allclose(
        functions["sigmoid"]["f"], fn(z), rtol=5e-4
    )  # stored to 4 significant digits
    np.testing.assert_allclose(
        functions["sigmoid"]["df"], derivative(z), rtol=5e-4
    )  # stored to 4 significant digits
    fn, derivative = widgets.ACTIVATIONS["leaky ReLU"]
    slopes = explorer.options["slope"]
    k = slopes.index(0.3)
    leaky = functions["leaky ReLU"]["by_slope"][k]
    np.testing.assert_allclose(
        leaky["f"], fn(z, negative_slope=0.3), rtol=5e-4
    )  # stored to 4 significant digits
    np.testing.assert_allclose(leaky["df"], derivative(z, negative_slope=0.3))
    state_json(explorer)


def test_explorer_controls_move_from_python_and_check_their_values():
    explorer = widgets.activation_explorer()
    explorer.set(activation="tanh", slope=0.25)
    assert explorer.value == {"activation": "tanh", "slope": 0.25}
    assert explorer.index == {"activation": 2, "slope": 25}
    with pytest.raises(ValueError, match=r"slope must be one of \[0.0, 0.01"):
        explorer.set(slope=0.123)
    with pytest.raises(ValueError, match=r"has controls \['activation', 'slope'\]"):
        explorer.set(lr=0.1)
    assert explorer._esm == (
        Path(widgets.__file__).with_name("explorer.js").read_text()
    )


def test_learning_rate_explorer_stores_nnkits_paths():
    explorer = widgets.learning_rate_explorer()
    assert repr(explorer) == (
        "Explorer('learning_rate', loss='(w - 2)²', lr=0.1, steps=10, w0=-1.0)"
    )
    data, lrs, starts = explorer.data, explorer.options["lr"], explorer.options["w0"]
    assert data["lrs"] == lrs and 1.0 in lrs and 0.03 in lrs
    for k, (_, grad, _) in enumerate(widgets.gradient_descent.LOSSES.values()):
        for lr, w0 in [(0.1, -1.0), (0.95, 2.0), (0.003, 0.25)]:
            path = data["losses"][k]["paths"][lrs.index(lr)][starts.index(w0)]
            ws = widgets.gradient_descent_1d(grad, w0, lr, 50)
            ws[~np.isfinite(ws)] = np.nan  # stored as None
            stored = np.array(path["w"], dtype=float)  # None -> nan
            np.testing.assert_allclose(stored, ws, rtol=1e-4, atol=1e-8)
    # A diverging run ends off the plot: stored as None (JSON has no inf).
    diverging = data["losses"][0]["paths"][lrs.index(1.5)][starts.index(-1.0)]["w"]
    assert diverging[1] == -1.0 + 1.5 * 6.0 and None not in diverging[:20]
    assert data["losses"][1]["paths"][lrs.index(1.5)][0]["w"][-1] is None
    state_json(explorer)


def test_width_explorer_stores_each_widths_decisions():
    X, y = two_moons(40, rng=np.random.default_rng(0))
    explorer = widgets.width_explorer(X, y, widths=(2, 8), epochs=20, resolution=30)
    assert repr(explorer) == "Explorer('width', width=8)"
    assert list(explorer.models) == [2, 8]
    x0, x1, y0, y1 = explorer.data["extent"]
    for width, drawn in zip((2, 8), explorer.data["models"], strict=True):
        model = explorer.models[width]
        # The stored class of a cell is the model's prediction at its centre.
        r, c = 7, 19
        centre = [[x0 + (c + 0.5) * (x1 - x0) / 30, y0 + (r + 0.5) * (y1 - y0) / 30]]
        assert int(drawn["grid"][r][c]) == model(np.array(centre)).argmax(axis=1)[0]
        assert drawn["accuracy"] == metrics.accuracy(y, model(X).argmax(axis=1))
    np.testing.assert_array_equal(explorer.data["X"], X)
    state_json(explorer)
    with pytest.raises(ValueError, match=r"width_explorer: expected X with 2"):
        widgets.width_explorer(np.ones((4, 1)), [0, 1, 0, 1])


def test_threshold_explorer_stores_nnkits_metrics():
    y_true, y_score = [0, 0, 1, 1, 0, 1], [0.1, 0.4, 0.35, 0.8, 0.2, 0.9]
    explorer = widgets.threshold_explorer(y_true, y_score, n_thresholds=9)
    assert repr(explorer) == "Explorer('threshold', threshold=0.5)"
    data = explorer.data
    assert data["thresholds"][0] == 0.1 and data["thresholds"][-1] == 0.9
    for k, t in enumerate(data["thresholds"]):
        y_pred = (np.array(y_score) >= t).astype(int)
        cm = metrics.confusion_matrix(y_true, y_pred, labels=np.array([0, 1]))
        assert data["cm"][k] == cm.ravel().tolist()
        recall = metrics.recall(y_true, y_pred)
        assert data["recall"][k] == pytest.approx(recall, rel=5e-4)
        if y_pred.any():
            expected = metrics.precision(y_true, y_pred)
            assert data["precision"][k] == pytest.approx(expected, rel=5e-4)
    state_json(explorer)
    with pytest.raises(ValueError, match="y_true must contain both classes"):
        widgets.threshold_explorer([1, 1], [0.2, 0.3])


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


def test_perceptron_explorer_stores_nnkits_outputs_and_boundary():
    explorer = widgets.perceptron_explorer()
    assert repr(explorer) == "Explorer('perceptron', w1=1.0, w2=1.0, b=-1.5)"
    data, values = explorer.data, explorer.options["w1"]
    n = len(values)
    assert data["size"] == n == 17 and values[0] == -2.0 and values[-1] == 2.0
    X, _ = logic_gate("and")
    for w1, w2, b in [(1.0, 1.0, -1.5), (-0.5, 0.75, 0.25), (0.0, 0.0, -0.5)]:
        k = (values.index(w1) * n + values.index(w2)) * n + values.index(b)
        perceptron = Perceptron(2)
        perceptron.weight[:] = w1, w2
        perceptron.bias = b
        y_hat = "".join(str(v) for v in perceptron.predict(X))
        assert data["yhat"][k] == y_hat
        np.testing.assert_allclose(data["z"][k], X @ [w1, w2] + b)
        if w1 == w2 == 0:
            assert data["region"][k] is None
            continue
        # The region's first edge is the boundary, the far edge on the 1 side.
        quad = np.array(data["region"][k]).reshape(4, 2)
        z = quad @ [w1, w2] + b
        np.testing.assert_allclose(z[:2], 0.0, atol=1e-3)
        assert (z[2:] > 0).all()
    assert data["names"]["0001"] == "AND" and data["names"]["0010"] == "x₁ AND NOT x₂"
    state_json(explorer)


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


def test_precision_explorer_stores_nnkits_fractions_and_histograms():
    explorer = widgets.precision_explorer()
    assert repr(explorer) == "Explorer('precision', format='float16', scale=1)"
    assert explorer.options["scale"][-1] == 2**16
    gradients = widgets.example_gradients()
    for fmt in explorer.data["formats"]:
        for scale, frame in zip(explorer.data["scales"], fmt["frames"], strict=True):
            lost = widgets.representable_fraction(scale * gradients, fmt["name"])
            assert (frame["underflow"], frame["overflow"]) == lost
            counts = np.array(frame["counts"])  # rounds to 0, stored, overflows
            assert counts.sum() == gradients.size
            assert counts[0].sum() == round(lost[0] * gradients.size)
            assert counts[2].sum() == round(lost[1] * gradients.size)
    state_json(explorer)


def explorers_of_every_kind():
    X, y = two_moons(40, noise=0.2, rng=np.random.default_rng(0))
    scores = np.linspace(0.0, 1.0, 20)
    return [
        widgets.perceptron_explorer(),
        widgets.activation_explorer(),
        widgets.learning_rate_explorer(),
        widgets.precision_explorer(),
        widgets.threshold_explorer((scores > 0.4).astype(int), scores),
        widgets.width_explorer(X, y, widths=(1, 2), epochs=5),
    ]


def test_every_explorer_carries_the_png_of_its_static_twin_for_paper():
    """The output shows the widget on the website and, where nothing draws a
    widget (the PDF), the PNG matplotlib draws for the current values."""
    for explorer in explorers_of_every_kind():
        data, _ = explorer._repr_mimebundle_()
        assert "application/vnd.jupyter.widget-view+json" in data, explorer
        assert data["text/plain"] == repr(explorer)
        png = base64.b64decode(data["image/png"])
        assert png.startswith(b"\x89PNG\r\n\x1a\n"), explorer
        assert plt.get_fignums() == []  # drawn and closed
        # Moving a control moves the picture.
        name, options = next(iter(explorer.options.items()))
        explorer.set(
            **{name: options[-1] if options[-1] != explorer.value[name] else options[0]}
        )
        assert base64.b64decode(explorer.static_png()) != png, explorer
