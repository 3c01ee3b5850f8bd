# fcall's Python statements and built-ins against CPython 3.11 + torch 2.13: try/except/else/
# finally, raise (from, bare), exception classes and objects, with (grad modes, user context
# managers), del, global/nonlocal, f-strings and the format mini-language, Python's built-ins,
# sets in CPython's order, bitwise operators. Plain Python: CPython runs it unchanged.
import torch
import torch.nn as nn
# ---- exc
try:
    raise ValueError("bad")
except ValueError as e:
    print("caught", repr(e), str(e), e.args, type(e).__name__)
try:
    {}["k"]
except KeyError as e:
    print("key", repr(e), str(e), e.args)
try:
    torch.ones(2) + torch.ones(3)
except RuntimeError as e:
    print("rt", type(e).__name__, str(e)[:40])
try:
    try:
        1 / 0
    except ZeroDivisionError:
        print("zd")
        raise
except ArithmeticError as e:
    print("outer", repr(e))
def f():
    try:
        return 1
    finally:
        print("finally runs")
print(f())
for i in range(3):
    try:
        if i == 1:
            continue
        print("i", i)
    finally:
        print("fin", i)
try:
    raise KeyError("x")
except (TypeError, LookupError) as e:
    print("tuple", repr(e))
try:
    pass
except Exception:
    print("no")
else:
    print("else")
finally:
    print("finally")
class MyError(ValueError):
    pass
try:
    raise MyError("mine")
except ValueError as e:
    print(type(e).__name__, isinstance(e, MyError), isinstance(e, ValueError), isinstance(e, Exception), repr(e))
try:
    raise TypeError("a") from KeyError("b")
except TypeError as e:
    print(repr(e.__cause__), e.__suppress_context__)
try:
    x = undefined_name
except NameError as e:
    print(e)
try:
    assert 1 == 2, "nope"
except AssertionError as e:
    print("assert", e.args)
print(issubclass(KeyError, LookupError), issubclass(KeyboardInterrupt, Exception), ValueError, ValueError.__mro__)
class E2(Exception):
    def __init__(self, code):
        super().__init__(f"code {code}")
        self.code = code
try:
    raise E2(5)
except E2 as e:
    print(e.code, e.args, str(e))
class E3(Exception):
    def __init__(self, x):
        self.x = x
print(E3(4).args)

# ---- with
x = torch.ones(2, requires_grad=True)
with torch.no_grad():
    y = x * 2
print(y.requires_grad, torch.is_grad_enabled())
with torch.no_grad():
    with torch.enable_grad():
        z = x * 2
print(z.requires_grad)
with torch.inference_mode():
    w = x * 2
print(w.requires_grad)
@torch.no_grad()
def f(a):
    return a * 3
print(f(x).requires_grad, f.__name__)
@torch.no_grad
def g(a):
    return a * 3
print(g(x).requires_grad)
_ = torch.set_grad_enabled(False)
print((x * 2).requires_grad)
_ = torch.set_grad_enabled(True)
with torch.set_grad_enabled(False):
    print((x * 2).requires_grad)
print((x * 2).requires_grad)
print(torch.no_grad().__dict__, torch.inference_mode().__dict__)
class CM:
    def __init__(self, name, suppress=False):
        self.name = name
        self.suppress = suppress
    def __enter__(self):
        print("enter", self.name)
        return self
    def __exit__(self, typ, val, tb):
        print("exit", self.name, typ.__name__ if typ is not None else None, repr(val))
        return self.suppress
with CM("a") as a, CM("b") as b:
    print("body", a.name, b.name)
with CM("s", True):
    raise ValueError("inside")
print("after suppressed")
try:
    with CM("t"):
        raise KeyError("k")
except KeyError as e:
    print("propagated", repr(e))
def loop():
    for i in range(3):
        with CM(str(i)):
            if i == 1:
                return i
print(loop())
try:
    with 5:
        pass
except TypeError as e:
    print(e)
# del
d = {"a": 1, "b": 2}
del d["a"]
print(d)
xs = [1, 2, 3, 4, 5]
del xs[0]
del xs[-1]
print(xs)
del xs[::2]
print(xs)
v = 1
del v
try:
    v
except NameError as e:
    print(e)
m = nn.Linear(2, 2)
m.extra = 5
del m.extra
del m.bias
print(m.bias if hasattr(m, "bias") else "no bias", [k for k, _ in m.named_parameters()])
seq = nn.Sequential(nn.Linear(1, 1), nn.ReLU(), nn.Tanh())
del seq[0]
print(seq)
try:
    del d["zz"]
