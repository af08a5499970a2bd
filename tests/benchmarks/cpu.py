"""Benchmark nnkit against scikit-learn and PyTorch on the CPU, in one run.

Workload A (speed): a 784-256-128-10 ReLU MLP in float32, trained for one
epoch over 30,000 synthetic MNIST-shaped samples (pixels uniform in [0, 1),
random labels, from a seeded generator) with plain SGD (lr 0.01, no momentum)
and batches of 128: by nnkit used exactly as the book and a student use it (a
``Sequential`` of ``Linear`` and ``ReLU``, ``SGD``, ``fit``, no tuning flag),
by scikit-learn's ``MLPClassifier`` and by PyTorch, at 1 and at 2 BLAS
threads. Each time is the best of ``--repeats`` runs, interleaved. None of the
three computes the gradient with respect to the data (``fit`` runs
``backward_parameters``; autograd skips data that does not require a
gradient), so a step does 8 matrix products: 6 * weights - 2 * 784 * 256
FLOPs per sample instead of 6 * weights. The same run times those 8 products
alone (the same shapes, in NumPy) and reports nnkit's FLOP rate over the epoch
as a fraction of theirs. A profile of one nnkit epoch at 1 thread shows where
the time outside the matrix products goes.

Workload B (accuracy): the 8x8 digits (``nnkit.data.load_digits``, pixels
divided by 16), a 64-128-64-10 ReLU MLP with He-uniform weights, Adam (lr
3e-3), batches of 32, 50 epochs, on the stratified 75/25 split made by
``train_test_split(X, y, test_size=0.25, stratify=True,
rng=np.random.default_rng(0))``, beside ``MLPClassifier`` with the same
settings on the same split; and both averaged over the splits of seeds 0-4.
The learning rate and batch size were chosen among {1e-3, 3e-3} x {32, 64}
(with and without weight decay, with pixels / 16 or standardised) by mean
accuracy on three validation splits carved out of the training set; the test
set played no part in the choice.

Usage: ``python tests/benchmarks/cpu.py [--repeats 5] [--json results.json]``.
Timings need a quiet machine: the load average is printed as a warning sign.
"""

import argparse
import cProfile
import io
import itertools
import json
import os
import platform
import pstats
import time
import warnings

import numpy as np
import sklearn
import torch
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_info, threadpool_limits

from nnkit import CrossEntropyLoss, Linear, ReLU, Sequential, init
from nnkit.data import load_digits, train_test_split
from nnkit.optim import SGD, Adam
from nnkit.training import classification_accuracy, evaluate, fit

SIZES = (784, 256, 128, 10)
WEIGHTS = sum(a * b for a, b in itertools.pairwise(SIZES))  # 234,752
FLOPS_PER_SAMPLE = 6 * WEIGHTS - 2 * SIZES[0] * SIZES[1]  # no dX in layer 1
SAMPLES, BATCH, LR, THREADS = 30_000, 128, 0.01, (1, 2)
DIGITS_SIZES, DIGITS_EPOCHS, DIGITS_BATCH, SPLIT_SEEDS = (64, 128, 64, 10), 50, 32, 5
DIGITS_LR = 3e-3
# The same training settings for scikit-learn as for nnkit and PyTorch; alpha=0
# drops its default L2 term, so all three minimise the same loss.
SKLEARN_A = dict(
    hidden_layer_sizes=SIZES[1:-1],
    solver="sgd",
    momentum=0,
    batch_size=BATCH,
    max_iter=1,
    learning_rate_init=LR,
    alpha=0.0,
    shuffle=True,
)
SKLEARN_B = dict(
    hidden_layer_sizes=DIGITS_SIZES[1:-1],
    solver="adam",
    learning_rate_init=DIGITS_LR,
    batch_size=DIGITS_BATCH,
    max_iter=DIGITS_EPOCHS,
    n_iter_no_change=DIGITS_EPOCHS,
)


def nnkit_mlp(sizes, rng, weight_init=init.xavier_uniform):
    """A float32 ReLU MLP, Linear, ReLU, ..., Linear, built as the book builds one."""
    layers = []
    for d_in, d_out in itertools.pairwise(sizes):
        layers += [Linear(d_in, d_out, init=weight_init, rng=rng, dtype=np.float32)]
        layers += [ReLU()]
    return Sequential(*layers[:-1])


