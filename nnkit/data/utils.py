"""Splitting a dataset and walking through it in mini-batches (chapter 6).

``train_test_split`` holds out a test set once, before any training;
``minibatches`` then serves the training rows in shuffled batches, one pass
(an *epoch*) per call. Rows are samples, as everywhere in nnkit: ``X`` has
shape (N, D) and ``y`` has shape (N,) or (N, k).

Randomness is explicit: each function takes a keyword-only ``rng``, a
``numpy.random.Generator`` such as ``np.random.default_rng(0)``. The same seed
gives the same split and the same batches.
"""

import math

import numpy as np

from nnkit._checks import as_generator, check_count, check_in_range, shape_str


def check_pair(X, y, *, owner):
    """Return ``X`` and ``y`` as arrays after checking they pair up row by row."""
    X, y = np.asarray(X), np.asarray(y)
    check_rows(X, y, owner=owner)
    return X, y


def check_rows(X, y, *, owner):
    """Raise unless ``X`` and ``y`` have one row per sample, as many of each.

    Only ``ndim`` and ``len`` are read, so nnkit.torch checks tensors with it.
    """
    for name, array in (("X", X), ("y", y)):
        if array.ndim == 0:
            raise ValueError(
                f"{owner}: {name} must have one row per sample, shape (N, ...), "
                f"got a scalar."
            )
    if len(X) != len(y):
        raise ValueError(
            f"{owner}: X has {len(X)} rows (shape {shape_str(X.shape)}) but y has "
            f"{len(y)} (shape {shape_str(y.shape)}); they must have one row per sample."
        )
    if len(X) == 0:
        raise ValueError(f"{owner}: X and y are empty (0 rows); nothing to use.")


def _test_count(test_size, N):
    """Turn ``test_size`` (a fraction or a row count) into a number of test rows."""
    owner = "train_test_split"
    if isinstance(test_size, bool) or not isinstance(
        test_size, (int, float, np.integer, np.floating)
    ):
        raise TypeError(
            f"{owner}: test_size must be a fraction in (0, 1) or a row count, "
            f"got {type(test_size).__name__}."
        )
    if isinstance(test_size, (int, np.integer)):
        n_test = int(test_size)
    else:
        check_in_range(
            test_size, owner=owner, name="test_size (a fraction)", low=0, high=1,
            include_low=False, hint="Or pass a number of rows, an int.",
        )  # fmt: skip
        # Round the test side up, as scikit-learn does, so it is never empty.
        n_test = math.ceil(test_size * N)
    if not 1 <= n_test <= N - 1:
        raise ValueError(
            f"{owner}: test_size={test_size!r} gives {n_test} test rows out of {N}, "
            f"leaving the train or the test side empty; each needs at least one row."
        )
    return n_test


def _stratified_test_rows(y, n_test, rng):
    """Pick ``n_test`` row indices, taking from each class in proportion to its size.

    Class c with n_c rows gets ``n_test * n_c / N`` test rows, rounded by the
    largest-remainder method so the counts add up to exactly ``n_test``.
    """
    classes, class_of_row = np.unique(y, return_inverse=True)
    sizes = np.bincount(class_of_row)
    quotas = n_test * sizes / len(y)
    counts = np.floor(quotas).astype(int)
    # Hand the rows lost to rounding down to the classes that lost the most.
    leftover = n_test - counts.sum()
    counts[np.argsort(-(quotas - counts), kind="stable")[:leftover]] += 1
    picked = [
        rng.permutation(np.flatnonzero(class_of_row == c))[: counts[c]]
        for c in range(len(classes))
    ]
    return np.concatenate(picked)


