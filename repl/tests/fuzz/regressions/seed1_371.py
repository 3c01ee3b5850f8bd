# fcall fuzz program: seed 1, index 371
import torch
import torch.nn as nn
from torch.func import functional_call, grad

torch.manual_seed(339)
class Leaf(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor([-1.5, 2.0]))
        self.b = nn.Buffer(torch.tensor([-4.0, 3.0]))
    def forward(self, x):
        self.b = self.b + 1
        return x + self.w * self.b
class Top(nn.Module):
    def __init__(self):
        super().__init__()
        self.s1 = Leaf()
        self.p = nn.Parameter(torch.tensor([2.5, -3.0]))
        self.buf = nn.Buffer(torch.tensor([-0.5, 2.5]))
    def forward(self, x):
        y = self.s1(x)
        self.buf.add_(1)
        y = y * self.p + self.buf
        return y
m = Top()
x = torch.tensor([[2.5, -1.0], [-2.5, -4.0], [-2.0, -1.5]])
z = torch.tensor([-2.5, -2.0])
d0 = {"s1.w": torch.tensor([4.0, 4.0]), "s1.b": torch.tensor([-1.0, -4.0]), "buf": z}
def loss(p, x):
    return functional_call(m, p, (x,), strict=False).sum()
g = grad(loss)({"s1.w": z, "s1.b": torch.tensor([0.0, -4.0]), "p": z}, x)
g
{**dict(m.named_parameters()), **dict(m.named_buffers())}
functional_call(m, d0, (x,), tie_weights=True, strict=False)
d0
{**dict(m.named_parameters()), **dict(m.named_buffers())}
def loss(p, x):
    return functional_call(m, p, (x,), tie_weights=True, strict=True).sum()
g = grad(loss)({"s1.b": torch.tensor([-2.5, -3.0]), "buf": torch.tensor([-2.5, -3.0])}, x)
g
print(m.p, m.buf, m.s1.b)
def loss(p, x):
    return functional_call(m, p, (x,), tie_weights=True).sum()
g = grad(loss)({}, x)
g
{**dict(m.named_parameters()), **dict(m.named_buffers())}
functional_call(m, d0, (x,), tie_weights=False, strict=False)
d0
print(m.p, m.buf, m.s1.b)
d0
z
{**dict(m.named_parameters()), **dict(m.named_buffers())}
print(m.p is m.s1.w, m.buf)
# `fcall check` found:
# /tmp/fcall-fuzz-15491/seed1_371.fc: 1 difference(s) between fcall and PyTorch /root/.cache/fcall/venv-2.13.0/bin/python:
# line │ statement                 │ where  │ fcall                                    │ PyTorch
# ─────┼───────────────────────────┼────────┼──────────────────────────────────────────┼─────────────────────────────────────────
# 47   │ print(m.p, m.buf, m.s1.b) │ stdout │ Parameter containing:⏎tensor([ 2.5000, … │ Parameter containing:⏎tensor([ 2.5000, …
