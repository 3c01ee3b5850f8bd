# fcall fuzz program (parametrizations): seed 1, index 8
import torch
import torch.nn as nn
from torch.func import functional_call, grad

torch.manual_seed(118)
class SymNoInverse(nn.Module):
    def forward(self, X):
        return X.triu() + X.triu(1).transpose(-1, -2)
class Neg(nn.Module):
    def forward(self, X):
        return -X
    def right_inverse(self, Y):
        return -Y
m = nn.Linear(2, 2, bias=True)
with torch.no_grad():
    m.weight.copy_(torch.tensor([[2.0, 2.0], [-3.0, -2.5]]))
nn.utils.parametrize.register_parametrization(m, "weight", Neg())
nn.utils.parametrize.register_parametrization(m, "weight", Neg())
list({**dict(m.named_parameters()), **dict(m.named_buffers())}.keys())
x = torch.tensor([[2.5, -3.0]])
d0 = {"weight": torch.tensor([[4.0, 3.0], [2.0, 2.5]]), "bias": torch.tensor([-1.5, 0.0])}
m.weight
m.parametrizations.weight.original
m.weight = torch.tensor([[3.0, -2.5], [-1.0, -1.5]])
m.weight
m.parametrizations.weight.original
{**dict(m.named_parameters()), **dict(m.named_buffers())}
functional_call(m, d0, (x,), tie_weights=False)
d0
m.parametrizations.weight.original
def loss(p, x):
    return functional_call(m, p, (x,)).sum()
grad(loss)({"parametrizations.weight.original": torch.tensor([[4.0, 4.0], [0.0, -1.5]])}, x)
m.weight
m.parametrizations.weight.original
def loss(p, x):
    return functional_call(m, p, (x,)).sum()
grad(loss)({"parametrizations.weight.original": torch.tensor([[0.0, -3.5], [-3.5, -3.5]])}, x)
m.parametrizations.weight.original
d0
{**dict(m.named_parameters()), **dict(m.named_buffers())}
# `fcall check` found:
# /tmp/fcall-fuzz-param-12947/param1_8.fc: 1 difference(s) between fcall and PyTorch /root/.cache/fcall/venv-2.13.0/bin/python:
# line │ statement                      │ where      │ fcall                                    │ PyTorch
# ─────┼────────────────────────────────┼────────────┼──────────────────────────────────────────┼─────────────────────────────────────────
# 13   │ parametrize(m, "weight", Neg(… │ value.repr │ ParametrizedLinear(⏎  in_features=2, ou… │ ParametrizedLinear(⏎  in_features=2, ou…
