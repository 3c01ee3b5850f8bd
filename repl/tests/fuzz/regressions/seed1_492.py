# fcall fuzz program: seed 1, index 492
import torch
import torch.nn as nn
from torch.func import functional_call, grad

torch.manual_seed(711)
class Leaf(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor([3.0, 0.5]))
        self.b = nn.Buffer(torch.tensor([-2.0, -1.5]))
    def forward(self, x):
        self.b = self.b + 1
        return x + self.w * self.b
class Top(nn.Module):
    def __init__(self):
        super().__init__()
        self.s1 = Leaf()
        self.s2 = self.s1
        self.p = nn.Parameter(torch.tensor([-4.0, 3.5]))
        self.buf = nn.Buffer(torch.tensor([-2.5, -2.5]))
        self.buf2 = self.buf
    def forward(self, x):
        y = self.s1(x)
        y = y + self.s2(x)
        self.buf = self.buf + 1
        y = y * self.p + self.buf
        y = y - self.buf2
        return y
m = Top()
x = torch.tensor([[-3.0, 2.0], [3.0, 1.5], [-0.5, -2.5]])
z = torch.tensor([1.5, -2.5])
d0 = {"s1.w": z, "s2.w": torch.tensor([2.0, -2.5]), "p": torch.tensor([0.5, -1.0]), "buf": torch.tensor([-4.0, -3.0]), "extra": torch.tensor([4.0, 2.5])}
d1 = {"s1.w": None, "s1.b": None, "s2.w": torch.tensor([-3.0, -1.0])}
def loss(p, x):
    return functional_call(m, p, (x,), strict=False).sum()
g = grad(loss)({"s1.w": torch.tensor([1.5, -0.5]), "s1.b": torch.tensor([1.5, -2.5])}, x)
g
{**dict(m.named_parameters()), **dict(m.named_buffers())}
def loss(p, x):
    return functional_call(m, p, (x,), tie_weights=True).sum()
g = grad(loss)({"s1.b": torch.tensor([3.0, 3.0]), "p": torch.tensor([-4.0, -2.0])}, x)
g
{**dict(m.named_parameters()), **dict(m.named_buffers())}
functional_call(m, d1, (x,), strict=False)
d1
{**dict(m.named_parameters()), **dict(m.named_buffers())}
m(x)
m.buf
m.s1.w
d0
d1
z
{**dict(m.named_parameters()), **dict(m.named_buffers())}
print(m.p is m.s1.w, m.buf)
# `fcall check` found:
# /tmp/fcall-fuzz-15491/seed1_492.fc: 5 difference(s) between fcall and PyTorch /root/.cache/fcall/venv-2.13.0/bin/python:
# line │ statement │ where               │ fcall        │ PyTorch
# ─────┼───────────┼─────────────────────┼──────────────┼─────────────
# 37   │ g         │ value.s1.b.grad_fn  │ AddBackward0 │ MulBackward0
# 37   │ g         │ value.s1.b.value[0] │ -36.0        │ -18.0
# 37   │ g         │ value.s1.b.value[1] │ -10.5        │ -5.25
# 41   │ g         │ value.s1.b.value[0] │ -36.0        │ -18.0
# 41   │ g         │ value.s1.b.value[1] │ 6.0          │ 3.0
