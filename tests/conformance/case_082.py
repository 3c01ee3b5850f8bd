# case 82 shape_mismatch_fails_in_forward
# Incompatible weight shape -> error from the matmul inside forward; module restored.
import torch
import torch.nn as nn
from torch.func import functional_call

m = nn.Linear(2, 2)
with torch.no_grad():
    m.weight.copy_(torch.tensor([[1.0, 0.0], [0.0, 1.0]]))
    m.bias.copy_(torch.tensor([0.0, 0.0]))
d = {"weight": torch.ones(2, 3)}
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
functional_call(m, d, (torch.tensor([[2.0, 3.0]]),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
