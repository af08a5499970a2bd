"""Data-parallel training on several GPUs (or CPU processes), with torch.distributed.

One process per device (each a *rank*), each holding a full copy of the
model. Every step, each rank runs forward and backward on its own shard of
the batch; averaging the gradients across ranks then gives every rank the
gradient of the whole batch, so the same optimizer step keeps all copies
equal without ever sending weights again. That is what PyTorch's
``DistributedDataParallel`` (DDP) does; here each piece is written out:

1. :func:`broadcast_parameters`: rank 0's initial weights are copied to all.
2. :class:`DistributedSampler`: each rank's share of the sample indices.
3. :func:`all_reduce_gradients`: after backward, every ``.grad`` becomes the
   mean over ranks (DDP does the same in buckets, overlapped with backward).

:class:`DistributedDataParallel` wraps a model and does 1 when built and 3
after every ``backward``. With equal shards and a loss that averages over
samples, the averaged gradient equals the full-batch gradient exactly, so two
processes train the very weights one process would on the whole batch (the
tests check it to 1e-10). BatchNorm1d's running statistics stay per rank,
each from its own shard, as with DDP's ``broadcast_buffers=False``.

Launch the example with one process per GPU (``--nproc_per_node=2`` on a
CPU-only machine starts two CPU processes, using the gloo backend)::

    torchrun --nproc_per_node=2 -m nnkit.torch.distributed_example

``torchrun`` starts the processes and sets ``RANK``, ``WORLD_SIZE``,
``LOCAL_RANK``, ``MASTER_ADDR`` and ``MASTER_PORT`` for each; the script calls
``torch.distributed.init_process_group`` (NCCL on GPUs, gloo on CPUs).
"""

import numpy as np
import torch.distributed as dist

from nnkit.torch.module import Module


def broadcast_parameters(model, src=0):
    """Copy rank ``src``'s parameters to every rank, in place, so all start equal."""
    for parameter in model.parameters():
        dist.broadcast(parameter.data, src=src)


def all_reduce_gradients(model):
    """Replace every ``.grad`` by its mean over all ranks, in place.

    ``all_reduce`` sums a tensor across ranks and leaves the sum on every
    rank; dividing by the number of ranks makes it the mean.
    """
    world_size = dist.get_world_size()
    for parameter in model.parameters():
        dist.all_reduce(parameter.grad, op=dist.ReduceOp.SUM)
        parameter.grad /= world_size


class DistributedDataParallel(Module):
    """A model whose backward also averages the gradients over all ranks.

    Parameters
    ----------
    module : Module
        The model; its parameters are overwritten with rank 0's on creation.

    Notes
    -----
    ``forward`` is the module's own. ``backward(dA)`` runs the module's
    backward, then :func:`all_reduce_gradients`; an optimizer built on
    ``ddp.parameters()`` then takes the same step on every rank. Gradients
    still accumulate correctly: a gradient that is already the mean stays
    the mean when averaged again. Needs ``init_process_group`` first.
    """

    def __init__(self, module):
        super().__init__()
        if not dist.is_initialized():
            raise RuntimeError(
                "DistributedDataParallel: torch.distributed is not initialized. "
                "Call torch.distributed.init_process_group(backend) first, in a "
                "process started by torchrun."
            )
        self.module = module
        self.training = module.training
        broadcast_parameters(module)

    def forward(self, X):
        return self.module(X)

    def backward(self, dA):
        dX = self.module.backward(dA)
        all_reduce_gradients(self.module)
        return dX

    def extra_repr(self):
        return f"{self.module!r}, world_size={dist.get_world_size()}"


class DistributedSampler:
    """This rank's share of each epoch's shuffled sample indices.

    Like ``torch.utils.data.DistributedSampler``: each epoch draws one
    permutation of ``range(num_samples)``, the same on every rank, pads it by
    repeating its start until it divides evenly (or, with ``drop_last``,
    drops the tail), and gives rank r the positions r, r + R, r + 2R, ...
    for R ranks. Mini-batches of b consecutive indices of every rank then
    together hold b * R consecutive positions of the permutation: a global
    batch, as one process with batch size b * R would see it.

    Parameters
    ----------
    num_samples : int
        The size of the data set.
    num_replicas, rank : int, optional
        R and r; by default ``dist.get_world_size()`` and ``dist.get_rank()``.
    shuffle : bool, default True
        Permute each epoch; ``False`` keeps the order 0, 1, 2, ...
    seed : int, default 0
        With the epoch, seeds the permutation. Ranks share no ``rng`` object,
        so a shared seed is how they agree on the permutation.
    drop_last : bool, default False
        Drop the tail instead of padding.

    Examples
    --------
    >>> sampler = DistributedSampler(10, num_replicas=2, rank=1, shuffle=False)
    >>> sampler.indices()
    array([1, 3, 5, 7, 9])
    """

    def __init__(
        self,
        num_samples,
        *,
        num_replicas=None,
        rank=None,
        shuffle=True,
        seed=0,
        drop_last=False,
    ):
        self.num_samples = int(num_samples)
        self.num_replicas = (
            dist.get_world_size() if num_replicas is None else num_replicas
        )
        self.rank = dist.get_rank() if rank is None else rank
        if not 0 <= self.rank < self.num_replicas:
            raise ValueError(
                f"DistributedSampler: rank must lie in [0, {self.num_replicas}) for "
                f"num_replicas={self.num_replicas}, got {self.rank}."
            )
        self.shuffle, self.seed, self.drop_last = shuffle, seed, drop_last
        R = self.num_replicas
        self.per_rank = (
            self.num_samples // R if drop_last else -(-self.num_samples // R)
        )
        self.epoch = 0

    def set_epoch(self, epoch):
        """Choose the epoch, and so the permutation; call it before each epoch."""
        self.epoch = epoch

    def indices(self):
        """This rank's indices for the current epoch, an integer array."""
        if self.shuffle:
            rng = np.random.default_rng([self.seed, self.epoch])
            order = rng.permutation(self.num_samples)
        else:
            order = np.arange(self.num_samples)
        total = self.per_rank * self.num_replicas
        order = np.resize(order, total)  # pads by repeating the start, or cuts
        return order[self.rank : total : self.num_replicas]

    def __iter__(self):
        return iter(self.indices().tolist())

    def __len__(self):
        return self.per_rank
