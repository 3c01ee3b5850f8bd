# fcall fuzz program: seed 1, index 434
import torch
import torch.nn as nn
from torch.func import functional_call, grad

torch.manual_seed(49)
class Leaf(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor([-2.0, 2.5]))
        self.b = nn.Buffer(torch.tensor([-3.5, -2.0]))
    def forward(self, x):
        self.b.add_(1)
        return x + self.w * self.b
class Top(nn.Module):
    def __init__(self):
        super().__init__()
        self.s1 = Leaf()
        self.s2 = self.s1
        self.p = nn.Parameter(torch.tensor([1.5, -3.0]))
        self.q = self.p
        self.buf = nn.Buffer(torch.tensor([-1.5, 3.5]))
    def forward(self, x):
        y = self.s1(x)
        y = y + self.s2(x)
        y = y * self.p + self.buf
        y = y + self.q
        return y
m = Top()
x = torch.tensor([[3.5, -3.5], [-2.0, -1.5], [-2.0, 3.5]])
z = torch.tensor([0.5, 4.0])
d0 = {"s1.w": torch.tensor([4.0, -3.5]), "s1.b": z, "p": torch.tensor([0.5, 2.5])}
d1 = {"s1.b": z, "s2.b": None, "p": torch.tensor([-3.5, 1.0]), "buf": torch.tensor([2.5, 1.0])}
d2 = {"s1.w": torch.tensor([-2.0, 1.5]), "s1.b": torch.tensor([-2.0, 3.0]), "s2.b": torch.tensor([0.5, -1.5]), "buf": torch.tensor([-3.0, 3.5])}
def loss(p, x):
    return functional_call(m, p, (x,), tie_weights=False).sum()
g = grad(loss)({"s1.w": torch.tensor([2.0, 1.5]), "s1.b": torch.tensor([2.0, 1.5]), "s2.b": torch.tensor([-2.5, 0.5]), "p": torch.tensor([-1.0, 4.0]), "buf": torch.tensor([3.0, 2.0])}, x)
g
print(m.p, m.buf, m.s1.b)
functional_call(m, d1, (x,), tie_weights=False)
d1
print(m.p, m.buf, m.s1.b)
def loss(p, x):
    return functional_call(m, p, (x,), tie_weights=False).sum()
g = grad(loss)({"s1.b": torch.tensor([3.5, -4.0]), "s2.b": torch.tensor([-3.5, 2.0]), "p": torch.tensor([-3.5, 1.0])}, x)
g
print(m.p, m.buf, m.s1.b)
functional_call(m, d2, (x,), strict=True)
d2
print(m.p, m.buf, m.s1.b)
functional_call(m, (d1, d1), (x,), tie_weights=False, strict=False)
print(d1, d1)
print(m.p, m.buf, m.s1.b)
d0
d1
d2
z
{**dict(m.named_parameters()), **dict(m.named_buffers())}
print(m.p is m.s1.w, m.buf)
# `fcall check` found:
# /tmp/fcall-fuzz-15491/seed1_434.fc: 5 difference(s) between fcall and PyTorch /root/.cache/fcall/venv-2.13.0/bin/python:
# line │ statement                 │ where  │ fcall                                    │ PyTorch
# ─────┼───────────────────────────┼────────┼──────────────────────────────────────────┼─────────────────────────────────────────
# 38   │ print(m.p, m.buf, m.s1.b) │ stdout │ Parameter containing:⏎tensor([ 1.5000, … │ Parameter containing:⏎tensor([ 1.5000, …
# 45   │ print(m.p, m.buf, m.s1.b) │ stdout │ Parameter containing:⏎tensor([ 1.5000, … │ Parameter containing:⏎tensor([ 1.5000, …
# 48   │ print(m.p, m.buf, m.s1.b) │ stdout │ Parameter containing:⏎tensor([ 1.5000, … │ Parameter containing:⏎tensor([ 1.5000, …
# 50   │ print(d1, d1)             │ stdout │ {'s1.b': None, 's2.b': tensor([2.0000, … │ {'s1.b': None, 's2.b': GradTrackingTens…
# 51   │ print(m.p, m.buf, m.s1.b) │ stdout │ Parameter containing:⏎tensor([ 1.5000, … │ Parameter containing:⏎tensor([ 1.5000, …
