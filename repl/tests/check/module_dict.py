# ModuleDict and ModuleList: children named by key (paths `layers.enc.weight`) or position,
# dict / list access with torch.nn's errors.
import torch
import torch.nn as nn
from torch.func import functional_call

class MD(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleDict({"enc": nn.Linear(1, 1), "dec": nn.Linear(1, 1)})
    def forward(self, x):
        return self.layers["dec"](self.layers["enc"](x))
torch.manual_seed(0)
m = MD()
list(dict(m.named_parameters()).keys())
functional_call(m, {"layers.enc.weight": torch.tensor([[3.0]]), "layers.dec.bias": torch.tensor([1.0])}, (torch.tensor([[2.0]]),))
md = m.layers
md
len(md)
"enc" in md
"zz" in md
3 in md
list(md.keys())
for k in md:
    print(k)
md["x"] = nn.ReLU()
list(md)
md["x"]
md.x
md["zz"]
md[0]
md["y"] = 3
md.pop("x")
md.pop("x")
md.update({"y": nn.Tanh()})
md.update([("z", nn.Sigmoid())])
list(md)
md.clear()
len(md)
md(1)
nn.ModuleDict()
nn.ModuleDict({"a": 3})
nn.ModuleDict([("a", nn.ReLU(), 1)])
nn.ModuleDict(3)
nn.ModuleDict([("a", nn.ReLU()), ("b", nn.Tanh())])
type(md).__name__
s = nn.Sequential(nn.Linear(1, 1), nn.ReLU())
s[0]
s[-1]
s[5]
s[-3]
s["a"]
s[1] = nn.Tanh()
s
ml = nn.ModuleList([nn.ReLU(), nn.Tanh()])
ml[1]
ml.append(nn.Sigmoid())
len(ml)
for c in ml:
    print(type(c).__name__)
nn.ModuleList(3)
nn.ModuleList([3])
class Stack(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.ModuleList([nn.Linear(1, 1), nn.Linear(1, 1)])
    def forward(self, x):
        for b in self.blocks:
            x = b(x)
        return x
st = Stack()
list({**dict(st.named_parameters()), **dict(st.named_buffers())}.keys())
functional_call(st, {"blocks.1.bias": torch.tensor([100.0])}, (torch.tensor([[0.0]]),))
