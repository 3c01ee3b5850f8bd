# case 57 strict_parametrized_regular_name
# strict with the regular name of a parametrized tensor: 'weight' unexpected,
# 'parametrizations.weight.original' missing; root class name is ParametrizedLinear.
import torch
import torch.nn as nn
from torch.func import functional_call

class Sym(nn.Module):
    def forward(self, X):
        return X.triu() + X.triu(1).transpose(-1, -2)
    def right_inverse(self, A):
        return A.triu()
m = nn.Linear(2, 2, bias=False)
with torch.no_grad():
    m.weight.copy_(torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
nn.utils.parametrize.register_parametrization(m, "weight", Sym())
d = {"weight": torch.eye(2)}
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
functional_call(m, d, (torch.tensor([[1.0, 1.0]]),), strict=True)  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
