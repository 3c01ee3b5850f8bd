# fcall fuzz program: seed 1, index 41
import torch
import torch.nn as nn
from torch.func import functional_call, grad

torch.manual_seed(924)
class Leaf(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor([0.5, -0.5]))
        self.b = nn.Buffer(torch.tensor([3.0, 2.0]))
    def forward(self, x):
        self.b = self.b + 1
        return x + self.w * self.b
class Top(nn.Module):
    def __init__(self):
        super().__init__()
        self.s1 = Leaf()
        self.s2 = self.s1
        self.p = nn.Parameter(torch.tensor([-1.0, -0.5]))
        self.q = self.p
        self.buf = nn.Buffer(torch.tensor([0.0, 2.0]))
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
x = torch.tensor([[-1.5, -0.5], [-2.0, -2.0], [3.0, -1.5]])
z = torch.tensor([1.5, -2.0])
d0 = {"s2.b": torch.tensor([-0.5, -3.5]), "bn.weight": torch.tensor([-3.5, -0.5])}
d1 = {"s1.b": z, "s2.b": torch.tensor([3.5, 4.0]), "buf": torch.tensor([0.0, 0.5]), "bn.bias": None, "bn.running_mean": torch.tensor([3.5, -3.0]), "bn.running_var": z, "bn.num_batches_tracked": torch.tensor(2)}
d2 = {"s1.b": torch.tensor([-3.5, 0.5]), "bn.bias": torch.tensor([-2.5, 2.0]), "bn.running_mean": torch.tensor([3.0, 3.5]), "bn.running_var": torch.tensor([-3.5, -4.0]), "bn.num_batches_tracked": torch.tensor(1)}
def loss(p, x):
    return functional_call(m, p, (x,), strict=True).sum()
g = grad(loss)({k: v.detach() for k, v in m.named_parameters()}, x)
g
m.buf
m.s1.w
m(x)
{**dict(m.named_parameters()), **dict(m.named_buffers())}
print(m.bn.running_mean, m.bn.running_var, m.bn.num_batches_tracked)
def loss(p, x):
    return functional_call(m, p, (x,), tie_weights=True).sum()
g = grad(loss)({"s1.w": torch.tensor([-1.0, -3.5]), "s2.b": z, "p": torch.tensor([-3.5, -1.0]), "buf": torch.tensor([2.0, 2.5]), "bn.weight": z, "bn.bias": torch.tensor([1.5, 0.5])}, x)
g
m.buf
m.s1.w
print(m.bn.running_mean, m.bn.running_var, m.bn.num_batches_tracked)
functional_call(m, d1, (x,), tie_weights=True, strict=True)
d1
print(m.p, m.buf, m.s1.b)
d0
d1
d2
z
{**dict(m.named_parameters()), **dict(m.named_buffers())}
print(m.p is m.s1.w, m.buf)
# `fcall check` found:
# /tmp/fcall-fuzz-15491/seed1_41.fc: 1 difference(s) between fcall and PyTorch /root/.cache/fcall/venv-2.13.0/bin/python:
# line │ statement                 │ where  │ fcall                                    │ PyTorch
# ─────┼───────────────────────────┼────────┼──────────────────────────────────────────┼─────────────────────────────────────────
# 54   │ print(m.p, m.buf, m.s1.b) │ stdout │ Parameter containing:⏎tensor([-1.0000, … │ Parameter containing:⏎tensor([-1.0000, …
