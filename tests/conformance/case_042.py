# case 42 param_tied_with_buffer
# A Parameter also registered as a buffer ('w' and 'wb'): ties span parameters and buffers.
import torch
import torch.nn as nn
from torch.func import functional_call

class PB(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor(1.0))
        self.register_buffer("wb", self.w)
    def forward(self, x):
        return x + self.w + 10 * self.wb
m = PB()
d1 = {"w": torch.tensor(2.0)}
#= scope one_name
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d1   #= dicts
functional_call(m, d1, (torch.tensor(0.0),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d1   #= dicts
d2 = {"w": torch.tensor(2.0), "wb": torch.tensor(3.0)}
#= scope distinct_values
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d2   #= dicts
functional_call(m, d2, (torch.tensor(0.0),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d2   #= dicts
