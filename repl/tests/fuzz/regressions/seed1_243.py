# fcall fuzz program: seed 1, index 243
import torch
import torch.nn as nn
from torch.func import functional_call, grad

torch.manual_seed(518)
class Leaf(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor([2.5, 3.0]))
        self.b = nn.Buffer(torch.tensor([4.0, -4.0]))
    def forward(self, x):
        self.b.add_(1)
        return (x - self.b) * self.w
class Top(nn.Module):
    def __init__(self):
        super().__init__()
        self.s1 = Leaf()
        self.s2 = self.s1
        self.p = nn.Parameter(torch.tensor([2.0, -2.5]))
        self.q = self.p
        self.buf = nn.Buffer(torch.tensor([2.0, -2.5]))
        self.buf2 = self.buf
    def forward(self, x):
        y = self.s1(x)
        y = y + self.s2(x)
        self.buf.sub_(0.5)
        y = y * self.p + self.buf
        y = y + self.q
        y = y - self.buf2
        return y
m = Top()
x = torch.tensor([[3.0, 3.5], [-0.5, 0.0], [3.5, 1.0]])
z = torch.tensor([3.5, -3.5])
d0 = {k: v.detach().clone().requires_grad_(v.requires_grad) for k, v in [*m.named_parameters(), *m.named_buffers()]}
def loss(p, x):
    return functional_call(m, p, (x,), strict=False).sum()
g = grad(loss)({"s1.b": torch.tensor([2.5, -4.0]), "s2.w": torch.tensor([-0.5, 0.5]), "p": torch.tensor([-4.0, 1.5]), "buf": torch.tensor([0.0, 2.0])}, x)
g
print(m.p, m.buf, m.s1.b)
functional_call(m, d0, (x,))
d0
{**dict(m.named_parameters()), **dict(m.named_buffers())}
d0
z
{**dict(m.named_parameters()), **dict(m.named_buffers())}
print(m.p is m.s1.w, m.buf)
# `fcall check` found:
# /tmp/fcall-fuzz-15491/seed1_243.fc: 1 difference(s) between fcall and PyTorch /root/.cache/fcall/venv-2.13.0/bin/python:
# line │ statement                 │ where  │ fcall                                    │ PyTorch
# ─────┼───────────────────────────┼────────┼──────────────────────────────────────────┼─────────────────────────────────────────
# 39   │ print(m.p, m.buf, m.s1.b) │ stdout │ Parameter containing:⏎tensor([ 2.0000, … │ Parameter containing:⏎tensor([ 2.0000, …