def time_nnkit(X, y, seed):
    """One epoch of nnkit used as a student uses it: Sequential, SGD, fit."""
    rng = np.random.default_rng(seed)
    model = Sequential(
        Linear(784, 256, rng=rng, dtype=np.float32),
        ReLU(),
        Linear(256, 128, rng=rng, dtype=np.float32),
        ReLU(),
        Linear(128, 10, rng=rng, dtype=np.float32),
    )
    optimizer = SGD(model.parameters(), lr=LR)
    start = time.perf_counter()
    fit(
        model,
        CrossEntropyLoss(),
        optimizer,
        X,
        y,
        epochs=1,
        batch_size=BATCH,
        rng=rng,
        progress=False,
    )
    return time.perf_counter() - start


def time_sklearn(X, y, seed):
    model = MLPClassifier(**SKLEARN_A, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # max_iter=1 on purpose
        start = time.perf_counter()
        model.fit(X, y)
        elapsed = time.perf_counter() - start
    assert model.coefs_[0].dtype == np.float32
    return elapsed


def time_torch(X, y, seed):
    torch.manual_seed(seed)
    layers = []
    for d_in, d_out in itertools.pairwise(SIZES):
        layers += [torch.nn.Linear(d_in, d_out), torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers[:-1])
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    loss_fn = torch.nn.CrossEntropyLoss()
    X, y = torch.from_numpy(X), torch.from_numpy(y)
    start = time.perf_counter()
    total = 0.0  # the epoch's mean loss, as nnkit and scikit-learn compute it
    for rows in torch.randperm(len(X)).split(BATCH):
        optimizer.zero_grad()
        loss = loss_fn(model(X[rows]), y[rows])
        loss.backward()
        optimizer.step()
        total += loss.item() * len(rows)
    return time.perf_counter() - start


def matmul_gflops(repeats, steps=10):
    """Best GFLOP/s of the 8 float32 matrix products of one training step: per
    layer ``X @ W``, ``X.T @ dZ`` and, but in the first, ``dZ @ W.T``. Many
    short timings: the best of them is the rate of an undisturbed machine."""
    rng = np.random.default_rng(0)
    products = []
    for d_in, d_out in itertools.pairwise(SIZES):
        X = rng.random((BATCH, d_in), dtype=np.float32)
        W = rng.random((d_in, d_out), dtype=np.float32)
        dZ = rng.random((BATCH, d_out), dtype=np.float32)
        products += [(X, W), (X.T, dZ)] + ([(dZ, W.T)] if products else [])
    best = np.inf
    for _ in range(50 * repeats):
        start = time.perf_counter()
        for _ in range(steps):
            for A, B in products:
                A @ B
        best = min(best, (time.perf_counter() - start) / steps)
    return BATCH * FLOPS_PER_SAMPLE / best / 1e9


def workload_a(threads, repeats):
    rng = np.random.default_rng(0)
    X = rng.random((SAMPLES, SIZES[0]), dtype=np.float32)
    y = rng.integers(0, SIZES[-1], SAMPLES)
    runs = {"nnkit": time_nnkit, "sklearn": time_sklearn, "torch": time_torch}
    times = {name: [] for name in runs}
    with threadpool_limits(limits=threads):
        torch.set_num_threads(threads)
        for run in runs.values():
            run(X[:2000], y[:2000], seed=0)  # warm up caches and thread pools
        for repeat in range(repeats):  # interleaved: a slow spell hits all three
            for name, run in runs.items():
                times[name].append(run(X, y, seed=repeat))
        matmul = matmul_gflops(repeats)
    best = {name: min(seconds) for name, seconds in times.items()}
    nnkit_gflops = SAMPLES * FLOPS_PER_SAMPLE / best["nnkit"] / 1e9
    return {
        "threads": threads,
        "seconds": best,
        "all_seconds": times,
        "nnkit/sklearn": best["nnkit"] / best["sklearn"],
        "nnkit/torch": best["nnkit"] / best["torch"],
        "matmul_gflops": matmul,
        "nnkit_gflops": nnkit_gflops,
        "flop_fraction": nnkit_gflops / matmul,
        "fractions": {
            name: SAMPLES * FLOPS_PER_SAMPLE / seconds / 1e9 / matmul
            for name, seconds in best.items()
        },
        "nnkit_gflops_counting_6_per_weight": 6
        * SAMPLES
        * WEIGHTS
        / best["nnkit"]
        / 1e9,
    }


def digits_accuracies(split_seed):
    X, y = load_digits()
    X = (X / 16).astype(np.float32)
    split_rng = np.random.default_rng(split_seed)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=True, rng=split_rng
    )
    rng = np.random.default_rng(0)
    model = nnkit_mlp(DIGITS_SIZES, rng, weight_init=init.he_uniform)
    optimizer = Adam(model.parameters(), lr=DIGITS_LR)
    options = dict(epochs=DIGITS_EPOCHS, batch_size=DIGITS_BATCH, progress=False)
    loss_fn, metrics = CrossEntropyLoss(), [classification_accuracy]
    fit(model, loss_fn, optimizer, X_train, y_train, rng=rng, **options)
    scores = evaluate(model, loss_fn, X_test, y_test, metrics=metrics)
    reference = MLPClassifier(**SKLEARN_B, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reference.fit(X_train, y_train)
    return scores["classification_accuracy"], float(reference.score(X_test, y_test))


def workload_b():
    with threadpool_limits(limits=1):
        runs = np.array([digits_accuracies(seed) for seed in range(SPLIT_SEEDS)])
    return {
        "nnkit": runs[0, 0],
        "sklearn": runs[0, 1],
        "nnkit_mean": runs[:, 0].mean(),
        "sklearn_mean": runs[:, 1].mean(),
    }


# (key, limit, description); time ratios must stay at or under their limit,
# the FLOP fraction at or above it. One limit per thread count (1, 2).
TARGETS = (
    ("nnkit/sklearn", (0.80, 0.80), "epoch time <= {:.2f}x scikit-learn's"),
    ("nnkit/torch", (0.95, 0.95), "epoch time <= {:.2f}x PyTorch's"),
    ("flop_fraction", (0.80, 0.75), "FLOP rate >= {:.0%} of the matmul rate"),
)


def targets(a, b):
    """One row per target and thread count: (description, met, measured, by)."""
    rows = []
    for key, limits, description in TARGETS:
        for r, limit in zip(a, limits, strict=True):
            value = r[key]
            met = value >= limit if key == "flop_fraction" else value <= limit
            if key == "flop_fraction":
                measured, by = (
                    f"{value:.0%}",
                    f"{(limit - value) * 100:.0f} points short",
                )
            else:
                measured, by = f"{value:.2f}x", f"{value / limit - 1:.0%} too slow"
            rows.append(
                (
                    f"nnkit {description.format(limit)} at {r['threads']} thread(s)",
                    met,
                    measured,
                    "" if met else by,
                )
            )
    for key, where in (("nnkit", "split seed 0"), ("nnkit_mean", "mean of seeds 0-4")):
        rows.append(
            (
                f"digits test accuracy >= 98% ({where})",
                b[key] >= 0.98,
                f"{b[key]:.2%}",
                "",
            )
        )
    return rows


def nnkit_profile(lines=12):
    """The functions where one nnkit epoch of workload A spends its time, at
    one thread: the matrix products sit in Linear's forward and backward."""
    rng = np.random.default_rng(0)
    X = rng.random((SAMPLES, SIZES[0]), dtype=np.float32)
    y = rng.integers(0, SIZES[-1], SAMPLES)
    profile = cProfile.Profile()
    with threadpool_limits(limits=1):
        profile.runcall(time_nnkit, X, y, seed=0)
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(lines)
    table = out.getvalue()
    return table[table.index("   ncalls") :].rstrip()


def cpu_name():
    """The processor's model name, from /proc/cpuinfo where there is one."""
    try:
        with open("/proc/cpuinfo") as file:
            names = [
                line.split(":", 1)[1].strip()
                for line in file
                if line.startswith("model name")
            ]
        return names[0]
    except (OSError, IndexError):
        return platform.processor() or platform.machine()


def report(r):
    blas = ", ".join(
        f"{i['internal_api']} {i['version']}"
        for i in threadpool_info()
        if i["user_api"] == "blas"
    )
    print(
        f"CPU: {cpu_name()}, {os.cpu_count()} cores, load average {r['load']:.1f} "
        f"at the start; numpy {np.__version__} ({blas}), scikit-learn "
        f"{sklearn.__version__}, torch {torch.__version__}"
    )
    if r["load"] > 0.5:
        print("WARNING: other processes are using the CPU; timings may be noisy.")
    print(
        f"\nWorkload A: {'-'.join(map(str, SIZES))} ReLU MLP, float32, SGD "
        f"lr={LR}, batch {BATCH}, one epoch of {SAMPLES:,} samples, best of "
        f"{r['repeats']}\nnnkit: default use, as the book writes it (Sequential of "
        "Linear and ReLU, SGD, fit; no tuning flag)\n"
        f"threads   nnkit  sklearn    torch  nnkit/sklearn  "
        "nnkit/torch  matmul GFLOP/s  nnkit GFLOP/s  fraction"
    )
    for a in r["workload_a"]:
        s = a["seconds"]
        print(
            f"{a['threads']:>7} {s['nnkit']:>6.3f}s {s['sklearn']:>7.3f}s "
            f"{s['torch']:>7.3f}s {a['nnkit/sklearn']:>14.2f} "
            f"{a['nnkit/torch']:>12.2f} {a['matmul_gflops']:>15.1f} "
            f"{a['nnkit_gflops']:>14.1f} "
            f"{a['flop_fraction']:>9.0%}"
        )
    rates = ", ".join(
        f"{a['nnkit_gflops_counting_6_per_weight']:.1f}" for a in r["workload_a"]
    )
    print(
        f"GFLOP/s count the {FLOPS_PER_SAMPLE / 1e6:.3f} MFLOP per sample of the 8 "
        f"products done; counting 6 per weight ({6 * WEIGHTS / 1e6:.3f} MFLOP), "
        f"nnkit's rate would read {rates} GFLOP/s."
    )
    # The same count for all three: how close each gets to the matmul rate,
    # which a whole epoch (data streamed from memory, element-wise work between
    # the products) cannot reach.
    others = "; ".join(
        f"{a['threads']} thread(s): "
        + ", ".join(f"{name} {f:.0%}" for name, f in a["fractions"].items())
        for a in r["workload_a"]
    )
    print(f"Fraction of the matmul rate by the same count: {others}.")
    b = r["workload_b"]
    print(
        f"\nWorkload B: digits, {'-'.join(map(str, DIGITS_SIZES))} ReLU MLP, Adam, "
        f"{DIGITS_EPOCHS} epochs, stratified 75/25 split of seed 0\ntest accuracy: "
        f"nnkit {b['nnkit']:.2%}, sklearn {b['sklearn']:.2%}; mean over split seeds "
        f"0-{SPLIT_SEEDS - 1}: nnkit {b['nnkit_mean']:.2%}, sklearn "
        f"{b['sklearn_mean']:.2%}\n\nTargets:"
    )
    for description, met, measured, by in r["targets"]:
        shortfall = f" ({by})" if by else ""
        print(f"  [{'met' if met else 'NOT met'}] {description}: {measured}{shortfall}")
    print(
        "\nProfile of one nnkit epoch of workload A at 1 thread (by own time; the "
        "matrix products\nrun inside Linear.forward and Linear.backward*):\n"
        + r["profile"]
    )
    print(f"\nTotal time: {r['seconds']:.0f} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="runs per timing")
    parser.add_argument("--json", metavar="PATH", help="also write the results here")
    args = parser.parse_args()
    start, load = time.perf_counter(), os.getloadavg()[0]
    a = [workload_a(threads, args.repeats) for threads in THREADS]
    b = {key: float(value) for key, value in workload_b().items()}
    results = {
        "cpu": cpu_name(),
        "load": load,
        "repeats": args.repeats,
        "workload_a": a,
        "workload_b": b,
        "targets": targets(a, b),
        "profile": nnkit_profile(),
        "seconds": time.perf_counter() - start,
    }
    report(results)
    if args.json:
        with open(args.json, "w") as file:
            json.dump(results, file, indent=2)


if __name__ == "__main__":
    main()
