# case 75 tensor_for_none_buffer
# A buffer registered as None can be supplied and is used; afterwards it is None again.
import torch
import torch.nn as nn
from torch.func import functional_call

class NBuf(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("nb", None)
    def forward(self, x):
        if self.nb is None:
            return x
        return x + self.nb
m = NBuf()
d = {"nb": torch.tensor([5.0])}
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
functional_call(m, d, (torch.tensor([1.0]),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
repr(m.nb)   #= key nb_after
