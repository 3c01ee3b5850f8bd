# fcall fuzz program (parametrizations): seed 1, index 201
import torch
import torch.nn as nn
from torch.func import functional_call

torch.manual_seed(748)
class Sym(nn.Module):
    def forward(self, X):
        return X.triu() + X.triu(1).transpose(-1, -2)
    def right_inverse(self, A):
        return A.triu()
m = nn.Linear(2, 2, bias=False)
with torch.no_grad():
    m.weight.copy_(torch.tensor([[-4.0, 0.0], [1.5, -2.5]]))
nn.utils.parametrize.register_parametrization(m, "weight", Sym())
list({**dict(m.named_parameters()), **dict(m.named_buffers())}.keys())
x = torch.tensor([[1.0, -1.0]])
d0 = {"weight": torch.tensor([[-1.5, -3.0], [-3.0, -4.0]]), "parametrizations.weight.original": None}
m.weight
m.parametrizations.weight.original
{**dict(m.named_parameters()), **dict(m.named_buffers())}
functional_call(m, d0, (x,), strict=True)
d0
m.weight
m.parametrizations.weight.original
functional_call(m, d0, (x,), tie_weights=False)
d0
m.parametrizations.weight.original
m.weight = torch.tensor([[-2.0, -2.5], [1.0, 3.0]])
m.weight
m.parametrizations.weight.original
{**dict(m.named_parameters()), **dict(m.named_buffers())}
functional_call(m, d0, (x,), strict=False)
d0
m.weight
m.parametrizations.weight.original
d0
{**dict(m.named_parameters()), **dict(m.named_buffers())}
# `fcall check` found:
# /tmp/fcall-fuzz-param-14626/param1_201.fc: 6 difference(s) between fcall and PyTorch /root/.cache/fcall/venv-2.13.0/bin/python:
# line │ statement                      │ where         │ fcall                                  │ PyTorch
# ─────┼────────────────────────────────┼───────────────┼────────────────────────────────────────┼─────────────────────────────────────────
# 20   │ call m with d0 (x) tie=false   │ error.type    │ RuntimeError                           │ AttributeError
# 20   │ call m with d0 (x) tie=false   │ error.message │ parametrization has no original tensor │ 'NoneType' object has no attribute 'dty…
# 23   │ m.weight = tensor([[-2.0, -2.… │ error.type    │ RuntimeError                           │ AttributeError
# 23   │ m.weight = tensor([[-2.0, -2.… │ error.message │ parametrization has no original tensor │ 'NoneType' object has no attribute 'dty…
# 27   │ call m with d0 (x) strict=fal… │ error.type    │ RuntimeError                           │ AttributeError
# 27   │ call m with d0 (x) strict=fal… │ error.message │ parametrization has no original tensor │ 'NoneType' object has no attribute 'dty…
