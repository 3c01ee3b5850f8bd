# case 97 rebind_unknown_key
# Unknown key 'extra' rebound in forward (self.extra = self.extra * 2): dict receives the new
# tensor; attribute removed afterwards.
import torch
import torch.nn as nn
from torch.func import functional_call

class E(nn.Module):
    def forward(self, x):
        self.extra = self.extra * 2
        return x + self.extra
m = E()
d = {"extra": torch.tensor(3.0)}
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
functional_call(m, d, (torch.tensor(1.0),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
hasattr(m, "extra")   #= key hasattr_extra_after
