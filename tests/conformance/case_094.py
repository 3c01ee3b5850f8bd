# case 94 inplace_with_tuple_of_dicts
# Tuple-of-dicts input: in-place mutation is still visible because the tensor object is shared.
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
(d,)   #= dicts
functional_call(m, (d,), (torch.tensor([1.0]),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
(d,)   #= dicts
