# In-place writes during a functional call (torch.func.functional_call, PyTorch 2.13).
#
# The documentation says: "If the module performs in-place operations on parameters/buffers,
# these will be reflected in the parameter_and_buffer_dicts input." That is true for the
# tensors you pass: the dict holds the very tensor objects that forward writes into.
# (The documentation's own code for this note, `self.foo = self.foo + 1`, is not an in-place
# operation but a rebinding; rebinding.py shows what that one really does.)

import torch
import torch.nn as nn
from torch.func import functional_call

class Foo(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("foo", torch.zeros(()))
    def forward(self, x):
        self.foo.add_(1)                 # in place: writes into the tensor in the `foo` slot
        return x + self.foo
mod = Foo()
a = {"foo": torch.zeros(())}

# The dict's tensor is swapped in, forward adds 1 to it in place: 1 + (0 + 1) = 2.
functional_call(mod, a, (torch.ones(()),))

# The dict still holds the same tensor object, now 1: the write is "reflected" in the input.
a
# The module's own buffer was never touched: it is put back as it was, still 0.
mod.foo

# A second call starts from the dict's new value: 1 + (1 + 1) = 3.
functional_call(mod, a, (torch.ones(()),))
print(a["foo"])

# A tuple of dicts is merged into a NEW dict before the call, but the tensors in it are the
# caller's objects, so an in-place write still reaches them (a rebinding would not: see
# rebinding.py).
b = {"foo": torch.zeros(())}
functional_call(mod, (b,), (torch.ones(()),))
print(b["foo"])

# What the note leaves out: a buffer that is NOT in the dict is the module's own tensor, and
# forward writes into it. The module changes permanently (BatchNorm's running statistics do
# the same: batchnorm.py).
functional_call(mod, {}, (torch.ones(()),))
mod.foo

# In place on a parameter slot. A plain tensor from the dict can be written: functional_call
# puts it into the slot as it is (no Parameter conversion, no requires_grad).
class FooParam(nn.Module):
    def __init__(self):
        super().__init__()
        self.foo = nn.Parameter(torch.zeros(()))
    def forward(self, x):
        self.foo.add_(1)
        return x + self.foo
pmod = FooParam()
p = {"foo": torch.zeros(())}
functional_call(pmod, p, (torch.ones(()),))
# But a leaf tensor that requires grad cannot be written in place: passing the module's own
# Parameters (or calling the module plainly) raises autograd's RuntimeError inside forward.
# The module is restored all the same.
functional_call(pmod, dict(pmod.named_parameters()), (torch.ones(()),))
pmod.foo
