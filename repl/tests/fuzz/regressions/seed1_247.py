# fcall fuzz program: seed 1, index 247
import torch
import torch.nn as nn
from torch.func import functional_call, grad

torch.manual_seed(811)
class Leaf(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor([2.5, -0.5]))
        self.b = nn.Buffer(torch.tensor([0.5, -2.0]))
    def forward(self, x):
        return (x - self.b) * self.w
class Top(nn.Module):
    def __init__(self):
        super().__init__()
        self.s1 = Leaf()
        self.s2 = self.s1
        self.p = nn.Parameter(torch.tensor([-2.0, 3.5]))
        self.buf = nn.Buffer(torch.tensor([1.5, -1.5]))
        self.bn = nn.BatchNorm1d(2)
    def forward(self, x):
        y = self.s1(x)
        y = y + self.s2(x)
        self.buf = self.buf + 1
        y = y * self.p + self.buf
        y = self.bn(y)
        return y
m = Top()
x = torch.tensor([[1.5, -1.0], [2.0, 3.0], [2.0, 2.5]])
z = torch.tensor([2.5, -0.5])
d0 = {"s1.w": torch.tensor([-4.0, 3.5]), "s1.b": torch.tensor([1.5, -0.5]), "s2.b": torch.tensor([-4.0, -2.5]), "p": z, "buf": None, "bn.weight": torch.tensor([1.5, 4.0]), "bn.running_var": torch.tensor([0.0, -3.5]), "bn.num_batches_tracked": torch.tensor(2), "extra": torch.tensor([-2.5, -1.0])}
d1 = {"s1.w": torch.tensor([-4.0, 2.0]), "p": torch.tensor([-3.0, 3.0]), "buf": torch.tensor([-3.5, 2.5]), "bn.weight": torch.tensor([-3.0, -2.5]), "bn.running_var": torch.tensor([2.0, -4.0]), "bn.num_batches_tracked": torch.tensor(0)}
m(x)
print(m.p, m.buf, m.s1.b)
print(m.bn.running_mean, m.bn.running_var, m.bn.num_batches_tracked)
functional_call(m, d0, (x,), tie_weights=True, strict=True)
d0
m.buf
m.s1.w
print(m.bn.running_mean, m.bn.running_var, m.bn.num_batches_tracked)
def loss(p, x):
    return functional_call(m, p, (x,), tie_weights=True).sum()
g = grad(loss)({k: v.detach() for k, v in m.named_parameters()}, x)
g
{**dict(m.named_parameters()), **dict(m.named_buffers())}
print(m.bn.running_mean, m.bn.running_var, m.bn.num_batches_tracked)
def loss(p, x):
    return functional_call(m, p, (x,), strict=True).sum()
g = grad(loss)({"s1.b": torch.tensor([2.5, -4.0]), "s2.b": torch.tensor([0.0, 0.0]), "buf": torch.tensor([2.0, -2.0]), "bn.weight": torch.tensor([-1.5, -2.5]), "bn.num_batches_tracked": torch.tensor(0)}, x)
g
print(m.p, m.buf, m.s1.b)
print(m.bn.running_mean, m.bn.running_var, m.bn.num_batches_tracked)
functional_call(m, d1, (x,), tie_weights=False, strict=True)
d1
m.buf
m.s1.w
d0
d1
z
{**dict(m.named_parameters()), **dict(m.named_buffers())}
print(m.p is m.s1.w, m.buf)
# `fcall check` found:
# /tmp/fcall-fuzz-15491/seed1_247.fc: 2 difference(s) between fcall and PyTorch /root/.cache/fcall/venv-2.13.0/bin/python:
# line │ statement                   │ where  │ fcall                                    │ PyTorch
# ─────┼─────────────────────────────┼────────┼──────────────────────────────────────────┼─────────────────────────────────────────
# 50   │ print(m.p, m.buf, m.s1.b)   │ stdout │ Parameter containing:⏎tensor([-2.0000, … │ Parameter containing:⏎tensor([-2.0000, …
# 60   │ print(m.p is m.s1.w, m.buf) │ stdout │ False tensor([3.5000, 0.5000])⏎          │ False GradTrackingTensor(lvl=-2, value=…
