# case 92 inplace_param_slot
# In-place add_ on a parameter slot: fine with a plain tensor (mutated); a leaf tensor with
# requires_grad=True -> RuntimeError.
import torch
import torch.nn as nn
from torch.func import functional_call

class InplaceFoo(nn.Module):
    def __init__(self):
        super().__init__()
        self.foo = nn.Parameter(torch.tensor([0.0]))
    def forward(self, x):
        self.foo.add_(1)
        return x + self.foo
m = InplaceFoo()
plain = torch.tensor([2.0])
leaf = torch.tensor([2.0], requires_grad=True)
d1 = {"foo": plain}
#= scope plain_tensor
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d1   #= dicts
functional_call(m, d1, (torch.tensor([1.0]),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d1   #= dicts
d2 = {"foo": leaf}
#= scope leaf_requires_grad
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d2   #= dicts
functional_call(m, d2, (torch.tensor([1.0]),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d2   #= dicts
d3 = {}
#= scope no_dict_module_param
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d3   #= dicts
functional_call(m, d3, (torch.tensor([1.0]),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d3   #= dicts