except KeyError as e:
    print("keyerror", e)
# global / nonlocal
counter = 0
def bump():
    global counter
    counter += 1
bump(); bump()
print(counter)
def outer():
    n = 0
    def inner():
        nonlocal n
        n += 10
    inner(); inner()
    return n
print(outer())
# fstrings
pi = 3.14159
name = "fcall"
print(f"{pi:.2f} {pi:10.3f}| {name!r} {name:>8} {name=} {pi=:.1f} {42:#x} {1234567:,} {0.25:.1%}")
t = torch.tensor(1.5)
print(f"{t} {t:.3f} {torch.tensor([1., 2.])}")
w, p = 8, 3
print(f"{pi:{w}.{p}f}|")
print("{} and {:>4}".format("a", 7), "%s=%d %.2f" % ("x", 3, 2.5))
print(format(3.14159, ".3"), format(1e16), format(True, ">5"), format("ab", "^6") + "|")

# ---- bi
print(sorted([3, 1, 2]), sorted([3, 1, 2], reverse=True), sorted(["b", "a"], key=lambda s: s), sorted([(1, "b"), (0, "z"), (1, "a")]))
print(sorted([1, -3, 2], key=abs, reverse=True), sorted("bca"), sorted({"b": 1, "a": 2}))
print(min(3, 1, 2), max([1, 5, 2]), max([], default=0), min("abc"), max([1, -7], key=abs), min([[1, 2], [1]]))
print(sum([1, 2, 3]), sum([0.1] * 10), sum([[1], [2]], []), sum(x * x for x in range(4)), sum([1, 2], 10))
print(abs(-3), abs(-2.5), abs(True), abs(torch.tensor([-1.0, 2.0])))
print(all([]), any([]), all(x > 0 for x in [1, 2]), any([0, 0.0, None]))
print(list(zip([1, 2, 3], "ab")), list(enumerate("ab", start=5)), dict(zip(["a", "b"], [1, 2])))
print(list(map(lambda a, b: a + b, [1, 2], [10, 20])), list(filter(None, [0, 1, 2, 0])), list(filter(lambda v: v % 2, range(6))))
print(list(reversed([1, 2, 3])), list(reversed((1, 2))), list(reversed("ab")), reversed(torch.tensor([1, 2, 3])))
it = iter([1, 2, 3])
print(next(it), next(it), list(it), next(it, "done"))
g = (i * i for i in range(3))
print(next(g), list(g))
print(tuple([1, 2]), tuple(), list("ab"), dict(a=1, b=2), dict([("x", 1)], y=2), dict({"a": 1}, a=3))
print(int("12"), int(" -7 "), int("ff", 16), int("0x1f", 0), int(2.9), int(-2.9), int(True), int(torch.tensor(3.7)), int("1_000"))
print(float("1.5"), float(" inf "), float("-1e3"), float(3), float(torch.tensor(2.5)), float())
print(bool(), bool([]), bool([0]), str(), str(12), str(None), repr("a'b"))
print(round(2.5), round(3.5), round(-0.5), round(0.125, 2), round(2.675, 2), round(1234.5, -2), round(25, -1), round(15, -1), round(7, 0), round(1.5, None))
print(divmod(7, 2), divmod(-7, 2), divmod(7.5, 2), pow(2, 10), pow(2, -1), pow(3, 4, 5))
print(hash(1), hash(-1), hash(1.5), hash(-2.25), hash("a"), hash("hello world"), hash((1, 2)), hash(()), hash(True), hash("é"), hash((1, "a", 2.5)))
print(callable(len), callable(1), callable(lambda: 0), chr(97), ord("a"))
class O:
    pass
o = O()
setattr(o, "v", 5)
print(getattr(o, "v"), hasattr(o, "w"))
delattr(o, "v")
print(hasattr(o, "v"))
print(format(255, "#x"), format(1234.5678, ",.2f"), format("x", "*^5"), ascii("é"), format(-0.0, "z.1f"))
print(isinstance(1, int), isinstance(True, int), isinstance(1.0, (int, float)), isinstance("s", str), isinstance([], list), isinstance({}, dict), isinstance((), tuple))
print(int, float, str, bool, list, tuple, dict, type(1) is int)
print(" a b ".split(), "a,b,,c".split(","), "a.b.c".rsplit(".", 1), "-".join(["x", "y"]), "  pad ".strip(), "abc".upper(), "Hello".lower(), "abc".startswith(("x", "a")), "abc".endswith("bc"), "aaa".replace("a", "b", 2), "abc".find("c"), "x".center(5, "*"), "42".zfill(5), "a=b".partition("="))
for name, val in zip(["a", "b"], [1, 2]):
    print(name, val)
