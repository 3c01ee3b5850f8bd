# Tied weights and the tie_weights flag (torch.func.functional_call, PyTorch 2.13).
#
# The documentation's example: `foo` and `foo_tied` are one Parameter (value 1) registered
# under two names; forward returns x + foo + foo_tied.

import torch
import torch.nn as nn
from torch.func import functional_call

class Foo(nn.Module):
    def __init__(self):
        super().__init__()
        self.foo = nn.Parameter(torch.tensor(1.0))
        self.foo_tied = self.foo         # the same Parameter object under a second name: a tie
    def forward(self, x):
        return x + self.foo + self.foo_tied
mod = Foo()

# One tensor object, two names (the `#N` ids are object ids: equal ids, one object).
mod  # fcall: ties mod
mod  # fcall: show mod

a = {"foo": torch.zeros(())}
print(mod.foo)                           # the docs: tensor(1.) (a Parameter)

# A plain call: 0 + 1 + 1 = 2.
mod(torch.zeros(()))

# tie_weights=True (the default): the value given for `foo` is used for every name tied to it,
# so foo_tied is 0 too: 0 + 0 + 0 = 0. The alias is never added to the caller's dict.
functional_call(mod, a, (torch.zeros(()),))

# tie_weights=False: only `foo` is swapped; foo_tied keeps the module's tensor (1): 0 + 0 + 1.
functional_call(mod, a, (torch.zeros(()),), tie_weights=False)

# Passing the SAME object for both names is allowed with tie_weights=True: 0.
z = torch.zeros(())
functional_call(mod, {"foo": z, "foo_tied": z}, (torch.zeros(()),))

# The documentation's last line, {'foo': zeros, 'foo_tied': zeros} with two distinct tensors,
# does not return tensor(0.): it raises. See tied_distinct_values.py.

# The module is unchanged by all of this, and the tie is intact.
mod.foo
print(mod.foo is mod.foo_tied)
