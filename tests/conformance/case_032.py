# case 32 three_way_tie_all_given_same
# All three names given with one object -> ok (0 + 0 + 0).
import torch
import torch.nn as nn
from torch.func import functional_call

class TiedFoo3(nn.Module):
    def __init__(self):
        super().__init__()
        self.foo = nn.Parameter(torch.tensor(1.0))
        self.foo_tied = self.foo
        self.foo_tied2 = self.foo
    def forward(self, x):
        return x + self.foo + 10 * self.foo_tied + 100 * self.foo_tied2
m = TiedFoo3()
z = torch.zeros(())
d = {"foo": z, "foo_tied": z, "foo_tied2": z}
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
functional_call(m, d, (torch.zeros(()),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