for i, (a, b) in enumerate(zip([1, 2], [3, 4])):
    print(i, a, b)
print("%5s|%-5s|%05d|%+.1f|%x|%r|%%" % ("a", "b", 42, 2.25, 255, "q"))
print(max(torch.tensor(1.0), torch.tensor(2.0)), sum(torch.tensor([1.0, 2.0, 3.0])))
print(torch.sum(torch.ones(2, 2), dim=0), torch.abs(torch.tensor([-1])))

# ---- sets
print({1, 2}, {3, 1, 2}, {10, 3, 100, 7, 1000}, set("hello"), {'b', 'a', 'c'}, set(), {x % 5 for x in range(12)})
s = {3, 1}
s.add(2); s.add(1)
print(s, len(s), 2 in s, 9 in s, 9 not in s, sorted(s))
a = {1, 2, 3, 4}
b = {3, 4, 5}
print(a | b, a & b, a - b, b - a, a ^ b, a == {4, 3, 2, 1}, a <= {1, 2, 3, 4, 5}, a < a, {1} < a, a >= b)
s.update([7, 8], {9})
print(s)
s.discard(7); s.remove(8)
print(s)
try:
    s.remove(100)
except KeyError as e:
    print("KeyError", e)
c = a.copy(); c |= {42}
print(c, a, a.union([9], (10,)), a.intersection([1, 2, 99]), a.difference({1}), a.issubset(range(10)), a.isdisjoint({99}))
words = set("the quick brown fox jumps over the lazy dog".split())
print(words)
print(sorted(words), {(1, 2), (3, 4)}, {1.5, 2.5, -1}, {-1, -2, -3}, {True, 1, 0, False})
t = set([5, 4, 3, 2, 1])
print(t, t.pop(), t)
try:
    hash({1})
except TypeError as e:
    print(e)
try:
    {[1]}
except TypeError as e:
    print(e)
print(set({"k": 1, "j": 2}), {*[1, 2], 3})
big = set(range(100)) - set(range(0, 100, 3))
print(len(big), sorted(big)[:5])
print(list({"x", "y", "z"}), [e for e in {"alpha", "beta"}])

# ---- bits
print(5 & 3, 5 | 3, 5 ^ 3, ~5, 1 << 4, -16 >> 2, -1 >> 100, 1 << 62, True & False, True | False, True ^ True, ~True, True & 3, False | 2, True << 2, True >> 1)
a = torch.tensor([1, 2, 3])
b = torch.tensor([True, False, True])
print(a & 1, a | 4, a ^ 2, ~a, a << 1, a >> 1, 1 << a, 6 & a)
print(b & True, b | False, ~b, b ^ True, b & torch.tensor([False, False, True]))
print(torch.tensor(5) & 3, 7 ^ torch.tensor([1]))
def tryit(f, label):
    try:
        print(label, "->", f())
    except Exception as e:
        print(label, "->", type(e).__name__, str(e).split("\n")[0])
tryit(lambda: 1.5 & 1, "1.5 & 1")
tryit(lambda: a & 1.5, "a & 1.5")
tryit(lambda: torch.tensor([1.0]) & 1, "f & 1")
tryit(lambda: 1 << -1, "1 << -1")
tryit(lambda: ~1.5, "~1.5")
tryit(lambda: ~torch.tensor([1.0]), "~f")
tryit(lambda: torch.tensor([1.0]) | torch.tensor([2.0]), "f | f")
b = torch.tensor([True, False, True])
tryit(lambda: b | 2, "b | 2")
tryit(lambda: a | True, "a | True")
tryit(lambda: torch.tensor([1.]) << 1, "f << 1")
tryit(lambda: torch.tensor([8]) >> torch.tensor([1]), "i >> i")
def aug2():
    t = torch.ones(2, 2); u = t
    t @= torch.ones(2, 2)
    return t, t is u
tryit(aug2, "aug @")
def aug3():
    t = torch.tensor([7.0]); u = t
    t //= 2
    return t, t is u
