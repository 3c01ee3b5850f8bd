# case 22 tied_same_object_ok
# Passing the SAME tensor object for both tied names is allowed.
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
z = torch.zeros(())
d = {"foo": z, "foo_tied": z}
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
functional_call(m, d, (torch.zeros(()),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
