# fcall fuzz program: seed 1, index 267
import torch
import torch.nn as nn
from torch.func import functional_call, grad

torch.manual_seed(476)
class Leaf(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor([2.0, -0.5]))
        self.b = nn.Buffer(torch.tensor([-4.0, 1.5]))
    def forward(self, x):
        self.b.add_(1)
        return x + self.w * self.b
class Top(nn.Module):
    def __init__(self):
        super().__init__()
        self.s1 = Leaf()
        self.s2 = self.s1
        self.p = nn.Parameter(torch.tensor([0.5, -2.5]))
        self.q = self.p
        self.buf = nn.Buffer(torch.tensor([-0.5, 0.5]))
    def forward(self, x):
        y = self.s1(x)
        y = y + self.s2(x)
        self.buf.sub_(0.5)
        y = y * self.p + self.buf
        y = y + self.q
        return y
m = Top()
x = torch.tensor([[4.0, 3.5], [2.5, 0.0], [4.0, 1.0]])
z = torch.tensor([1.5, 2.0])
d0 = {"p": torch.tensor([-0.5, -3.0]), "q": torch.tensor([0.0, 2.5]), "extra": torch.tensor([-4.0, 2.0])}
d1 = {k: v.detach() for k, v in m.named_parameters()}
def loss(p, x):
    return functional_call(m, p, (x,), tie_weights=True).sum()
g = grad(loss)({"s1.w": torch.tensor([-2.5, 4.0]), "s1.b": torch.tensor([4.0, -2.5]), "buf": torch.tensor([1.5, 3.0])}, x)
g
{**dict(m.named_parameters()), **dict(m.named_buffers())}
functional_call(m, d1, (x,), tie_weights=False)
d1
print(m.p, m.buf, m.s1.b)
functional_call(m, d1, (x,), tie_weights=False, strict=True)
d1
{**dict(m.named_parameters()), **dict(m.named_buffers())}
functional_call(m, (d0, d1), (x,), tie_weights=True, strict=True)
print(d0, d1)
print(m.p, m.buf, m.s1.b)
functional_call(m, d0, (x,), strict=False)
d0
print(m.p, m.buf, m.s1.b)
d0
d1
z
{**dict(m.named_parameters()), **dict(m.named_buffers())}
print(m.p is m.s1.w, m.buf)
# `fcall check` found:
# /tmp/fcall-fuzz-15491/seed1_267.fc: 3 difference(s) between fcall and PyTorch /root/.cache/fcall/venv-2.13.0/bin/python:
# line │ statement                 │ where  │ fcall                                    │ PyTorch
# ─────┼───────────────────────────┼────────┼──────────────────────────────────────────┼─────────────────────────────────────────
# 41   │ print(m.p, m.buf, m.s1.b) │ stdout │ Parameter containing:⏎tensor([ 0.5000, … │ Parameter containing:⏎tensor([ 0.5000, …
# 47   │ print(m.p, m.buf, m.s1.b) │ stdout │ Parameter containing:⏎tensor([ 0.5000, … │ Parameter containing:⏎tensor([ 0.5000, …
# 50   │ print(m.p, m.buf, m.s1.b) │ stdout │ Parameter containing:⏎tensor([ 0.5000, … │ Parameter containing:⏎tensor([ 0.5000, …
