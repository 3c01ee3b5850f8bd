# fcall fuzz program: seed 1, index 350
import torch
import torch.nn as nn
from torch.func import functional_call, grad

torch.manual_seed(845)
class Leaf(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor([3.0, -1.0]))
        self.b = nn.Buffer(torch.tensor([0.5, -2.5]))
    def forward(self, x):
        self.b = self.b + 1
        return x + self.w * self.b
class Top(nn.Module):
    def __init__(self):
        super().__init__()
        self.s1 = Leaf()
        self.s2 = self.s1
        self.p = nn.Parameter(torch.tensor([3.5, -1.0]))
        self.buf = nn.Buffer(torch.tensor([-2.0, -2.5]))
        self.buf2 = self.buf
        self.bn = nn.BatchNorm1d(2)
    def forward(self, x):
        y = self.s1(x)
        y = y + self.s2(x)
        self.buf = self.buf + 1
        y = y * self.p + self.buf
        y = y - self.buf2
        y = self.bn(y)
        return y
m = Top()
m.bn.eval()
x = torch.tensor([[2.0, 0.0], [3.0, 2.0], [-0.5, -1.5]])
z = torch.tensor([2.0, 0.5])
d0 = {"s1.w": torch.tensor([-1.0, -4.0]), "p": torch.tensor([-4.0, 2.0]), "buf": torch.tensor([2.5, 3.0]), "bn.bias": torch.tensor([0.5, 1.5]), "extra": torch.tensor([1.5, -3.0])}
d1 = {"s1.b": torch.tensor([-1.0, -2.5]), "buf": torch.tensor([1.0, -2.0]), "bn.weight": z, "bn.bias": torch.tensor([-2.5, 0.0]), "bn.running_mean": z, "bn.num_batches_tracked": torch.tensor(1)}
def loss(p, x):
    return functional_call(m, p, (x,), tie_weights=True, strict=False).sum()
g = grad(loss)({"s1.w": torch.tensor([0.5, 2.5]), "s2.b": torch.tensor([-1.5, 1.5]), "buf": torch.tensor([-1.0, 0.5]), "bn.weight": torch.tensor([-3.0, -4.0]), "bn.bias": torch.tensor([2.0, 2.5]), "bn.running_var": torch.tensor([-3.5, -1.5])}, x)
g
m.buf
m.s1.w
functional_call(m, d0, (x,), tie_weights=True, strict=True)
d0
m.buf
m.s1.w
print(m.bn.running_mean, m.bn.running_var, m.bn.num_batches_tracked)
functional_call(m, d0, (x,), tie_weights=False, strict=True)
d0
print(m.p, m.buf, m.s1.b)
print(m.bn.running_mean, m.bn.running_var, m.bn.num_batches_tracked)
d0
d1
z
{**dict(m.named_parameters()), **dict(m.named_buffers())}
print(m.p is m.s1.w, m.buf)
# `fcall check` found:
# /tmp/fcall-fuzz-15491/seed1_350.fc: 1 difference(s) between fcall and PyTorch /root/.cache/fcall/venv-2.13.0/bin/python:
# line │ statement                 │ where  │ fcall                                    │ PyTorch
# ─────┼───────────────────────────┼────────┼──────────────────────────────────────────┼─────────────────────────────────────────
# 50   │ print(m.p, m.buf, m.s1.b) │ stdout │ Parameter containing:⏎tensor([ 3.5000, … │ Parameter containing:⏎tensor([ 3.5000, …
