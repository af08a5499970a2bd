"""The devices the parity suite runs on: the CPU always, CUDA where there is one.

Every parity test takes the ``device`` fixture, so on a machine with a GPU the
same tests run twice. nnkit.torch never uses autograd; these tests do, as the
oracle.
"""

import pytest
import torch

# "cuda:0", not "cuda": tensors report the index, and the tests compare devices.
DEVICES = ["cpu"] + (["cuda:0"] if torch.cuda.is_available() else [])


@pytest.fixture(params=DEVICES)
def device(request):
    return torch.device(request.param)
