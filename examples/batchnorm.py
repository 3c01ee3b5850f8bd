# BatchNorm in a functional call, train and eval (PyTorch 2.13).
#
# functional_call never changes train/eval mode; the module runs exactly as in a plain call,
# with the swapped tensors. In train mode BatchNorm updates running_mean, running_var and
# num_batches_tracked IN PLACE, in whatever tensors are in those slots: the dict's tensors if
# you passed them, otherwise the module's own. The documentation's in-place note ("reflected in
# the parameter_and_buffer_dicts input") is true only for the first case.
#
# Reading the tables: fcall sees most in-place writes through the tensor's version counter
# (`num_batches_tracked.add_(1)` bumps it). The batch_norm kernel updates running_mean and
# running_var without a version bump (in PyTorch too: their `_version` stays the same), so
# fcall's BatchNorm reports those writes to the call itself: the tables say "written in place by
# BatchNorm (no version bump)", in the dict's tensors or as a PERMANENT CHANGE of the module.

import torch
import torch.nn as nn
from torch.func import functional_call

bn = nn.BatchNorm1d(2)
x = torch.tensor([[1.0, 2.0], [3.0, 4.0], [0.0, -1.0]])
bn  # fcall: show bn

# 1. Train mode, every parameter and buffer passed (copies of the module's): batch statistics
#    normalise x; the running statistics are updated in the dict's tensors (the same objects,
#    changed in place: mean 0.1 * batch mean, var 0.9 + 0.1 * unbiased batch var, counter 1).
#    The module is untouched.
d = {k: v.detach().clone().requires_grad_(v.requires_grad) for k, v in [*bn.named_parameters(), *bn.named_buffers()]}
functional_call(bn, d, (x,))
d
{**dict(bn.named_parameters()), **dict(bn.named_buffers())}

# 2. Train mode, only weight and bias passed (a common pattern: "the parameters"). The running
#    statistics are the module's own buffers, and forward writes into them: the state leaks
#    into the module. (The table flags num_batches_tracked only; see "Reading the tables".)
functional_call(bn, dict(bn.named_parameters()), (x,))
bn.running_mean
bn.running_var
bn.num_batches_tracked

# 3. Only running_mean passed (PyTorch's test_functional_batch_norm): it is updated in the
#    dict's tensor, while the module's running_var and counter are updated in the module.
bn3 = nn.BatchNorm1d(3)
rm = {"running_mean": torch.zeros(3)}
functional_call(bn3, rm, (torch.full((4, 3), 128.0),))
rm
bn3.running_var
bn3.num_batches_tracked

# 4. Eval mode: the supplied running statistics are used, (x - mean) / sqrt(var + eps) * w + b,
#    and nothing is updated anywhere.
bn.eval()
stats = {"running_mean": torch.tensor([1.0, 2.0]), "running_var": torch.tensor([4.0, 9.0])}
functional_call(bn, stats, (x,))
stats
bn.training
