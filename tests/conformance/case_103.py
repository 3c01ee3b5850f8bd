# case 103 batchnorm_running_mean_only
# test_functional_batch_norm: only running_mean supplied (x all 128): it becomes 12.8 in place;
# module running_mean unchanged but module running_var/num_batches_tracked ARE updated.
import torch
import torch.nn as nn
from torch.func import functional_call

m = nn.BatchNorm1d(3)
m.train()
rm = torch.zeros(3)
d = {"running_mean": rm}
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
functional_call(m, d, (torch.full((4, 3), 128.0),))  #= call
{**dict(m.named_parameters(remove_duplicate=False)), **dict(m.named_buffers(remove_duplicate=False))}  #= module
d   #= dicts
