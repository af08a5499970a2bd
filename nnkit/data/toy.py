"""Small synthetic datasets to train on and to draw (from chapter 1 on).

Every function returns ``(X, y)``: inputs ``X`` of float64, one row per sample,
and targets ``y``. The classification sets have two features, ``X`` of shape
(N, 2) that can be plotted as points in the plane, and integer class labels
``y`` of shape (N,). ``noisy_sine`` is a regression set with ``X`` and ``y``
both of shape (N, 1).

The random ones take a keyword-only ``rng`` (``np.random.default_rng(seed)``):
the same seed gives the same dataset. Their rows come in random order, so a
plain slice ``X[:k]`` is a fair sample.
"""

import numpy as np

from nnkit._checks import as_generator, check_count, check_in_range, check_positive


def logic_gate(name):
    """The four rows of a logic gate's truth table: inputs ``(a, b)``, output ``y``.

    Parameters
    ----------
    name : {"and", "or", "xor"}
        Which gate. XOR is the classic problem a single neuron cannot solve,
        because no straight line separates its two classes.

    Returns
    -------
    X : ndarray of float64, shape (4, 2)
        The inputs ``[0, 0], [0, 1], [1, 0], [1, 1]``.
    y : ndarray of int64, shape (4,)
        The gate's output for each row.

    Examples
    --------
    >>> X, y = logic_gate("xor")
    >>> X.tolist(), y.tolist()
    ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0, 1, 1, 0])
    """
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
    a, b = X[:, 0] == 1, X[:, 1] == 1
    if name == "and":
        out = a & b
    elif name == "or":
        out = a | b
    elif name == "xor":
        out = a ^ b
    else:
        raise ValueError(
            f'logic_gate: name must be "and", "or" or "xor", got {name!r}.'
        )
    return X, out.astype(np.int64)


def _shuffled(X, y, rng):
    """Return ``X`` and ``y`` with their rows in the same random order."""
    order = rng.permutation(len(X))
    return X[order], y[order]


