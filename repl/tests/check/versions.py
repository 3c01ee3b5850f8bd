# Version counters (`_version`) of copies: a clone starts at 0 whatever its source's version was
# (the call tables and diagrams show versions, "written in place (v0->v1)").
import torch
import torch.nn as nn

a = torch.zeros(2)
a.add_(1)
print(a._version, a.clone()._version, a.detach().clone()._version)
w = torch.ones(3, requires_grad=True)
print(w.clone()._version)
with torch.no_grad():
    c = w.clone()
print(c._version, c.requires_grad)
bn = nn.BatchNorm1d(2)
d = {k: v.clone() for k, v in bn.state_dict().items()}
print(bn.num_batches_tracked._version, d["num_batches_tracked"]._version)
d["num_batches_tracked"].add_(1)
print(d["num_batches_tracked"]._version)
