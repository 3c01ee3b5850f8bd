# case 52 strict_nonpersistent_buffer_required
# strict checks named_buffers (not state_dict): a persistent=False buffer is required although
# it is absent from state_dict.
import torch
import torch.nn as nn
from torch.func import functional_call

class NP(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor(1.0))
        self.register_buffer("np_buf", torch.tensor(2.0), persistent=False)
    def forward(self, x):
        return x * self.w + self.np_buf
m = NP()
list(m.state_dict().keys())  #= key state_dict_keys
list(dict(m.named_buffers()).keys())  #= key named_buffers
d1 = {"w": torch.tensor(3.0)}
#= scope without_np_buf
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d1   #= dicts
functional_call(m, d1, (torch.tensor(1.0),), strict=True)  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d1   #= dicts
d2 = {"w": torch.tensor(3.0), "np_buf": torch.tensor(10.0)}
#= scope with_np_buf
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d2   #= dicts
functional_call(m, d2, (torch.tensor(1.0),), strict=True)  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d2   #= dicts
