# Python's Tensor.requires_grad_() refuses to run inside a torch.func transform; nn.Buffer and
# fcall's clone() call it, nn.Parameter and the requires_grad setter do not.
import torch
import torch.nn as nn
from torch.func import functional_call, grad, vmap

xs = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
def with_buffer(x):
    return nn.Buffer(torch.ones(2)) + x
def with_param(x):
    return nn.Parameter(torch.ones(2)) + x
def with_rg(x):
    return torch.ones(2).requires_grad_(False) + x
def with_clone(x):
    return torch.ones(2).detach().clone().requires_grad_(torch.ones(2).requires_grad) + x
def set_flag(x):
    t = torch.ones(2)
    t.requires_grad = False
    return t + x
vmap(with_buffer)(xs)
vmap(with_param)(xs)
vmap(with_rg)(xs)
vmap(with_clone)(xs)
vmap(set_flag)(xs)
def loss_buffer(x):
    return (nn.Buffer(torch.ones(2)) * x).sum()
def loss_param(x):
    return (nn.Parameter(torch.ones(2)) * x).sum()
grad(loss_buffer)(torch.ones(2))
grad(loss_param)(torch.ones(2))
# Outside a transform all of them work.
with_buffer(xs)
with_rg(xs)
with_clone(xs)
class Counter(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("count", torch.zeros(()))
    def forward(self, x):
        self.made = nn.Buffer(torch.ones(2))
        return x + self.count
c = Counter()
def f(p, x):
    return functional_call(c, p, (x,))
vmap(f, in_dims=(None, 0))(dict(c.named_buffers()), xs)
{**dict(c.named_parameters()), **dict(c.named_buffers())}
c(xs)
{**dict(c.named_parameters()), **dict(c.named_buffers())}
