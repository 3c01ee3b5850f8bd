# case 19 doc_tied_default
# Docstring: foo/foo_tied tied (value 1). mod(0)=2; functional_call(mod, {'foo': 0}, 0) -> 0
# because foo_tied follows foo.
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
m(torch.zeros(()))  #= key plain_module_call
d = {"foo": torch.zeros(())}
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
functional_call(m, d, (torch.zeros(()),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
