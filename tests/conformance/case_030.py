# case 30 three_way_tie_two_given_keyerror
# BUG: tied group of 3 names, 2 given (even the same object) -> KeyError for the third name (the
# value check indexes the caller's dict with every tied name).
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
d = {"foo": z, "foo_tied": z}
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
functional_call(m, d, (torch.zeros(()),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
