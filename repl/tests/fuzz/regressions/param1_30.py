# fcall fuzz program (parametrizations): seed 1, index 30
import torch
import torch.nn as nn
from torch.func import functional_call

torch.manual_seed(1)
class Neg(nn.Module):
    def forward(self, X):
        return -X
    def right_inverse(self, Y):
        return -Y
m = nn.Linear(2, 2, bias=True)
with torch.no_grad():
    m.weight.copy_(torch.tensor([[-4.0, -4.0], [1.5, 4.0]]))
nn.utils.parametrize.register_parametrization(m, "weight", Neg())
nn.utils.parametrize.register_parametrization(m, "weight", Neg())
list({**dict(m.named_parameters()), **dict(m.named_buffers())}.keys())
x = torch.tensor([[3.5, -2.5]])
d0 = {"weight": torch.tensor([[-1.0, 1.5], [1.0, -2.5]]), "parametrizations.weight.original": torch.tensor([[0.0, 3.5], [-2.0, 3.0]])}
m.weight
m.parametrizations.weight.original
{**dict(m.named_parameters()), **dict(m.named_buffers())}
m.weight = torch.tensor([[-3.0, -1.5], [1.5, 0.0]])
m.weight
m.parametrizations.weight.original
functional_call(m, d0, (x,), strict=True)
d0
m.weight
m.parametrizations.weight.original
{**dict(m.named_parameters()), **dict(m.named_buffers())}
m.weight = torch.tensor([[3.5, 1.5], [3.5, -3.5]])
m.weight
m.parametrizations.weight.original
d0
{**dict(m.named_parameters()), **dict(m.named_buffers())}
# `fcall check` found:
# /tmp/fcall-fuzz-param-12947/param1_30.fc: 1 difference(s) between fcall and PyTorch /root/.cache/fcall/venv-2.13.0/bin/python:
# line │ statement                      │ where      │ fcall                                    │ PyTorch
# ─────┼────────────────────────────────┼────────────┼──────────────────────────────────────────┼─────────────────────────────────────────
# 10   │ parametrize(m, "weight", Neg(… │ value.repr │ ParametrizedLinear(⏎  in_features=2, ou… │ ParametrizedLinear(⏎  in_features=2, ou…