def _split_evenly(n_samples, n_parts):
    """Sizes of ``n_parts`` groups adding up to ``n_samples``, differing by <= 1."""
    return [n_samples // n_parts + (k < n_samples % n_parts) for k in range(n_parts)]


def two_moons(n_samples=200, *, noise=0.1, rng):
    """Two interleaving half circles, one per class.

    Class 0 lies on the upper half circle ``(cos t, sin t)`` and class 1 on
    the lower one ``(1 - cos t, 0.5 - sin t)``, ``t`` in [0, pi]; Gaussian noise
    of standard deviation ``noise`` is added to both coordinates. No straight
    line separates them, so a network needs a hidden layer.

    Parameters
    ----------
    n_samples : int, default 200
        N, split as evenly as possible between the two moons.
    noise : float >= 0, default 0.1
    rng : numpy.random.Generator

    Returns
    -------
    X : ndarray of float64, shape (N, 2)
    y : ndarray of int64, shape (N,), labels 0 and 1

    Examples
    --------
    >>> X, y = two_moons(100, rng=np.random.default_rng(0))
    >>> X.shape, np.bincount(y).tolist()
    ((100, 2), [50, 50])
    """
    check_count(n_samples, owner="two_moons", name="n_samples")
    check_positive(noise, owner="two_moons", name="noise", allow_zero=True)
    rng = as_generator(rng, owner="two_moons")
    n_upper, n_lower = _split_evenly(n_samples, 2)
    t_upper = np.linspace(0.0, np.pi, n_upper)
    t_lower = np.linspace(0.0, np.pi, n_lower)
    upper = np.column_stack([np.cos(t_upper), np.sin(t_upper)])
    lower = np.column_stack([1.0 - np.cos(t_lower), 0.5 - np.sin(t_lower)])
    X = np.vstack([upper, lower]) + noise * rng.standard_normal((n_samples, 2))
    y = np.repeat(np.array([0, 1], dtype=np.int64), [n_upper, n_lower])
    return _shuffled(X, y, rng)


def circles(n_samples=200, *, noise=0.05, factor=0.5, rng):
    """A small circle inside a large one: class 1 inside, class 0 outside.

    The outer circle has radius 1 and the inner one radius ``factor``;
    Gaussian noise of standard deviation ``noise`` is added to both
    coordinates. The classes are separable by a circle but not by a line.

    Parameters
    ----------
    n_samples : int, default 200
        N, split as evenly as possible between the two circles.
    noise : float >= 0, default 0.05
    factor : float in (0, 1), default 0.5
        Radius of the inner circle relative to the outer one.
    rng : numpy.random.Generator

    Returns
    -------
    X : ndarray of float64, shape (N, 2)
    y : ndarray of int64, shape (N,), labels 0 (outer) and 1 (inner)

    Examples
    --------
    >>> X, y = circles(100, noise=0.0, rng=np.random.default_rng(0))
    >>> radius = np.hypot(X[:, 0], X[:, 1]).round(6)
    >>> np.unique(radius[y == 0]).tolist(), np.unique(radius[y == 1]).tolist()
    ([1.0], [0.5])
    """
    check_count(n_samples, owner="circles", name="n_samples")
    check_positive(noise, owner="circles", name="noise", allow_zero=True)
    check_in_range(
        factor, owner="circles", name="factor (inner radius / outer radius)",
        low=0, high=1, include_low=False,
    )  # fmt: skip
    rng = as_generator(rng, owner="circles")
    n_outer, n_inner = _split_evenly(n_samples, 2)
    # endpoint=False: t = 2 pi would repeat the point at t = 0.
    t_outer = np.linspace(0.0, 2 * np.pi, n_outer, endpoint=False)
    t_inner = np.linspace(0.0, 2 * np.pi, n_inner, endpoint=False)
    outer = np.column_stack([np.cos(t_outer), np.sin(t_outer)])
    inner = factor * np.column_stack([np.cos(t_inner), np.sin(t_inner)])
    X = np.vstack([outer, inner]) + noise * rng.standard_normal((n_samples, 2))
    y = np.repeat(np.array([0, 1], dtype=np.int64), [n_outer, n_inner])
    return _shuffled(X, y, rng)


def spirals(n_samples=300, *, n_classes=3, noise=0.2, rng):
    """Interleaved spiral arms, one per class (the cs231n spiral dataset).

    Along arm k the radius ``r`` grows evenly from 0 to 1 while the angle
    turns, ``t = 2 pi k / K + 4 r`` plus Gaussian noise of standard deviation
    ``noise`` (in radians); the point is ``r * (cos t, sin t)``. Arms start
    equally spaced around the centre.

    Parameters
    ----------
    n_samples : int, default 300
        N, split as evenly as possible among the arms.
    n_classes : int, default 3
        K, the number of arms (classes).
    noise : float >= 0, default 0.2
        Standard deviation of the noise on the angle, in radians.
    rng : numpy.random.Generator

    Returns
    -------
    X : ndarray of float64, shape (N, 2), inside the unit disc
    y : ndarray of int64, shape (N,), labels 0 to K - 1

    Examples
    --------
    >>> X, y = spirals(300, n_classes=3, rng=np.random.default_rng(0))
    >>> X.shape, np.bincount(y).tolist()
    ((300, 2), [100, 100, 100])
    """
    check_count(n_samples, owner="spirals", name="n_samples")
    check_count(n_classes, owner="spirals", name="n_classes")
    check_positive(noise, owner="spirals", name="noise", allow_zero=True)
    rng = as_generator(rng, owner="spirals")
    sizes = _split_evenly(n_samples, n_classes)
    arms = []
    for k, n_k in enumerate(sizes):
        r = np.linspace(0.0, 1.0, n_k)
        t = 2 * np.pi * k / n_classes + 4.0 * r + noise * rng.standard_normal(n_k)
        arms.append(r[:, None] * np.column_stack([np.cos(t), np.sin(t)]))
    X = np.vstack(arms)
    y = np.repeat(np.arange(n_classes, dtype=np.int64), sizes)
    return _shuffled(X, y, rng)


def noisy_sine(n_samples=100, *, noise=0.1, rng):
    """A regression set: ``y = sin(x) + noise``, x drawn uniformly from [-pi, pi].

    Parameters
    ----------
    n_samples : int, default 100
    noise : float >= 0, default 0.1
        Standard deviation of the Gaussian noise added to ``sin(x)``.
    rng : numpy.random.Generator

    Returns
    -------
    X : ndarray of float64, shape (N, 1)
        The inputs x, in random order (sort with ``np.argsort(X[:, 0])`` to
        draw a line through them).
    y : ndarray of float64, shape (N, 1)
        The targets, shaped like the output of a network with one output
        unit, so that ``MSELoss()(model(X), y)`` compares like with like.

    Examples
    --------
    >>> X, y = noisy_sine(50, noise=0.0, rng=np.random.default_rng(0))
    >>> X.shape, y.shape, bool(np.allclose(y, np.sin(X)))
    ((50, 1), (50, 1), True)
    """
    check_count(n_samples, owner="noisy_sine", name="n_samples")
    check_positive(noise, owner="noisy_sine", name="noise", allow_zero=True)
    rng = as_generator(rng, owner="noisy_sine")
    X = rng.uniform(-np.pi, np.pi, size=(n_samples, 1))
    y = np.sin(X) + noise * rng.standard_normal((n_samples, 1))
    return X, y
