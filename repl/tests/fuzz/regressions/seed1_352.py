# fcall fuzz program: seed 1, index 352
import torch
import torch.nn as nn
from torch.func import functional_call, grad

torch.manual_seed(761)
class Leaf(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor([2.0, 1.0]))
        self.b = nn.Buffer(torch.tensor([-2.5, 1.0]))
    def forward(self, x):
        return (x - self.b) * self.w
class Top(nn.Module):
    def __init__(self):
        super().__init__()
        self.s1 = Leaf()
        self.s2 = self.s1
        self.p = nn.Parameter(torch.tensor([3.0, -1.5]))
        self.buf = nn.Buffer(torch.tensor([0.0, -3.5]))
        self.buf2 = self.buf
    def forward(self, x):
        y = self.s1(x)
        y = y + self.s2(x)
        self.buf = self.buf + 1
        y = y * self.p + self.buf
        y = y - self.buf2
        return y
m = Top()
x = torch.tensor([[-1.5, -4.0], [0.5, 2.0], [1.0, -2.5]])
z = torch.tensor([-2.0, -2.5])
d0 = {"s1.w": torch.tensor([4.0, 2.5]), "s2.b": torch.tensor([3.0, -2.0]), "extra": torch.tensor([3.5, 4.0])}
d1 = {"buf": None}
functional_call(m, (d0, d0), (x,), tie_weights=True, strict=True)
print(d0, d0)
{**dict(m.named_parameters()), **dict(m.named_buffers())}
functional_call(m, d1, (x,), tie_weights=True)
d1
print(m.p, m.buf, m.s1.b)
def loss(p, x):
    return functional_call(m, p, (x,)).sum()
g = grad(loss)({"s1.w": torch.tensor([-3.5, -0.5]), "s1.b": torch.tensor([-4.0, -2.5]), "p": z}, x)
g
print(m.p, m.buf, m.s1.b)
functional_call(m, d0, (x,), tie_weights=True, strict=True)
d0
{**dict(m.named_parameters()), **dict(m.named_buffers())}
d0
d1
z
{**dict(m.named_parameters()), **dict(m.named_buffers())}
print(m.p is m.s1.w, m.buf)
# `fcall check` found:
# /tmp/fcall-fuzz-15491/seed1_352.fc: 2 difference(s) between fcall and PyTorch /root/.cache/fcall/venv-2.13.0/bin/python:
# line │ statement                   │ where  │ fcall                                    │ PyTorch
# ─────┼─────────────────────────────┼────────┼──────────────────────────────────────────┼─────────────────────────────────────────
# 43   │ print(m.p, m.buf, m.s1.b)   │ stdout │ Parameter containing:⏎tensor([ 3.0000, … │ Parameter containing:⏎tensor([ 3.0000, …
# 51   │ print(m.p is m.s1.w, m.buf) │ stdout │ False tensor([ 1.0000, -2.5000])⏎        │ False GradTrackingTensor(lvl=-2, value=…
