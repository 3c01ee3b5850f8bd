# def with *args, keyword-only parameters and **kwargs: Python's binding rules and TypeErrors
# (method errors count `self`, as Python's do); call's argument list is functional_call's args.
import torch
import torch.nn as nn
from torch.func import functional_call

def f(a, *, b):
    return a + b
f(1, b=2)
f(1)
f(1, 2)
f(1, 2, b=3)
f(b=1)
f(1, a=2)
f(1, b=2, c=3)
def g(a, b=1, *args, c, d=2, **kw):
    return (a, b, args, c, d, kw)
g(1, 2, 3, 4, c=5, z=6)
g(1, c=5)
g(1)
g()
g(1, 2, 3, a=4, c=5)
def h(a, b=2, *, c, d, e=5):
    return a + b + c + d + e
h(1, 2, 3, c=4, d=5)
h(1, 2, 3, 4)
h(1)
def k(*args):
    return len(args)
k()
k(1, 2, 3)
k(x=1)
def kw(**options):
    return sorted(options)
kw(b=1, a=2)
kw(1)
class ArgsEcho(nn.Module):
    def forward(self, *args, **kwargs):
        arg_types = []
        for a in args:
            arg_types.append(type(a).__name__)
        return {"n_args": len(args), "arg_types": arg_types, "kwarg_names": sorted(kwargs), "kwargs": kwargs}
m = ArgsEcho()
functional_call(m, {}, (torch.tensor([1.0]),))
functional_call(m, {}, ([torch.tensor([1.0]), torch.tensor([2.0])],))
functional_call(m, {}, ((torch.tensor([1.0]), 2),))
functional_call(m, {}, (), {"a": torch.tensor([1.0]), "b": 2})
functional_call(m, {}, ())
m(1, None, "s", x=2.5)
class KwFoo(nn.Module):
    def __init__(self, x):
        super().__init__()
        self.x = x
    def forward(self, inp, *, other_inp):
        return inp * self.x + other_inp
mod = KwFoo(torch.tensor([[1.0, 2.0]]))
inp = torch.tensor([[3.0, 4.0]])
functional_call(mod, {"x": torch.zeros(1, 2)}, (inp,))
functional_call(mod, {"x": torch.zeros(1, 2)}, (inp,), {"other_inp": torch.tensor([[5.0, 6.0]])})
functional_call(mod, {"x": torch.zeros(1, 2)}, (inp, torch.tensor([[5.0, 6.0]])))
functional_call(mod, {"x": torch.zeros(1, 2)}, (inp,), {"other_inp": inp, "extra": 1})
mod(inp=inp, other_inp=inp)
KwFoo()
KwFoo(1, 2)
type(torch.tensor(1.0))
type(nn.Parameter(torch.tensor(1.0))).__name__
type(mod).__name__
type(mod)
type({}).__name__
type([]).__name__
type(None).__name__
torch.tensor(1.0).__class__.__name__
type(1) is type(2)
type(1) is type(2.0)
sorted(["b", "a", "B"])
sorted([3, 1.5, 2], reverse=True)
sorted([1, "a"])
type(m) is ArgsEcho
type(1.5) is float
type(1) is float
type(nn.Linear(1, 1)) is nn.Linear
type(nn.Linear(1, 1)) is nn.ReLU
type(torch.tensor(1.0)) is type(nn.Parameter(torch.tensor(1.0)))
