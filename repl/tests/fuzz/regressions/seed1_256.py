# fcall fuzz program: seed 1, index 256
import torch
import torch.nn as nn
from torch.func import functional_call, grad

torch.manual_seed(960)
class Leaf(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor([2.5, -4.0]))
        self.b = nn.Buffer(torch.tensor([1.5, 0.5]))
    def forward(self, x):
        self.b = self.b + 1
        return x + self.w * self.b
class Top(nn.Module):
    def __init__(self):
        super().__init__()
        self.s1 = Leaf()
        self.s2 = self.s1
        self.p = nn.Parameter(torch.tensor([3.0, 3.5]))
        self.buf = nn.Buffer(torch.tensor([0.0, -2.5]))
        self.bn = nn.BatchNorm1d(2)
    def forward(self, x):
        y = self.s1(x)
        y = y + self.s2(x)
        y = y * self.p + self.buf
        y = self.bn(y)
        return y
m = Top()
x = torch.tensor([[-1.5, -2.5], [-2.0, -4.0], [-1.0, -4.0]])
z = torch.tensor([-1.0, -0.5])
d0 = {"s1.b": torch.tensor([2.5, -2.5]), "s2.b": torch.tensor([-3.5, 1.5]), "p": torch.tensor([-2.5, -4.0]), "buf": torch.tensor([2.5, 0.0]), "bn.weight": torch.tensor([0.0, 1.0]), "bn.running_mean": torch.tensor([-0.5, 0.0]), "bn.num_batches_tracked": torch.tensor(2)}
d1 = {"s1.b": torch.tensor([-3.5, 0.0]), "p": torch.tensor([-3.5, 3.0]), "buf": None, "bn.bias": torch.tensor([0.0, 3.0]), "bn.running_var": torch.tensor([-3.0, -2.5])}
d2 = dict(m.named_parameters())
functional_call(m, d1, (x,), tie_weights=False, strict=False)
d1
m.buf
m.s1.w
print(m.bn.running_mean, m.bn.running_var, m.bn.num_batches_tracked)
def loss(p, x):
    return functional_call(m, p, (x,)).sum()
g = grad(loss)({"s1.b": torch.tensor([-2.5, 3.5]), "s2.b": torch.tensor([2.5, 0.0]), "p": torch.tensor([2.5, -2.5]), "buf": torch.tensor([4.0, 0.5]), "bn.weight": torch.tensor([2.0, 2.0]), "bn.bias": torch.tensor([-3.5, 1.5]), "bn.running_mean": torch.tensor([-2.0, 4.0])}, x)
g
print(m.p, m.buf, m.s1.b)
print(m.bn.running_mean, m.bn.running_var, m.bn.num_batches_tracked)
def loss(p, x):
    return functional_call(m, p, (x,), tie_weights=True).sum()
g = grad(loss)({k: v.detach() for k, v in m.named_parameters()}, x)
g
print(m.p, m.buf, m.s1.b)
def loss(p, x):
    return functional_call(m, p, (x,), tie_weights=True).sum()
g = grad(loss)({"s2.b": torch.tensor([-3.5, 2.5]), "buf": z, "bn.weight": z, "bn.bias": torch.tensor([0.0, 0.0]), "bn.running_var": z}, x)
g
{**dict(m.named_parameters()), **dict(m.named_buffers())}
functional_call(m, d0, (x,))
d0
{**dict(m.named_parameters()), **dict(m.named_buffers())}
d0
d1
d2
z
{**dict(m.named_parameters()), **dict(m.named_buffers())}
print(m.p is m.s1.w, m.buf)
# `fcall check` found:
# /tmp/fcall-fuzz-15491/seed1_256.fc: 1 difference(s) between fcall and PyTorch /root/.cache/fcall/venv-2.13.0/bin/python:
# line │ statement                 │ where  │ fcall                                    │ PyTorch
# ─────┼───────────────────────────┼────────┼──────────────────────────────────────────┼─────────────────────────────────────────
# 48   │ print(m.p, m.buf, m.s1.b) │ stdout │ Parameter containing:⏎tensor([3.0000, 3… │ Parameter containing:⏎tensor([3.0000, 3…