def train_test_split(X, y, *, test_size=0.25, rng=None, stratify=False):
    """Shuffle the rows of ``X`` and ``y`` and split them into a train and a test set.

    Parameters
    ----------
    X : array, shape (N, D) (or (N, ...), e.g. images (N, 8, 8))
        Inputs, one row per sample.
    y : array, shape (N,) or (N, k)
        Targets, row ``i`` belonging to ``X[i]``.
    test_size : float in (0, 1) or int, default 0.25
        Fraction of the rows to hold out (rounded up), or their number.
    rng : numpy.random.Generator, optional
        Source of the shuffle. ``None`` uses a fresh, unseeded generator, so
        the split changes on every call; pass ``np.random.default_rng(seed)``
        to make it reproducible.
    stratify : bool, default False
        If True, ``y`` holds class labels of shape (N,) and every class is
        split in the same proportion, so a rare class cannot end up missing
        from the test set by bad luck.

    Returns
    -------
    X_train : array, shape (N - N_test, D)
    X_test : array, shape (N_test, D)
    y_train : array, shape (N - N_test,) or (N - N_test, k)
    y_test : array, shape (N_test,) or (N_test, k)

    Notes
    -----
    Split once, before looking at the data: the test set estimates how the
    model does on data it has never seen, which only works if nothing about
    it (not even its mean, see ``standardize``) leaks into training.

    Examples
    --------
    >>> X, y = np.arange(20).reshape(10, 2), np.arange(10) % 2
    >>> X_tr, X_te, y_tr, y_te = train_test_split(
    ...     X, y, test_size=0.2, rng=np.random.default_rng(0), stratify=True)
    >>> X_tr.shape, X_te.shape, sorted(y_te.tolist())
    ((8, 2), (2, 2), [0, 1])
    """
    owner = "train_test_split"
    X, y = check_pair(X, y, owner=owner)
    n_test = _test_count(test_size, len(X))
    rng = as_generator(rng, owner=owner)
    if stratify:
        if y.ndim != 1:
            raise ValueError(
                f"{owner}: stratify=True needs class labels y of shape (N,), got "
                f"shape {shape_str(y.shape)}. For one-hot rows use y.argmax(axis=1)."
            )
        test_rows = rng.permutation(_stratified_test_rows(y, n_test, rng))
        is_test = np.zeros(len(X), dtype=bool)
        is_test[test_rows] = True
        train_rows = rng.permutation(np.flatnonzero(~is_test))
    else:
        order = rng.permutation(len(X))
        test_rows, train_rows = order[:n_test], order[n_test:]
    return X[train_rows], X[test_rows], y[train_rows], y[test_rows]


def minibatches(X, y, batch_size, *, shuffle=True, rng=None):
    """Yield ``(X_batch, y_batch)`` pairs that together cover every row once.

    Parameters
    ----------
    X : array, shape (N, D)
        Inputs, one row per sample.
    y : array, shape (N,) or (N, k)
        Targets, row ``i`` belonging to ``X[i]``.
    batch_size : int
        Rows per batch, B. The last batch holds the ``N % B`` rows left over
        (if any), so no sample is dropped.
    shuffle : bool, default True
        Visit the rows in a new random order on each call (each epoch).
    rng : numpy.random.Generator, optional
        Source of the order when ``shuffle`` is True. ``None`` uses a fresh,
        unseeded generator.

    Returns
    -------
    generator of (X_batch, y_batch)
        ``X_batch`` has shape (B, D) and ``y_batch`` shape (B,) or (B, k).

    Notes
    -----
    Only a permutation of the N row indices is made per epoch; each batch
    then gathers its B rows with a slice of it, so the data itself is never
    copied in one go. Inputs are checked now, when ``minibatches`` is called,
    not later when the first batch is requested.

    Examples
    --------
    >>> X, y = np.zeros((10, 3)), np.arange(10)
    >>> batches = minibatches(X, y, 4, rng=np.random.default_rng(0))
    >>> [len(y_batch) for _, y_batch in batches]
    [4, 4, 2]
    """
    owner = "minibatches"
    X, y = check_pair(X, y, owner=owner)
    check_count(batch_size, owner=owner, name="batch_size")
    if shuffle:
        order = as_generator(rng, owner=owner).permutation(len(X))
    else:
        order = np.arange(len(X))
    return batches_in_order(X, y, order, batch_size)


def batches_in_order(X, y, order, batch_size):
    """The generator behind ``minibatches``: one slice of ``order`` per batch.

    Only indexing is used, so nnkit.torch runs it on tensors, with ``order`` a
    tensor on their device.
    """
    for start in range(0, len(order), batch_size):
        rows = order[start : start + batch_size]
        yield X[rows], y[rows]
