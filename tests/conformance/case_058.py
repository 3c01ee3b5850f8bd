# case 58 strict_shared_submodule_aliases
# Shared submodule: strict with tie_weights=False needs both alias paths; with tie_weights=True
# it passes (but see the corruption case).
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
d1 = {"a.weight": torch.tensor([[2.0]]), "a.bias": torch.tensor([0.0])}
#= scope tie_false
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d1   #= dicts
functional_call(m, d1, (torch.tensor([[1.0]]),), strict=True, tie_weights=False)  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d1   #= dicts
m2 = Shared()
d2 = {"a.weight": d1["a.weight"], "a.bias": d1["a.bias"]}
#= scope tie_true
{**dict(m2.named_parameters(remove_duplicate=False)), **dict(m2.named_buffers(remove_duplicate=False))}  #= module
d2   #= dicts
functional_call(m2, d2, (torch.tensor([[1.0]]),), strict=True)  #= call
{**dict(m2.named_parameters(remove_duplicate=False)), **dict(m2.named_buffers(remove_duplicate=False))}  #= module
d2   #= dicts
