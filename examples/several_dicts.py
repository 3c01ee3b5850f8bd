# Several dicts in one functional call (torch.func.functional_call, PyTorch 2.13).
#
# The documentation's example:
#
#   a = ({'weight': torch.ones(1, 1)}, {'buffer': torch.zeros(1)})  # two separate dictionaries
#   mod = nn.Bar(1, 1)  # return self.weight @ x + self.buffer
#   ...
#   functional_call(mod, a, x)  # same as x
#
# There is no `nn.Bar` in PyTorch; this is a local Bar doing what the comment says. With it
# the claim holds: ones @ x + zeros is x.

import torch
import torch.nn as nn
from torch.func import functional_call

class Bar(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.tensor([[0.5]]))
        self.buffer = nn.Buffer(torch.tensor([1.0]))
    def forward(self, x):
        return self.weight @ x + self.buffer
a = ({"weight": torch.ones(1, 1)}, {"buffer": torch.zeros(1)})  # two separate dictionaries
mod = Bar()
print(mod.weight)
print(mod.buffer)
torch.manual_seed(0)
x = torch.randn(1, 1)
x
functional_call(mod, a, (x,))            # same as x
print(mod.weight)                        # same as before functional_call

# The dicts are merged into one new dict, so their keys must be distinct. A key in two dicts
# is a ValueError before anything is swapped (PyTorch lists each repeated key once, in order
# of first appearance).
functional_call(mod, ({"weight": torch.ones(1, 1)}, {"weight": torch.zeros(1, 1), "buffer": torch.zeros(1)}), (x,))

# The usual split: the module's parameters and its buffers, each as a dict.
functional_call(mod, (dict(mod.named_parameters()), dict(mod.named_buffers())), (x,))

# "a tuple of dictionaries": any sequence works, a list too; every element must be a dict.
functional_call(mod, [{"weight": torch.ones(1, 1)}, {"buffer": torch.zeros(1)}], (x,))
functional_call(mod, ({"weight": torch.ones(1, 1)}, None), (x,))
functional_call(mod, None, (x,))

# Because the merged dict is new, what forward REBINDS is not written back into your dicts
# (in-place writes still are, since the tensors are shared): see rebinding.py.
