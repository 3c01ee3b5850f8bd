# collections.OrderedDict, and the torch.nn containers given one: Sequential names its
# children by the keys (a plain dict is no Module), ModuleDict / ParameterDict keep its order,
# ModuleList iterates its keys (str is no Module).
import collections
from collections import OrderedDict
import torch
import torch.nn as nn

d = OrderedDict([("b", 1), ("a", 2)])
print(d, OrderedDict(), OrderedDict(x=1), dict(d))
print(type(d), type(d).__name__, isinstance(d, dict), isinstance(d, OrderedDict), isinstance({}, OrderedDict))
print(OrderedDict is dict, collections.OrderedDict is OrderedDict)
print(list(d.items()), len(d), d["a"], "b" in d)

_ = torch.manual_seed(0)
m = nn.Sequential(OrderedDict([("fc", nn.Linear(2, 2)), ("act", nn.ReLU())]))
print(m)
print(m.fc, m.act)
print(list(m.state_dict().keys()))
print([n for n, _ in m.named_children()])
print(m(torch.ones(1, 2)).shape, len(m), m[0], m[-1])
for bad in [{"fc": nn.Linear(2, 2)}, OrderedDict([("fc", 3)]), OrderedDict([("a.b", nn.ReLU())]), OrderedDict([("", nn.ReLU())])]:
    try:
        nn.Sequential(bad)
    except (TypeError, KeyError) as e:
        print(type(e).__name__, e)
print(nn.Sequential(OrderedDict()))
try:
    nn.Sequential(OrderedDict([("x", nn.ReLU())]), nn.Tanh())
except TypeError as e:
    print(type(e).__name__, e)

md = nn.ModuleDict(OrderedDict([("z", nn.ReLU()), ("a", nn.Tanh())]))
print(md, list(md.keys()))
pd = nn.ParameterDict(OrderedDict([("z", nn.Parameter(torch.zeros(1))), ("a", nn.Parameter(torch.ones(2)))]))
print(list(pd.keys()), [tuple(p.shape) for p in pd.values()])
try:
    nn.ModuleList(OrderedDict([("z", nn.ReLU())]))
except TypeError as e:
    print(type(e).__name__, e)
for bad in [{"z": nn.ReLU()}, "ab", 3]:
    try:
        nn.ModuleList(bad)
    except TypeError as e:
        print(type(e).__name__, e)
import copy
od = OrderedDict([("k", [1])])
print(od.copy(), copy.copy(od), copy.deepcopy(od), type(copy.deepcopy(od)).__name__, {"a": 1}.copy())

# state_dict() is an OrderedDict (its repr says so), and a saved one loads as one.
sd = m.state_dict()
print(type(sd).__name__, sd)
path = "/tmp/fcall-torch-api-state-dict.pt"
torch.save(sd, path)
back = torch.load(path)
print(type(back).__name__, list(back.keys()), all(torch.equal(back[k], sd[k]) for k in sd))
torch.save({"w": torch.ones(1)}, path)
print(type(torch.load(path)).__name__)
