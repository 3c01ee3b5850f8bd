# case 23 tied_view_is_distinct
# A view of the same storage is a different object -> ValueError (identity, not storage/value).
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
d = {"foo": z, "foo_tied": z.view(())}
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
functional_call(m, d, (torch.zeros(()),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
