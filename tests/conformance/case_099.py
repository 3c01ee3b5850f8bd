# case 99 batchnorm_train_full_dict
# BatchNorm1d train mode, all params+buffers supplied: batch stats used;
# running_mean/var/num_batches_tracked updated IN PLACE in the supplied tensors (same objects);
# module untouched.
import torch
import torch.nn as nn
from torch.func import functional_call

m = nn.BatchNorm1d(2)
m.train()
d = {
    "weight": torch.tensor([1.0, 2.0]),
    "bias": torch.tensor([0.0, 1.0]),
    "running_mean": torch.tensor([0.0, 0.0]),
    "running_var": torch.tensor([1.0, 1.0]),
    "num_batches_tracked": torch.tensor(0),
}
x = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]])
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
functional_call(m, d, (x,))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
