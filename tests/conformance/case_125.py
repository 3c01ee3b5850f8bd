# case 125 doc_multiple_dicts_example
# Docstring multiple-dicts example ({'weight': ones}, {'buffer': zeros}) on a module computing
# weight @ x + buffer returns x (the docstring's nn.Bar does not exist; a local Bar is used).
import torch
import torch.nn as nn
from torch.func import functional_call

class Bar(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.tensor([[0.5]]))
        self.buffer = nn.Buffer(torch.tensor([1.0]))
    def forward(self, x):
        return self.weight @ x + self.buffer
m = Bar()
a = ({"weight": torch.ones(1, 1)}, {"buffer": torch.zeros(1)})
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
a   #= dicts
functional_call(m, a, (torch.tensor([[2.5]]),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
a   #= dicts
