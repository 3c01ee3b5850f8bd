# save and load, safetensors and .pt, and their errors.
import torch
import torch.nn as nn
import safetensors.torch
from torch.func import functional_call

torch.manual_seed(0)
m = nn.Linear(2, 2)
safetensors.torch.save_file(m.state_dict(), "/tmp/fcall-check-io-m.safetensors")
d = safetensors.torch.load_file("/tmp/fcall-check-io-m.safetensors")
d
torch.save({k: v.detach() for k, v in m.named_parameters()}, "/tmp/fcall-check-io-m.pt")
torch.load("/tmp/fcall-check-io-m.pt")
torch.load("/tmp/fcall-check-io-nope.pt")
functional_call(m, d, (torch.ones(1, 2),))
# a safetensors file lists its tensors by dtype (widest first), then by name
mixed = {"b": torch.ones(2), "z": torch.ones(2, dtype=torch.float64), "a": torch.ones(2, dtype=torch.int8), "c": torch.ones(1)}
safetensors.torch.save_file(mixed, "/tmp/fcall-check-io-mixed.safetensors")
safetensors.torch.load_file("/tmp/fcall-check-io-mixed.safetensors")
