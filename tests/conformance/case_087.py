# case 87 property_without_setter_key
# Key naming a read-only @property: the getter is evaluated (hasattr), then setattr raises
# AttributeError.
import torch
import torch.nn as nn
from torch.func import functional_call

class Prop(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor(2.0))
    @property
    def scale(self):
        return self.w * 3
    def forward(self, x):
        return x * self.scale
m = Prop()
d = {"scale": torch.tensor(5.0)}
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
functional_call(m, d, (torch.tensor(1.0),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