tryit(aug3, "aug3")
for op in ["//", "%", "&", "|", "^", "<<", ">>"]:
    t = torch.tensor([7, 8]); u = t
    if op == "//": t //= 2
    elif op == "%": t %= 2
    elif op == "&": t &= 2
    elif op == "|": t |= 2
    elif op == "^": t ^= 2
    elif op == "<<": t <<= 2
    else: t >>= 2
    print(op, t, t is u)
x = 6
x &= 3; print(x)
x |= 8; print(x)
x ^= 1; print(x)
x <<= 2; print(x)
x >>= 1; print(x)
t = torch.tensor([1, 2])
u = t
t |= 4
print(t, u is t)

# ---- more
raise_last = None
def f1():
    try:
        return "try"
    finally:
        return "finally"
print(f1())
def f2():
    try:
        raise ValueError("lost")
    finally:
        return "swallowed"
print(f2())
def f3():
    try:
        try:
            raise ValueError("first")
        finally:
            raise TypeError("second")
    except Exception as e:
        return repr(e)
print(f3())
n = 0
while True:
    try:
        n += 1
        if n == 3:
            break
    finally:
        print("fin", n)
print("n", n)
try:
    raise KeyboardInterrupt
except Exception:
    print("wrong")
except BaseException as e:
    print("base caught", type(e).__name__)
try:
    assert False
except AssertionError as e:
    print(repr(e), str(e) == "", e.args)
try:
    raise ValueError
except ValueError as err:
    print(repr(err))
try:
    err
except NameError as e:
    print(e)
class Bad:
    def __enter__(self):
        return 1
    def __exit__(self, *a):
        raise RuntimeError("exit failed")
try:
    with Bad() as v:
        print("v", v)
except RuntimeError as e:
    print(e)
class Quiet:
    def __enter__(self):
        return self
    def __exit__(self, t, v, tb):
        print("exiting with", t, v)
        return True
def g():
    with Quiet():
        return 5
print(g())
def lazy():
    out = []
    for x in map(lambda v: (print("map", v), v)[1], [1, 2, 3]):
        out.append(x)
        if x == 2:
            break
    return out
print(lazy())
class Countdown:
    def __init__(self, n):
        self.n = n
    def __iter__(self):
        return self
    def __next__(self):
        if self.n == 0:
            raise StopIteration
        self.n -= 1
        return self.n
print([x for x in Countdown(3)], list(Countdown(2)))
for x in Countdown(100000000):
    if x < 99999998:
        break
print("broke at", x)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(2, 2)
    @torch.no_grad()
    def predict(self, x):
        return self.lin(x)
    def forward(self, x):
        return self.lin(x)
_ = torch.manual_seed(0)
net = Net()
x = torch.ones(1, 2)
print(net.predict(x).requires_grad, net(x).requires_grad)
@torch.enable_grad()
def eg(x):
    return x * 2
with torch.no_grad():
    print(eg(torch.ones(1, requires_grad=True)).requires_grad)
level = "global"
def a():
    level = "a"
    def b():
        nonlocal level
        level = "b"
        def c():
            global level
            level = "c"
        c()
    b()
    return level
print(a(), level)
def d():
    v = 1
    del v
    try:
        return v
    except NameError as e:
        return type(e).__name__ + ": " + str(e)
print(d())
name = "x"
val = 3.5
print(f"{name!a} {{literal}} {val!s:>6} {'q'!r} {[1, 2]} {dict(a=1)} {None} {True:>6} {val:e} {val:G} {-val:+08.2f}")
ml = nn.ModuleList([nn.Linear(1, 1), nn.ReLU(), nn.Tanh()])
del ml[1]
print(ml)
md = nn.ModuleDict({"a": nn.ReLU(), "b": nn.Tanh()})
del md["a"]
print(md)
m = nn.Linear(1, 1)
m.register_buffer("buf", torch.zeros(1))
del m.buf
print(dict(m.named_buffers()), hasattr(m, "buf"))
try:
    del m.nothing
except AttributeError as e:
    print(e)
try:
    raise RuntimeError("outer") from None
except RuntimeError as e:
    print(e.__cause__, e.__suppress_context__)
try:
    int("x")
except ValueError as e:
    print(e)
try:
    [].pop()
except IndexError as e:
    print(e)
try:
    raise ValueError("a", 1)
except ValueError as e:
    print(e, e.args)
def reraiser():
    try:
        {}["missing"]
    except KeyError as e:
        raise e
try:
    reraiser()
except LookupError as e:
    print("reraised", repr(e))
