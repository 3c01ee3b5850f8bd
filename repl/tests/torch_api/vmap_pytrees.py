# vmap and grad over the pytrees torch functions return: torch.return_types structseqs
# (max, sort, topk, ...) come back as the same structseq type, named fields and all.
import torch
from torch.func import vmap, grad
x = torch.arange(6.0).reshape(2, 3)
out = vmap(lambda t: torch.max(t, 0))(x)
print(type(out).__name__)
print(out)
print(out.values, out.indices)
top = vmap(lambda t: torch.topk(t, 2))(x)
print(top)
print(vmap(lambda t: torch.sort(t, descending=True), out_dims=1)(x))
try:
    vmap(lambda t: torch.sort(t, descending=True), out_dims=(0, 1))(x)
except ValueError as e:
    print("ValueError:", e)
print(vmap(lambda t: (torch.min(t, 0), [t.sum()]))(x))
print(vmap(lambda t: {"m": torch.median(t, 0)})(x))
g, aux = grad(lambda t: (t.sum(), torch.max(t, 0)), has_aux=True)(x[0])
print(g, type(aux).__name__, aux)
