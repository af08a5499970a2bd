"""Tests for nnkit.data: toy datasets, splitting, batching, preprocessing, loaders."""

import gzip
import hashlib
import io
import shutil
from importlib.resources import files

import numpy as np
import pytest

from nnkit.data import (
    circles,
    idx,
    load_digits,
    load_mnist,
    logic_gate,
    minibatches,
    noisy_sine,
    one_hot,
    read_idx,
    spirals,
    standardize,
    train_test_split,
    two_moons,
)
from nnkit.data.digits import DIGITS_FILE, DIGITS_SHA256, _read_digits_file


def rng(seed=0):
    return np.random.default_rng(seed)


# --- toy datasets -----------------------------------------------------------

TOY = [
    (two_moons, {}, (101, 2), 2),
    (circles, {"factor": 0.3}, (101, 2), 2),
    (spirals, {"n_classes": 4}, (101, 2), 4),
]


@pytest.mark.parametrize("make, kwargs, shape, n_classes", TOY)
def test_toy_classification_shapes_dtypes_and_balance(make, kwargs, shape, n_classes):
    X, y = make(101, rng=rng(), **kwargs)
    assert X.shape == shape and X.dtype == np.float64
    assert y.shape == (101,) and y.dtype == np.int64
    counts = np.bincount(y)
    assert len(counts) == n_classes and counts.max() - counts.min() <= 1


@pytest.mark.parametrize("make", [two_moons, circles, spirals, noisy_sine])
def test_toy_same_seed_same_data(make):
    X1, y1 = make(50, rng=rng(7))
    X2, y2 = make(50, rng=rng(7))
    X3, _ = make(50, rng=rng(8))
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


def test_noisy_sine_range_and_shapes():
    X, y = noisy_sine(200, noise=0.0, rng=rng())
    assert X.shape == y.shape == (200, 1) and y.dtype == np.float64
    assert X.min() >= -np.pi and X.max() <= np.pi
    np.testing.assert_allclose(y, np.sin(X))


@pytest.mark.parametrize(
    "name, outputs",
    [("and", [0, 0, 0, 1]), ("or", [0, 1, 1, 1]), ("xor", [0, 1, 1, 0])],
)
def test_logic_gate_truth_tables(name, outputs):
    X, y = logic_gate(name)
    assert X.dtype == np.float64 and y.dtype == np.int64
    assert X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert y.tolist() == outputs


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: logic_gate("nand"), ValueError, r"logic_gate: name must be .*'nand'"),
        (lambda: two_moons(0, rng=rng()), ValueError, "two_moons: n_samples"),
        (lambda: two_moons(10, noise=-1, rng=rng()), ValueError, "two_moons: noise"),
        (lambda: circles(10, factor=1.0, rng=rng()), ValueError, "circles: factor"),
        (lambda: spirals(10, n_classes=0, rng=rng()), ValueError, "n_classes"),
        (lambda: noisy_sine(10, rng=0), TypeError, "noisy_sine: rng must be"),
    ],
)
def test_toy_bad_inputs(call, error, match):
    with pytest.raises(error, match=match):
        call()


# --- train_test_split -------------------------------------------------------


def test_split_shapes_pairs_and_coverage():
    X, y = np.arange(40).reshape(20, 2), np.arange(20)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, rng=rng())
    assert X_tr.shape == (15, 2) and X_te.shape == (5, 2)
    np.testing.assert_array_equal(X_tr[:, 0] // 2, y_tr)  # rows stay paired
    assert sorted(np.concatenate([y_tr, y_te]).tolist()) == list(range(20))
    assert len(train_test_split(X, y, test_size=3, rng=rng())[1]) == 3


def test_split_same_seed_same_split():
    X, y = np.arange(30).reshape(15, 2), np.arange(15)
    first = train_test_split(X, y, rng=rng(3))
    second = train_test_split(X, y, rng=rng(3))
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)


def test_split_stratify_keeps_class_proportions():
    y = np.repeat([0, 1, 2], [60, 30, 10])
    X = np.zeros((100, 3))
    split = train_test_split(X, y, test_size=0.2, rng=rng(), stratify=True)
    y_tr, y_te = split[2], split[3]
    assert np.bincount(y_te).tolist() == [12, 6, 2]
    assert np.bincount(y_tr).tolist() == [48, 24, 8]
    assert not np.all(np.diff(y_te) >= 0)  # classes are shuffled together


