# Forward pre-hooks and forward hooks: they run in module(...) and in functional_call (seeing the
# swapped tensors); a pre-hook's non-None result replaces the arguments (a non-tuple is wrapped),
# a forward hook's replaces the output; handles remove them.
import torch
import torch.nn as nn
from torch.func import functional_call

lin = nn.Linear(1, 1)
with torch.no_grad():
    lin.weight.fill_(0.5)
    lin.bias.zero_()
seen = {}
def pre(mod, args):
    seen["w"] = mod.weight.detach().tolist()
    seen["n_args"] = len(args)
def post(mod, args, out):
    return out * 10
h1 = lin.register_forward_pre_hook(pre)
h2 = lin.register_forward_hook(post)
h2
type(h2).__name__
functional_call(lin, {"weight": torch.tensor([[2.0]])}, (torch.tensor([[1.0]]),))
seen
lin(torch.tensor([[1.0]]))
seen
h2.remove()
h2.remove()
lin(torch.tensor([[1.0]]))
def double(mod, args):
    return args[0] * 2
h3 = lin.register_forward_pre_hook(double)
lin(torch.tensor([[1.0]]))
def plus_one(mod, args):
    return (args[0] + 1,)
h4 = lin.register_forward_pre_hook(plus_one, prepend=True)
lin(torch.tensor([[1.0]]))
h3.remove()
h4.remove()
lin(torch.tensor([[1.0]]))
lin.register_forward_hook(post, True)
lin.register_forward_pre_hook()
h5 = lin.register_forward_hook(3)
lin(torch.tensor([[1.0]]))
h5.remove()
h1()
def boom(mod, args):
    return mod.missing
h6 = lin.register_forward_pre_hook(boom)
functional_call(lin, {"weight": torch.tensor([[2.0]])}, (torch.tensor([[1.0]]),))
{**dict(lin.named_parameters()), **dict(lin.named_buffers())}
h6.remove()
class Outer(nn.Module):
    def __init__(self):
        super().__init__()
        self.inner = nn.Linear(1, 1)
    def forward(self, x):
        return self.inner(x)
o = Outer()
def zero_out(mod, args, out):
    return out * 0
h7 = o.inner.register_forward_hook(zero_out)
o(torch.tensor([[3.0]]))
functional_call(o, {"inner.bias": torch.tensor([5.0])}, (torch.tensor([[3.0]]),))
