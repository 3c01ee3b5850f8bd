# case 86 returned_tensor_is_dict_value
# Forward returning self.w returns the supplied object itself.
import torch
import torch.nn as nn
from torch.func import functional_call

class R(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor(1.0))
    def forward(self):
        return self.w
m = R()
v = torch.tensor(4.0)
d = {"w": v}
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
out = functional_call(m, d, ())  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
out is v   #= key returned_is_supplied
