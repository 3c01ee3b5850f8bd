# case 89 doc_rebind_parameter_typeerror
# Same forward but foo is an nn.Parameter: rebinding a parameter slot to a plain tensor raises
# TypeError (even though the slot currently holds the plain supplied tensor).
import torch
import torch.nn as nn
from torch.func import functional_call

class RebindFoo(nn.Module):
    def __init__(self):
        super().__init__()
        self.foo = nn.Parameter(torch.tensor(0.0))
    def forward(self, x):
        self.foo = self.foo + 1
        return x + self.foo
m = RebindFoo()
d = {"foo": torch.zeros(())}
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
functional_call(m, d, (torch.ones(()),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
