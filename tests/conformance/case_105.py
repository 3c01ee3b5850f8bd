# case 105 dropout_train_seeded
# Dropout(0.5) in train mode after torch.manual_seed(0): elements are 0 or 2*x (values depend on
# torch's CPU RNG).
import torch
import torch.nn as nn
from torch.func import functional_call

m = nn.Dropout(0.5)
m.train()
d = {}
x = torch.ones(8)
torch.manual_seed(0)
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
functional_call(m, d, (x,))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
