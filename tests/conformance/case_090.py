# case 90 doc_rebind_plain_attribute
# Same forward, foo a plain tensor attribute: swapped via setattr; rebinding works; module
# restored; dict gets the new tensor.
import torch
import torch.nn as nn
from torch.func import functional_call

class RebindFoo(nn.Module):
    def __init__(self):
        super().__init__()
        self.foo = torch.tensor(0.0)
    def forward(self, x):
        self.foo = self.foo + 1
        return x + self.foo
m = RebindFoo()
d = {"foo": torch.tensor(2.0)}
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
functional_call(m, d, (torch.ones(()),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
m.foo   #= key mod_foo_after
