# A small CNN under functional_call (PyTorch 2.13): Conv2d -> BatchNorm2d -> ReLU -> MaxPool2d
# -> AdaptiveAvgPool2d -> Flatten -> Linear, the layers real image models are made of.
#
# The pooling, activation and flatten layers have no parameters or buffers: the dict names
# only conv, batch norm and linear tensors (`0.weight`, `1.running_mean`, `6.bias`, ...). In
# train mode the BatchNorm2d in the middle updates the running statistics in place, in the
# dict's tensors when they are passed; the module's own stay as they were.

import torch
import torch.nn as nn
from torch.func import functional_call

_ = torch.manual_seed(0)
net = nn.Sequential(
    nn.Conv2d(1, 2, 3, padding=1),
    nn.BatchNorm2d(2),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.AdaptiveAvgPool2d(1),
    nn.Flatten(),
    nn.Linear(2, 3),
)
net
x = torch.randn(2, 1, 4, 4)

# Every parameter and buffer passed, as detached copies: the output is the plain call's, the
# copies of running_mean / running_var / num_batches_tracked are updated, the module's are not.
state = {k: v.detach().clone() for k, v in [*net.named_parameters(), *net.named_buffers()]}
functional_call(net, state, (x,))
state["1.num_batches_tracked"]
net[1].num_batches_tracked
