# libtorch errors keep the Python class PyTorch raises them as.
import torch
import torch.nn as nn
from torch.func import functional_call

t = torch.tensor([1.0, 2.0])
t.sum(5)
t.reshape(3)
t.view(3, 3)
t[7]
bn = nn.BatchNorm1d(2)
functional_call(bn, {"running_mean": None}, (torch.ones(3, 2),))
