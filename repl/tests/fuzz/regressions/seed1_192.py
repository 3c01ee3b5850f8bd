# fcall fuzz program: seed 1, index 192
import torch
import torch.nn as nn
from torch.func import functional_call, grad

torch.manual_seed(275)
class Leaf(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor([-1.0, -3.0]))
        self.b = nn.Buffer(torch.tensor([3.5, -2.0]))
    def forward(self, x):
        self.b = self.b + 1
        return x * self.w + self.b
class Top(nn.Module):
    def __init__(self):
        super().__init__()
        self.s1 = Leaf()
        self.p = nn.Parameter(torch.tensor([-1.5, 1.0]))
        self.q = self.p
        self.buf = nn.Buffer(torch.tensor([3.0, 0.5]))
    def forward(self, x):
        y = self.s1(x)
        self.buf = self.buf + 1
        y = y * self.p + self.buf
        y = y + self.q
        return y
m = Top()
x = torch.tensor([[-2.5, 3.5], [-4.0, 1.0], [-3.5, -2.5]])
z = torch.tensor([-4.0, -1.0])
d0 = {k: v.detach().clone().requires_grad_(v.requires_grad) for k, v in m.named_parameters()}
d1 = {"s1.w": torch.tensor([3.5, -4.0]), "p": torch.tensor([3.0, -0.5]), "q": torch.tensor([-3.5, 0.5]), "buf": torch.tensor([-4.0, -3.0]), "extra": torch.tensor([2.0, 1.5])}
d2 = {"p": torch.tensor([2.5, 3.0]), "extra": torch.tensor([1.5, 3.0])}
functional_call(m, (d1, d1), (x,), tie_weights=False)
print(d1, d1)
m.buf
m.s1.w
functional_call(m, d1, (x,), tie_weights=True)
d1
print(m.p, m.buf, m.s1.b)
functional_call(m, d2, (x,), tie_weights=True)
d2
{**dict(m.named_parameters()), **dict(m.named_buffers())}
def loss(p, x):
    return functional_call(m, p, (x,)).sum()
g = grad(loss)({"s1.b": torch.tensor([0.0, 1.5]), "p": torch.tensor([1.5, -4.0])}, x)
g
print(m.p, m.buf, m.s1.b)
d0
d1
d2
z
{**dict(m.named_parameters()), **dict(m.named_buffers())}
print(m.p is m.s1.w, m.buf)
# `fcall check` found:
# /tmp/fcall-fuzz-15491/seed1_192.fc: 2 difference(s) between fcall and PyTorch /root/.cache/fcall/venv-2.13.0/bin/python:
# line │ statement                   │ where  │ fcall                                    │ PyTorch
# ─────┼─────────────────────────────┼────────┼──────────────────────────────────────────┼─────────────────────────────────────────
# 47   │ print(m.p, m.buf, m.s1.b)   │ stdout │ Parameter containing:⏎tensor([-1.5000, … │ Parameter containing:⏎tensor([-1.5000, …
# 53   │ print(m.p is m.s1.w, m.buf) │ stdout │ False tensor([5.0000, 2.5000])⏎          │ False GradTrackingTensor(lvl=-2, value=…
