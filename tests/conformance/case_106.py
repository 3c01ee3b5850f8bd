# case 106 parametrization_original_key
# Key 'parametrizations.weight.original': the parametrization (clamp>=0) is applied to the
# supplied value: [-5,3] -> [0,3]; x=[1,1] -> 3; original restored exactly; dict entry same
# object.
import torch
import torch.nn as nn
from torch.func import functional_call

class ClampPos(nn.Module):
    def forward(self, X):
        return X.clamp(min=0)
    def right_inverse(self, Y):
        return Y
m = nn.Linear(2, 1, bias=False)
with torch.no_grad():
    m.weight.copy_(torch.tensor([[-1.0, 2.0]]))
nn.utils.parametrize.register_parametrization(m, "weight", ClampPos())
d = {"parametrizations.weight.original": torch.tensor([[-5.0, 3.0]])}
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
functional_call(m, d, (torch.tensor([[1.0, 1.0]]),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
m.weight   #= key weight_property_after
