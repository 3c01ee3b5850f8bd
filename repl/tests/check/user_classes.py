# Python's object model for user code: plain classes and nn.Module subclasses, single
# inheritance with super(), class attributes, properties, static and class methods, dunder
# methods and decorators. Plain Python: CPython runs it unchanged (the errors these classes
# raise, with CPython's and PyTorch's wording, are in user_class_errors.py).
import torch
import torch.nn as nn


# ---- a plain class: instance and class attributes, methods bound to the instance
class Point:
    """A point in the plane."""
    dims = 2

    def __init__(self, x, y=0):
        self.x = x
        self.y = y

    def norm2(self):
        return self.x * self.x + self.y * self.y

    def shifted(self, dx, dy=0):
        return Point(self.x + dx, self.y + dy)

    def __repr__(self):
        return "Point(" + str(self.x) + ", " + str(self.y) + ")"


p = Point(3, 4)
p.norm2()
p.shifted(1).x
p.dims
Point.dims
Point.dims = 3
p.dims
p.dims = 5
(p.dims, Point.dims)
p
repr(p)
str(p)
print(p, [p, Point(1)])
type(p) is Point
type(p)
Point
Point.__name__
p.__class__
p.__class__ is Point
Point.__doc__
Point.__module__
Point.__bases__
Point.__mro__
isinstance(p, Point)
isinstance(p, object)
isinstance(3, Point)
isinstance(p, (int, Point))
issubclass(Point, object)
getattr(p, "norm2")()
hasattr(p, "x")
hasattr(p, "z")
getattr(p, "z", 7)
Point.norm2(p)
p.norm2.__name__
Point.norm2.__qualname__
p.norm2.__self__ is p


# ---- binding errors read as CPython's
class Empty:
    pass


Empty()


# ---- inheritance and super()
class Animal:
    sound = "..."

    def __init__(self, name):
        self.name = name

    def speak(self):
        return self.name + " says " + self.sound

    def kind(self):
        return "animal"


class Dog(Animal):
    sound = "woof"

    def __init__(self, name, tricks):
        super().__init__(name)
        self.tricks = tricks

    def kind(self):
        return "dog, an " + super().kind()


class Puppy(Dog):
    def __init__(self, name):
        super(Puppy, self).__init__(name, [])

    def kind(self):
        return "puppy, a " + super(Puppy, self).kind()


d = Puppy("rex")
d.speak()
d.kind()
d.tricks
isinstance(d, Animal)
isinstance(d, Dog)
issubclass(Puppy, Animal)
issubclass(Animal, Puppy)
type(d) is Dog
Puppy.__mro__
Puppy.__bases__
Animal.speak(d)


# ---- properties, static and class methods
class Counter:
    made = 0

    def __init__(self, start=0):
        Counter.made += 1
        self.n = start

    @property
    def double(self):
        return self.n * 2

    @double.setter
    def double(self, v):
        self.n = v // 2

    @property
    def frozen(self):
        return self.n

    @staticmethod
    def make(k):
        return Counter(k)

    @classmethod
    def create(cls, k):
        return cls(k + 1)


c = Counter(3)
c.double
c.double = 10
c.n
Counter.make(4).n
Counter.create(4).n
c.create(1).n
Counter.made
type(Counter.__dict__["make"])
type(Counter.__dict__["create"])
type(Counter.double)


# ---- dunder methods
class Bag:
    def __init__(self, items):
        self.items = list(items)

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]

    def __setitem__(self, i, v):
        self.items[i] = v

    def __contains__(self, x):
        return x in self.items

    def __iter__(self):
        return iter(self.items)

    def __call__(self, k, scale=1):
        return self.items[k] * scale

    def __eq__(self, other):
        return isinstance(other, Bag) and self.items == other.items

    def __add__(self, other):
        return Bag(self.items + [other])

    def __radd__(self, other):
        return Bag([other] + self.items)

    def __lt__(self, other):
        return len(self) < len(other)

    def __neg__(self):
        return Bag([-x for x in self.items])

    def __str__(self):
        return "Bag of " + str(len(self))

    def __repr__(self):
        return "Bag(" + repr(self.items) + ")"


b = Bag([1, 2, 3])
len(b)
b[1]
b[-1]
b[1] = 20
b.items
2 in b
20 in b
5 not in b
[x * 2 for x in b]
list(b)
b(1)
b(2, scale=10)
Bag([1]) == Bag([1])
Bag([1]) != Bag([1])
Bag([1]) == 1
b + 4
0 + b
Bag([1]) < Bag([1, 2])
Bag([1]) > Bag([1, 2])
-b
str(b)
repr(b)
print(b)
print([b])


class Falsy:
    def __len__(self):
        return 0


class Truthy:
    def __bool__(self):
        return True


not Falsy()
not Truthy()
"yes" if Falsy() else "no"


class Plain:
    pass


Plain() == Plain()


# ---- context managers: __enter__ / __exit__ read as bound methods
class Recorder:
    def __init__(self):
        self.log = []

    def __enter__(self):
        self.log.append("enter")
        return self

    def __exit__(self, exc_type, exc, tb):
        self.log.append("exit")
        return False


r = Recorder()
getattr(r, "__enter__")() is r
r.__exit__(None, None, None)
r.log


# ---- decorators: any callable, applied bottom up
def twice(f):
    def wrapper(*args, **kwargs):
        return f(*args, **kwargs) * 2
    return wrapper


def plus(n):
    def deco(f):
        def wrapper(*args):
            return f(*args) + n
        return wrapper
    return deco


@twice
@plus(1)
def base(x):
    return x


base(3)


class Calc:
    def __init__(self, k):
        self.k = k

    @twice
    def scaled(self, x):
        return x * self.k


Calc(5).scaled(2)


# ---- nn.Module subclasses
class Scale(nn.Module):
    factor = 2.0

    def __init__(self, n):
        super().__init__()
        self.w = nn.Parameter(torch.ones(n))
        self.n = n

    def extra_repr(self):
        return "n=" + str(self.n)

    @property
    def total(self):
        return self.w.sum()

    @staticmethod
    def helper(x):
        return x * 3

    @classmethod
    def build(cls, n):
        return cls(n)

    def forward(self, x):
        return x * self.w * self.factor


s = Scale(3)
s
print(s)
s.total
s.factor
Scale.factor
s.helper(2)
Scale.helper(2)
Scale.build(2)
s(torch.ones(3))
Scale.factor = 3.0
s(torch.ones(3))
s.factor = 1.0
s(torch.ones(3))
type(s) is Scale
type(s)
isinstance(s, nn.Module)
issubclass(Scale, nn.Module)
Scale.__mro__
s.forward
Scale.forward
[k for k, v in s.named_parameters()]


class Named(nn.Module):
    def __repr__(self):
        return "Named!"

    def forward(self, x):
        return x + 1


class Outer(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = Scale(2)
        self.b = Named()

    def forward(self, x):
        return self.b(self.a(x))


o = Outer()
o
o.b
str(o.b)
o(torch.ones(2))


class Chain(Scale):
    def __init__(self):
        super().__init__(2)
        self.extra = 5

    def forward(self, x):
        return super().forward(x) + self.extra

    def extra_repr(self):
        return super().extra_repr() + ", extra=" + str(self.extra)


ch = Chain()
ch
ch(torch.ones(2))
isinstance(ch, Scale)
[k for k, v in ch.named_parameters()]


class OldStyle(nn.Module):
    def __init__(self):
        nn.Module.__init__(self)
        self.lin = nn.Linear(1, 1)


[k for k, v in OldStyle().named_parameters()]
