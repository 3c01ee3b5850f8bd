# case 12 ordered_dict_single
# An OrderedDict counts as a dict (used directly, so write-back lands in it and its type is
# kept).
import torch
import torch.nn as nn
from torch.func import functional_call
from collections import OrderedDict

class RebindFoo(nn.Module):
    def __init__(self):
        super().__init__()
        self.foo = nn.Buffer(torch.tensor(0.0))
    def forward(self, x):
        self.foo = self.foo + 1
        return x + self.foo
m = RebindFoo()
foo = torch.tensor(2.0)
d = OrderedDict(foo=foo)
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
functional_call(m, d, (torch.tensor(0.0),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
type(d).__name__  #= key dict_type_after
foo   #= key original_value_object_untouched
