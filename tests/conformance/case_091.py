# case 91 inplace_buffer
# test_in_place_operator: self.foo.add_(1) mutates the supplied tensor in place; dict entry is
# the same object, now 3; module unchanged.
import torch
import torch.nn as nn
from torch.func import functional_call

class InplaceFoo(nn.Module):
    def __init__(self):
        super().__init__()
        self.foo = nn.Buffer(torch.tensor([0.0]))
    def forward(self, x):
        self.foo.add_(1)
        return x + self.foo
m = InplaceFoo()
foo = torch.tensor([2.0])
d = {"foo": foo}
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
functional_call(m, d, (torch.tensor([1.0]),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
foo   #= key supplied_tensor_after
