# ---- fcall export prelude (the brace dialect's): the fcall built-ins in PyTorch terms. The
# ---- JSON records (`_Stmt`) come before it, from the records part of runner.py.
import math
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.utils._pytree as _pytree
from torch.func import functional_call, grad, grad_and_value, vmap, stack_module_state
from torch.nn import (Linear, Bilinear, Conv1d, Conv2d, BatchNorm1d, BatchNorm2d, LayerNorm,
                      Embedding, Dropout, ReLU, Tanh, Sigmoid, GELU, Flatten, Identity, Sequential,
                      ModuleDict, ModuleList)


class FDict(dict):
    """An fcall dict: string keys, `a.foo` reads an entry, arithmetic applies per key."""

    def __getattr__(self, k):
        try:
            return self[k]
        except KeyError:
            raise AttributeError(f"'dict' object has no attribute '{k}'") from None

    def _map(self, other, op):
        if isinstance(other, dict):
            return FDict({k: op(v, other[k]) for k, v in self.items()})
        return FDict({k: op(v, other) for k, v in self.items()})

    def __add__(self, o): return self._map(o, lambda a, b: a + b)
    def __radd__(self, o): return self._map(o, lambda a, b: b + a)
    def __sub__(self, o): return self._map(o, lambda a, b: a - b)
    def __rsub__(self, o): return self._map(o, lambda a, b: b - a)
    def __mul__(self, o): return self._map(o, lambda a, b: a * b)
    def __rmul__(self, o): return self._map(o, lambda a, b: b * a)
    def __truediv__(self, o): return self._map(o, lambda a, b: a / b)
    def __rtruediv__(self, o): return self._map(o, lambda a, b: b / a)
    def __pow__(self, o): return self._map(o, lambda a, b: a ** b)
    def __neg__(self): return FDict({k: -v for k, v in self.items()})
    def __or__(self, o): return FDict({**self, **o})


_pytree.register_pytree_node(
    FDict,
    lambda d: (list(d.values()), list(d.keys())),
    lambda values, keys: FDict(zip(keys, values)),
)

# fcall has one dict type: `type(d).__name__` is 'dict' on both sides.
FDict.__name__ = FDict.__qualname__ = "dict"
FDict.__module__ = "builtins"


def params(module, remove_duplicate=True):
    return FDict(module.named_parameters(remove_duplicate=remove_duplicate))


def buffers(module, remove_duplicate=True):
    return FDict(module.named_buffers(remove_duplicate=remove_duplicate))


def state(module, remove_duplicate=True):
    return FDict({**params(module, remove_duplicate), **buffers(module, remove_duplicate)})


def detach(d):
    if isinstance(d, torch.Tensor):
        return d.detach()
    return FDict({k: v.detach() for k, v in d.items()})


def clone(d):
    if isinstance(d, torch.Tensor):
        return d.detach().clone().requires_grad_(d.requires_grad)
    return FDict({k: v.detach().clone().requires_grad_(v.requires_grad) for k, v in d.items()})


def keys(d):
    return list(d.keys())


def save(obj, path):
    """fcall's save: a dict of tensors (or a module's state_dict) as .pt/.pth (torch.save) or
    safetensors (any other name)."""
    if isinstance(obj, nn.Module):
        items = obj.state_dict()
    elif isinstance(obj, dict):
        for k, v in obj.items():
            if not isinstance(v, torch.Tensor):
                raise TypeError(f"save() writes dicts of tensors; '{k}' is {type(v).__name__}")
        items = obj
    else:
        raise TypeError(f"save() takes a dict of tensors or a module, not {type(obj).__name__}")
    items = {k: v.detach().contiguous() for k, v in items.items()}
    if path.endswith((".pt", ".pth")):
        torch.save(items, path)
    else:
        import safetensors.torch
        safetensors.torch.save_file(items, path)


def load(path):
    """fcall's load: the dict a save wrote."""
    import os
    if not os.path.exists(path):
        raise OSError(f"[Errno 2] No such file or directory: '{path}'")
    if path.endswith((".pt", ".pth")):
        return FDict(torch.load(path))
    import safetensors.torch
    return FDict(safetensors.torch.load_file(path))


def _dtype(d):
    """fcall's dtype strings ("float64", "long") as torch dtypes."""
    return getattr(torch, d.removeprefix("torch.")) if isinstance(d, str) else d


def param(data, requires_grad=True):
    return nn.Parameter(data, requires_grad=requires_grad)


def buffer(data, persistent=True):
    return nn.Buffer(data, persistent=persistent)


def parametrize(module, tensor_name, parametrization):
    return torch.nn.utils.parametrize.register_parametrization(module, tensor_name, parametrization)


def _reset(g):
    """fcall's `reset`: every name the script bound is gone; the built-ins are back."""
    keep = _PRELUDE
    for k in [k for k in g if k not in keep]:
        del g[k]
    g.update(keep)


_PRELUDE = dict(globals())
_PRELUDE["_PRELUDE"] = _PRELUDE
# ---- end of the prelude
