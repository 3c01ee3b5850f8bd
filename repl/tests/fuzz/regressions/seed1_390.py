# fcall fuzz program: seed 1, index 390
import torch
import torch.nn as nn
from torch.func import functional_call, grad

torch.manual_seed(971)
class Leaf(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor([4.0, -4.0]))
        self.b = nn.Buffer(torch.tensor([-3.5, -4.0]))
    def forward(self, x):
        self.b = self.b + 1
        return (x - self.b) * self.w
class Top(nn.Module):
    def __init__(self):
        super().__init__()
        self.s1 = Leaf()
        self.s2 = self.s1
        self.p = nn.Parameter(torch.tensor([-3.0, 1.0]))
        self.q = self.p
        self.buf = nn.Buffer(torch.tensor([1.5, -1.5]))
    def forward(self, x):
        y = self.s1(x)
        y = y + self.s2(x)
        self.buf = self.buf + 1
        self.p = self.p * 2
        y = y * self.p + self.buf
        y = y + self.q
        return y
m = Top()
x = torch.tensor([[-1.0, 1.5], [3.5, 3.0], [2.0, 2.0]])
z = torch.tensor([0.5, 4.0])
d0 = {"s2.b": torch.tensor([-1.0, -2.0]), "p": torch.tensor([-2.0, -3.5]), "buf": torch.tensor([-3.5, 1.0])}
d1 = {"s1.b": torch.tensor([-1.5, -1.0]), "s2.b": torch.tensor([-4.0, 2.0]), "p": torch.tensor([-3.5, -1.0])}
functional_call(m, d0, (x,), tie_weights=False, strict=False)
d0
print(m.p, m.buf, m.s1.b)
def loss(p, x):
    return functional_call(m, p, (x,), tie_weights=False).sum()
g = grad(loss)({"s1.b": torch.tensor([1.0, 4.0]), "s2.b": torch.tensor([4.0, 1.0])}, x)
g
print(m.p, m.buf, m.s1.b)
functional_call(m, d0, (x,), strict=False)
d0
{**dict(m.named_parameters()), **dict(m.named_buffers())}
d0
d1
z
{**dict(m.named_parameters()), **dict(m.named_buffers())}
print(m.p is m.s1.w, m.buf)
# `fcall check` found:
# /tmp/fcall-fuzz-15491/seed1_390.fc: 2 difference(s) between fcall and PyTorch /root/.cache/fcall/venv-2.13.0/bin/python:
# line │ statement                   │ where  │ fcall                                    │ PyTorch
# ─────┼─────────────────────────────┼────────┼──────────────────────────────────────────┼─────────────────────────────────────────
# 42   │ print(m.p, m.buf, m.s1.b)   │ stdout │ Parameter containing:⏎tensor([-3.,  1.]… │ Parameter containing:⏎tensor([-3.,  1.]…
# 50   │ print(m.p is m.s1.w, m.buf) │ stdout │ False tensor([ 2.5000, -0.5000])⏎        │ False GradTrackingTensor(lvl=-2, value=…
