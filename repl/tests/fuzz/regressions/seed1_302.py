# fcall fuzz program: seed 1, index 302
import torch
import torch.nn as nn
from torch.func import functional_call

torch.manual_seed(756)
class Leaf(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor([-1.0, 1.0]))
        self.b = nn.Buffer(torch.tensor([-3.5, 2.0]))
    def forward(self, x):
        self.b = self.b + 1
        return x + self.w * self.b
class Top(nn.Module):
    def __init__(self):
        super().__init__()
        self.s1 = Leaf()
        self.s2 = self.s1
        self.p = nn.Parameter(torch.tensor([-1.5, 2.0]))
        self.q = self.p
        self.buf = nn.Buffer(torch.tensor([4.0, 1.0]))
        self.bn = nn.BatchNorm1d(2)
    def forward(self, x):
        y = self.s1(x)
        y = y + self.s2(x)
        self.buf.sub_(0.5)
        y = y * self.p + self.buf
        y = y + self.q
        y = self.bn(y)
        return y
m = Top()
x = torch.tensor([[3.5, 0.0], [4.0, 2.5], [4.0, -1.0]])
z = torch.tensor([-0.5, -4.0])
d0 = {"s1.b": torch.tensor([-2.5, 1.0]), "bn.weight": torch.tensor([2.5, 0.5]), "bn.running_mean": torch.tensor([1.5, 1.5]), "bn.running_var": z, "bn.num_batches_tracked": torch.tensor(1)}
d1 = {k: v.detach().clone().requires_grad_(v.requires_grad) for k, v in m.named_parameters()}
d2 = {"s1.w": torch.tensor([2.5, 0.0]), "s1.b": torch.tensor([-2.5, 0.5]), "bn.running_mean": torch.tensor([4.0, 1.5]), "bn.running_var": None, "bn.num_batches_tracked": torch.tensor(2)}
functional_call(m, (d2, d1), (x,))
print(d2, d1)
{**dict(m.named_parameters()), **dict(m.named_buffers())}
print(m.bn.running_mean, m.bn.running_var, m.bn.num_batches_tracked)
functional_call(m, d2, (x,), tie_weights=True, strict=False)
d2
{**dict(m.named_parameters()), **dict(m.named_buffers())}
print(m.bn.running_mean, m.bn.running_var, m.bn.num_batches_tracked)
d0
d1
d2
z
{**dict(m.named_parameters()), **dict(m.named_buffers())}
print(m.p is m.s1.w, m.buf)
# `fcall check` found:
# /tmp/fcall-fuzz-15491/seed1_302.fc: 1 difference(s) between fcall and PyTorch /root/.cache/fcall/venv-2.13.0/bin/python:
# line │ statement                      │ where      │ fcall        │ PyTorch
# ─────┼────────────────────────────────┼────────────┼──────────────┼───────────
# 42   │ call m with d2 (x) tie=true s… │ error.type │ RuntimeError │ ValueError
