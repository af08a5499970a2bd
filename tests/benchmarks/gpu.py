"""Benchmark nnkit.torch against plain torch.nn + torch.optim on one GPU.

Workload: a 4096-4096-4096-10 ReLU MLP, batches of 4096 random inputs with
random labels, cross-entropy, plain SGD (lr 0.01). The mirror (nnkit.torch,
hand-written backward) and the same network in ``torch.nn`` with autograd
(built by ``nnkit.torch.to_torch_nn``, so the weights are equal) each train
for ``--steps`` steps; a time is the best of ``--repeats`` runs after
``--warmup`` steps, with ``torch.cuda.synchronize()`` around every run.

Printed: the time per step of each, their ratio (target: the mirror within
1.1x), and each one's achieved rate ``6 * batch * weights / step time`` as a
fraction of the best rate of a square matrix product of the layer width,
measured in the same run and precision.

The row "nnkit.torch" trains as ``fit`` does, with ``backward_parameters``:
no gradient for the data, exactly torch's work (autograd skips that product
because the data needs no gradient). The row "mirror, backward with dX" runs
``Sequential.backward``, which also returns dX as the book's does.

Usage::

    python tests/benchmarks/gpu.py                     # float32, TF32 off
    python tests/benchmarks/gpu.py --tf32              # float32 matmuls on TF32
    python tests/benchmarks/gpu.py --dtype bfloat16
    python tests/benchmarks/gpu.py --device cpu --sizes 256,256,10 --batch 128

Without a CUDA GPU (and without ``--device cpu``) it says so and exits 0.
"""

import argparse
import time

import numpy as np
import torch
import torch.nn.functional as F

import nnkit.torch as nt

DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16}


def synchronize(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def best_time(step, *, device, steps, repeats, warmup):
    """Best seconds per call of ``step()`` over ``repeats`` runs of ``steps`` calls."""
    for _ in range(warmup):
        step()
    best = float("inf")
    for _ in range(repeats):
        synchronize(device)
        start = time.perf_counter()
        for _ in range(steps):
            step()
        synchronize(device)
        best = min(best, (time.perf_counter() - start) / steps)
    return best


def matmul_rate(n, *, device, dtype, repeats):
    """FLOP/s of the best (n, n) @ (n, n) product: the GPU's attainable peak."""
    A = torch.randn(n, n, device=device, dtype=dtype)
    B = torch.randn(n, n, device=device, dtype=dtype)
    seconds = best_time(
        lambda: A @ B, device=device, steps=10, repeats=repeats, warmup=3
    )
    return 2 * n**3 / seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--sizes", default="4096,4096,4096,10")
    parser.add_argument("--batch", type=int, default=4096)
    parser.add_argument("--dtype", choices=sorted(DTYPES), default="float32")
    parser.add_argument("--tf32", action="store_true", help="allow TF32 matmuls")
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args()

    device = torch.device(args.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        print("No CUDA GPU is available: nothing to benchmark.")
        print("For a smoke run on the CPU: --device cpu --sizes 256,256,10 --batch 128")
        return
    torch.backends.cuda.matmul.allow_tf32 = args.tf32
    dtype = DTYPES[args.dtype]
    sizes = [int(s) for s in args.sizes.split(",")]
    rng = np.random.default_rng(0)
    place = {"rng": rng, "device": device, "dtype": dtype}
    layers = []
    for D_in, D_out in zip(sizes[:-1], sizes[1:], strict=True):
        layers += [nt.Linear(D_in, D_out, **place), nt.ReLU()]
    mirror = nt.Sequential(*layers[:-1])  # no ReLU after the last layer
    plain = nt.to_torch_nn(mirror)
    X = torch.randn(args.batch, sizes[0], device=device, dtype=dtype)
    y = torch.randint(sizes[-1], (args.batch,), device=device)

    optimizer, loss_fn = nt.SGD(mirror.parameters(), lr=0.01), nt.CrossEntropyLoss()

    def mirror_step(with_dX=False):
        optimizer.zero_grad()
        loss_fn(mirror(X), y)  # returns a float: one synchronization per step
        if with_dX:
            mirror.backward(loss_fn.backward())
        else:  # as fit trains
            mirror.backward_parameters(loss_fn.backward())
        optimizer.step()

    torch_optimizer = torch.optim.SGD(plain.parameters(), lr=0.01)

    def plain_step():
        torch_optimizer.zero_grad()
        loss = F.cross_entropy(plain(X), y)
        loss.backward()
        torch_optimizer.step()
        loss.item()  # the same synchronization as the mirror's float loss

    timing = {"device": device, "steps": args.steps}
    timing |= {"repeats": args.repeats, "warmup": args.warmup}
    with torch.no_grad():  # the mirror never needs autograd
        t_mirror = best_time(mirror_step, **timing)
        t_with_dX = best_time(lambda: mirror_step(with_dX=True), **timing)
    t_plain = best_time(plain_step, **timing)
    peak = matmul_rate(max(sizes), device=device, dtype=dtype, repeats=args.repeats)

    weights = sum(
        D_in * D_out for D_in, D_out in zip(sizes[:-1], sizes[1:], strict=True)
    )
    flops = 6 * args.batch * weights
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "CPU"
    tf32 = ", TF32 on" if args.tf32 and dtype == torch.float32 else ""
    print(f"{name}; MLP {args.sizes}, batch {args.batch}, {args.dtype}{tf32}")
    print(f"matmul ({max(sizes)})^2 @ ({max(sizes)})^2: {peak / 1e12:.1f} TFLOP/s")
    print(f"{'':24}{'ms/step':>9}{'TFLOP/s':>9}{'of peak':>9}{'vs torch':>9}")
    for label, seconds in [
        ("torch.nn + torch.optim", t_plain),
        ("nnkit.torch", t_mirror),
        ("mirror, backward with dX", t_with_dX),
    ]:
        rate = flops / seconds
        print(
            f"{label:<24}{seconds * 1e3:>9.2f}{rate / 1e12:>9.1f}"
            f"{rate / peak:>9.0%}{seconds / t_plain:>8.2f}x"
        )


if __name__ == "__main__":
    main()
