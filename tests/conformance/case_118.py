# case 118 vmap_batchnorm_train_error
# vmap over the batch with BatchNorm in train mode and unbatched running stats in the dict ->
# RuntimeError from the batching rule (the dict's num_batches_tracked was already incremented in
# place before the error); eval mode works.
import torch
import torch.nn as nn
from torch.func import functional_call, vmap

bn = nn.BatchNorm1d(2)
d = {
    "weight": torch.tensor([1.0, 2.0]),
    "bias": torch.tensor([0.0, 1.0]),
    "running_mean": torch.tensor([0.0, 0.0]),
    "running_var": torch.tensor([1.0, 1.0]),
    "num_batches_tracked": torch.tensor(0),
}
def f(x):
    return functional_call(bn, d, (x,))
bx = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]
xs = torch.tensor([bx, bx])
bn.train()
#= scope train
vmap(f)(xs)  #= key raised
bn.eval()
#= scope eval
vmap(f)(xs)  #= key returned
#= scope
d   #= key dict_after