@pytest.mark.parametrize(
    "X, y, kwargs, error, match",
    [
        (np.zeros((5, 2)), np.zeros(4), {}, ValueError, "X has 5 rows .* y has 4"),
        (np.zeros((0, 2)), np.zeros(0), {}, ValueError, "empty"),
        (np.zeros((5, 2)), np.zeros(5), {"test_size": 0.0}, ValueError, r"in \(0, 1\)"),
        (np.zeros((5, 2)), np.zeros(5), {"test_size": 1.5}, ValueError, r"in \(0, 1\)"),
        (np.zeros((5, 2)), np.zeros(5), {"test_size": 5}, ValueError, "5 test rows"),
        (np.zeros((5, 2)), np.zeros(5), {"test_size": 0}, ValueError, "0 test rows"),
        (np.zeros((5, 2)), np.zeros(5), {"test_size": "20%"}, TypeError, "test_size"),
        (np.zeros((5, 2)), np.zeros(5), {"rng": 42}, TypeError, "default_rng"),
        (np.zeros((4, 2)), np.eye(4), {"stratify": True}, ValueError, "argmax"),
    ],
)
def test_split_bad_inputs(X, y, kwargs, error, match):
    with pytest.raises(error, match="train_test_split: .*" + match):
        train_test_split(X, y, **{"rng": rng(), **kwargs})


# --- minibatches ------------------------------------------------------------


