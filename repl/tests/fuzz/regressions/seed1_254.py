# fcall fuzz program: seed 1, index 254
import torch
import torch.nn as nn
from torch.func import functional_call, grad

torch.manual_seed(668)
class Leaf(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor([-1.0, -3.5]))
        self.b = nn.Buffer(torch.tensor([-4.0, 2.0]))
    def forward(self, x):
        return (x - self.b) * self.w
class Top(nn.Module):
    def __init__(self):
        super().__init__()
        self.s1 = Leaf()
        self.s2 = Leaf()
        self.p = nn.Parameter(torch.tensor([4.0, -2.5]))
        self.buf = nn.Buffer(torch.tensor([-2.0, -1.5]))
        self.bn = nn.BatchNorm1d(2)
    def forward(self, x):
        y = self.s1(x)
        y = y + self.s2(x)
        self.buf = self.buf + 1
        y = y * self.p + self.buf
        y = self.bn(y)
        return y
m = Top()
x = torch.tensor([[-4.0, 1.5], [2.5, -2.5], [-3.0, 0.5]])
z = torch.tensor([4.0, 2.0])
d0 = {"s2.w": torch.tensor([2.0, -2.0]), "p": torch.tensor([-0.5, 2.0]), "bn.running_mean": torch.tensor([3.5, 1.0]), "bn.running_var": torch.tensor([1.5, 2.5]), "bn.num_batches_tracked": torch.tensor(1)}
d1 = {"s1.w": torch.tensor([-1.0, 1.0]), "s2.b": z, "p": torch.tensor([-4.0, 2.5]), "bn.bias": torch.tensor([-1.5, 0.0]), "bn.running_var": torch.tensor([3.5, 3.0])}
functional_call(m, d0, (x,))
d0
print(m.p, m.buf, m.s1.b)
print(m.bn.running_mean, m.bn.running_var, m.bn.num_batches_tracked)
def loss(p, x):
    return functional_call(m, p, (x,), tie_weights=False).sum()
g = grad(loss)({k: v.detach() for k, v in m.named_parameters()}, x)
g
print(m.p, m.buf, m.s1.b)
m(x)
{**dict(m.named_parameters()), **dict(m.named_buffers())}
print(m.bn.running_mean, m.bn.running_var, m.bn.num_batches_tracked)
d0
d1
z
{**dict(m.named_parameters()), **dict(m.named_buffers())}
print(m.p is m.s1.w, m.buf)
# `fcall check` found:
# /tmp/fcall-fuzz-15491/seed1_254.fc: 1 difference(s) between fcall and PyTorch /root/.cache/fcall/venv-2.13.0/bin/python:
# line │ statement                 │ where  │ fcall                                    │ PyTorch
# ─────┼───────────────────────────┼────────┼──────────────────────────────────────────┼─────────────────────────────────────────
# 41   │ print(m.p, m.buf, m.s1.b) │ stdout │ Parameter containing:⏎tensor([ 4.0000, … │ Parameter containing:⏎tensor([ 4.0000, …
