# fcall fuzz program: seed 1, index 463
import torch
import torch.nn as nn
from torch.func import functional_call, grad

torch.manual_seed(737)
class Leaf(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor([-1.0, 2.5]))
        self.b = nn.Buffer(torch.tensor([3.5, 4.0]))
    def forward(self, x):
        return (x - self.b) * self.w
class Top(nn.Module):
    def __init__(self):
        super().__init__()
        self.s1 = Leaf()
        self.p = nn.Parameter(torch.tensor([1.5, 0.0]))
        self.buf = nn.Buffer(torch.tensor([0.0, -2.0]))
        self.bn = nn.BatchNorm1d(2)
    def forward(self, x):
        y = self.s1(x)
        self.buf.add_(1)
        y = y * self.p + self.buf
        y = self.bn(y)
        return y
m = Top()
x = torch.tensor([[4.0, -1.5], [-1.0, 4.0], [3.0, -3.5]])
z = torch.tensor([-1.0, 0.0])
d0 = {"buf": z, "bn.weight": torch.tensor([3.5, -2.0]), "bn.running_mean": torch.tensor([1.0, -2.0]), "bn.running_var": None}
functional_call(m, d0, (x,), tie_weights=True)
d0
print(m.p, m.buf, m.s1.b)
print(m.bn.running_mean, m.bn.running_var, m.bn.num_batches_tracked)
m(x)
print(m.p, m.buf, m.s1.b)
functional_call(m, d0, (x,), tie_weights=False, strict=True)
d0
print(m.p, m.buf, m.s1.b)
print(m.bn.running_mean, m.bn.running_var, m.bn.num_batches_tracked)
m(x)
{**dict(m.named_parameters()), **dict(m.named_buffers())}
print(m.bn.running_mean, m.bn.running_var, m.bn.num_batches_tracked)
def loss(p, x):
    return functional_call(m, p, (x,), tie_weights=False, strict=False).sum()
g = grad(loss)({"s1.b": z, "p": torch.tensor([-3.0, 4.0]), "bn.bias": torch.tensor([-3.5, -0.5]), "bn.running_mean": torch.tensor([4.0, -3.5])}, x)
g
{**dict(m.named_parameters()), **dict(m.named_buffers())}
d0
z
{**dict(m.named_parameters()), **dict(m.named_buffers())}
print(m.p is m.s1.w, m.buf)
# `fcall check` found:
# /tmp/fcall-fuzz-15491/seed1_463.fc: 1 difference(s) between fcall and PyTorch /root/.cache/fcall/venv-2.13.0/bin/python:
# line │ statement                   │ where      │ fcall        │ PyTorch
# ─────┼─────────────────────────────┼────────────┼──────────────┼───────────
# 31   │ call m with d0 (x) tie=true │ error.type │ RuntimeError │ ValueError
