# case 79 dtype_mismatch_not_checked
# No dtype check: a float64 weight reaches F.linear, which raises; module restored.
import torch
import torch.nn as nn
from torch.func import functional_call

m = nn.Linear(2, 1)
with torch.no_grad():
    m.weight.copy_(torch.tensor([[1.0, 1.0]]))
    m.bias.copy_(torch.tensor([0.0]))
d = {"weight": torch.tensor([[1.0, 2.0]], dtype=torch.float64)}
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
functional_call(m, d, (torch.tensor([[1.0, 1.0]]),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
