# The documentation's tied-weights example, last line:
#
#   new_a = {'foo': torch.zeros(()), 'foo_tied': torch.zeros(())}
#   functional_call(mod, new_a, torch.zeros()) # tensor(0.)
#
# What really happens in PyTorch 2.13: ValueError. With tie_weights=True, functional_call
# checks that all the names of a tied group that you pass hold ONE tensor object. The check
# is by identity, not by value: two separate zeros tensors are two objects, so they are
# "multiple values" even though they are equal. (The line also calls `torch.zeros()` without a
# size, which itself raises TypeError in PyTorch;)

import torch
import torch.nn as nn
from torch.func import functional_call

class Foo(nn.Module):
    def __init__(self):
        super().__init__()
        self.foo = nn.Parameter(torch.tensor(1.0))
        self.foo_tied = self.foo
    def forward(self, x):
        return x + self.foo + self.foo_tied
mod = Foo()

new_a = {"foo": torch.zeros(()), "foo_tied": torch.zeros(())}
print(new_a["foo"] is new_a["foo_tied"])  # two objects

# ValueError (PyTorch's wording), before anything is swapped: module and dict are untouched.
functional_call(mod, new_a, (torch.zeros(()),))

# A view of the same storage is still a different object: ValueError too.
z = torch.zeros(())
functional_call(mod, {"foo": z, "foo_tied": z.view(())}, (torch.zeros(()),))

# What works: one object for both names (0 + 0 + 0) ...
functional_call(mod, {"foo": z, "foo_tied": z}, (torch.zeros(()),))
# ... or tie_weights=False, where each name is swapped on its own (no check at all).
functional_call(mod, new_a, (torch.zeros(()),), tie_weights=False)

# The same trap with a state dict: state_dict() detaches every entry separately, so the two
# tied names get two distinct objects and the default call raises. state_dict(keep_vars=True)
# returns the Parameters themselves (one object) and works.
sd = mod.state_dict()
print(sd["foo"] is sd["foo_tied"])
functional_call(mod, sd, (torch.zeros(()),))
functional_call(mod, mod.state_dict(keep_vars=True), (torch.zeros(()),))

# A known PyTorch bug in the same check: in a tied group of THREE names, passing two of them
# (even as one object) raises KeyError for the third name, because the check indexes the
# caller's dict with every name of the group.
class Foo3(nn.Module):
    def __init__(self):
        super().__init__()
        self.foo = nn.Parameter(torch.tensor(1.0))
        self.foo_tied = self.foo
        self.foo_tied2 = self.foo
    def forward(self, x):
        return x + self.foo + 10 * self.foo_tied + 100 * self.foo_tied2
mod3 = Foo3()
functional_call(mod3, {"foo": z, "foo_tied": z}, (torch.zeros(()),))
# One name, or all three, work: 0 + 0 + 0.
functional_call(mod3, {"foo": z}, (torch.zeros(()),))
