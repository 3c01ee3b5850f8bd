# case 107 parametrization_regular_name_sym
# Key 'weight' (regular name) with right_inverse: parametrization is NOT disabled; forward sees
# forward(right_inverse(v)) = sym(triu(v)); dict['weight'] is replaced by a NEW tensor (with
# grad_fn); original restored (lossless here).
import torch
import torch.nn as nn
from torch.func import functional_call

class Sym(nn.Module):
    def forward(self, X):
        return X.triu() + X.triu(1).transpose(-1, -2)
    def right_inverse(self, A):
        return A.triu()
m = nn.Linear(2, 2, bias=False)
with torch.no_grad():
    m.weight.copy_(torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
nn.utils.parametrize.register_parametrization(m, "weight", Sym())
orig = m.parametrizations.weight.original
d = {"weight": torch.tensor([[10.0, 20.0], [30.0, 40.0]])}
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
functional_call(m, d, (torch.tensor([[1.0, 0.0]]),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
m.parametrizations.weight.original is orig   #= key original_same_object
m.weight   #= key weight_property_after
