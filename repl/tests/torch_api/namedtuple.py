# collections.namedtuple as model code uses it: fields from a list or a str, positional and
# keyword construction, attributes, indexing and unpacking, _fields / _replace / _asdict,
# repr, equality with tuples, and namedtuples through forward and torch.func (pytree nodes).
from collections import namedtuple
import torch
import torch.nn as nn
from torch.func import vmap, grad

Point = namedtuple("Point", ["x", "y"])
P3 = namedtuple("P3", "a, b c")
p = Point(1, y=2)
print(p, repr(p), P3(1, 2, 3), Point)
print(p.x, p.y, p[0], p[-1], p[:1], len(p), list(p))
a, b = p
print(a, b, p == (1, 2), (1, 2) == p, p == Point(1, 2), p != Point(2, 1))
print(p._fields, p._replace(y=5), p._asdict(), p)
print(type(p).__name__, isinstance(p, tuple), isinstance(p, Point), isinstance((1, 2), Point))
print(hash(p) == hash((1, 2)), p + (3,), tuple(p), 2 in p)
D = namedtuple("D", "a b", defaults=[9])
print(D(1), D(1, 2), D(a=3))
for make in [lambda: Point(1), lambda: Point(1, 2, 3), lambda: Point(1, x=2), lambda: Point(1, z=2),
             lambda: P3(), lambda: p._replace(z=1), lambda: namedtuple("Q", "x x"),
             lambda: namedtuple("Q", "_x"), lambda: namedtuple("Q", "1x")]:
    try:
        make()
    except (TypeError, ValueError) as e:
        print(type(e).__name__, e)

Out = namedtuple("Out", "logits loss")
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 2)
    def forward(self, x):
        y = self.fc(x)
        return Out(y, y.sum())
_ = torch.manual_seed(0)
m = M()
o = m(torch.ones(1, 3))
print(type(o).__name__, o.logits.shape, o.loss.shape, o._fields)

def f(x):
    return Out(x * 2, (x ** 2).sum())
r = vmap(f)(torch.arange(6.0).reshape(3, 2))
print(type(r).__name__, r)
print(vmap(lambda q: q.x + q.y)(Point(torch.ones(3), torch.arange(3.0))))
g = grad(lambda q: (q.x * q.y).sum())(Point(torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0])))
print(type(g).__name__, g)

from typing import NamedTuple
x = 100
class Cfg(NamedTuple):
    """A config."""
    x: int
    lr: float = 0.1
    name: str = "m"
c = Cfg(3)
print(c, c._fields, c.lr, c == (3, 0.1, "m"), Cfg(1, name="q"), type(c).__name__, isinstance(c, tuple))
print(c._replace(lr=0.5), c._asdict())
Pair = NamedTuple("Pair", [("a", torch.Tensor), ("b", int)])
print(Pair(torch.ones(2), 3))
try:
    Cfg()
except TypeError as e:
    print(type(e).__name__, e)
