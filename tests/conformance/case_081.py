# case 81 shape_mismatch_accepted
# No shape check: Linear(2,2) given a 3x2 weight and 3-vector bias returns 3 features.
import torch
import torch.nn as nn
from torch.func import functional_call

m = nn.Linear(2, 2)
with torch.no_grad():
    m.weight.copy_(torch.tensor([[1.0, 0.0], [0.0, 1.0]]))
    m.bias.copy_(torch.tensor([0.0, 0.0]))
d = {"weight": torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]), "bias": torch.tensor([0.0, 0.0, 1.0])}
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
functional_call(m, d, (torch.tensor([[2.0, 3.0]]),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
