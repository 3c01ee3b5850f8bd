# fcall fuzz program (modules): seed 1, index 4
import torch
import torch.nn as nn

torch.manual_seed(630)
l0 = nn.Linear(4, 1)
l0
list({**dict(l0.named_parameters()), **dict(l0.named_buffers())}.keys())
l0.eval()
l0(torch.randn(2, 4))
l1 = nn.GELU(approximate="tanh")
l1
{**dict(l1.named_parameters()), **dict(l1.named_buffers())}
l1(torch.randn(3, 2))
{**dict(l1.named_parameters()), **dict(l1.named_buffers())}
l2 = nn.Linear(2, 3)
l2
list({**dict(l2.named_parameters()), **dict(l2.named_buffers())}.keys())
l2(torch.randn(2, 2))
{**dict(l2.named_parameters()), **dict(l2.named_buffers())}
class Holder(nn.Module):
    def __init__(self):
        super().__init__()
        self.base = nn.Parameter(torch.ones(1))
    def forward(self, x):
        return x
m = Holder()
m.base = m.base
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}
m.c = nn.Buffer(torch.ones(2))
m.c = 3
print(list(dict(m.named_parameters()).keys()), list(dict(m.named_buffers()).keys()), list({**dict(m.named_parameters()), **dict(m.named_buffers())}.keys()))
m.b
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}
m.c = m.base
m.c = nn.Buffer(torch.zeros(2), persistent=False)
m.base = nn.Parameter(torch.zeros(2), requires_grad=False)
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}
m.base = m.a
m.base = None
m
print(list(dict(m.named_parameters(remove_duplicate=False)).keys()), list(dict(m.named_buffers()).keys()), list({**dict(m.named_parameters()), **dict(m.named_buffers())}.keys()))
# `fcall check` found:
# /tmp/fcall-fuzz-modules-3697/modules1_4.fc: 1 difference(s) between fcall and PyTorch /root/.cache/fcall/venv-2.13.0/bin/python:
# line │ statement │ where         │ fcall                                    │ PyTorch
# ─────┼───────────┼───────────────┼──────────────────────────────────────────┼─────────────────────────────────────────
# 26   │ m.c = 3   │ error.message │ cannot assign 'int' as buffer 'c' (torc… │ cannot assign 'int' as buffer 'c' (torc…
