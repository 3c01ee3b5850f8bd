# case 37 state_dict_of_tied_model
# model.state_dict() detaches each entry separately, so tied names get DISTINCT objects ->
# ValueError with the default tie_weights=True; state_dict(keep_vars=True) or tie_weights=False
# work.
import torch
import torch.nn as nn
from torch.func import functional_call

class TinyLM(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(3, 2)
        self.dec = nn.Linear(2, 3, bias=False)
        self.dec.weight = self.emb.weight
        with torch.no_grad():
            self.emb.weight.copy_(torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]))
    def forward(self, idx):
        return self.dec(self.emb(idx))
m = TinyLM()
sd = m.state_dict()
idx = torch.tensor([0, 2])
sd["emb.weight"] is sd["dec.weight"]   #= key state_dict_same_object
#= scope default
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
sd   #= dicts
functional_call(m, sd, (idx,))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
sd   #= dicts
kv = m.state_dict(keep_vars=True)
#= scope keep_vars
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
kv   #= dicts
functional_call(m, kv, (idx,))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
kv   #= dicts
sd2 = m.state_dict()
#= scope tie_false
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
sd2   #= dicts
functional_call(m, sd2, (idx,), tie_weights=False)  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
sd2   #= dicts
