# fcall fuzz program: seed 1, index 422
import torch
import torch.nn as nn
from torch.func import functional_call, grad

torch.manual_seed(985)
class Leaf(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor([4.0, 2.5]))
        self.b = nn.Buffer(torch.tensor([-1.5, -3.0]))
    def forward(self, x):
        self.b.mul_(2)
        return (x - self.b) * self.w
class Top(nn.Module):
    def __init__(self):
        super().__init__()
        self.s1 = Leaf()
        self.s2 = self.s1
        self.p = nn.Parameter(torch.tensor([-2.5, 4.0]))
        self.buf = nn.Buffer(torch.tensor([-0.5, -0.5]))
    def forward(self, x):
        y = self.s1(x)
        y = y + self.s2(x)
        self.buf = self.buf + 1
        y = y * self.p + self.buf
        return y
m = Top()
x = torch.tensor([[2.0, -2.5], [0.0, 2.0], [-2.0, 1.0]])
z = torch.tensor([2.0, 2.0])
d0 = {"s1.b": torch.tensor([0.5, 0.5])}
d1 = {"s1.w": torch.tensor([0.0, 0.5])}
d2 = {"s1.b": torch.tensor([1.5, -2.0]), "s2.b": torch.tensor([-0.5, 1.0])}
functional_call(m, d2, (x,), tie_weights=False, strict=True)
d2
print(m.p, m.buf, m.s1.b)
def loss(p, x):
    return functional_call(m, p, (x,), tie_weights=False, strict=False).sum()
g = grad(loss)({"s1.b": torch.tensor([-1.0, 0.5]), "s2.b": torch.tensor([-1.5, 2.0]), "buf": torch.tensor([-1.0, 3.0])}, x)
g
print(m.p, m.buf, m.s1.b)
functional_call(m, (d2, d1), (x,), tie_weights=True)
print(d2, d1)
m.buf
m.s1.w
d0
d1
d2
z
{**dict(m.named_parameters()), **dict(m.named_buffers())}
print(m.p is m.s1.w, m.buf)
# `fcall check` found:
# /tmp/fcall-fuzz-15491/seed1_422.fc: 1 difference(s) between fcall and PyTorch /root/.cache/fcall/venv-2.13.0/bin/python:
# line │ statement                 │ where  │ fcall                                    │ PyTorch
# ─────┼───────────────────────────┼────────┼──────────────────────────────────────────┼─────────────────────────────────────────
# 40   │ print(m.p, m.buf, m.s1.b) │ stdout │ Parameter containing:⏎tensor([-2.5000, … │ Parameter containing:⏎tensor([-2.5000, …
