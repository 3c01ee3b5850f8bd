# case 128 submodule_relative_names
# functional_call on a submodule uses names relative to it ('weight', not 'l1.weight'); a root-
# relative name fails because the prefix 'l1' is not an attribute of the submodule.
import torch
import torch.nn as nn
from torch.func import functional_call

class MockModule(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = nn.Linear(1, 1)
        self.buffer = nn.Buffer(torch.ones(1))
        self.foo = 0.0
        with torch.no_grad():
            self.l1.weight.copy_(torch.tensor([[0.5]]))
            self.l1.bias.copy_(torch.tensor([0.25]))
    def forward(self, x):
        return self.l1(x) + self.buffer
m = MockModule()
d1 = {"weight": torch.tensor([[2.0]])}
#= scope relative
{**dict(m.l1.named_parameters(remove_duplicate=False)), **dict(m.l1.named_buffers(remove_duplicate=False))}  #= module
d1   #= dicts
functional_call(m.l1, d1, (torch.tensor([[3.0]]),))  #= call
{**dict(m.l1.named_parameters(remove_duplicate=False)), **dict(m.l1.named_buffers(remove_duplicate=False))}  #= module
d1   #= dicts
d2 = {"l1.weight": torch.tensor([[2.0]])}
#= scope root_relative_name
{**dict(m.l1.named_parameters(remove_duplicate=False)), **dict(m.l1.named_buffers(remove_duplicate=False))}  #= module
d2   #= dicts
functional_call(m.l1, d2, (torch.tensor([[3.0]]),))  #= call
{**dict(m.l1.named_parameters(remove_duplicate=False)), **dict(m.l1.named_buffers(remove_duplicate=False))}  #= module
d2   #= dicts
