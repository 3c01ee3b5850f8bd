# case 116 vmap_ensemble_stack_module_state
# stack_module_state + vmap over (params, buffers): two Linear(2,1) models in one call -> shape
# (2, B, 1).
import torch
import torch.nn as nn
from torch.func import functional_call, vmap, stack_module_state

l0 = nn.Linear(2, 1)
with torch.no_grad():
    l0.weight.copy_(torch.tensor([[1.0, 0.0]]))
    l0.bias.copy_(torch.tensor([0.0]))
l1 = nn.Linear(2, 1)
with torch.no_grad():
    l1.weight.copy_(torch.tensor([[0.0, 2.0]]))
    l1.bias.copy_(torch.tensor([1.0]))
params, buffers = stack_module_state([l0, l1])
base = l0
def f(p, b, x):
    return functional_call(base, (p, b), (x,))
out = vmap(f, in_dims=(0, 0, None))(params, buffers, torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
params   #= key stacked_params
buffers   #= key stacked_buffers
out   #= key out
base.weight   #= key base_weight_after
