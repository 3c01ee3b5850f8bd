# case 109 parametrization_regular_name_no_right_inverse
# Key 'weight' when the parametrization has no right_inverse -> RuntimeError; module unchanged.
import torch
import torch.nn as nn
from torch.func import functional_call

class SymNoInverse(nn.Module):
    def forward(self, X):
        return X.triu() + X.triu(1).transpose(-1, -2)
m = nn.Linear(2, 2, bias=False)
with torch.no_grad():
    m.weight.copy_(torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
nn.utils.parametrize.register_parametrization(m, "weight", SymNoInverse())
d = {"weight": torch.eye(2)}
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
functional_call(m, d, (torch.tensor([[1.0, 1.0]]),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
