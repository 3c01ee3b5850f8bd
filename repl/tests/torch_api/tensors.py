# Tensors as PyTorch has them: the named tuples of torch.return_types (max, sort, topk, ...),
# gradient hooks (register_hook in backward, autograd.grad and functional_call; replacement,
# removal, errors) and .grad accumulating across backward calls, printed the same way by fcall
# and by Python.
import torch
import torch.nn as nn
from torch.func import functional_call


def show(label, f):
    try:
        print(label, "->", f())
    except Exception as e:
        print(label, "!!", type(e).__name__ + ":", e)


_ = torch.manual_seed(0)
t = torch.tensor([[1.0, 5.0, 2.0], [3.0, 0.0, 4.0]])

# torch.return_types
r = torch.max(t, 0)
print(r)
print(repr(r))
print(type(r), type(r).__name__, isinstance(r, tuple), len(r))
print(r.values, r.indices, r[0], r[-1], r[0:1])
v, i = r
print(v, i, r == (r[0], r[1]), list(r))
show("readonly", lambda: setattr(r, "values", 1))
show("min", lambda: t.min(dim=1))
show("sort", lambda: torch.sort(t, dim=1, descending=True))
show("topk", lambda: t.topk(2))
show("median", lambda: torch.median(t, 1))
show("mode", lambda: torch.mode(torch.tensor([1, 2, 2, 3])))
show("kthvalue", lambda: torch.kthvalue(t, 2, dim=1))
show("aminmax", lambda: torch.aminmax(t))
show("cummax", lambda: torch.cummax(t, 1))
show("slogdet", lambda: torch.linalg.slogdet(torch.eye(2) * 2))
show("eigh", lambda: torch.linalg.eigh(torch.tensor([[2.0, 1.0], [1.0, 2.0]])))
show("qr_shapes", lambda: [x.shape for x in torch.linalg.qr(torch.randn(3, 2))])
show("svd_len", lambda: len(torch.svd(torch.randn(3, 2))))
show("var_mean_plain", lambda: type(torch.var_mean(t)).__name__)
show("max_plain", lambda: t.max())
show("max_other", lambda: torch.max(t, torch.ones(2, 3) * 2))

# gradient hooks
w = torch.ones(3, requires_grad=True)
h = w.register_hook(lambda g: g * 2)
print(type(h).__name__)
(w * 3).sum().backward()
print(w.grad)
(w * 3).sum().backward()
print(w.grad)
h.remove()
(w * 3).sum().backward()
print(w.grad)
show("no_grad_tensor", lambda: torch.ones(2).register_hook(lambda g: g))
seen = []
u = torch.ones(2, requires_grad=True)
y = u * 2
_ = y.register_hook(lambda g: seen.append(g.clone()))
print(torch.autograd.grad(y.sum(), u), seen)
a = torch.ones(2, requires_grad=True)
_ = a.register_hook(lambda g: 1)
show("bad_return", lambda: (a * 3).sum().backward())
b = torch.ones(2, requires_grad=True)
_ = b.register_hook(lambda g: torch.zeros(3))
show("bad_size", lambda: (b * 3).sum().backward())


def boom(g):
    raise ValueError("boom")


c = torch.ones(2, requires_grad=True)
_ = c.register_hook(boom)
show("raises", lambda: (c * 3).sum().backward())
print(c.grad)

# hooks through functional_call
_ = torch.manual_seed(0)
lin = nn.Linear(3, 2)
params = {k: v.detach().clone().requires_grad_() for k, v in lin.named_parameters()}
grads = []
_ = params["weight"].register_hook(lambda g: grads.append(g.shape))
_ = params["bias"].register_hook(lambda g: g * 0)
out = functional_call(lin, params, (torch.ones(4, 3),))
out.sum().backward()
print(grads, params["bias"].grad, params["weight"].grad)
