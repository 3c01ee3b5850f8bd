# case 20 doc_tied_tie_weights_false
# Docstring: tie_weights=False -> foo_tied keeps module value 1 -> result 1.
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
d = {"foo": torch.zeros(())}
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
functional_call(m, d, (torch.zeros(()),), tie_weights=False)  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
