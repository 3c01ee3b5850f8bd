# fcall fuzz program (parametrizations): seed 1, index 15
import torch
import torch.nn as nn
from torch.func import functional_call

torch.manual_seed(547)
class ClampPos(nn.Module):
    def forward(self, X):
        return X.clamp(min=0)
    def right_inverse(self, Y):
        return Y
class Shift(nn.Module):
    def forward(self, X):
        return X + 1
    def right_inverse(self, Y):
        return (Y - 1).t().contiguous().t()
class Inner(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor([[2.0, -1.5], [3.5, 3.0]]))
        self.m = nn.Buffer(torch.tensor([[-3.0, -2.5], [-0.5, -2.5]]))
    def forward(self, x):
        return x @ self.w + x @ self.m
class Outer(nn.Module):
    def __init__(self):
        super().__init__()
        self.inner = Inner()
        self.c = nn.Buffer(torch.tensor([1.0, -2.5]))
    def forward(self, x):
        return (x @ self.inner.m) + self.c
m = Outer()
nn.utils.parametrize.register_parametrization(m.inner, "w", Shift())
nn.utils.parametrize.register_parametrization(m.inner, "w", Shift())
nn.utils.parametrize.register_parametrization(m.inner, "m", ClampPos())
list({**dict(m.named_parameters()), **dict(m.named_buffers())}.keys())
x = torch.tensor([[1.0, -1.0]])
d0 = {"inner.m": torch.tensor([[2.0, 4.0], [-3.0, 2.0]])}
m.inner.parametrizations.w.original
m.inner.m
m.inner.parametrizations.m.original
{**dict(m.named_parameters()), **dict(m.named_buffers())}
functional_call(m, d0, (x,))
d0
m.inner.parametrizations.w.original
m.inner.parametrizations.m.original
functional_call(m, d0, (x,), tie_weights=False, strict=False)
d0
m.inner.w
m.inner.parametrizations.w.original
m.inner.m
m.inner.parametrizations.m.original
d0
{**dict(m.named_parameters()), **dict(m.named_buffers())}
# `fcall check` found:
# /tmp/fcall-fuzz-param-12947/param1_15.fc: 2 difference(s) between fcall and PyTorch /root/.cache/fcall/venv-2.13.0/bin/python:
# line │ statement                      │ where      │ fcall                                    │ PyTorch
# ─────┼────────────────────────────────┼────────────┼──────────────────────────────────────────┼─────────────────────────────────────────
# 29   │ parametrize(m.inner, "w", Shi… │ value.repr │ ParametrizedInner(⏎  (parametrizations)… │ ParametrizedInner(⏎  (parametrizations)…
# 30   │ parametrize(m.inner, "m", Cla… │ value.repr │ ParametrizedInner(⏎  (parametrizations)… │ ParametrizedInner(⏎  (parametrizations)…
