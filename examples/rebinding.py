# Rebinding a tensor attribute in forward: `self.foo = self.foo + 1` (PyTorch 2.13).
#
# The documentation illustrates its in-place note with this module:
#
#   a = {'foo': torch.zeros(())}
#   mod = Foo()  # does self.foo = self.foo + 1
#   print(mod.foo)  # tensor(0.)
#   functional_call(mod, a, torch.ones(()))
#   print(mod.foo)  # tensor(0.)
#   print(a['foo'])  # tensor(1.)
#
# `self.foo = self.foo + 1` is not an in-place operation: it makes a NEW tensor and rebinds the
# name. The dict sees it only because functional_call, after forward, writes the object found
# in each slot back into the caller's dict. So the example holds when `foo` is a buffer (or a
# plain tensor attribute) and one dict is passed; with a Parameter, forward raises TypeError,
# and with a tuple of dicts the write-back is lost.

import torch
import torch.nn as nn
from torch.func import functional_call

class Foo(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("foo", torch.zeros(()))
    def forward(self, x):
        self.foo = self.foo + 1          # a new tensor object, bound to the buffer slot
        return x + self.foo
a = {"foo": torch.zeros(())}
mod = Foo()
supplied = a["foo"]
print(mod.foo)                           # tensor(0.)
functional_call(mod, a, (torch.ones(()),))  # 1 + (0 + 1) = 2
print(mod.foo)                           # tensor(0.): restored
print(a["foo"])                          # tensor(1.): the new object, written back
# The tensor originally supplied is untouched; the dict entry is a different object now.
print(a["foo"] is supplied, supplied)

# With a tuple of dicts, functional_call merges them into a new dict, and the write-back goes
# into that merged dict, which nobody sees: the rebinding is lost.
b = {"foo": torch.zeros(())}
functional_call(mod, (b,), (torch.ones(()),))
print(b["foo"])                          # still tensor(0.)

# The same forward when `foo` is a Parameter: nn.Module.__setattr__ refuses a plain tensor for
# a name registered as a parameter, even though functional_call itself put a plain tensor in
# that slot. TypeError from forward; the module is restored and the dict keeps its object.
class FooParam(nn.Module):
    def __init__(self):
        super().__init__()
        self.foo = nn.Parameter(torch.zeros(()))
    def forward(self, x):
        self.foo = self.foo + 1
        return x + self.foo
pmod = FooParam()
c = {"foo": torch.zeros(())}
functional_call(pmod, c, (torch.ones(()),))
c
pmod.foo

# A plain (unregistered) tensor attribute rebinds fine, like the buffer.
class FooPlain(nn.Module):
    def __init__(self):
        super().__init__()
        self.foo = torch.tensor(0.0)
    def forward(self, x):
        self.foo = self.foo + 1
        return x + self.foo
plain = FooPlain()
e = {"foo": torch.tensor(2.0)}
functional_call(plain, e, (torch.ones(()),))  # 1 + (2 + 1) = 4
print(e["foo"], plain.foo)               # tensor(3.) tensor(0.)

# The write-back happens even when forward raises after rebinding (it runs in a finally).
class Fails(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("foo", torch.zeros(()))
    def forward(self, x):
        self.foo = self.foo + 1
        return x + None
f = {"foo": torch.zeros(())}
functional_call(Fails(), f, (torch.ones(()),))
print(f["foo"])                          # tensor(1.)
