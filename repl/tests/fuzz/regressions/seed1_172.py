# fcall fuzz program: seed 1, index 172
import torch
import torch.nn as nn
from torch.func import functional_call, grad

torch.manual_seed(163)
class Leaf(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor([-3.5, -3.0]))
        self.b = nn.Buffer(torch.tensor([3.5, 4.0]))
    def forward(self, x):
        return x + self.w * self.b
class Top(nn.Module):
    def __init__(self):
        super().__init__()
        self.s1 = Leaf()
        self.s2 = self.s1
        self.p = nn.Parameter(torch.tensor([0.5, 3.5]))
        self.q = self.p
        self.buf = nn.Buffer(torch.tensor([-4.0, 3.0]))
    def forward(self, x):
        y = self.s1(x)
        y = y + self.s2(x)
        self.buf = self.buf + 1
        y = y * self.p + self.buf
        y = y + self.q
        return y
m = Top()
x = torch.tensor([[-1.0, 0.0], [1.0, 2.0], [1.5, -1.5]])
z = torch.tensor([2.0, 4.0])
d0 = dict(m.named_parameters())
d1 = {"s1.w": torch.tensor([2.5, 0.5]), "s1.b": torch.tensor([0.0, -3.0]), "s2.b": z, "p": torch.tensor([-1.5, 3.0])}
d2 = {"s1.w": torch.tensor([1.5, -2.0]), "p": torch.tensor([0.5, -3.0]), "buf": torch.tensor([2.0, 0.5])}
def loss(p, x):
    return functional_call(m, p, (x,)).sum()
g = grad(loss)({"s1.b": torch.tensor([-0.5, -3.0]), "p": torch.tensor([3.0, -1.0]), "buf": torch.tensor([-1.0, -1.0])}, x)
g
print(m.p, m.buf, m.s1.b)
functional_call(m, d1, (x,), tie_weights=False, strict=True)
d1
print(m.p, m.buf, m.s1.b)
functional_call(m, d2, (x,))
d2
{**dict(m.named_parameters()), **dict(m.named_buffers())}
d0
d1
d2
z
{**dict(m.named_parameters()), **dict(m.named_buffers())}
print(m.p is m.s1.w, m.buf)
# `fcall check` found:
# /tmp/fcall-fuzz-15491/seed1_172.fc: 2 difference(s) between fcall and PyTorch /root/.cache/fcall/venv-2.13.0/bin/python:
# line │ statement                 │ where  │ fcall                                    │ PyTorch
# ─────┼───────────────────────────┼────────┼──────────────────────────────────────────┼─────────────────────────────────────────
# 38   │ print(m.p, m.buf, m.s1.b) │ stdout │ Parameter containing:⏎tensor([0.5000, 3… │ Parameter containing:⏎tensor([0.5000, 3…
# 41   │ print(m.p, m.buf, m.s1.b) │ stdout │ Parameter containing:⏎tensor([0.5000, 3… │ Parameter containing:⏎tensor([0.5000, 3…
