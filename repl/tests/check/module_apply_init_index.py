# What nanoGPT's model.py needs beyond layers: Module.apply (children first, then the module
# itself), torch.nn.init's in-place initialisers on parameters (under no_grad, returning the
# tensor), a list of ints as one index among slices (`x[:, [-1], :]` keeps the dimension), and
# F.cross_entropy's weight / ignore_index / label_smoothing.
import torch
import torch.nn as nn
import torch.nn.functional as F

seen = []
def visit(m):
    seen.append(type(m).__name__)
net = nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.ReLU(), nn.Linear(3, 1)))
r = net.apply(visit)
seen
r is net
shared = nn.Linear(2, 2)
twice = nn.ModuleList([shared, shared])
names = []
twice.apply(lambda m: names.append(type(m).__name__))
names
net.apply()
net.apply(3)

torch.manual_seed(0)
lin = nn.Linear(3, 2)
w = torch.nn.init.normal_(lin.weight, mean=0.0, std=0.02)
w is lin.weight
lin.weight
lin.weight.requires_grad
lin.weight.grad_fn
torch.nn.init.zeros_(lin.bias)
torch.nn.init.ones_(lin.bias)
torch.nn.init.constant_(lin.bias, 0.5)
torch.nn.init.uniform_(lin.weight, a=-1.0, b=1.0)
torch.nn.init.normal_(lin.weight, 1.0, 0.1)
torch.nn.init.constant_(lin.bias)
torch.nn.init.zeros_(3)

x = torch.arange(24.0).view(2, 3, 4)
x[:, [-1], :]
x[:, [0, 2], :].shape
x[:, [2, 0, 2]]
x[..., [1, -1]]
x[:, torch.tensor([1, 0]), 1:]
x[:, [], :].shape
x[:, [3], :]
x[:, [-4]]
x[:, [1, 2], None]

torch.manual_seed(1)
logits = torch.randn(6, 5)
targets = torch.tensor([0, 4, -1, 2, -1, 1])
F.cross_entropy(logits, targets, ignore_index=-1)
F.cross_entropy(logits, targets, ignore_index=-1, reduction="sum")
F.cross_entropy(logits, targets.clamp(min=0), weight=torch.tensor([1.0, 2.0, 0.5, 1.0, 3.0]))
F.cross_entropy(logits, targets.clamp(min=0), label_smoothing=0.1)
F.cross_entropy(logits, targets.clamp(min=0), None, None, 4)
F.cross_entropy(logits, targets)

torch.manual_seed(2)
conv = nn.Conv2d(4, 8, 3)
torch.nn.init.kaiming_normal_(conv.weight, mode="fan_out", nonlinearity="relu").std()
torch.nn.init.kaiming_normal_(conv.weight).std()
torch.nn.init.kaiming_uniform_(conv.weight, a=0.1).abs().max()
torch.nn.init.kaiming_normal_(conv.weight, nonlinearity="tanh")[0, 0]
torch.nn.init.kaiming_normal_(conv.bias)
torch.nn.init.kaiming_normal_(conv.weight, mode="fan_avg")
torch.nn.init.kaiming_normal_(conv.weight, nonlinearity="swish")
