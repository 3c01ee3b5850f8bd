# case 43 two_conflicting_groups
# Conflicts in two tied groups: only one is reported; WHICH one depends on set iteration order
# of the given names (string-hash order; recorded under PYTHONHASHSEED=0).
# PyTorch reports the group met first in string-hash order (recorded with PYTHONHASHSEED=0);
# fcall makes that choice deterministically.
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
d = {"l1.bias": torch.tensor([0.0]), "tied_bias": torch.tensor([1.0]), "buffer": torch.tensor([0.0]), "tied_buffer": torch.tensor([1.0])}
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
functional_call(m, d, (torch.tensor([[1.0]]),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
