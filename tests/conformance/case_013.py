# case 13 args_single_tensor
# args that is not a tuple is wrapped as a single positional argument: `call`'s argument list is that tuple, (x).
import torch
import torch.nn as nn
from torch.func import functional_call

class ArgsEcho(nn.Module):
    def forward(self, *args, **kwargs):
        arg_types = []
        for a in args:
            arg_types.append(type(a).__name__)
        return {"n_args": len(args), "arg_types": arg_types, "kwarg_names": sorted(kwargs)}
m = ArgsEcho()
d = {}
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
functional_call(m, d, (torch.tensor([1.0]),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
