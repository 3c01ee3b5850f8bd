# case 38 shared_submodule_tie_true_corrupts
# BUG: the same Linear registered as a and b. tie_weights=True expands a.weight to b.weight;
# both names hit one slot, restore runs in insertion order, so the module KEEPS the supplied
# tensor after the call.
import torch
import torch.nn as nn
from torch.func import functional_call

class Shared(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(1, 1)
        self.b = self.a
        with torch.no_grad():
            self.a.weight.copy_(torch.tensor([[0.5]]))
            self.a.bias.copy_(torch.tensor([0.25]))
    def forward(self, x):
        return self.a(x) + self.b(x)
m = Shared()
V = torch.tensor([[5.0]])
d = {"a.weight": V}
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
functional_call(m, d, (torch.tensor([[1.0]]),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
m.a.weight is V   #= key module_weight_is_supplied_tensor
list(dict(m.named_parameters(remove_duplicate=False)).keys())  #= key names_remove_duplicate_false
