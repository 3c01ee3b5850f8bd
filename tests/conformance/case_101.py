# case 101 batchnorm_eval
# BatchNorm1d eval: supplied running stats are used ((x-mean)/sqrt(var+eps)*w+b); nothing is
# updated.
import torch
import torch.nn as nn
from torch.func import functional_call

m = nn.BatchNorm1d(2)
m.eval()
d = {
    "weight": torch.tensor([1.0, 2.0]),
    "bias": torch.tensor([0.0, 1.0]),
    "running_mean": torch.tensor([1.0, 2.0]),
    "running_var": torch.tensor([4.0, 9.0]),
    "num_batches_tracked": torch.tensor(7),
}
x = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]])
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
functional_call(m, d, (x,))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
m.training   #= key module_training_after
