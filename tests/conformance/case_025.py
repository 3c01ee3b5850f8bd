# case 25 mock_tied_module
# test_reparametrize_tie_weights: w=2,b=5,buf=3, x=1 -> 1*2 + 5 + 5 + 3 + 3 = 18;
# tied_bias/tied_buffer follow their partners.
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
d = {"l1.weight": torch.tensor([[2.0]]), "l1.bias": torch.tensor([5.0]), "buffer": torch.tensor([3.0])}
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
functional_call(m, d, (torch.tensor([[1.0]]),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
