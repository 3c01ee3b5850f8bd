# fcall fuzz program: seed 1, index 44
import torch
import torch.nn as nn
from torch.func import functional_call, grad

torch.manual_seed(579)
class Leaf(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor([0.0, -4.0]))
        self.b = nn.Buffer(torch.tensor([-2.0, -3.5]))
    def forward(self, x):
        self.b = self.b + 1
        return x + self.w * self.b
class Top(nn.Module):
    def __init__(self):
        super().__init__()
        self.s1 = Leaf()
        self.s2 = self.s1
        self.p = nn.Parameter(torch.tensor([1.5, -2.0]))
        self.q = self.p
        self.buf = nn.Buffer(torch.tensor([-4.0, -2.0]))
    def forward(self, x):
        y = self.s1(x)
        y = y + self.s2(x)
        y = y * self.p + self.buf
        y = y + self.q
        return y
m = Top()
x = torch.tensor([[3.5, 3.5], [4.0, -4.0], [0.5, 2.5]])
z = torch.tensor([0.0, 2.0])
d0 = {"s1.w": torch.tensor([-3.0, -0.5]), "p": torch.tensor([3.0, 0.0])}
d1 = {k: v.detach().clone().requires_grad_(v.requires_grad) for k, v in m.named_buffers()}
functional_call(m, (d1, d1), (x,), tie_weights=True, strict=True)
print(d1, d1)
print(m.p, m.buf, m.s1.b)
def loss(p, x):
    return functional_call(m, p, (x,), tie_weights=False).sum()
g = grad(loss)({"s1.w": torch.tensor([3.0, 3.0]), "s1.b": torch.tensor([2.5, -1.0]), "p": torch.tensor([-2.0, -3.5])}, x)
g
m.buf
m.s1.w
functional_call(m, d1, (x,), strict=False)
d1
print(m.p, m.buf, m.s1.b)
d0
d1
z
{**dict(m.named_parameters()), **dict(m.named_buffers())}
print(m.p is m.s1.w, m.buf)
# `fcall check` found:
# /tmp/fcall-fuzz-15491/seed1_44.fc: 2 difference(s) between fcall and PyTorch /root/.cache/fcall/venv-2.13.0/bin/python:
# line │ statement │ where               │ fcall │ PyTorch
# ─────┼───────────┼─────────────────────┼───────┼────────
# 39   │ g         │ value.s1.b.value[0] │ -36.0 │ -18.0
# 39   │ g         │ value.s1.b.value[1] │ -63.0 │ -31.5