def test_minibatches_cover_each_row_once_per_epoch():
    X, y = np.arange(46).reshape(23, 2), np.arange(23)
    generator = rng()
    for _ in range(2):
        batches = list(minibatches(X, y, 5, rng=generator))
        assert [len(y_b) for _, y_b in batches] == [5, 5, 5, 5, 3]
        seen = np.concatenate([y_b for _, y_b in batches])
        assert sorted(seen.tolist()) == list(range(23))
        for X_b, y_b in batches:
            np.testing.assert_array_equal(X_b[:, 0] // 2, y_b)


def test_minibatches_order():
    X, y = np.zeros((10, 1)), np.arange(10)
    plain = np.concatenate([b for _, b in minibatches(X, y, 4, shuffle=False)])
    assert plain.tolist() == list(range(10))
    first, second = (
        np.concatenate([b for _, b in minibatches(X, y, 4, rng=rng(1))]) for _ in "ab"
    )
    np.testing.assert_array_equal(first, second)
    assert first.tolist() != list(range(10))


@pytest.mark.parametrize(
    "args, kwargs, error, match",
    [
        ((np.zeros((4, 2)), np.zeros(4), 0), {}, ValueError, "batch_size"),
        ((np.zeros((4, 2)), np.zeros(4), 2.5), {}, ValueError, "batch_size"),
        ((np.zeros((4, 2)), np.zeros(3), 2), {}, ValueError, "X has 4 rows"),
        ((np.zeros((4, 2)), np.zeros(4), 2), {"rng": 0}, TypeError, "Generator"),
    ],
)
def test_minibatches_bad_inputs_raise_at_call_time(args, kwargs, error, match):
    with pytest.raises(error, match="minibatches: .*" + match):
        minibatches(*args, **kwargs)  # not iterated: the check is eager


# --- one_hot and standardize -------------------------------------------------


def test_one_hot_round_trips_with_argmax():
    y = rng().integers(0, 5, size=50)
    Y = one_hot(y, num_classes=7)
    assert Y.shape == (50, 7) and Y.dtype == np.float64
    np.testing.assert_array_equal(Y.argmax(axis=1), y)
    np.testing.assert_array_equal(Y.sum(axis=1), 1.0)
    assert one_hot([2, 0]).shape == (2, 3)


@pytest.mark.parametrize(
    "y, num_classes, error, match",
    [
        (np.array([0.0, 1.0]), None, TypeError, "must be integers.*astype"),
        (np.array([0, -1]), None, ValueError, r"\[-1, 0\]"),
        (np.array([0, 3]), 3, ValueError, r"in \[0, 3\)"),
        (np.array([[0, 1]]), None, ValueError, "1 dimension"),
        (np.array([], dtype=int), None, ValueError, "pass num_classes"),
        (np.array([0, 1]), 0, ValueError, "num_classes must be a positive"),
    ],
)
def test_one_hot_bad_inputs(y, num_classes, error, match):
    with pytest.raises(error, match="one_hot: .*" + match):
        one_hot(y, num_classes)


def test_standardize_uses_train_statistics_only():
    X_train = rng(0).normal(3.0, 2.0, size=(200, 3))
    X_test = rng(1).normal(-5.0, 0.5, size=(40, 3))
    X_train_s, X_test_s, (mean, std) = standardize(X_train, X_test)
    np.testing.assert_allclose(mean, X_train.mean(axis=0))
    np.testing.assert_allclose(std, X_train.std(axis=0))
    np.testing.assert_allclose(X_train_s.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(X_train_s.std(axis=0), 1.0)
    np.testing.assert_allclose(X_test_s, (X_test - mean) / std)
    assert np.all(X_test_s.mean(axis=0) < -2)  # not re-centred on the test set


def test_standardize_constant_column_and_dtypes():
    X = np.array([[1, 0.1], [3, 0.1], [5, 0.1]], dtype=np.float32)
    X_s, (_, std) = standardize(X)
    assert X_s.dtype == np.float32 and np.all(np.isfinite(X_s))
    assert std[1] == 1.0 and np.all(np.abs(X_s[:, 1]) < 1e-6)
    assert standardize(np.ones((2, 2), dtype=int))[0].dtype == np.float64


@pytest.mark.parametrize(
    "args, match",
    [
        ((np.zeros(5),), "X_train with 2 dimension"),
        ((np.zeros((0, 3)),), "empty"),
        ((np.zeros((5, 3)), np.zeros((2, 4))), r"others\[0\] with 3 features"),
        ((np.array([[np.nan]]),), "NaN"),
    ],
)
def test_standardize_bad_inputs(args, match):
    with pytest.raises(ValueError, match="standardize: .*" + match):
        standardize(*args)


# --- digits ------------------------------------------------------------------


def test_load_digits_shapes_labels_and_checksum():
    X, y = load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,) and y.dtype == np.int64
    assert X.min() == 0 and X.max() == 16 and np.all(X == np.round(X))
    assert np.bincount(y).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    images, _ = load_digits(return_images=True)
    np.testing.assert_array_equal(images.reshape(1797, 64), X)
    content = (files("nnkit.data") / DIGITS_FILE).read_bytes()
    assert hashlib.sha256(content).hexdigest() == DIGITS_SHA256


def test_load_digits_refuses_a_corrupted_file(tmp_path):
    copy = tmp_path / DIGITS_FILE
    shutil.copyfile(files("nnkit.data") / DIGITS_FILE, copy)
    content = bytearray(copy.read_bytes())
    content[len(content) // 2] ^= 0xFF
    copy.write_bytes(bytes(content))
    with pytest.raises(RuntimeError, match="load_digits: .* is corrupted: its SHA-256"):
        _read_digits_file(copy)


# --- IDX and MNIST ------------------------------------------------------------


def idx_bytes(array, type_code):
    """Encode ``array`` as an IDX file: magic number, big-endian sizes, values."""
    header = bytes([0, 0, type_code, array.ndim])
    sizes = b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    return header + sizes + array.astype(array.dtype.newbyteorder(">")).tobytes()


@pytest.mark.parametrize(
    "dtype, code",
    [(np.uint8, 0x08), (np.int16, 0x0B), (np.float32, 0x0D), (np.float64, 0x0E)],
)
@pytest.mark.parametrize("compress", [False, True])
def test_read_idx_round_trip(tmp_path, dtype, code, compress):
    array = (np.arange(24).reshape(2, 3, 4) * 3).astype(dtype)
    content = idx_bytes(array, code)
    path = tmp_path / "array-idx3"
    path.write_bytes(gzip.compress(content) if compress else content)
    result = read_idx(path)
    assert result.dtype == np.dtype(dtype) and result.dtype.isnative
    np.testing.assert_array_equal(result, array)


@pytest.mark.parametrize(
    "content, match",
    [
        (b"\x00\x01\x08\x01" + bytes(8), "bad magic number 00 01 08 01"),
        (b"\x00\x00\x07\x01" + bytes(8), "bad magic number"),
        (b"\x00\x00", "bad magic number"),
        (b"\x00\x00\x08\x02" + bytes(4), "truncated: its header needs 12 bytes"),
        (idx_bytes(np.zeros((3, 4), np.uint8), 0x08)[:-1], "truncated: a uint8"),
        (idx_bytes(np.zeros((3, 4), np.uint8), 0x08) + b"\x00", "too long"),
        # mtime=0: the same bytes in every process (pytest-xdist compares ids)
        (gzip.compress(idx_bytes(np.zeros(99, np.uint8), 0x08), mtime=0)[:-9], "gzip"),
    ],
    ids=["magic", "magic-type", "short", "header", "truncated", "too-long", "gzip"],
)
def test_read_idx_bad_files(tmp_path, content, match):
    path = tmp_path / "bad"
    path.write_bytes(content)
    with pytest.raises(ValueError, match="read_idx: .*" + match):
        read_idx(path)


def test_load_mnist_reads_the_standard_files(tmp_path):
    folder = tmp_path / "fashion-mnist"
    folder.mkdir()
    images = rng().integers(0, 256, size=(5, 28, 28)).astype(np.uint8)
    labels = np.array([3, 1, 4, 1, 5], dtype=np.uint8)
    (folder / "t10k-images-idx3-ubyte.gz").write_bytes(
        gzip.compress(idx_bytes(images, 0x08))
    )
    (folder / "t10k-labels-idx1-ubyte").write_bytes(idx_bytes(labels, 0x08))
    X, y = load_mnist(tmp_path, kind="test", dataset="fashion-mnist")
    np.testing.assert_array_equal(X, images)
    assert y.dtype == np.int64 and y.tolist() == [3, 1, 4, 1, 5]


def test_load_mnist_missing_files_name_the_paths(tmp_path):
    with pytest.raises(FileNotFoundError, match="download=True") as info:
        load_mnist(tmp_path)
    assert str(tmp_path / "mnist" / "train-images-idx3-ubyte.gz") in str(info.value)
    assert str(tmp_path / "mnist" / "train-labels-idx1-ubyte.gz") in str(info.value)


def fake_mirror(monkeypatch, files_by_name):
    """Serve ``files_by_name`` instead of the internet; return the URLs asked for."""
    requested = []

    def urlopen(url, timeout):
        requested.append(url)
        return io.BytesIO(files_by_name[url.rsplit("/", 1)[1]])

    monkeypatch.setattr(idx.urllib.request, "urlopen", urlopen)
    return requested


def test_load_mnist_download_fetches_checks_and_saves(tmp_path, monkeypatch):
    images, labels = np.zeros((2, 28, 28), np.uint8), np.array([7, 2], np.uint8)
    served = {
        "t10k-images-idx3-ubyte.gz": gzip.compress(idx_bytes(images, 0x08)),
        "t10k-labels-idx1-ubyte.gz": gzip.compress(idx_bytes(labels, 0x08)),
    }
    for name, content in served.items():
        monkeypatch.setitem(idx.MD5["mnist"], name, hashlib.md5(content).hexdigest())
    requested = fake_mirror(monkeypatch, served)
    X, y = load_mnist(tmp_path, kind="test", download=True)
    assert X.shape == (2, 28, 28) and y.tolist() == [7, 2]
    assert requested == [idx.MIRRORS["mnist"] + name for name in served]
    assert (tmp_path / "mnist" / "t10k-labels-idx1-ubyte.gz").is_file()


def test_load_mnist_download_refuses_a_wrong_checksum(tmp_path, monkeypatch):
    fake_mirror(monkeypatch, {"train-images-idx3-ubyte.gz": b"not mnist"})
    with pytest.raises(RuntimeError, match="load_mnist: .* has MD5 .*, expected"):
        load_mnist(tmp_path, download=True)
    assert not (tmp_path / "mnist" / "train-images-idx3-ubyte.gz").exists()


@pytest.mark.parametrize(
    "kwargs, match",
    [({"kind": "validation"}, "kind must be"), ({"dataset": "emnist"}, "dataset must")],
)
def test_load_mnist_bad_arguments(tmp_path, kwargs, match):
    with pytest.raises(ValueError, match="load_mnist: " + match):
        load_mnist(tmp_path, **kwargs)
