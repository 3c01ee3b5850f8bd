# fcall fuzz program (layers): seed 1, index 29
import torch
import torch.nn as nn
from torch.func import functional_call, vmap

torch.manual_seed(786)
class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(2, 2)
        self.norm = nn.LayerNorm(2)
        self.register_buffer("count", torch.zeros(()))
    def forward(self, x):
        y = self.lin(x)
        self.extra = nn.Buffer(torch.ones(2))
        y = y @ torch.ones(3, 3)
        y = torch.tanh(self.norm(y))
        return y * self.count
m = nn.Sequential(Block(), nn.ReLU(), nn.Linear(2, 2))
x = torch.tensor([[3.5, 2.0], [-1.0, -4.0], [0.0, 0.5]])
d0 = {k: v.detach().clone().requires_grad_(v.requires_grad) for k, v in [*m.named_parameters(), *m.named_buffers()]}
def f(p, xi):
    return functional_call(m, p, (xi,))
vmap(f, in_dims=(None, 0))({k: v.detach() for k, v in m.named_parameters()}, x)
print(m[0].count, m[0].lin.weight)
m(x)
print(m[0].count, m[0].lin.weight)
m.eval()
m[0].count
{**dict(m.named_parameters()), **dict(m.named_buffers())}
d0
{**dict(m.named_parameters()), **dict(m.named_buffers())}
# `fcall check` found:
# /tmp/fcall-fuzz-layers-16317/layers1_29.fc: 1 difference(s) between fcall and PyTorch /root/.cache/fcall/venv-2.13.0/bin/python:
# line │ statement                      │ where         │ fcall                                    │ PyTorch
# ─────┼────────────────────────────────┼───────────────┼──────────────────────────────────────────┼─────────────────────────────────────────
# 21   │ vmap(f, in_dims=(none, 0))(de… │ error.message │ mat1 and mat2 shapes cannot be multipli… │ You are attempting to call Tensor.requi…
