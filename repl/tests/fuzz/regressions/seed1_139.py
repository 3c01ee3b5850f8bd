# fcall fuzz program: seed 1, index 139
import torch
import torch.nn as nn
from torch.func import functional_call, grad

torch.manual_seed(394)
class Leaf(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor([2.0, -4.0]))
        self.b = nn.Buffer(torch.tensor([-1.5, -0.5]))
    def forward(self, x):
        self.b = self.b + 1
        return x + self.w * self.b
class Top(nn.Module):
    def __init__(self):
        super().__init__()
        self.s1 = Leaf()
        self.p = nn.Parameter(torch.tensor([0.5, 3.0]))
        self.buf = nn.Buffer(torch.tensor([2.5, 2.5]))
        self.bn = nn.BatchNorm1d(2)
    def forward(self, x):
        y = self.s1(x)
        self.buf = self.buf + 1
        y = y * self.p + self.buf
        y = self.bn(y)
        return y
m = Top()
x = torch.tensor([[0.5, -0.5], [-3.0, 4.0], [3.5, 1.5]])
z = torch.tensor([-3.5, 2.5])
d0 = {"s1.b": torch.tensor([1.0, 2.0]), "p": z, "buf": torch.tensor([0.5, -3.0]), "bn.bias": torch.tensor([-2.0, -1.0]), "bn.running_mean": z, "bn.running_var": torch.tensor([0.5, 0.5])}
d1 = {"s1.w": torch.tensor([-3.0, 4.0]), "p": torch.tensor([3.0, -2.0]), "buf": torch.tensor([0.5, -1.5]), "bn.running_var": z, "bn.num_batches_tracked": torch.tensor(1), "extra": torch.tensor([-3.5, 3.5])}
def loss(p, x):
    return functional_call(m, p, (x,), strict=False).sum()
g = grad(loss)({k: v.detach() for k, v in m.named_parameters()}, x)
g
{**dict(m.named_parameters()), **dict(m.named_buffers())}
functional_call(m, d0, (x,), tie_weights=True, strict=False)
d0
print(m.p, m.buf, m.s1.b)
functional_call(m, d1, (x,))
d1
print(m.p, m.buf, m.s1.b)
m(x)
print(m.p, m.buf, m.s1.b)
print(m.bn.running_mean, m.bn.running_var, m.bn.num_batches_tracked)
functional_call(m, d0, (x,), tie_weights=True, strict=False)
d0
print(m.p, m.buf, m.s1.b)
print(m.bn.running_mean, m.bn.running_var, m.bn.num_batches_tracked)
d0
d1
z
{**dict(m.named_parameters()), **dict(m.named_buffers())}
print(m.p is m.s1.w, m.buf)
# `fcall check` found:
# /tmp/fcall-fuzz-15491/seed1_139.fc: 2 difference(s) between fcall and PyTorch /root/.cache/fcall/venv-2.13.0/bin/python:
# line │ statement                 │ where  │ fcall                                    │ PyTorch
# ─────┼───────────────────────────┼────────┼──────────────────────────────────────────┼─────────────────────────────────────────
# 39   │ print(m.p, m.buf, m.s1.b) │ stdout │ Parameter containing:⏎tensor([0.5000, 3… │ Parameter containing:⏎tensor([0.5000, 3…
# 42   │ print(m.p, m.buf, m.s1.b) │ stdout │ Parameter containing:⏎tensor([0.5000, 3… │ Parameter containing:⏎tensor([0.5000, 3…
