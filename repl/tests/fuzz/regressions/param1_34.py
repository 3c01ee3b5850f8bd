# fcall fuzz program (parametrizations): seed 1, index 34
import torch
import torch.nn as nn
from torch.func import functional_call, grad

torch.manual_seed(644)
class Sym(nn.Module):
    def forward(self, X):
        return X.triu() + X.triu(1).transpose(-1, -2)
    def right_inverse(self, A):
        return A.triu()
m = nn.Linear(2, 2, bias=True)
with torch.no_grad():
    m.weight.copy_(torch.tensor([[4.0, 0.5], [1.5, -3.0]]))
nn.utils.parametrize.register_parametrization(m, "weight", Sym())
list({**dict(m.named_parameters()), **dict(m.named_buffers())}.keys())
x = torch.tensor([[1.0, -1.0]])
d0 = {"parametrizations.weight.original": torch.tensor([[-1.0, 3.0], [-1.5, -3.0]]), "parametrizations.weight.original": None, "extra": torch.tensor([-1.5, 3.0])}
d1 = {"bias": torch.tensor([-2.5, 0.0])}
m.parametrizations.weight.original
def loss(p, x):
    return functional_call(m, p, (x,), strict=False).sum()
grad(loss)({"weight": torch.tensor([[-1.0, 2.0], [1.5, -3.0]])}, x)
m.weight
m.parametrizations.weight.original
{**dict(m.named_parameters()), **dict(m.named_buffers())}
def loss(p, x):
    return functional_call(m, p, (x,), strict=False).sum()
grad(loss)({"parametrizations.weight.original": torch.tensor([[-4.0, 0.0], [-2.5, -1.0]])}, x)
m.weight
m.parametrizations.weight.original
functional_call(m, d0, (x,))
d0
m.parametrizations.weight.original
functional_call(m, d1, (x,), tie_weights=False, strict=True)
d1
m.parametrizations.weight.original
{**dict(m.named_parameters()), **dict(m.named_buffers())}
functional_call(m, d1, (x,), tie_weights=False, strict=False)
d1
m.weight
m.parametrizations.weight.original
d0
d1
{**dict(m.named_parameters()), **dict(m.named_buffers())}
# `fcall check` found:
# /tmp/fcall-fuzz-param-12947/param1_34.fc: 1 difference(s) between fcall and PyTorch /root/.cache/fcall/venv-2.13.0/bin/python:
# line │ statement          │ where         │ fcall                                    │ PyTorch
# ─────┼────────────────────┼───────────────┼──────────────────────────────────────────┼─────────────────────────────────────────
# 24   │ call m with d0 (x) │ error.message │ 'NoneType' object has no attribute 'tri… │ 'ParametrizedLinear' object has no attr…
