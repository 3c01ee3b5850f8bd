# case 16 args_none_kwargs_only
# args=None -> no positional args; kwargs dict is passed as keyword arguments (`call` with keyword arguments only).
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
functional_call(m, d, (), {"a": torch.tensor([1.0]), "b": 2})  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
