# fcall fuzz program: seed 1, index 33
import torch
import torch.nn as nn
from torch.func import functional_call, grad

torch.manual_seed(53)
class Leaf(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor([-4.0, 1.5]))
        self.b = nn.Buffer(torch.tensor([3.5, -1.5]))
    def forward(self, x):
        self.b = self.b + 1
        return (x - self.b) * self.w
class Top(nn.Module):
    def __init__(self):
        super().__init__()
        self.s1 = Leaf()
        self.s2 = Leaf()
        self.p = nn.Parameter(torch.tensor([4.0, 0.0]))
        self.buf = nn.Buffer(torch.tensor([3.0, -1.5]))
    def forward(self, x):
        y = self.s1(x)
        y = y + self.s2(x)
        self.buf.sub_(0.5)
        y = y * self.p + self.buf
        return y
m = Top()
x = torch.tensor([[-3.0, 3.0], [-4.0, 1.5], [3.5, -4.0]])
z = torch.tensor([-2.0, 0.5])
d0 = {"p": None, "buf": z}
d1 = {"s2.b": torch.tensor([3.5, -1.0]), "p": torch.tensor([-2.0, -0.5])}
m(x)
{**dict(m.named_parameters()), **dict(m.named_buffers())}
def loss(p, x):
    return functional_call(m, p, (x,)).sum()
g = grad(loss)({k: v.detach() for k, v in m.named_parameters()}, x)
g
print(m.p, m.buf, m.s1.b)
functional_call(m, d1, (x,), tie_weights=False)
d1
print(m.p, m.buf, m.s1.b)
functional_call(m, d1, (x,))
d1
{**dict(m.named_parameters()), **dict(m.named_buffers())}
functional_call(m, d1, (x,), tie_weights=True, strict=True)
d1
m.buf
m.s1.w
d0
d1
z
{**dict(m.named_parameters()), **dict(m.named_buffers())}
print(m.p is m.s1.w, m.buf)
# `fcall check` found:
# /tmp/fcall-fuzz-15491/seed1_33.fc: 1 difference(s) between fcall and PyTorch /root/.cache/fcall/venv-2.13.0/bin/python:
# line │ statement                 │ where  │ fcall                                    │ PyTorch
# ─────┼───────────────────────────┼────────┼──────────────────────────────────────────┼─────────────────────────────────────────
# 38   │ print(m.p, m.buf, m.s1.b) │ stdout │ Parameter containing:⏎tensor([4., 0.], … │ Parameter containing:⏎tensor([4., 0.], …
