# inspect.signature as functional code reads it: parameter names, kinds and defaults, str() and
# repr() of signatures and parameters, of functions, lambdas, methods (bound or not), classes and
# module instances.
import inspect
import torch
import torch.nn as nn

def f(a, b=1, *args, c, d=2.5, **kw):
    return a

def g(x, /, y, *, z=None):
    return x

h = lambda p, q=(1, 2): p

class Net(nn.Module):
    def __init__(self, n=3):
        super().__init__()
        self.lin = nn.Linear(n, n)

    def forward(self, x, scale=1.0):
        return self.lin(x) * scale

class Plain:
    def __init__(self, a, *rest, key="k"):
        self.a = a

    def method(self, u, v=0):
        return u + v

class Empty:
    pass

net = Net()
for fn in [f, g, h, net.forward, Net.forward, Net, Plain, Plain(1).method, Empty, net]:
    sig = inspect.signature(fn)
    print(str(sig))
    print(repr(sig))
    print(list(sig.parameters))
    print(len(sig.parameters))
    for name, p in sig.parameters.items():
        print(name, p.name, str(p), repr(p), p.kind, repr(p.kind), p.kind.name, p.kind.value, p.kind.description)
        print(p.default is inspect.Parameter.empty, p.annotation is inspect.Parameter.empty, p.default)
        print(p.kind == inspect.Parameter.POSITIONAL_OR_KEYWORD, p.kind == p.VAR_POSITIONAL, p.kind is inspect.Parameter.KEYWORD_ONLY)
    print(sig.return_annotation is inspect.Signature.empty)

n_args = len(inspect.signature(f).parameters)
print(n_args)
print([p.name for p in inspect.signature(g).parameters.values() if p.default is inspect.Parameter.empty])
print(inspect.Parameter.empty is inspect._empty)
print(inspect.Parameter.empty)
print(inspect.isclass(Net), inspect.isclass(net))
try:
    inspect.signature(3)
except TypeError as e:
    print("TypeError", e)
