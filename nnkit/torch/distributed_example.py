"""Data-parallel training of an nnkit.torch network, one process per device.

Launch two processes (two GPUs, or two CPU processes with gloo)::

    torchrun --nproc_per_node=2 -m nnkit.torch.distributed_example

Options: ``--epochs``, ``--batch-size`` (per process), ``--lr``, ``--seed``,
``--backend`` (``nccl`` on GPUs, ``gloo`` otherwise), ``--device`` and
``--save PATH`` (rank 0 writes the final weights as an ``.npz``). Each
process builds the same problem, wraps the model in
``DistributedDataParallel`` and trains on its shard of every batch; see
``nnkit.torch.distributed`` for how the pieces fit together.
"""

import argparse
import os

import numpy as np
import torch
import torch.distributed as dist

import nnkit.torch as nt
from nnkit.data import two_moons
from nnkit.torch.distributed import DistributedDataParallel, DistributedSampler


def make_problem(*, seed=0, device="cpu", dtype=torch.float64):
    """Two moons (N=512) and a 2-32-32-2 tanh network, the same for every seed."""
    rng = np.random.default_rng(seed)
    X, y = two_moons(512, noise=0.1, rng=rng)
    place = {"rng": rng, "device": device, "dtype": dtype}
    model = nt.Sequential(
        nt.Linear(2, 32, **place),
        nt.Tanh(),
        nt.Linear(32, 32, **place),
        nt.Tanh(),
        nt.Linear(32, 2, **place),
    )
    return model, X, y


def train(model, X, y, *, epochs=5, batch_size=32, lr=0.1, seed=0, world_size=1):
    """Train with SGD (momentum 0.9); ``batch_size`` is per process.

    With ``world_size > 1`` (inside ``init_process_group``) the model is
    wrapped in ``DistributedDataParallel`` and each process sees its shard.
    Returns the mean training loss of each epoch, averaged over processes.
    """
    W = next(model.parameters()).data
    X = torch.as_tensor(X, device=W.device, dtype=W.dtype)  # to the device, once
    y = torch.as_tensor(y, device=W.device)
    rank = dist.get_rank() if world_size > 1 else 0
    if world_size > 1:
        model = DistributedDataParallel(model)
    sampler = DistributedSampler(len(X), num_replicas=world_size, rank=rank, seed=seed)
    optimizer = nt.SGD(model.parameters(), lr=lr, momentum=0.9)
    loss_fn = nt.CrossEntropyLoss()
    history = []
    for epoch in range(epochs):
        sampler.set_epoch(epoch)
        shard = torch.as_tensor(sampler.indices(), device=W.device)
        losses = []
        for start in range(0, len(shard), batch_size):
            batch = shard[start : start + batch_size]
            optimizer.zero_grad()
            losses.append(loss_fn(model(X[batch]), y[batch]))
            model.backward(loss_fn.backward())
            optimizer.step()
        mean = torch.tensor(np.mean(losses), device=W.device)
        if world_size > 1:
            dist.all_reduce(mean)  # the sum over processes (NCCL: on the GPU)
            mean /= world_size
        history.append(float(mean))
    return history


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=0)
    cuda = torch.cuda.is_available()
    parser.add_argument("--backend", default="nccl" if cuda else "gloo")
    parser.add_argument("--device", default="cuda" if cuda else "cpu")
    parser.add_argument("--save", help="rank 0 saves the final weights here (.npz)")
    args = parser.parse_args(argv)

    dist.init_process_group(args.backend)
    rank, world_size = dist.get_rank(), dist.get_world_size()
    device = torch.device(args.device)
    if device.type == "cuda":  # one GPU per process, by its rank on this machine
        device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", 0)))
        torch.cuda.set_device(device)
    model, X, y = make_problem(seed=args.seed, device=device)
    history = train(
        model,
        X,
        y,
        epochs=args.epochs,
        batch_size=args.batch_size,
        lr=args.lr,
        seed=args.seed,
        world_size=world_size,
    )
    if rank == 0:
        for epoch, loss in enumerate(history, start=1):
            print(f"epoch {epoch}: loss {loss:.4f} ({world_size} processes)")
        if args.save:
            weights = [p.data.cpu().numpy() for p in model.parameters()]
            np.savez(args.save, *weights)
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
