# case 18 kwargs_keyword_only_forward
# test_functional_call_with_kwargs: keyword-only forward arg; missing -> TypeError from forward;
# supplied via kwargs -> works (plain tensor attribute 'x' swapped to zeros).
import torch
import torch.nn as nn
from torch.func import functional_call

class KwFoo(nn.Module):
    def __init__(self, x):
        super().__init__()
        self.x = x
    def forward(self, inp, *, other_inp):
        return inp * self.x + other_inp
mod = KwFoo(torch.tensor([[1.0, 2.0]]))
inp = torch.tensor([[3.0, 4.0]])
other = torch.tensor([[5.0, 6.0]])
#= scope missing_kwarg
d1 = {"x": torch.zeros(1, 2)}
{**dict(mod.named_parameters(remove_duplicate=False)), **dict(mod.named_buffers(remove_duplicate=False))}  #= module
d1   #= dicts
functional_call(mod, d1, (inp,))  #= call
{**dict(mod.named_parameters(remove_duplicate=False)), **dict(mod.named_buffers(remove_duplicate=False))}  #= module
d1   #= dicts
#= scope with_kwargs
d2 = {"x": torch.zeros(1, 2)}
{**dict(mod.named_parameters(remove_duplicate=False)), **dict(mod.named_buffers(remove_duplicate=False))}  #= module
d2   #= dicts
functional_call(mod, d2, (inp,), {"other_inp": other})  #= call
{**dict(mod.named_parameters(remove_duplicate=False)), **dict(mod.named_buffers(remove_duplicate=False))}  #= module
d2   #= dicts
#= scope all_via_kwargs
d3 = {"x": torch.zeros(1, 2)}
{**dict(mod.named_parameters(remove_duplicate=False)), **dict(mod.named_buffers(remove_duplicate=False))}  #= module
d3   #= dicts
functional_call(mod, d3, (), {"inp": inp, "other_inp": other})  #= call
{**dict(mod.named_parameters(remove_duplicate=False)), **dict(mod.named_buffers(remove_duplicate=False))}  #= module
d3   #= dicts
#= scope
mod.x   #= key module_x_after
