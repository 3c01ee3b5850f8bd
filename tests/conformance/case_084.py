# case 84 output_grad_partial
# Only weight given (plain): module's bias Parameter still participates -> output requires grad.
import torch
import torch.nn as nn
from torch.func import functional_call

m = nn.Linear(1, 1)
with torch.no_grad():
    m.weight.copy_(torch.tensor([[0.5]]))
    m.bias.copy_(torch.tensor([0.25]))
d = {"weight": torch.tensor([[2.0]])}
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
functional_call(m, d, (torch.tensor([[1.0]]),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
