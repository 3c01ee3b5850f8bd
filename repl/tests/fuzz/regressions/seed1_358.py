# fcall fuzz program: seed 1, index 358
import torch
import torch.nn as nn
from torch.func import functional_call, grad

torch.manual_seed(700)
class Leaf(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor([-3.5, -0.5]))
        self.b = nn.Buffer(torch.tensor([3.5, 2.0]))
    def forward(self, x):
        self.b = self.b + 1
        return (x - self.b) * self.w
class Top(nn.Module):
    def __init__(self):
        super().__init__()
        self.s1 = Leaf()
        self.s2 = self.s1
        self.p = nn.Parameter(torch.tensor([-2.0, -3.0]))
        self.q = self.p
        self.buf = nn.Buffer(torch.tensor([2.5, -0.5]))
    def forward(self, x):
        y = self.s1(x)
        y = y + self.s2(x)
        self.buf = self.buf + 1
        y = y * self.p + self.buf
        y = y + self.q
        return y
m = Top()
x = torch.tensor([[-2.5, -2.0], [-2.0, -3.0], [-1.0, 1.5]])
z = torch.tensor([-4.0, 1.5])
d0 = {"s1.w": torch.tensor([-1.0, -4.0]), "s1.b": z, "buf": z}
d1 = {"s1.b": torch.tensor([-3.5, 0.5]), "p": torch.tensor([-0.5, -1.5]), "buf": None}
d2 = {"s2.b": torch.tensor([-2.5, 1.0]), "buf": torch.tensor([-0.5, -2.0])}
functional_call(m, d0, (x,), tie_weights=False)
d0
m.buf
m.s1.w
functional_call(m, d0, (x,), strict=False)
d0
{**dict(m.named_parameters()), **dict(m.named_buffers())}
functional_call(m, d2, (x,), tie_weights=False)
d2
{**dict(m.named_parameters()), **dict(m.named_buffers())}
def loss(p, x):
    return functional_call(m, p, (x,), tie_weights=True).sum()
g = grad(loss)({"s1.w": torch.tensor([-1.0, -3.0]), "s2.b": torch.tensor([0.5, -0.5]), "p": torch.tensor([0.0, -1.0])}, x)
g
m.buf
m.s1.w
def loss(p, x):
    return functional_call(m, p, (x,), tie_weights=False, strict=True).sum()
g = grad(loss)({"s1.b": torch.tensor([1.5, -2.0]), "s2.b": torch.tensor([-0.5, 3.5]), "p": torch.tensor([-3.5, -0.5])}, x)
g
print(m.p, m.buf, m.s1.b)
d0
d1
d2
z
{**dict(m.named_parameters()), **dict(m.named_buffers())}
print(m.p is m.s1.w, m.buf)
# `fcall check` found:
# /tmp/fcall-fuzz-15491/seed1_358.fc: 4 difference(s) between fcall and PyTorch /root/.cache/fcall/venv-2.13.0/bin/python:
# line │ statement                   │ where               │ fcall                                    │ PyTorch
# ─────┼─────────────────────────────┼─────────────────────┼──────────────────────────────────────────┼─────────────────────────────────────────
# 48   │ g                           │ value.s2.b.value[1] │ -18.0                                    │ -9.0
# 53   │ g                           │ value.s2.b.value[1] │ -18.0                                    │ -9.0
# 54   │ print(m.p, m.buf, m.s1.b)   │ stdout              │ Parameter containing:⏎tensor([-2., -3.]… │ Parameter containing:⏎tensor([-2., -3.]…
# 60   │ print(m.p is m.s1.w, m.buf) │ stdout              │ False tensor([3.5000, 0.5000])⏎          │ False GradTrackingTensor(lvl=-2, value=…
