# fcall fuzz program (parametrizations): seed 1, index 113
import torch
import torch.nn as nn
from torch.func import functional_call

torch.manual_seed(647)
class Sym(nn.Module):
    def forward(self, X):
        return X.triu() + X.triu(1).transpose(-1, -2)
    def right_inverse(self, A):
        return A.triu()
class ClampPos(nn.Module):
    def forward(self, X):
        return X.clamp(min=0)
    def right_inverse(self, Y):
        return Y
m = nn.Linear(2, 2, bias=True)
with torch.no_grad():
    m.weight.copy_(torch.tensor([[2.5, -3.5], [4.0, 0.0]]))
nn.utils.parametrize.register_parametrization(m, "weight", Sym())
list({**dict(m.named_parameters()), **dict(m.named_buffers())}.keys())
x = torch.tensor([[1.0, -1.0]])
d0 = {"weight": torch.tensor([[2.5, 3.5], [0.0, 0.0]]), "parametrizations.weight.original": None}
d1 = {"weight": torch.tensor([[-3.5, 1.5], [3.0, 0.0]])}
m.weight
m.parametrizations.weight.original
functional_call(m, d1, (x,))
d1
m.parametrizations.weight.original
functional_call(m, d0, (x,))
d0
m.weight
m.parametrizations.weight.original
{**dict(m.named_parameters()), **dict(m.named_buffers())}
m(x)
m.parametrizations.weight.original
d0
d1
{**dict(m.named_parameters()), **dict(m.named_buffers())}
# `fcall check` found:
# /tmp/fcall-fuzz-param-14626/param1_113.fc: 2 difference(s) between fcall and PyTorch /root/.cache/fcall/venv-2.13.0/bin/python:
# line │ statement          │ where         │ fcall                                  │ PyTorch
# ─────┼────────────────────┼───────────────┼────────────────────────────────────────┼─────────────────────────────────────────
# 23   │ call m with d0 (x) │ error.type    │ RuntimeError                           │ AttributeError
# 23   │ call m with d0 (x) │ error.message │ parametrization has no original tensor │ 'NoneType' object has no attribute 'dty…
