# case 54 strict_precedence_tie_first
# Error order: the tie check (ValueError) runs before the strict check.
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
d = {"l1.bias": torch.tensor([0.0]), "tied_bias": torch.tensor([1.0]), "extra": torch.tensor(0.0)}
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
functional_call(m, d, (torch.tensor([[1.0]]),), strict=True)  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
