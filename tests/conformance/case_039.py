# case 39 shared_submodule_tie_false_ok
# tie_weights=False with a.weight only: one swap, correctly restored; b sees the value anyway
# (same module object).
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
d = {"a.weight": torch.tensor([[5.0]])}
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
functional_call(m, d, (torch.tensor([[1.0]]),), tie_weights=False)  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
