# fcall fuzz program: seed 1, index 342
import torch
import torch.nn as nn
from torch.func import functional_call, grad

torch.manual_seed(365)
class Leaf(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor([1.0, -3.5]))
        self.b = nn.Buffer(torch.tensor([3.5, 1.0]))
    def forward(self, x):
        return x * self.w + self.b
class Top(nn.Module):
    def __init__(self):
        super().__init__()
        self.s1 = Leaf()
        self.s2 = Leaf()
        self.p = nn.Parameter(torch.tensor([0.5, 0.0]))
        self.q = self.p
        self.buf = nn.Buffer(torch.tensor([-2.5, 2.5]))
    def forward(self, x):
        y = self.s1(x)
        y = y + self.s2(x)
        self.buf = self.buf + 1
        y = y * self.p + self.buf
        y = y + self.q
        return y
m = Top()
x = torch.tensor([[4.0, 3.0], [-3.0, -0.5], [0.0, -1.0]])
z = torch.tensor([2.0, 3.0])
d0 = {"s1.b": torch.tensor([4.0, -2.5]), "s2.w": torch.tensor([-0.5, 1.0]), "s2.b": torch.tensor([-3.0, -2.0]), "p": torch.tensor([-2.0, -2.0]), "buf": torch.tensor([0.5, 0.0]), "extra": torch.tensor([0.5, -2.0])}
functional_call(m, d0, (x,), strict=True)
d0
m.buf
m.s1.w
def loss(p, x):
    return functional_call(m, p, (x,), tie_weights=False, strict=False).sum()
g = grad(loss)({"s1.w": torch.tensor([2.0, -3.0]), "s2.w": torch.tensor([0.5, -4.0]), "s2.b": torch.tensor([3.0, -1.0]), "q": z}, x)
g
m.buf
m.s1.w
def loss(p, x):
    return functional_call(m, p, (x,), strict=False).sum()
g = grad(loss)({"s1.w": torch.tensor([-2.0, 0.0]), "s1.b": torch.tensor([0.0, -2.0]), "s2.w": z, "s2.b": z, "p": torch.tensor([3.0, 2.5]), "q": torch.tensor([1.5, 3.0])}, x)
g
m.buf
m.s1.w
d0
z
{**dict(m.named_parameters()), **dict(m.named_buffers())}
print(m.p is m.s1.w, m.buf)
# `fcall check` found:
# /tmp/fcall-fuzz-15491/seed1_342.fc: 1 difference(s) between fcall and PyTorch /root/.cache/fcall/venv-2.13.0/bin/python:
# line │ statement                   │ where  │ fcall                             │ PyTorch
# ─────┼─────────────────────────────┼────────┼───────────────────────────────────┼─────────────────────────────────────────
# 50   │ print(m.p is m.s1.w, m.buf) │ stdout │ False tensor([-1.5000,  3.5000])⏎ │ False GradTrackingTensor(lvl=-2, value=…
