"""Tests for nnkit/torch/distributed.py and the torchrun example.

The main test launches the example with torchrun: two gloo processes on the
CPU, each training on half of every batch, must end with exactly the weights
(to 1e-10, float64) of one process training on the whole batch.
"""

import os
import socket
import subprocess
import sys

import numpy as np
import pytest

from nnkit.torch.distributed import DistributedDataParallel, DistributedSampler
from nnkit.torch.distributed_example import make_problem, train


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_two_gloo_processes_train_the_weights_of_one_process_on_the_full_batch(
    tmp_path,
):
    epochs, batch_size, seed = 3, 16, 4
    saved = tmp_path / "weights.npz"
    command = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--nproc_per_node=2",
        "--master_addr=127.0.0.1",
        f"--master_port={free_port()}",
        "-m",
        "nnkit.torch.distributed_example",
        "--backend=gloo",
        "--device=cpu",
        f"--epochs={epochs}",
        f"--batch-size={batch_size}",
        f"--seed={seed}",
        f"--save={saved}",
    ]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    result = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "(2 processes)" in result.stdout

    model, X, y = make_problem(seed=seed, device="cpu")
    train(model, X, y, epochs=epochs, batch_size=2 * batch_size, seed=seed)
    distributed = np.load(saved)
    for i, parameter in enumerate(model.parameters()):
        np.testing.assert_allclose(
            distributed[f"arr_{i}"], parameter.data.numpy(), rtol=0, atol=1e-10
        )


@pytest.mark.parametrize("num_samples", [10, 11])
def test_sampler_shards_cover_each_epoch_once_with_padding(num_samples):
    shards = [
        DistributedSampler(num_samples, num_replicas=3, rank=r, seed=1)
        for r in range(3)
    ]
    for sampler in shards:
        sampler.set_epoch(2)
    indices = [s.indices() for s in shards]
    assert len({len(i) for i in indices}) == 1 == len({len(s) for s in shards})
    union = np.concatenate(indices)
    assert set(union.tolist()) == set(range(num_samples))
    assert len(union) == 3 * -(-num_samples // 3)  # padded to equal shards


def test_sampler_shards_of_consecutive_batches_form_the_global_batches():
    samplers = [
        DistributedSampler(24, num_replicas=2, rank=r, seed=5) for r in range(2)
    ]
    single = DistributedSampler(24, num_replicas=1, rank=0, seed=5)
    order = single.indices()
    for start in range(0, 12, 3):  # batches of 3 per rank, 6 in all
        together = np.concatenate([s.indices()[start : start + 3] for s in samplers])
        assert set(together) == set(order[2 * start : 2 * start + 6])


def test_sampler_permutes_per_epoch_and_drop_last_drops():
    sampler = DistributedSampler(10, num_replicas=2, rank=0, seed=0)
    first = sampler.indices()
    sampler.set_epoch(1)
    assert not np.array_equal(first, sampler.indices())
    assert len(DistributedSampler(11, num_replicas=2, rank=0, drop_last=True)) == 5
    with pytest.raises(ValueError, match=r"rank must lie in \[0, 2\)"):
        DistributedSampler(10, num_replicas=2, rank=2)


def test_wrapping_without_a_process_group_says_what_to_do():
    model, _, _ = make_problem()
    with pytest.raises(RuntimeError, match=r"init_process_group"):
        DistributedDataParallel(model)
