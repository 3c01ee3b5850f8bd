# case 122 hooks_see_swapped_tensors
# Module hooks run (module.__call__): a forward pre-hook sees the supplied weight; a forward
# hook can change the output.
import torch
import torch.nn as nn
from torch.func import functional_call

m = nn.Linear(1, 1)
with torch.no_grad():
    m.weight.copy_(torch.tensor([[0.5]]))
    m.bias.copy_(torch.tensor([0.0]))
seen = {}
def pre(mod, args):
    seen["weight_in_pre_hook"] = mod.weight.detach().tolist()
def post(mod, args, out):
    return out * 10
h_pre = m.register_forward_pre_hook(pre)
h_post = m.register_forward_hook(post)
d = {"weight": torch.tensor([[2.0]])}
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
functional_call(m, d, (torch.tensor([[1.0]]),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
seen   #= key seen
