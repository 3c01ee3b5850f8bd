# case 124 module_training_flag_untouched
# functional_call never changes train/eval mode and swaps tensors only (non-tensor attributes
# like BatchNorm momentum are untouched).
import torch
import torch.nn as nn
from torch.func import functional_call

m = nn.BatchNorm1d(2)
m.eval()
d = {
    "weight": torch.tensor([1.0, 2.0]),
    "bias": torch.tensor([0.0, 1.0]),
    "running_mean": torch.tensor([0.0, 0.0]),
    "running_var": torch.tensor([1.0, 1.0]),
    "num_batches_tracked": torch.tensor(0),
}
functional_call(m, d, (torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]),))
m.training   #= key training_after
m.momentum   #= key momentum_after
