# vmap's Python decompositions as fcall registers them (csrc/vmap_decomps.cpp): addr (dtypes,
# beta/alpha, bool, promotion, its errors), nll_loss forward/backward (weights, ignore_index,
# reductions, 2d), mse and cross_entropy backwards, printed as PyTorch prints them.
import torch
from torch.func import vmap
import torch.nn.functional as F
_ = torch.manual_seed(0)
m = torch.randn(2, 3, 2)
v1 = torch.randn(2, 3)
v2 = torch.randn(2, 2)
print(vmap(torch.addr)(m, v1, v2))
print(vmap(lambda a, b, c: torch.addr(a, b, c, beta=0, alpha=2))(m, v1, v2))
print(vmap(lambda a, b, c: torch.addr(a, b, c, beta=0.5, alpha=2))(m, v1, v2))
mi = torch.randint(0, 5, (2, 3, 2))
vi = torch.randint(0, 5, (2, 3))
wi = torch.randint(0, 5, (2, 2))
print(vmap(torch.addr)(mi, vi, wi))
try:
    vmap(lambda a, b, c: torch.addr(a, b, c, beta=0.5))(mi, vi, wi)
except RuntimeError as e:
    print("RuntimeError", e)
mb = torch.rand(2, 3, 2) > 0.5
vb = torch.rand(2, 3) > 0.5
wb = torch.rand(2, 2) > 0.5
print(vmap(torch.addr)(mb, vb, wb))
print(vmap(lambda a, b, c: torch.addr(a, b, c, beta=False))(mb, vb, wb))
try:
    vmap(lambda a, b, c: torch.addr(a, b, c, beta=True))(m, v1, v2)
except RuntimeError as e:
    print("RuntimeError", e)
print(vmap(torch.addr)(m.half(), v1.half(), v2.half()))
print(vmap(torch.addr)(m, v1.double(), v2))
print(vmap(torch.addr, in_dims=(None, 0, 0))(m[0], v1, v2))
x = torch.randn(4, 5)
t = torch.tensor([1, 0, 4, 2])
w = torch.rand(5)
for red in ["mean", "sum", "none"]:
    print(vmap(lambda a, b: F.nll_loss(a.unsqueeze(0), b.unsqueeze(0), weight=w, reduction=red, ignore_index=2))(x, t))
    print(vmap(lambda a, b: F.nll_loss(a, b, reduction=red))(x.reshape(2, 2, 5), t.reshape(2, 2)))
from torch.func import grad
print(vmap(grad(lambda a, b: F.nll_loss(a.unsqueeze(0), b.unsqueeze(0), weight=w, ignore_index=2)))(x, t))
print(vmap(grad(lambda a, b: F.mse_loss(a, b)))(x, x.flip(0)))
print(vmap(grad(lambda a, b: F.cross_entropy(a, b, label_smoothing=0.1)))(x.reshape(2, 2, 5), t.reshape(2, 2)))
img = torch.randn(2, 3, 4, 4)
tgt = torch.randint(0, 3, (2, 4, 4))
print(vmap(grad(lambda a, b: F.nll_loss(a.unsqueeze(0), b.unsqueeze(0))))(img, tgt))
