# The errors of user classes, with CPython's and PyTorch's wording: binding errors of
# constructors and methods, missing attributes, super() misuse, property setters, dunder
# methods that are missing or return the wrong type, and nn.Module subclasses whose __init__
# assigns parameters or submodules before super().__init__().
import torch
import torch.nn as nn


class Point:
    def __init__(self, x, y=0):
        self.x = x
        self.y = y

    def norm2(self):
        return self.x * self.x + self.y * self.y

    def shifted(self, dx, dy=0):
        return Point(self.x + dx, self.y + dy)


class Empty:
    pass


p = Point(3, 4)
Empty(1)
Point()
Point(1, 2, 3)
Point(1, z=2)
p.norm2(1)
p.shifted()
Point.norm2()
p.nope
Point.nope


class BadInit:
    def __init__(self):
        return 1


BadInit()


class NoParent:
    def f(self):
        return super().f()


NoParent().f()
super()


class Frozen:
    @property
    def n(self):
        return 1


Frozen().n = 2


class Plain:
    pass


len(Plain())
Plain()[0]
Plain()[0] = 1
Plain()(1)
Plain() + 1
1 in Plain()
-Plain()
Plain() < Plain()
[x for x in Plain()]


class BadRepr:
    def __repr__(self):
        return 3


repr(BadRepr())
str(BadRepr())
print(BadRepr())


class NegLen:
    def __len__(self):
        return -1


len(NegLen())


class BadBool:
    def __bool__(self):
        return 1


not BadBool()


class NoForward(nn.Module):
    pass


NoForward()(1)
NoForward(1)


class Fwd(nn.Module):
    def forward(self, x):
        return x


Fwd()()
Fwd()(1, 2)
Fwd().forward()


class SuperForward(nn.Module):
    def forward(self, x):
        return super().forward(x)


SuperForward()(1)


class NoSuperModule(nn.Module):
    def __init__(self):
        self.x = 1
        self.lin = nn.Linear(2, 2)


class NoSuperParam(nn.Module):
    def __init__(self):
        self.w = nn.Parameter(torch.zeros(2))


class NoSuperBuffer(nn.Module):
    def __init__(self):
        self.register_buffer("b", torch.zeros(2))


class NoSuperPlain(nn.Module):
    def __init__(self):
        self.t = torch.zeros(2)
        self.k = 3


NoSuperModule()
NoSuperParam()
NoSuperBuffer()
ns = NoSuperPlain()
ns.k
ns.t
ns.training
ns.other
ns(1)
list(ns.parameters())
repr(ns)
ns.register_parameter("w", None)


class InitArgs(nn.Module):
    def __init__(self, a):
        super().__init__()
        self.a = a


InitArgs()
InitArgs(1, 2)


class SuperArgs(nn.Module):
    def __init__(self):
        super().__init__(3)


class SuperKwargs(nn.Module):
    def __init__(self):
        super().__init__(a=3)


SuperArgs()
SuperKwargs()


class Broken(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(2, 3)

    def forward(self, x):
        return self.helper(x)

    def helper(self, x):
        return self.lin(x) @ torch.ones(2)


Broken()(torch.ones(2))
