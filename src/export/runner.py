# ---- fcall check's statement runner: runs a Python script (a `.py`, or a `.fc` exported by
# ---- src/export/python.rs in check mode) one top-level statement at a time, in one namespace
# ---- that starts with the session prelude, printing for each statement the JSON record that
# ---- `fcall run --json` prints (shared/LANGUAGE.md, "Machine-readable output").
#
# Usage: python runner.py SEED PRELUDE PATH...   (or `python -c "$(cat runner.py)" ...`): each
# PATH is a Python script, run statement by statement. Before each script it prints
# `#fcall-check-file N` and seeds torch with SEED.

# ---- the JSON records
import contextlib
import io
import json
import math

import torch
import torch.nn as nn

_ids = {}
_keep = []  # every object given an id stays alive, so id() is never reused


def _oid(obj):
    k = id(obj)
    if k not in _ids:
        _ids[k] = len(_ids) + 1
        _keep.append(obj)
    return _ids[k]
def _num(x):
    # A complex number (a complex tensor's tolist()) as its two parts.
    if isinstance(x, complex):
        return {"real": _num(x.real), "imag": _num(x.imag)}
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
    if isinstance(v, (float, complex)):
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


# ---- end of the records

import ast
import builtins
import runpy
import sys
import traceback

_current = None  # the _Stmt of the statement running


class _FcallCommands:
    """fcall's commands whose record PyTorch has no counterpart for, as a checked export calls
    them (`show x` is `_fcall.show(x)`): each does what fcall's JSON record of it says."""

    def __init__(self, reset):
        self._reset = reset

    def seed(self, n):
        if type(n) is not int:
            raise TypeError(f"seed takes an int, not {type(n).__name__}")
        torch.manual_seed(n)

    def show(self, v):
        # fcall's view of a value is a display, not printed text: nothing in the record.
        return None

    def ties(self, m):
        if not isinstance(m, nn.Module):
            raise TypeError(f"ties takes a module, not {type(m).__name__}")

    def call(self, v):
        # `y = call ...` at top level: a "call" record whose value is the result.
        if _current is not None:
            _current.call(v)
        return v

    def reset(self):
        self._reset()

    def top_level_only(self, word):
        raise RuntimeError(f"`{word}` works only at top level")


def _shows_call(node):
    """A top-level `functional_call(...)` (any dotted name ending in functional_call): shown as
    a call, as fcall shows the documentation's form."""
    if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)):
        return False
    f = node.value.func
    last = None
    while isinstance(f, ast.Attribute):
        last = last or f.attr
        f = f.value
    return isinstance(f, ast.Name) and (last or f.id) == "functional_call"


def run_source(src, filename, prelude):
    """Runs `src` statement by statement in a fresh namespace holding `prelude`'s names."""
    global _current
    _ids.clear()
    _keep.clear()
    ns = {}

    def fill():
        ns.clear()
        ns.update({"__name__": "__main__", "__builtins__": builtins})
        exec(compile(prelude, "<prelude>", "exec"), ns)
        ns["_fcall"] = commands

    commands = _FcallCommands(fill)
    fill()
    try:
        tree = ast.parse(src, filename)
    except SyntaxError as e:
        line = e.lineno or 1
        with _Stmt(line, (src.splitlines() or [""])[min(line, len(src.splitlines()) or 1) - 1]):
            raise type(e)(e.msg) from None  # the message alone, as fcall words it
        return
    lines = src.splitlines()
    for node in tree.body:
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        source = "\n".join(lines[first - 1:node.end_lineno]).strip()
        with _Stmt(first, source) as s:
            _current = s
            try:
                if isinstance(node, ast.Expr):
                    v = eval(compile(ast.Expression(node.value), filename, "eval"), ns)
                    if _shows_call(node):
                        s.call(v)
                    else:
                        s.value(v)
                else:
                    exec(compile(ast.Module([node], type_ignores=[]), filename, "exec"), ns)
            finally:
                _current = None


def main(argv):
    seed, prelude = int(argv[0]), argv[1]
    for i, item in enumerate(argv[2:]):
        print("#fcall-check-file %d" % i, flush=True)
        torch.manual_seed(seed)
        path = item
        try:
            with open(path, encoding="utf-8") as f:
                run_source(f.read(), path, prelude)
        except BaseException:
            traceback.print_exc()
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
