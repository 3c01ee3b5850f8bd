# Tensors wrapped by functorch, as PyTorch prints them: GradTrackingTensor(lvl=1, ...) inside grad,
# lvl=-2 once leaked out of it (a buffer rebound in forward), nested under grad(grad), BatchedTensor
# inside vmap; ops on a leaked wrapper give plain tensors.
import torch
import torch.nn as nn
from torch.func import functional_call, grad, vmap

class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor([1.0, 2.0]))
        self.buf = nn.Buffer(torch.tensor([4.0, 1.0]))
    def forward(self, x):
        print(self.w)
        self.buf = self.buf * 2 + self.w
        print(self.buf)
        return (x * self.w + self.buf).sum()
m = M()
def loss(p, x):
    return functional_call(m, p, (x,))
g = grad(loss)({"w": torch.tensor([1.0, 1.0])}, torch.ones(2))
g
m.buf
print(m.buf)
t = m.buf
t + 1
t.sum()
t.requires_grad
t.grad_fn
t.is_leaf
t.add_(1)
t
t.shape
t.dtype
t[0]
float(t.sum())
t.tolist()
t.detach()
functional_call(m, {"w": torch.ones(2)}, (torch.ones(2),))
m.buf
def inner(p, x):
    return grad(loss)(p, x)["w"].sum()
h = grad(inner)({"w": torch.tensor([1.0, 3.0])}, torch.ones(2))
m.buf
def f(x):
    return x * 2
v = vmap(f)(torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
v
def g2(x):
    print(x)
    return x * 3
vmap(g2)(torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
