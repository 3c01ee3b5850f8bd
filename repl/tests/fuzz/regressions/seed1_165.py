# fcall fuzz program: seed 1, index 165
import torch
import torch.nn as nn
from torch.func import functional_call, grad

torch.manual_seed(810)
class Leaf(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor([1.0, -2.0]))
        self.b = nn.Buffer(torch.tensor([0.5, 0.5]))
    def forward(self, x):
        return x * self.w + self.b
class Top(nn.Module):
    def __init__(self):
        super().__init__()
        self.s1 = Leaf()
        self.s2 = self.s1
        self.p = nn.Parameter(torch.tensor([1.5, -2.5]))
        self.q = self.p
        self.buf = nn.Buffer(torch.tensor([-2.5, 1.5]))
    def forward(self, x):
        y = self.s1(x)
        y = y + self.s2(x)
        self.buf = self.buf + 1
        y = y * self.p + self.buf
        y = y + self.q
        return y
m = Top()
x = torch.tensor([[1.5, 2.0], [3.0, 3.0], [0.0, -1.5]])
z = torch.tensor([1.5, -2.5])
d0 = {"s1.w": None, "s2.b": torch.tensor([0.5, 0.0]), "buf": torch.tensor([-3.0, -2.0])}
functional_call(m, d0, (x,), tie_weights=True, strict=True)
d0
m.buf
m.s1.w
def loss(p, x):
    return functional_call(m, p, (x,)).sum()
g = grad(loss)({k: v.detach() for k, v in m.named_parameters()}, x)
g
print(m.p, m.buf, m.s1.b)
functional_call(m, [d0, d0], (x,), tie_weights=True, strict=False)
print(d0, d0)
print(m.p, m.buf, m.s1.b)
functional_call(m, d0, (x,), tie_weights=True)
d0
{**dict(m.named_parameters()), **dict(m.named_buffers())}
functional_call(m, d0, (x,), tie_weights=True)
d0
print(m.p, m.buf, m.s1.b)
d0
z
{**dict(m.named_parameters()), **dict(m.named_buffers())}
print(m.p is m.s1.w, m.buf)
# `fcall check` found:
# /tmp/fcall-fuzz-15491/seed1_165.fc: 4 difference(s) between fcall and PyTorch /root/.cache/fcall/venv-2.13.0/bin/python:
# line │ statement                   │ where  │ fcall                                    │ PyTorch
# ─────┼─────────────────────────────┼────────┼──────────────────────────────────────────┼─────────────────────────────────────────
# 40   │ print(m.p, m.buf, m.s1.b)   │ stdout │ Parameter containing:⏎tensor([ 1.5000, … │ Parameter containing:⏎tensor([ 1.5000, …
# 43   │ print(m.p, m.buf, m.s1.b)   │ stdout │ Parameter containing:⏎tensor([ 1.5000, … │ Parameter containing:⏎tensor([ 1.5000, …
# 49   │ print(m.p, m.buf, m.s1.b)   │ stdout │ Parameter containing:⏎tensor([ 1.5000, … │ Parameter containing:⏎tensor([ 1.5000, …
# 53   │ print(m.p is m.s1.w, m.buf) │ stdout │ False tensor([-1.5000,  2.5000])⏎        │ False GradTrackingTensor(lvl=-2, value=…
