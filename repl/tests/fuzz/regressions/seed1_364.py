# fcall fuzz program: seed 1, index 364
import torch
import torch.nn as nn
from torch.func import functional_call, grad

torch.manual_seed(821)
class Leaf(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor([-2.5, 1.0]))
        self.b = nn.Buffer(torch.tensor([-0.5, -1.5]))
    def forward(self, x):
        self.b = self.b + 1
        return (x - self.b) * self.w
class Top(nn.Module):
    def __init__(self):
        super().__init__()
        self.s1 = Leaf()
        self.s2 = self.s1
        self.p = nn.Parameter(torch.tensor([-2.5, -3.0]))
        self.q = self.p
        self.buf = nn.Buffer(torch.tensor([2.0, -0.5]))
    def forward(self, x):
        y = self.s1(x)
        y = y + self.s2(x)
        self.buf.add_(1)
        y = y * self.p + self.buf
        y = y + self.q
        return y
m = Top()
x = torch.tensor([[-2.5, -1.0], [-2.0, -3.0], [-3.5, -0.5]])
z = torch.tensor([1.5, 0.0])
d0 = {"s1.w": z, "s2.w": torch.tensor([-1.5, -0.5]), "p": torch.tensor([-3.5, -0.5])}
m(x)
{**dict(m.named_parameters()), **dict(m.named_buffers())}
def loss(p, x):
    return functional_call(m, p, (x,), tie_weights=True, strict=True).sum()
g = grad(loss)({"s1.w": torch.tensor([1.5, -2.0]), "s2.w": torch.tensor([-0.5, -3.0]), "buf": torch.tensor([-3.5, -2.0])}, x)
g
{**dict(m.named_parameters()), **dict(m.named_buffers())}
def loss(p, x):
    return functional_call(m, p, (x,), tie_weights=True, strict=False).sum()
g = grad(loss)({"s2.w": torch.tensor([-2.0, 3.0]), "p": torch.tensor([-3.0, 3.0]), "buf": torch.tensor([-2.5, -0.5])}, x)
g
m.buf
m.s1.w
functional_call(m, (d0, d0), (x,))
print(d0, d0)
{**dict(m.named_parameters()), **dict(m.named_buffers())}
def loss(p, x):
    return functional_call(m, p, (x,)).sum()
g = grad(loss)({k: v.detach() for k, v in m.named_parameters()}, x)
g
print(m.p, m.buf, m.s1.b)
d0
z
{**dict(m.named_parameters()), **dict(m.named_buffers())}
print(m.p is m.s1.w, m.buf)
# `fcall check` found:
# /tmp/fcall-fuzz-15491/seed1_364.fc: 1 difference(s) between fcall and PyTorch /root/.cache/fcall/venv-2.13.0/bin/python:
# line │ statement                 │ where  │ fcall                                    │ PyTorch
# ─────┼───────────────────────────┼────────┼──────────────────────────────────────────┼─────────────────────────────────────────
# 51   │ print(m.p, m.buf, m.s1.b) │ stdout │ Parameter containing:⏎tensor([-2.5000, … │ Parameter containing:⏎tensor([-2.5000, …
