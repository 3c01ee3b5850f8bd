# case 62 unknown_key_parameter_registered
# Unknown key with an nn.Parameter value goes through Module.__setattr__ and is REGISTERED as a
# parameter during the call (visible in self.parameters()); a plain tensor is not.
import torch
import torch.nn as nn
from torch.func import functional_call

class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = nn.Linear(1, 1)
        with torch.no_grad():
            self.l1.weight.copy_(torch.tensor([[0.5]]))
            self.l1.bias.copy_(torch.tensor([0.25]))
    def forward(self, x):
        return {
            "out": self.l1(x),
            "param_names": list(dict(self.named_parameters()).keys()),
            "buffer_names": list(dict(self.named_buffers()).keys()),
        }
m = M()
d1 = {"l1.extra": nn.Parameter(torch.tensor([1.0]))}
#= scope parameter_value
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d1   #= dicts
functional_call(m, d1, (torch.tensor([[1.0]]),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d1   #= dicts
d2 = {"l1.extra": torch.tensor([1.0])}
#= scope plain_value
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d2   #= dicts
functional_call(m, d2, (torch.tensor([[1.0]]),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d2   #= dicts
d3 = {"l1.extra": nn.Buffer(torch.tensor([1.0]))}
#= scope buffer_value
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d3   #= dicts
functional_call(m, d3, (torch.tensor([[1.0]]),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d3   #= dicts
#= scope
list(dict(m.named_parameters()).keys())  #= key param_names_after
hasattr(m.l1, "extra")   #= key hasattr_after
