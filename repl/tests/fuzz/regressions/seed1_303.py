# fcall fuzz program: seed 1, index 303
import torch
import torch.nn as nn
from torch.func import functional_call, grad

torch.manual_seed(707)
class Leaf(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor([-1.5, 3.0]))
        self.b = nn.Buffer(torch.tensor([-1.5, -3.5]))
    def forward(self, x):
        return (x - self.b) * self.w
class Top(nn.Module):
    def __init__(self):
        super().__init__()
        self.s1 = Leaf()
        self.s2 = self.s1
        self.p = nn.Parameter(torch.tensor([-1.0, -1.0]))
        self.q = self.p
        self.buf = nn.Buffer(torch.tensor([2.0, 1.0]))
        self.bn = nn.BatchNorm1d(2)
    def forward(self, x):
        y = self.s1(x)
        y = y + self.s2(x)
        self.buf = self.buf + 1
        y = y * self.p + self.buf
        y = y + self.q
        y = self.bn(y)
        return y
m = Top()
x = torch.tensor([[-0.5, -3.0], [-1.0, -1.5], [-1.5, 2.0]])
z = torch.tensor([-0.5, -0.5])
d0 = {k: v.detach().clone().requires_grad_(v.requires_grad) for k, v in m.named_parameters()}
def loss(p, x):
    return functional_call(m, p, (x,), strict=True).sum()
g = grad(loss)({"s1.w": torch.tensor([-3.0, -1.0]), "p": torch.tensor([-1.0, -0.5]), "bn.running_var": torch.tensor([-4.0, -1.0])}, x)
g
{**dict(m.named_parameters()), **dict(m.named_buffers())}
def loss(p, x):
    return functional_call(m, p, (x,)).sum()
g = grad(loss)({k: v.detach() for k, v in m.named_parameters()}, x)
g
{**dict(m.named_parameters()), **dict(m.named_buffers())}
d0
z
{**dict(m.named_parameters()), **dict(m.named_buffers())}
print(m.p is m.s1.w, m.buf)
# `fcall check` found:
# /tmp/fcall-fuzz-15491/seed1_303.fc: 1 difference(s) between fcall and PyTorch /root/.cache/fcall/venv-2.13.0/bin/python:
# line │ statement                   │ where  │ fcall                   │ PyTorch
# ─────┼─────────────────────────────┼────────┼─────────────────────────┼─────────────────────────────────────────
# 46   │ print(m.p is m.s1.w, m.buf) │ stdout │ False tensor([3., 2.])⏎ │ False GradTrackingTensor(lvl=-2, value=…
