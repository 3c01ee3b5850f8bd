# fcall fuzz program (layers): seed 1, index 36
import torch
import torch.nn as nn
from torch.func import functional_call, vmap

torch.manual_seed(718)
class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(2, 2)
        self.norm = nn.LayerNorm(2)
        self.register_buffer("count", torch.zeros(()))
    def forward(self, x):
        self.count = self.count + 1
        y = self.lin(x)
        self.extra = nn.Buffer(torch.ones(2))
        y = torch.sigmoid(self.norm(y))
        return y * self.count
m = Block()
x = torch.tensor([[2.0, 0.0], [-2.5, -1.5], [2.5, -1.5]])
d0 = {k: v.detach() for k, v in m.named_parameters()}
d1 = {"lin.weight": torch.tensor([[-4.0, 4.0], [3.5, 1.0]]), "norm.weight": torch.tensor([1.0, -0.5])}
functional_call(m, d1, (x,))
d1
print(m.count, m.lin.weight)
def f(p, xi):
    return functional_call(m, p, (xi,))
vmap(f, in_dims=(None, 0))({k: v.detach() for k, v in m.named_parameters()}, x)
print(m.count, m.lin.weight)
functional_call(m, d0, (x,))
d0
{**dict(m.named_parameters()), **dict(m.named_buffers())}
functional_call(m, d0, (x,))
d0
print(m.count, m.lin.weight)
d0
d1
{**dict(m.named_parameters()), **dict(m.named_buffers())}
# `fcall check` found:
# /tmp/fcall-fuzz-layers-16317/layers1_36.fc: 2 difference(s) between fcall and PyTorch /root/.cache/fcall/venv-2.13.0/bin/python:
# line │ statement                      │ where               │ fcall │ PyTorch
# ─────┼────────────────────────────────┼─────────────────────┼───────┼─────────────────────────────────────────
# 25   │ vmap(f, in_dims=(none, 0))(de… │ kind                │ value │ error
# 25   │ vmap(f, in_dims=(none, 0))(de… │ error (python only) │ null  │ {"type":"RuntimeError","message":"You a…
