# fcall fuzz program (parametrizations): seed 1, index 182
import torch
import torch.nn as nn
from torch.func import functional_call

torch.manual_seed(569)
class Shift(nn.Module):
    def forward(self, X):
        return X + 1
    def right_inverse(self, Y):
        return (Y - 1).t().contiguous().t()
m = nn.Linear(2, 2, bias=False)
with torch.no_grad():
    m.weight.copy_(torch.tensor([[2.5, -2.5], [-3.0, 4.0]]))
nn.utils.parametrize.register_parametrization(m, "weight", Shift())
list({**dict(m.named_parameters()), **dict(m.named_buffers())}.keys())
x = torch.tensor([[3.5, -0.5]])
d0 = {"weight": torch.tensor([[3.5, 2.5], [3.0, 0.0]]), "parametrizations.weight.original": None, "extra": torch.tensor([2.0, 2.0])}
d1 = {}
m.weight
m.parametrizations.weight.original
{**dict(m.named_parameters()), **dict(m.named_buffers())}
functional_call(m, d0, (x,), tie_weights=False)
d0
m.weight
m.parametrizations.weight.original
m.weight = torch.tensor([[4.0, -2.5], [-2.0, -0.5]])
m.parametrizations.weight.original
functional_call(m, d0, (x,))
d0
m.weight
m.parametrizations.weight.original
functional_call(m, d0, (x,), tie_weights=False)
d0
m.parametrizations.weight.original
d0
d1
{**dict(m.named_parameters()), **dict(m.named_buffers())}
# `fcall check` found:
# /tmp/fcall-fuzz-param-14626/param1_182.fc: 2 difference(s) between fcall and PyTorch /root/.cache/fcall/venv-2.13.0/bin/python:
# line │ statement                      │ where         │ fcall                                  │ PyTorch
# ─────┼────────────────────────────────┼───────────────┼────────────────────────────────────────┼─────────────────────────────────────────
# 21   │ m.weight = tensor([[4.0, -2.5… │ error.type    │ RuntimeError                           │ AttributeError
# 21   │ m.weight = tensor([[4.0, -2.5… │ error.message │ parametrization has no original tensor │ 'NoneType' object has no attribute 'dty…
