# case 28 tie_false_distinct_values
# tie_weights=False: l1.bias=5 and tied_bias=7 are both used: 1*1 + 5 + 7 + 1 + 1.
import torch
import torch.nn as nn
from torch.func import functional_call

class MockTiedModule(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = nn.Linear(1, 1)
        self.tied_bias = self.l1.bias
        self.buffer = nn.Buffer(torch.ones(1))
        self.tied_buffer = self.buffer
        with torch.no_grad():
            self.l1.weight.copy_(torch.tensor([[0.5]]))
            self.l1.bias.copy_(torch.tensor([0.25]))
    def forward(self, x):
        return self.l1(x) + self.tied_bias + self.buffer + self.tied_buffer
m = MockTiedModule()
d = {"l1.weight": torch.tensor([[1.0]]), "l1.bias": torch.tensor([5.0]), "tied_bias": torch.tensor([7.0])}
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
functional_call(m, d, (torch.tensor([[1.0]]),), tie_weights=False)  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
