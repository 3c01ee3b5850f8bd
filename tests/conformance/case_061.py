# case 61 unknown_key_read_in_forward
# test_setattr_strict: forward reads self.extra which exists only through the dict; without it
# -> AttributeError from Module.__getattr__.
import torch
import torch.nn as nn
from torch.func import functional_call

class Bar(nn.Module):
    def forward(self, x):
        return x + self.extra
m = Bar()
d = {"extra": torch.zeros(())}
#= scope with_extra
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
functional_call(m, d, (torch.ones(()),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
#= scope
hasattr(m, "extra")   #= key hasattr_extra_after
e = {}
#= scope without_extra
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
e   #= dicts
functional_call(m, e, (torch.ones(()),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
e   #= dicts
