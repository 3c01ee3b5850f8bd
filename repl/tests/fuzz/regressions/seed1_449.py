# fcall fuzz program: seed 1, index 449
import torch
import torch.nn as nn
from torch.func import functional_call, grad

torch.manual_seed(229)
class Leaf(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor([-1.0, -3.0]))
        self.b = nn.Buffer(torch.tensor([0.0, 1.0]))
    def forward(self, x):
        self.b = self.b + 1
        return x * self.w + self.b
class Top(nn.Module):
    def __init__(self):
        super().__init__()
        self.s1 = Leaf()
        self.p = nn.Parameter(torch.tensor([1.0, -0.5]))
        self.buf = nn.Buffer(torch.tensor([-3.5, -0.5]))
        self.bn = nn.BatchNorm1d(2)
    def forward(self, x):
        y = self.s1(x)
        self.buf = self.buf + 1
        self.p = self.p * 2
        y = y * self.p + self.buf
        y = self.bn(y)
        return y
m = Top()
x = torch.tensor([[3.0, 3.0], [3.5, 4.0], [-4.0, 0.0]])
z = torch.tensor([-2.0, -4.0])
d0 = {"s1.b": torch.tensor([2.5, -1.5]), "p": torch.tensor([0.0, -4.0]), "buf": z, "bn.bias": torch.tensor([1.0, 0.5]), "bn.running_mean": torch.tensor([-4.0, 0.5]), "bn.running_var": torch.tensor([1.0, 2.5]), "bn.num_batches_tracked": torch.tensor(2)}
d1 = {"s1.w": torch.tensor([2.0, 1.5]), "p": torch.tensor([1.5, -1.0]), "bn.running_var": torch.tensor([2.5, -3.5]), "bn.num_batches_tracked": torch.tensor(0)}
functional_call(m, [d0, d0], (x,), strict=False)
print(d0, d0)
print(m.p, m.buf, m.s1.b)
def loss(p, x):
    return functional_call(m, p, (x,), tie_weights=True, strict=True).sum()
g = grad(loss)({k: v.detach() for k, v in m.named_parameters()}, x)
g
print(m.p, m.buf, m.s1.b)
print(m.bn.running_mean, m.bn.running_var, m.bn.num_batches_tracked)
def loss(p, x):
    return functional_call(m, p, (x,), tie_weights=False, strict=False).sum()
g = grad(loss)({k: v.detach() for k, v in m.named_parameters()}, x)
g
{**dict(m.named_parameters()), **dict(m.named_buffers())}
print(m.bn.running_mean, m.bn.running_var, m.bn.num_batches_tracked)
functional_call(m, d0, (x,), tie_weights=False, strict=False)
d0
m.buf
m.s1.w
print(m.bn.running_mean, m.bn.running_var, m.bn.num_batches_tracked)
functional_call(m, (d0, d0), (x,))
print(d0, d0)
{**dict(m.named_parameters()), **dict(m.named_buffers())}
print(m.bn.running_mean, m.bn.running_var, m.bn.num_batches_tracked)
d0
d1
z
{**dict(m.named_parameters()), **dict(m.named_buffers())}
print(m.p is m.s1.w, m.buf)
# `fcall check` found:
# /tmp/fcall-fuzz-15491/seed1_449.fc: 1 difference(s) between fcall and PyTorch /root/.cache/fcall/venv-2.13.0/bin/python:
# line │ statement                   │ where  │ fcall                             │ PyTorch
# ─────┼─────────────────────────────┼────────┼───────────────────────────────────┼─────────────────────────────────────────
# 60   │ print(m.p is m.s1.w, m.buf) │ stdout │ False tensor([-2.5000,  0.5000])⏎ │ False GradTrackingTensor(lvl=-2, value=…
