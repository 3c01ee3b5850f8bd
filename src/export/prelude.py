# ---- fcall export prelude: the fcall built-ins in PyTorch terms, and the JSON record of
# ---- `fcall run --json` (shared/LANGUAGE.md, "Machine-readable output") per statement.
import contextlib
import io
import json
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


# ---- the JSON records
_ids = {}
_keep = []  # every object given an id stays alive, so id() is never reused


def _oid(obj):
    k = id(obj)
    if k not in _ids:
        _ids[k] = len(_ids) + 1
        _keep.append(obj)
    return _ids[k]


def _num(x):
    if isinstance(x, float):
        if math.isnan(x):
            return "nan"
        if math.isinf(x):
            return "inf" if x > 0 else "-inf"
    return x


def _nest(v):
    if isinstance(v, list):
        return [_nest(x) for x in v]
    return _num(v)


def _enc(v):
    if v is None or isinstance(v, (bool, int, str)):
        return v
    if isinstance(v, float):
        return _num(v)
    if isinstance(v, torch.Tensor):
        return {
            "type": "Parameter" if isinstance(v, nn.Parameter) else "Tensor",
            "value": _nest(v.detach().tolist()),
            "shape": list(v.shape),
            "dtype": str(v.dtype).replace("torch.", ""),
            "requires_grad": v.requires_grad,
            "grad_fn": type(v.grad_fn).__name__ if v.grad_fn is not None else None,
            "id": _oid(v),
        }
    if isinstance(v, nn.Module):
        return {"type": "Module", "class": type(v).__name__, "id": _oid(v), "repr": repr(v)}
    if isinstance(v, dict):
        return {"type": "dict", "id": _oid(v), "entries": {k: _enc(x) for k, x in v.items()}}
    if isinstance(v, (list, tuple)):
        return [_enc(x) for x in v]
    if isinstance(v, torch.dtype):
        return str(v)
    return repr(v)


class _Stmt:
    """One top-level statement: captures what it prints, catches its error, writes its record."""

    def __init__(self, line, source):
        self.record = {"line": line, "source": source, "kind": "none", "value": None, "error": None}
        self.out = io.StringIO()

    def value(self, v):
        if v is not None:
            self.record["kind"] = "value"
            self.record["value"] = _enc(v)
        return v

    def call(self, v):
        self.record["kind"] = "call"
        self.record["value"] = _enc(v)
        return v

    def __enter__(self):
        self._redirect = contextlib.redirect_stdout(self.out)
        self._redirect.__enter__()
        return self

    def __exit__(self, et, e, tb):
        self._redirect.__exit__(None, None, None)
        if e is not None:
            if not isinstance(e, Exception):
                return False
            self.record["kind"] = "error"
            self.record["value"] = None
            self.record["error"] = {"type": type(e).__name__, "message": str(e)}
        if self.out.getvalue():
            self.record["stdout"] = self.out.getvalue()
        print(json.dumps(self.record), flush=True)
        return True


def _reset(g):
    """fcall's `reset`: every name the script bound is gone; the built-ins are back."""
    keep = _PRELUDE
    for k in [k for k in g if k not in keep]:
        del g[k]
    g.update(keep)


_PRELUDE = dict(globals())
_PRELUDE["_PRELUDE"] = _PRELUDE
# ---- end of the prelude
