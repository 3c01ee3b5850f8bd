# case 21 doc_tied_distinct_values_error
# Docstring claims {'foo': zeros, 'foo_tied': zeros} (two distinct tensors) returns 0; real:
# ValueError (tie check is by object identity). The docstring's literal torch.zeros() also
# raises.
import torch
import torch.nn as nn
from torch.func import functional_call

class TiedFoo(nn.Module):
    def __init__(self):
        super().__init__()
        self.foo = nn.Parameter(torch.tensor(1.0))
        self.foo_tied = self.foo
    def forward(self, x):
        return x + self.foo + self.foo_tied
m = TiedFoo()
d = {"foo": torch.zeros(()), "foo_tied": torch.zeros(())}
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
functional_call(m, d, (torch.zeros(()),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
#= skip docstring_literal_torch_zeros_no_args torch.zeros() without a size is Python's signature error; fcall's zeros() is zeros(())
