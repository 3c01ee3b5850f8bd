//! torch.func transforms (`grad`, `grad_and_value`, `vmap`) and `stack_module_state` against
//! REAL PyTorch 2.13: every scenario runs in the venv's Python (`FCALL_PYTHON`, one process for
//! all of them) and here, with the same explicit values, and the two observations are compared
//! in cases.py's encoding (values within 1e-6, shapes, dtypes, requires_grad, grad_fn names,
//! Parameter/Tensor, exception types and exact messages).
#[path = "parity/harness.rs"]
#[allow(dead_code)]
mod harness;
#[path = "parity/modules.rs"]
#[allow(dead_code)]
mod modules;

use std::process::Command;
use std::sync::OnceLock;

use fcall::func::transforms::{grad, grad_and_value, stack_module_state, vmap, Argnums};
use fcall::nn::layers::{self, BatchNormOptions};
use fcall::{functional_call, CallOptions, DictRef, Kwargs, Module, Result, TensorRef, Value};
use harness::*;
use modules::*;
use serde_json::{json, Value as J};
use tch::{Kind, Tensor};

const ORACLE_PY: &str = r##"
import json, math, warnings
warnings.filterwarnings("ignore")
import torch, torch.nn as nn, torch.nn.functional as F
import torch.nn.utils.parametrize as P
from torch.func import functional_call, grad, grad_and_value, vmap, stack_module_state
T = torch.tensor

def _num(x):
    if isinstance(x, float):
        if math.isnan(x): return "nan"
        if math.isinf(x): return "inf" if x > 0 else "-inf"
    return x
def _nest(x):
    return [_nest(i) for i in x] if isinstance(x, list) else _num(x)
def enc(v):
    if isinstance(v, torch.Tensor):
        return {"value": _nest(v.detach().tolist()), "shape": list(v.shape), "dtype": str(v.dtype).replace("torch.", ""),
                "requires_grad": bool(v.requires_grad), "grad_fn": type(v.grad_fn).__name__ if v.grad_fn is not None else None,
                "type": "Parameter" if isinstance(v, nn.Parameter) else "Tensor"}
    if isinstance(v, dict): return {str(k): enc(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)): return [enc(x) for x in v]
    if v is None or isinstance(v, (bool, int, str)): return v
    if isinstance(v, float): return _num(v)
    return repr(v)
def err(e):
    d = {"type": type(e).__name__, "message": str(e)}
    if isinstance(e, KeyError) and len(e.args) == 1:
        d["key_arg"] = e.args[0]
    return d
def setp(t, values):
    with torch.no_grad(): t.copy_(T(values, dtype=t.dtype))
def linear(i, o, w, b=None, bias=True):
    m = nn.Linear(i, o, bias=bias); setp(m.weight, w)
    if bias and b is not None: setp(m.bias, b)
    return m

R = {}
def obs(name, fn):
    try: R[name] = {"returned": enc(fn())}
    except Exception as e: R[name] = {"raised": err(e)}

W3 = [[0.5, -0.2, 0.1], [0.3, 0.8, -0.5], [-0.7, 0.2, 0.4]]
B3 = [0.1, -0.3, 0.2]
X43 = [[1.0, 2.0, -1.0], [0.5, -1.5, 2.0], [-2.0, 0.0, 1.0], [3.0, 1.0, 0.5]]
T43 = [[0.0, 1.0, -1.0], [2.0, 0.5, 0.0], [-1.0, -1.0, 1.0], [1.5, 0.0, 2.0]]

def doc_setup():
    model = linear(3, 3, W3, B3)
    x, t = T(X43), T(T43)
    def compute_loss(params, x, t):
        y = functional_call(model, params, x)
        return F.mse_loss(y, t)
    return model, x, t, compute_loss

# ---- grad: the docstring example
model, x, t, cl = doc_setup()
g = grad(cl)(dict(model.named_parameters()), x, t)
R["doc_grad"] = {"grads": enc(g), "module_weight_grad_attr": enc(model.weight.grad), "module_weight_after": enc(model.weight)}
model, x, t, cl = doc_setup()
R["doc_grad_detached"] = {"grads": enc(grad(cl)({k: v.detach() for k, v in model.named_parameters()}, x, t))}
model, x, t, cl = doc_setup()
gv = grad_and_value(cl)(dict(model.named_parameters()), x, t)
R["doc_grad_and_value"] = enc(gv)
gv = grad_and_value(cl)({k: v.detach() for k, v in model.named_parameters()}, x, t)
R["doc_grad_and_value_detached"] = enc(gv)
# grad wrt the input x too (argnums=(0, 1)), and a negative argnum
obs("doc_grad_argnums_0_1", lambda: grad(cl, argnums=(0, 1))({k: v.detach() for k, v in model.named_parameters()}, x, t))
obs("doc_grad_argnum_neg", lambda: grad(cl, argnums=-2)({k: v.detach() for k, v in model.named_parameters()}, x, t))
obs("doc_grad_argnums_tuple1", lambda: grad(cl, argnums=(1,))({k: v.detach() for k, v in model.named_parameters()}, x, t))

# grad inside torch.no_grad(): the transform still differentiates; nothing outside records a graph
model, x, t, cl = doc_setup()
with torch.no_grad():
    g = grad(cl)(dict(model.named_parameters()), x, t)
    after = model.weight * 2
R["doc_grad_under_no_grad"] = {"grads": enc(g), "op_after": enc(after)}
# an error inside f: the layer is popped, grad mode restored, the next call works
def bad(p, x, t):
    functional_call(model, p, x, strict=True)
    return T(0.0)
obs("err_inside_f", lambda: grad(bad)({"weight": model.weight.detach()}, x, t))
R["after_error"] = enc(grad(cl)({k: v.detach() for k, v in model.named_parameters()}, x, t))

# ---- argnums over (params, buffers)
class Scaled(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = linear(2, 2, [[1.0, -1.0], [0.5, 2.0]], [0.0, 1.0])
        self.scale = nn.Buffer(T([2.0, -3.0]))
    def forward(self, x):
        return self.lin(x) * self.scale
sm = Scaled()
SX = [[1.0, 2.0], [-1.0, 0.5]]
def sloss(p, b, x):
    y = functional_call(sm, (p, b), (x,))
    return (y * y).sum()
obs("pb_argnums_0_1", lambda: grad(sloss, argnums=(0, 1))(dict(sm.named_parameters()), dict(sm.named_buffers()), T(SX)))
obs("pb_argnums_1", lambda: grad(sloss, argnums=1)(dict(sm.named_parameters()), dict(sm.named_buffers()), T(SX)))
obs("pb_grad_and_value", lambda: grad_and_value(sloss, argnums=(0, 1))(dict(sm.named_parameters()), dict(sm.named_buffers()), T(SX)))

# ---- grad errors
P0 = lambda: {k: v.detach() for k, v in model.named_parameters()}
obs("err_non_scalar", lambda: grad(lambda p, x: functional_call(model, p, x))(P0(), x))
obs("err_tuple_output", lambda: grad(lambda p, x: (cl(p, x, t), cl(p, x, t)))(P0(), x))
obs("err_float_output", lambda: grad(lambda p, x: 1.5)(P0(), x))
obs("err_none_output", lambda: grad(lambda p, x: None)(P0(), x))
obs("err_argnum_range", lambda: grad(cl, argnums=3)(P0(), x, t))
obs("err_argnum_range_neg", lambda: grad(cl, argnums=(0, -4))(P0(), x, t))
obs("err_argnums_dup", lambda: grad(cl, argnums=(0, -3))(P0(), x, t))
obs("err_argnums_empty", lambda: grad(cl, argnums=())(P0(), x, t))
obs("err_diff_int", lambda: grad(cl)({"weight": model.weight.detach(), "bias": 3}, x, t))
obs("err_diff_none", lambda: grad(cl)({"weight": model.weight.detach(), "bias": None}, x, t))
obs("unused_input", lambda: grad(lambda p, x: x.sum())(P0(), x))
obs("unused_input_const", lambda: grad(lambda p, x: T(2.0))(P0(), x))

# ---- case 36 / 110 style (parametrization captured set_)
class ClampPos(nn.Module):
    def forward(self, X): return X.clamp(min=0)
    def right_inverse(self, Y): return Y
def c110():
    m = linear(2, 1, [[-1.0, 2.0]], bias=False)
    P.register_parametrization(m, "weight", ClampPos())
    def loss(p, x): return functional_call(m, p, x).sum()
    try: res = {"returned": enc(grad(loss)({"weight": T([[-5.0, 3.0]])}, T([[1.0, 1.0]])))}
    except Exception as e: res = {"raised": err(e)}
    res["original_after"] = enc(m.parametrizations.weight.original)
    return res
R["case110"] = c110()

# ---- vmap: ensemble (case 116)
models = [linear(2, 1, [[1.0, 0.0]], [0.0]), linear(2, 1, [[0.0, 2.0]], [1.0])]
params, buffers = stack_module_state(models)
base = models[0]
def f(p, b, x): return functional_call(base, (p, b), (x,))
out = vmap(f, in_dims=(0, 0, None))(params, buffers, T([[1.0, 2.0], [3.0, 4.0]]))
R["ensemble"] = {"stacked_params": enc(params), "stacked_buffers": enc(buffers), "out": enc(out), "base_weight_after": enc(base.weight)}
obs("ensemble_detached", lambda: vmap(f, in_dims=(0, 0, None))({k: v.detach() for k, v in params.items()}, buffers, T([[1.0, 2.0], [3.0, 4.0]])))
obs("ensemble_out_dims_1", lambda: vmap(f, in_dims=(0, 0, None), out_dims=1)(params, buffers, T([[1.0, 2.0], [3.0, 4.0]])))
# ensemble loss, grad wrt stacked params outside of vmap
def ens_loss(p):
    return vmap(f, in_dims=(0, 0, None))(p, buffers, T([[1.0, 2.0], [3.0, 4.0]])).pow(2).sum()
obs("ensemble_grad_outside", lambda: grad(ens_loss)({k: v.detach() for k, v in params.items()}))

# ---- vmap(grad): per-sample gradients
model, x, t, cl = doc_setup()
def loss1(p, xi, ti):
    y = functional_call(model, p, (xi.unsqueeze(0),))
    return F.mse_loss(y, ti.unsqueeze(0))
obs("per_sample_grads", lambda: vmap(grad(loss1), in_dims=(None, 0, 0))(P0(), x, t))
obs("per_sample_grads_params", lambda: vmap(grad(loss1), in_dims=(None, 0, 0))(dict(model.named_parameters()), x, t))
def loss2(p, xi, ti):
    y = functional_call(model, p, (xi,))
    return ((y - ti) * (y - ti)).sum()
obs("per_sample_grads_sq", lambda: vmap(grad(loss2), in_dims=(None, 0, 0))(P0(), x, t))
obs("per_sample_grad_and_value", lambda: vmap(grad_and_value(loss2), in_dims=(None, 0, 0))(P0(), x, t))

# ops whose vmap rule Python registers in Python (lazy_load_decompositions: mse_loss_backward,
# smooth_l1/huber_loss_backward, nll_loss*, addr); without Python libtorch runs its fallback
YC = [0, 2, 1, 0]
def loss_ce(p, xi, yi):
    y = functional_call(model, p, (xi.unsqueeze(0),))
    return F.cross_entropy(y, yi.unsqueeze(0))
obs("per_sample_grads_ce", lambda: vmap(grad(loss_ce), in_dims=(None, 0, 0))(P0(), x, T(YC)))
obs("per_sample_grads_smooth_l1", lambda: vmap(grad(lambda p, xi, ti: F.smooth_l1_loss(functional_call(model, p, (xi,)), ti)), in_dims=(None, 0, 0))(P0(), x, t))
obs("per_sample_grads_huber", lambda: vmap(grad(lambda p, xi, ti: F.huber_loss(functional_call(model, p, (xi,)), ti)), in_dims=(None, 0, 0))(P0(), x, t))
obs("vm_addr", lambda: vmap(torch.addr)(T([[[1.0, 2.0], [3.0, 4.0]], [[0.0, 1.0], [1.0, 0.0]]]), T([[1.0, 2.0], [3.0, 4.0]]), T([[5.0, 6.0], [7.0, 8.0]])))

# ---- BatchNorm under vmap (case 118)
BN_X = [[1.0, 2.0], [3.0, 5.0], [6.0, 4.0]]
def bn_dict():
    return {"weight": T([1.0, 2.0]), "bias": T([0.5, -0.5]), "running_mean": T([0.0, 1.0]), "running_var": T([1.0, 4.0]), "num_batches_tracked": T(0)}
def c118():
    bn = nn.BatchNorm1d(2)
    d = bn_dict()
    def f(x): return functional_call(bn, d, (x,))
    xs = T([BN_X, BN_X])
    res = {}
    bn.train()
    try: res["train"] = {"returned": enc(vmap(f)(xs))}
    except Exception as e: res["train"] = {"raised": err(e)}
    res["dict_after_train"] = enc(d)
    bn.eval()
    res["eval"] = {"returned": enc(vmap(f)(xs))}
    res["dict_after"] = enc(d)
    res["module_after"] = enc(dict(list(bn.named_parameters()) + list(bn.named_buffers())))
    return res
R["bn"] = c118()

# ---- more: kwargs, non-float inputs, nested grad, out_dims range, a BatchNorm ensemble in train mode
model, x, t, cl = doc_setup()
def kwloss(p, x, *, t): return cl(p, x, t)
obs("grad_kwargs", lambda: grad(kwloss)(P0(), x, t=t))
obs("grad_int_input", lambda: grad(lambda i: i.sum())(T([1, 2])))
obs("grad_of_grad", lambda: grad(grad(lambda a: a ** 3))(T(2.0)))
obs("grad_of_grad_and_value", lambda: grad_and_value(grad(lambda a: a ** 3))(T(2.0)))
# identity: Python keeps one object per TensorImpl, so an input returned by f comes back as itself
gx, gw = T(1.0), nn.Parameter(T(2.0))
g, v = grad_and_value(lambda x, w: w)(gx, gw)
R["gv_identity_param"] = {"g": enc(g), "v": enc(v), "v_is_w": v is gw}
g, v = grad_and_value(lambda x, w: x)(gx, gw)
R["gv_identity_input"] = {"g": enc(g), "v": enc(v), "v_is_x": v is gx}
obs("vm_out_dims_range", lambda: vmap(lambda a: a * 2, out_dims=5)(T([[1.0, 2.0], [3.0, 4.0]])))
def bn_ens():
    ms = [nn.BatchNorm1d(2), nn.BatchNorm1d(2)]
    setp(ms[1].running_mean, [1.0, -1.0])
    p, b = stack_module_state(ms)
    def f(p, b, x): return functional_call(ms[0], (p, b), (x,))
    out = vmap(f, in_dims=(0, 0, None))(p, b, T(BN_X))
    return {"out": out, "buffers_after": b, "module0_after": dict(ms[0].named_buffers())}
obs("bn_ensemble_train", bn_ens)
# BatchNorm in train mode under grad: buffers passed in (wrapped; updated in place through the
# wrappers), or captured from the module (in-place add_ on a captured tensor is rejected)
def bn_grad(pass_buffers):
    bn = nn.BatchNorm1d(2)
    d = bn_dict()
    p = {k: d[k] for k in ("weight", "bias")}
    b = {k: d[k] for k in ("running_mean", "running_var", "num_batches_tracked")}
    def l(p, b, x): return (functional_call(bn, (p, b), (x,)) ** 2 * T([1.0, 2.0])).sum()
    def l_captured(p, x): return (functional_call(bn, p, (x,)) ** 2 * T([1.0, 2.0])).sum()
    try:
        if pass_buffers: r = {"returned": enc(grad(l)(p, b, T(BN_X)))}
        else: r = {"returned": enc(grad(l_captured)(p, T(BN_X)))}
    except Exception as e: r = {"raised": err(e)}
    r["dict_after"] = enc(d)
    r["module_buffers_after"] = enc(dict(bn.named_buffers()))
    return r
R["bn_grad_buffers_passed"] = bn_grad(True)
R["bn_grad_buffers_captured"] = bn_grad(False)

# ---- vmap errors and edge cases
X2 = [[1.0, 2.0], [3.0, 4.0]]
def ff(a, b, c): return a
args3 = lambda: (T(X2), {"a": T([1.0, 2.0]), "b": T([3.0, 4.0])}, 3)
obs("vm_in_dims_list", lambda: vmap(ff, in_dims=[0, 0, None])(*args3()))
obs("vm_in_dims_dict", lambda: vmap(ff, in_dims={"a": 0})(*args3()))
obs("vm_in_dims_structure", lambda: vmap(ff, in_dims=(0, 0))(*args3()))
obs("vm_in_dims_structure_dict", lambda: vmap(ff, in_dims=(0, {"a": 0}, None))(*args3()))
obs("vm_in_dims_structure_list_vs_tuple", lambda: vmap(lambda a: a[0], in_dims=([0, 0],))((T(X2), T(X2))))
# PyTorch 2.13 quirk: in_dims dict entries are taken in the IN_DIMS dict's key order and zipped
# with the argument dict's leaves in ITS order, so here "a" is batched and "b" is not.
obs("vm_in_dims_dict_order", lambda: vmap(lambda a, b, c: b["a"] * 10 + b["b"], in_dims=(None, {"b": 0, "a": None}, None))(*args3()))
obs("vm_in_dim_float", lambda: vmap(ff, in_dims=(0.5, 0, None))(*args3()))
obs("vm_in_dim_str", lambda: vmap(ff, in_dims=(0, "x", None))(*args3()))
obs("vm_in_dim_non_tensor", lambda: vmap(ff, in_dims=(0, 0, 0))(*args3()))
obs("vm_in_dim_range", lambda: vmap(ff, in_dims=(2, None, None))(*args3()))
obs("vm_in_dim_range_neg", lambda: vmap(ff, in_dims=(-3, None, None))(*args3()))
obs("vm_in_dim_neg", lambda: vmap(lambda a: a * 2, in_dims=-1)(T(X2)))
obs("vm_no_inputs", lambda: vmap(lambda: T(1.0))())
obs("vm_all_none", lambda: vmap(ff, in_dims=None)(*args3()))
obs("vm_all_none_tuple", lambda: vmap(ff, in_dims=(None, None, None))(*args3()))
obs("vm_batch_size", lambda: vmap(lambda a, b: a + b)(T(X2), T([1.0, 2.0, 3.0])))
obs("vm_batch_size3", lambda: vmap(lambda a, b, c: a, in_dims=(0, 1, 0))(T(X2), T([[1.0, 2.0, 3.0]]), T([1.0, 2.0, 3.0, 4.0])))
obs("vm_randomness", lambda: vmap(ff, randomness="foo")(*args3()))
obs("vm_randomness_first", lambda: vmap(ff, in_dims=[0], randomness="foo")(*args3()))
obs("vm_out_dims_str", lambda: vmap(lambda a: a, out_dims="a")(T(X2)))
obs("vm_out_dims_tuple_str", lambda: vmap(lambda a: (a, a), out_dims=(0, "a"))(T(X2)))
obs("vm_out_dims_structure", lambda: vmap(lambda a: (a, a), out_dims=(0, 0, 0))(T(X2)))
obs("vm_out_dims_structure_single", lambda: vmap(lambda a: a, out_dims=(0, 0))(T(X2)))
obs("vm_out_non_tensor", lambda: vmap(lambda a: (a, 3))(T(X2)))
obs("vm_out_none_batched", lambda: vmap(lambda a: a, out_dims=None)(T(X2)))
obs("vm_out_none_unbatched", lambda: vmap(lambda a: (a, 3), out_dims=(0, None))(T(X2)))
obs("vm_out_dims_1", lambda: vmap(lambda a: a * 2, out_dims=1)(T([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])))
obs("vm_out_dims_neg", lambda: vmap(lambda a: a.unsqueeze(0), out_dims=-1)(T([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])))
obs("vm_out_unbatched", lambda: vmap(lambda a: T([7.0, 8.0]))(T(X2)))
obs("vm_out_unbatched_dim1", lambda: vmap(lambda a: T([7.0, 8.0, 9.0]), out_dims=1)(T(X2)))
obs("vm_out_dict", lambda: vmap(lambda a: {"s": a.sum(), "d": a * 2})(T(X2)))
obs("vm_in_dim_1", lambda: vmap(lambda a, b: a * b, in_dims=(1, None))(T([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), T(2.0)))
obs("vm_kwargs", lambda: vmap(lambda a, *, k: a * k)(T(X2), k=T([10.0, 100.0])))
obs("vm_nested", lambda: vmap(vmap(lambda a, b: a * b))(T(X2), T([[1.0, 0.0], [2.0, 3.0]])))
obs("vm_requires_grad_input", lambda: vmap(lambda a: a * 2)(T(X2, requires_grad=True)))
obs("vm_inplace_unbatched", lambda: vmap(lambda a, b: b.add_(a))(T(X2), T([0.0, 0.0])))
obs("vm_randomness_error", lambda: vmap(lambda a: a + torch.rand(2))(T(X2)))

# ---- stack_module_state
obs("sms_linear", lambda: stack_module_state([linear(2, 1, [[1.0, 0.0]], [0.0]), linear(2, 1, [[0.0, 2.0]], [1.0])]))
def bns():
    a, b = nn.BatchNorm1d(2), nn.BatchNorm1d(2)
    setp(b.running_mean, [1.0, 2.0]); setp(b.num_batches_tracked, 5)
    return [a, b]
obs("sms_bn", lambda: stack_module_state(bns()))
obs("sms_empty", lambda: stack_module_state([]))
def mixed_mode():
    a, b = linear(2, 1, [[1.0, 0.0]], [0.0]), linear(2, 1, [[0.0, 2.0]], [1.0]); b.eval(); return stack_module_state([a, b])
obs("sms_mixed_mode", mixed_mode)
obs("sms_mixed_class", lambda: stack_module_state([linear(2, 1, [[1.0, 0.0]], [0.0]), nn.BatchNorm1d(2)]))
def mixed_rg():
    a, b = linear(2, 1, [[1.0, 0.0]], [0.0]), linear(2, 1, [[0.0, 2.0]], [1.0]); b.bias.requires_grad_(False); return stack_module_state([a, b])
obs("sms_mixed_requires_grad", mixed_rg)
def none_rg():
    a, b = linear(2, 1, [[1.0, 0.0]], [0.0]), linear(2, 1, [[0.0, 2.0]], [1.0])
    for m in (a, b): m.requires_grad_(False)
    return stack_module_state([a, b])
obs("sms_none_requires_grad", none_rg)
obs("sms_shape_mismatch", lambda: stack_module_state([linear(2, 1, [[1.0, 0.0]], [0.0]), linear(3, 1, [[0.0, 2.0, 1.0]], [1.0])]))
obs("sms_missing_bias", lambda: stack_module_state([linear(2, 1, [[1.0, 0.0]], [0.0]), linear(2, 1, [[0.0, 2.0]], bias=False)]))
obs("sms_extra_bias", lambda: stack_module_state([linear(2, 1, [[1.0, 0.0]], bias=False), linear(2, 1, [[0.0, 2.0]], [1.0])]))
obs("sms_eval_all", lambda: stack_module_state([linear(2, 1, [[1.0, 0.0]], [0.0]).eval(), linear(2, 1, [[0.0, 2.0]], [1.0]).eval()]))
def sms_seq():
    mk = lambda s: nn.Sequential(linear(2, 2, [[s, 0.0], [0.0, s]], [s, -s]), nn.ReLU(), linear(2, 1, [[1.0, s]], [0.0]))
    ms = [mk(1.0), mk(2.0), mk(3.0)]
    p, b = stack_module_state(ms)
    def fs(p, b, x): return functional_call(ms[0], (p, b), (x,))
    return {"params": p, "out": vmap(fs, in_dims=(0, 0, None))(p, b, T([[1.0, -1.0], [2.0, 0.5]]))}
obs("sms_sequential_vmap", sms_seq)
def sms_identity():
    ms = [linear(2, 1, [[1.0, 0.0]], [0.0]), linear(2, 1, [[0.0, 2.0]], [1.0])]
    p, _ = stack_module_state(ms)
    with torch.no_grad(): p["weight"].add_(100.0)
    return {"weights_after": [m.weight for m in ms], "is_leaf": p["weight"].is_leaf}
obs("sms_independent", sms_identity)

print(json.dumps(R))
"##;

/// Every scenario's PyTorch observation, from one Python process.
fn oracle() -> &'static J {
    static ORACLE: OnceLock<J> = OnceLock::new();
    ORACLE.get_or_init(|| {
        let out = Command::new(env!("FCALL_PYTHON")).arg("-c").arg(ORACLE_PY).output().expect("start the oracle python");
        assert!(out.status.success(), "oracle python failed:\n{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).expect("oracle JSON")
    })
}

fn expected(name: &str) -> &'static J {
    oracle().get(name).unwrap_or_else(|| panic!("the oracle has no scenario {name}"))
}

/// `obs(name, fn)` of the oracle: `{"returned": enc(v)}` or `{"raised": err(e)}`.
fn ob(r: Result<Value>) -> J {
    match r {
        Ok(v) => json!({"returned": enc(&v)}),
        Err(e) => json!({"raised": err(&e)}),
    }
}

fn check(name: &str, actual: &J) {
    assert_json(expected(name), actual, name);
}

fn no_kw() -> Kwargs {
    Vec::new()
}

/// `functional_call(m, dicts, args)` with the defaults.
fn fc(m: &Module, dicts: &Value, args: &Value) -> Result<Value> {
    functional_call(m, dicts, args, &no_kw(), CallOptions::default()).result
}

fn tensor(v: &Value) -> &Tensor {
    tensor_of(v).tensor()
}

fn tval(x: Tensor) -> Value {
    Value::Tensor(TensorRef::new(x))
}

/// `torch.tensor(nested)` of a 2-D list.
fn t2(rows: &[&[f32]]) -> TensorRef {
    let flat: Vec<f32> = rows.iter().flat_map(|r| r.iter().copied()).collect();
    t(&flat, &[rows.len() as i64, rows[0].len() as i64])
}

fn tup(items: Vec<Value>) -> Value {
    Value::tuple(items)
}

// ---------------------------------------------------------------- the docstring's grad example

const W3: &[f32] = &[0.5, -0.2, 0.1, 0.3, 0.8, -0.5, -0.7, 0.2, 0.4];
const B3: &[f32] = &[0.1, -0.3, 0.2];
const X43: &[&[f32]] = &[&[1.0, 2.0, -1.0], &[0.5, -1.5, 2.0], &[-2.0, 0.0, 1.0], &[3.0, 1.0, 0.5]];
const T43: &[&[f32]] = &[&[0.0, 1.0, -1.0], &[2.0, 0.5, 0.0], &[-1.0, -1.0, 1.0], &[1.5, 0.0, 2.0]];

/// `model = nn.Linear(3, 3)` with fixed values, `x`, `t`.
fn doc_setup() -> (Module, Value, Value) {
    (linear(3, 3, W3, Some(B3)), tv(&t2(X43)), tv(&t2(T43)))
}

/// `compute_loss(params, x, t) = F.mse_loss(functional_call(model, params, x), t)`.
fn compute_loss(model: &Module) -> impl Fn(&[Value], &Kwargs) -> Result<Value> + '_ {
    move |a, _| {
        let y = fc(model, &a[0], &a[1])?;
        Ok(tval(tensor(&y).f_mse_loss(tensor(&a[2]), tch::Reduction::Mean)?))
    }
}

fn dict_of(items: Vec<(String, TensorRef)>) -> Value {
    d(&DictRef::from_entries(items.into_iter().map(|(k, x)| (k, Value::Tensor(x))).collect()))
}
/// `dict(m.named_parameters())`.
fn params_of(m: &Module) -> Value {
    dict_of(m.named_parameters().unwrap())
}
/// `dict(m.named_buffers())`.
fn buffers_of(m: &Module) -> Value {
    dict_of(m.named_buffers().unwrap())
}
/// `{k: v.detach() for k, v in m.named_parameters()}`.
fn detached_params(m: &Module) -> Value {
    dict_of(m.named_parameters().unwrap().into_iter().map(|(n, p)| (n, detach(&p))).collect())
}

#[test]
fn grad_docstring_example() {
    let (model, x, t) = doc_setup();
    let cl = compute_loss(&model);
    let g = grad(&cl, &[params_of(&model), x, t], &no_kw(), &Argnums::One(0)).unwrap();
    let w = tensor_at(&model, "weight");
    let actual = json!({
        "grads": enc(&g),
        "module_weight_grad_attr": enc_raw(&tensor(&w).grad()),
        "module_weight_after": enc(&w),
    });
    check("doc_grad", &actual);
}

#[test]
fn grad_docstring_detached_params() {
    let (model, x, t) = doc_setup();
    let cl = compute_loss(&model);
    let g = grad(&cl, &[detached_params(&model), x, t], &no_kw(), &Argnums::One(0)).unwrap();
    check("doc_grad_detached", &json!({"grads": enc(&g)}));
}

#[test]
fn grad_and_value_docstring() {
    let (model, x, t) = doc_setup();
    let cl = compute_loss(&model);
    let (g, v) = grad_and_value(&cl, &[params_of(&model), x.clone(), t.clone()], &no_kw(), &Argnums::One(0)).unwrap();
    check("doc_grad_and_value", &json!([enc(&g), enc(&v)]));
    let (g, v) = grad_and_value(&cl, &[detached_params(&model), x, t], &no_kw(), &Argnums::One(0)).unwrap();
    check("doc_grad_and_value_detached", &json!([enc(&g), enc(&v)]));
}

#[test]
fn grad_argnums_variants() {
    let (model, x, t) = doc_setup();
    let cl = compute_loss(&model);
    let args = || vec![detached_params(&model), x.clone(), t.clone()];
    check("doc_grad_argnums_0_1", &ob(grad(&cl, &args(), &no_kw(), &Argnums::Many(vec![0, 1]))));
    check("doc_grad_argnum_neg", &ob(grad(&cl, &args(), &no_kw(), &Argnums::One(-2))));
    check("doc_grad_argnums_tuple1", &ob(grad(&cl, &args(), &no_kw(), &Argnums::Many(vec![1]))));
}

#[test]
fn grad_under_no_grad_and_after_an_error() {
    let (model, x, t) = doc_setup();
    let cl = compute_loss(&model);
    let w = tensor_at(&model, "weight");
    let (g, after) = tch::no_grad(|| {
        let g = grad(&cl, &[params_of(&model), x.clone(), t.clone()], &no_kw(), &Argnums::One(0)).unwrap();
        (g, mul(&w, &Value::Int(2)).unwrap())
    });
    check("doc_grad_under_no_grad", &json!({"grads": enc(&g), "op_after": enc(&after)}));
    // An error inside f: strict=True and a missing key.
    let bad = |a: &[Value], _: &Kwargs| -> Result<Value> {
        functional_call(&model, &a[0], &a[1], &no_kw(), CallOptions { tie_weights: true, strict: true }).result?;
        Ok(tv(&s(0.0)))
    };
    let dd = d(&tdict(vec![("weight", &detach(tensor_of(&w)))]));
    check("err_inside_f", &ob(grad(&bad, &[dd, x.clone(), t.clone()], &no_kw(), &Argnums::One(0))));
    // The layer was popped and grad mode restored: the next transform is unaffected.
    let g = grad(&cl, &[detached_params(&model), x, t], &no_kw(), &Argnums::One(0)).unwrap();
    check("after_error", &enc(&g));
    let plain = leaf(&[1.0], &[1]);
    let y = mul(&tv(&plain), &Value::Int(3)).unwrap();
    assert_eq!(tensor_of(&y).grad_fn_name().as_deref(), Some("MulBackward0"), "grad mode is on again after the error");
}

// ---------------------------------------------------------------- argnums over (params, buffers)

/// `Scaled`: lin = Linear(2, 2); buffer scale; forward lin(x) * scale.
fn scaled() -> Module {
    let m = Module::user("Scaled", |m, args, kw| {
        let x = bind("Scaled", args, kw, &["x"], &[])?.remove(0);
        mul(&call_sub(m, "lin", &x)?, &m.getattr("scale")?)
    });
    m.setattr("lin", Value::Module(linear(2, 2, &[1.0, -1.0, 0.5, 2.0], Some(&[0.0, 1.0])))).unwrap();
    m.setattr("scale", tv(&buffer(&[2.0, -3.0], &[2]))).unwrap();
    m
}

#[test]
fn grad_over_params_and_buffers() {
    let m = scaled();
    let sloss = |a: &[Value], _: &Kwargs| -> Result<Value> {
        let y = fc(&m, &tup(vec![a[0].clone(), a[1].clone()]), &tup(vec![a[2].clone()]))?;
        Ok(tval(mul(&y, &y)?.as_tensor().unwrap().tensor().f_sum(None)?))
    };
    let x = || tv(&t2(&[&[1.0, 2.0], &[-1.0, 0.5]]));
    let args = || vec![params_of(&m), buffers_of(&m), x()];
    check("pb_argnums_0_1", &ob(grad(&sloss, &args(), &no_kw(), &Argnums::Many(vec![0, 1]))));
    check("pb_argnums_1", &ob(grad(&sloss, &args(), &no_kw(), &Argnums::One(1))));
    let gv = grad_and_value(&sloss, &args(), &no_kw(), &Argnums::Many(vec![0, 1])).map(|(g, v)| tup(vec![g, v]));
    check("pb_grad_and_value", &ob(gv));
}

// ---------------------------------------------------------------- grad errors

#[test]
fn grad_errors() {
    let (model, x, t) = doc_setup();
    let cl = compute_loss(&model);
    let p0 = || detached_params(&model);
    let px = || vec![p0(), x.clone()];
    let pxt = || vec![p0(), x.clone(), t.clone()];
    let one = Argnums::One(0);
    let non_scalar = |a: &[Value], _: &Kwargs| fc(&model, &a[0], &a[1]);
    check("err_non_scalar", &ob(grad(&non_scalar, &px(), &no_kw(), &one)));
    let pair = |a: &[Value], k: &Kwargs| {
        let l = cl(&[a[0].clone(), a[1].clone(), t.clone()], k)?;
        Ok(tup(vec![l.clone(), l]))
    };
    check("err_tuple_output", &ob(grad(&pair, &px(), &no_kw(), &one)));
    check("err_float_output", &ob(grad(&|_: &[Value], _: &Kwargs| Ok(Value::Float(1.5)), &px(), &no_kw(), &one)));
    check("err_none_output", &ob(grad(&|_: &[Value], _: &Kwargs| Ok(Value::None), &px(), &no_kw(), &one)));
    check("err_argnum_range", &ob(grad(&cl, &pxt(), &no_kw(), &Argnums::One(3))));
    check("err_argnum_range_neg", &ob(grad(&cl, &pxt(), &no_kw(), &Argnums::Many(vec![0, -4]))));
    check("err_argnums_dup", &ob(grad(&cl, &pxt(), &no_kw(), &Argnums::Many(vec![0, -3]))));
    check("err_argnums_empty", &ob(grad(&cl, &pxt(), &no_kw(), &Argnums::Many(vec![]))));
    let w = || tv(&detach(tensor_of(&tensor_at(&model, "weight"))));
    let with_bias = |b: Value| vec![d(&dict(vec![("weight", w()), ("bias", b)])), x.clone(), t.clone()];
    check("err_diff_int", &ob(grad(&cl, &with_bias(Value::Int(3)), &no_kw(), &one)));
    check("err_diff_none", &ob(grad(&cl, &with_bias(Value::None), &no_kw(), &one)));
    let unused = |a: &[Value], _: &Kwargs| Ok(tval(tensor(&a[1]).f_sum(None)?));
    check("unused_input", &ob(grad(&unused, &px(), &no_kw(), &one)));
    // (Made outside the transform: fcall::tensor::from_f32 cannot run under grad yet.)
    let two = s(2.0);
    let constant = |_: &[Value], _: &Kwargs| Ok(tv(&two));
    check("unused_input_const", &ob(grad(&constant, &px(), &no_kw(), &one)));
}

#[test]
fn grad_parametrization_captured_set_() {
    let m = parametrized_linear(2, 1, &[-1.0, 2.0], clamp_pos());
    let loss = |a: &[Value], _: &Kwargs| Ok(tval(tensor(&fc(&m, &a[0], &a[1])?).f_sum(None)?));
    let args = [d(&tdict(vec![("weight", &t(&[-5.0, 3.0], &[1, 2]))])), tv(&t(&[1.0, 1.0], &[1, 2]))];
    let mut actual = ob(grad(&loss, &args, &no_kw(), &Argnums::One(0)));
    actual["original_after"] = enc(&tensor_at(&m, "parametrizations.weight.original"));
    check("case110", &actual);
}

// ---------------------------------------------------------------- vmap: ensembles

fn two_linears() -> Vec<Module> {
    vec![linear(2, 1, &[1.0, 0.0], Some(&[0.0])), linear(2, 1, &[0.0, 2.0], Some(&[1.0]))]
}

#[test]
fn vmap_ensemble_over_stacked_state() {
    let models = two_linears();
    let (params, buffers) = stack_module_state(&models).unwrap();
    let base = &models[0];
    let f = |a: &[Value], _: &Kwargs| fc(base, &tup(vec![a[0].clone(), a[1].clone()]), &tup(vec![a[2].clone()]));
    let x = || tv(&t2(&[&[1.0, 2.0], &[3.0, 4.0]]));
    let in_dims = tup(vec![Value::Int(0), Value::Int(0), Value::None]);
    let out = vmap(&f, "f", &[d(&params), d(&buffers), x()], &no_kw(), &in_dims, &Value::Int(0), "error").unwrap();
    let actual = json!({
        "stacked_params": enc(&d(&params)),
        "stacked_buffers": enc(&d(&buffers)),
        "out": enc(&out),
        "base_weight_after": enc(&tensor_at(base, "weight")),
    });
    check("ensemble", &actual);
    let det = d(&DictRef::of_tensors(params.borrow().iter().map(|(k, v)| (k.as_str(), detach(tensor_of(v))))));
    check("ensemble_detached", &ob(vmap(&f, "f", &[det, d(&buffers), x()], &no_kw(), &in_dims, &Value::Int(0), "error")));
    check("ensemble_out_dims_1", &ob(vmap(&f, "f", &[d(&params), d(&buffers), x()], &no_kw(), &in_dims, &Value::Int(1), "error")));
    // grad of a loss over the whole ensemble, w.r.t. the stacked parameters (vmap inside grad).
    // (Tensors are made outside the transform: fcall::tensor::from_f32 cannot run under grad yet.)
    let xv = x();
    let ens_loss = |a: &[Value], _: &Kwargs| -> Result<Value> {
        let out = vmap(&f, "f", &[a[0].clone(), d(&buffers), xv.clone()], &no_kw(), &in_dims, &Value::Int(0), "error")?;
        Ok(tval(tensor(&out).f_pow_tensor_scalar(2)?.f_sum(None)?))
    };
    let det = d(&DictRef::of_tensors(params.borrow().iter().map(|(k, v)| (k.as_str(), detach(tensor_of(v))))));
    check("ensemble_grad_outside", &ob(grad(&ens_loss, &[det], &no_kw(), &Argnums::One(0))));
}

// ---------------------------------------------------------------- vmap(grad): per-sample gradients

#[test]
fn vmap_of_grad_per_sample_gradients() {
    let (model, x, t) = doc_setup();
    let loss1 = |a: &[Value], _: &Kwargs| -> Result<Value> {
        let xi = tval(tensor(&a[1]).f_unsqueeze(0)?);
        let y = fc(&model, &a[0], &tup(vec![xi]))?;
        Ok(tval(tensor(&y).f_mse_loss(&tensor(&a[2]).f_unsqueeze(0)?, tch::Reduction::Mean)?))
    };
    let loss2 = |a: &[Value], _: &Kwargs| -> Result<Value> {
        let y = fc(&model, &a[0], &tup(vec![a[1].clone()]))?;
        let diff = tensor(&y).f_sub(tensor(&a[2]))?;
        Ok(tval(diff.f_mul(&diff)?.f_sum(None)?))
    };
    let g1 = |a: &[Value], k: &Kwargs| grad(&loss1, a, k, &Argnums::One(0));
    let g2 = |a: &[Value], k: &Kwargs| grad(&loss2, a, k, &Argnums::One(0));
    let gv2 = |a: &[Value], k: &Kwargs| grad_and_value(&loss2, a, k, &Argnums::One(0)).map(|(g, v)| tup(vec![g, v]));
    let in_dims = tup(vec![Value::None, Value::Int(0), Value::Int(0)]);
    let run = |f: &dyn Fn(&[Value], &Kwargs) -> Result<Value>, p: Value| {
        ob(vmap(f, "loss", &[p, x.clone(), t.clone()], &no_kw(), &in_dims, &Value::Int(0), "error"))
    };
    check("per_sample_grads", &run(&g1, detached_params(&model)));
    check("per_sample_grads_params", &run(&g1, params_of(&model)));
    check("per_sample_grads_sq", &run(&g2, detached_params(&model)));
    check("per_sample_grad_and_value", &run(&gv2, detached_params(&model)));
}

/// Ops whose batching rule Python's vmap registers from Python (torch._functorch's
/// lazy_load_decompositions: loss backwards, nll_loss, addr); fcall registers the same
/// decompositions (csrc/vmap_decomps.cpp) instead of libtorch's per-sample fallback, and must
/// give PyTorch's values.
#[test]
fn vmap_ops_python_decomposes() {
    let (model, x, target) = doc_setup();
    let p0 = || detached_params(&model);
    let in_dims = tup(vec![Value::None, Value::Int(0), Value::Int(0)]);
    let loss_ce = |a: &[Value], _: &Kwargs| -> Result<Value> {
        let y = fc(&model, &a[0], &tup(vec![tval(tensor(&a[1]).f_unsqueeze(0)?)]))?;
        let target = tensor(&a[2]).f_unsqueeze(0)?;
        Ok(tval(tensor(&y).f_cross_entropy_loss::<Tensor>(&target, None, tch::Reduction::Mean, -100, 0.0)?))
    };
    let g = |a: &[Value], k: &Kwargs| grad(&loss_ce, a, k, &Argnums::One(0));
    let yc = tval(Tensor::from_slice(&[0i64, 2, 1, 0]));
    check("per_sample_grads_ce", &ob(vmap(&g, "loss_ce", &[p0(), x.clone(), yc], &no_kw(), &in_dims, &Value::Int(0), "error")));
    let smooth = |a: &[Value], _: &Kwargs| -> Result<Value> {
        let y = fc(&model, &a[0], &tup(vec![a[1].clone()]))?;
        Ok(tval(tensor(&y).f_smooth_l1_loss(tensor(&a[2]), tch::Reduction::Mean, 1.0)?))
    };
    let g = |a: &[Value], k: &Kwargs| grad(&smooth, a, k, &Argnums::One(0));
    check("per_sample_grads_smooth_l1", &ob(vmap(&g, "<lambda>", &[p0(), x.clone(), target.clone()], &no_kw(), &in_dims, &Value::Int(0), "error")));
    let huber = |a: &[Value], _: &Kwargs| -> Result<Value> {
        let y = fc(&model, &a[0], &tup(vec![a[1].clone()]))?;
        Ok(tval(tensor(&y).f_huber_loss(tensor(&a[2]), tch::Reduction::Mean, 1.0)?))
    };
    let g = |a: &[Value], k: &Kwargs| grad(&huber, a, k, &Argnums::One(0));
    check("per_sample_grads_huber", &ob(vmap(&g, "<lambda>", &[p0(), x, target], &no_kw(), &in_dims, &Value::Int(0), "error")));
    let addr = |a: &[Value], _: &Kwargs| Ok(tval(tensor(&a[0]).f_addr(tensor(&a[1]), tensor(&a[2]))?));
    let m = tv(&t(&[1.0, 2.0, 3.0, 4.0, 0.0, 1.0, 1.0, 0.0], &[2, 2, 2]));
    let args = [m, tv(&t2(&[&[1.0, 2.0], &[3.0, 4.0]])), tv(&t2(&[&[5.0, 6.0], &[7.0, 8.0]]))];
    check("vm_addr", &ob(vmap(&addr, "addr", &args, &no_kw(), &Value::Int(0), &Value::Int(0), "error")));
}

// ---------------------------------------------------------------- vmap and BatchNorm (case 118)

fn bn_dict() -> DictRef {
    let nbt = TensorRef::new(Tensor::from(0i64));
    dict(vec![
        ("weight", tv(&t(&[1.0, 2.0], &[2]))),
        ("bias", tv(&t(&[0.5, -0.5], &[2]))),
        ("running_mean", tv(&t(&[0.0, 1.0], &[2]))),
        ("running_var", tv(&t(&[1.0, 4.0], &[2]))),
        ("num_batches_tracked", tv(&nbt)),
    ])
}

#[test]
fn vmap_batchnorm_train_error_and_eval() {
    let bn = layers::batch_norm1d(2, BatchNormOptions::default()).unwrap();
    let dd = bn_dict();
    let f = |a: &[Value], _: &Kwargs| fc(&bn, &d(&dd), &tup(vec![a[0].clone()]));
    let bn_x: &[f32] = &[1.0, 2.0, 3.0, 5.0, 6.0, 4.0];
    let xs = tv(&t(&[bn_x, bn_x].concat(), &[2, 3, 2]));
    bn.train(true).unwrap();
    let train = ob(vmap(&f, "f", &[xs.clone()], &no_kw(), &Value::Int(0), &Value::Int(0), "error"));
    let dict_after_train = enc(&d(&dd));
    bn.eval().unwrap();
    let eval = ob(vmap(&f, "f", &[xs], &no_kw(), &Value::Int(0), &Value::Int(0), "error"));
    let module_after: Vec<(String, TensorRef)> = bn.named_parameters().unwrap().into_iter().chain(bn.named_buffers().unwrap()).collect();
    let actual = json!({
        "train": train,
        "dict_after_train": dict_after_train,
        "eval": eval,
        "dict_after": enc(&d(&dd)),
        "module_after": enc(&dict_of(module_after)),
    });
    check("bn", &actual);
}

#[test]
fn grad_kwargs_int_inputs_nested_and_bn_ensemble() {
    let (model, x, target) = doc_setup();
    let cl = compute_loss(&model);
    let kwloss = |a: &[Value], k: &Kwargs| cl(&[a[0].clone(), a[1].clone(), k[0].1.clone()], &no_kw());
    let kw: Kwargs = vec![("t".into(), target)];
    check("grad_kwargs", &ob(grad(&kwloss, &[detached_params(&model), x], &kw, &Argnums::One(0))));
    let sum = |a: &[Value], _: &Kwargs| Ok(tval(tensor(&a[0]).f_sum(None)?));
    check("grad_int_input", &ob(grad(&sum, &[tval(Tensor::from_slice(&[1i64, 2]))], &no_kw(), &Argnums::One(0))));
    let cube = |a: &[Value], _: &Kwargs| Ok(tval(tensor(&a[0]).f_pow_tensor_scalar(3)?));
    let d_cube = |a: &[Value], k: &Kwargs| grad(&cube, a, k, &Argnums::One(0));
    check("grad_of_grad", &ob(grad(&d_cube, &[tv(&s(2.0))], &no_kw(), &Argnums::One(0))));
    let gv = grad_and_value(&d_cube, &[tv(&s(2.0))], &no_kw(), &Argnums::One(0)).map(|(g, v)| tup(vec![g, v]));
    check("grad_of_grad_and_value", &ob(gv));
    let (gx, gw) = (s(1.0), param(&[2.0], &[]));
    let second = |a: &[Value], _: &Kwargs| Ok(a[1].clone());
    let (g, v) = grad_and_value(&second, &[tv(&gx), tv(&gw)], &no_kw(), &Argnums::One(0)).unwrap();
    check("gv_identity_param", &json!({"g": enc(&g), "v": enc(&v), "v_is_w": py_is(&v, &tv(&gw))}));
    let first_arg = |a: &[Value], _: &Kwargs| Ok(a[0].clone());
    let (g, v) = grad_and_value(&first_arg, &[tv(&gx), tv(&gw)], &no_kw(), &Argnums::One(0)).unwrap();
    check("gv_identity_input", &json!({"g": enc(&g), "v": enc(&v), "v_is_x": py_is(&v, &tv(&gx))}));
    let twice = |a: &[Value], _: &Kwargs| mul(&a[0], &Value::Int(2));
    check("vm_out_dims_range", &ob(vmap(&twice, "<lambda>", &[x2()], &no_kw(), &Value::Int(0), &Value::Int(5), "error")));
    let ms = [layers::batch_norm1d(2, BatchNormOptions::default()).unwrap(), layers::batch_norm1d(2, BatchNormOptions::default()).unwrap()];
    setp(tensor_of(&tensor_at(&ms[1], "running_mean")), &[1.0, -1.0]);
    let r = stack_module_state(&ms).and_then(|(p, b)| {
        let f = |a: &[Value], _: &Kwargs| fc(&ms[0], &tup(vec![a[0].clone(), a[1].clone()]), &tup(vec![a[2].clone()]));
        let xs = tv(&t(&[1.0, 2.0, 3.0, 5.0, 6.0, 4.0], &[3, 2]));
        let out = vmap(&f, "f", &[d(&p), d(&b), xs], &no_kw(), &ints(&[Some(0), Some(0), None]), &Value::Int(0), "error")?;
        Ok(d(&dict(vec![("out", out), ("buffers_after", d(&b)), ("module0_after", buffers_of(&ms[0]))])))
    });
    check("bn_ensemble_train", &ob(r));
}

/// BatchNorm1d in train mode under grad. With the buffers passed in, they are wrapped and
/// `num_batches_tracked.add_(1)` / the running-stat updates write through to the dict's tensors;
/// with the module's own buffers captured, the in-place add_ is rejected by the grad transform.
fn bn_grad(pass_buffers: bool) -> J {
    let bn = layers::batch_norm1d(2, BatchNormOptions::default()).unwrap();
    let dd = bn_dict();
    let pick = |keys: &[&str]| d(&dict(keys.iter().map(|k| (*k, dd.get(k).unwrap())).collect()));
    let p = pick(&["weight", "bias"]);
    let b = pick(&["running_mean", "running_var", "num_batches_tracked"]);
    let scale = t(&[1.0, 2.0], &[2]);
    let xs = tv(&t(&[1.0, 2.0, 3.0, 5.0, 6.0, 4.0], &[3, 2]));
    let weighted = |y: &Value| -> Result<Value> { Ok(tval(tensor(y).f_pow_tensor_scalar(2)?.f_mul(scale.tensor())?.f_sum(None)?)) };
    let l = |a: &[Value], _: &Kwargs| weighted(&fc(&bn, &tup(vec![a[0].clone(), a[1].clone()]), &tup(vec![a[2].clone()]))?);
    let l_captured = |a: &[Value], _: &Kwargs| weighted(&fc(&bn, &a[0], &tup(vec![a[1].clone()]))?);
    let mut r = if pass_buffers {
        ob(grad(&l, &[p, b, xs], &no_kw(), &Argnums::One(0)))
    } else {
        ob(grad(&l_captured, &[p, xs], &no_kw(), &Argnums::One(0)))
    };
    r["dict_after"] = enc(&d(&dd));
    r["module_buffers_after"] = enc(&buffers_of(&bn));
    r
}

#[test]
fn grad_through_batchnorm_train() {
    check("bn_grad_buffers_passed", &bn_grad(true));
    check("bn_grad_buffers_captured", &bn_grad(false));
}

// ---------------------------------------------------------------- vmap: checks, errors, out_dims

fn x2() -> Value {
    tv(&t2(&[&[1.0, 2.0], &[3.0, 4.0]]))
}
fn x23() -> Value {
    tv(&t2(&[&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0]]))
}
fn args3() -> Vec<Value> {
    vec![x2(), d(&tdict(vec![("a", &t(&[1.0, 2.0], &[2])), ("b", &t(&[3.0, 4.0], &[2]))])), Value::Int(3)]
}
fn first(a: &[Value], _: &Kwargs) -> Result<Value> {
    Ok(a[0].clone())
}
fn ints(v: &[Option<i64>]) -> Value {
    tup(v.iter().map(|d| d.map(Value::Int).unwrap_or(Value::None)).collect())
}

#[test]
fn vmap_in_dims_errors() {
    let z = Value::Int(0);
    let vm = |name: &str, f: &dyn Fn(&[Value], &Kwargs) -> Result<Value>, args: &[Value], in_dims: &Value| {
        ob(vmap(f, name, args, &no_kw(), in_dims, &Value::Int(0), "error"))
    };
    check("vm_in_dims_list", &vm("ff", &first, &args3(), &Value::list(vec![z.clone(), z.clone(), Value::None])));
    check("vm_in_dims_dict", &vm("ff", &first, &args3(), &d(&dict(vec![("a", z.clone())]))));
    check("vm_in_dims_structure", &vm("ff", &first, &args3(), &ints(&[Some(0), Some(0)])));
    let dict_a = d(&dict(vec![("a", z.clone())]));
    check("vm_in_dims_structure_dict", &vm("ff", &first, &args3(), &tup(vec![z.clone(), dict_a, Value::None])));
    let pair = tup(vec![x2(), x2()]);
    let pick = |a: &[Value], _: &Kwargs| -> Result<Value> {
        let Value::Tuple(items) = &a[0] else { panic!("a tuple") };
        Ok(items.borrow()[0].clone())
    };
    let list_dims = tup(vec![Value::list(vec![z.clone(), z.clone()])]);
    check("vm_in_dims_structure_list_vs_tuple", &vm("<lambda>", &pick, &[pair], &list_dims));
    let sum_ab = |a: &[Value], _: &Kwargs| -> Result<Value> {
        let Value::Dict(b) = &a[1] else { panic!("a dict") };
        add(&mul(&b.get("a").unwrap(), &Value::Int(10))?, &b.get("b").unwrap())
    };
    let ba = d(&dict(vec![("b", z.clone()), ("a", Value::None)]));
    check("vm_in_dims_dict_order", &vm("<lambda>", &sum_ab, &args3(), &tup(vec![Value::None, ba, Value::None])));
    check("vm_in_dim_float", &vm("ff", &first, &args3(), &tup(vec![Value::Float(0.5), z.clone(), Value::None])));
    check("vm_in_dim_str", &vm("ff", &first, &args3(), &tup(vec![z.clone(), Value::str("x"), Value::None])));
    check("vm_in_dim_non_tensor", &vm("ff", &first, &args3(), &ints(&[Some(0), Some(0), Some(0)])));
    check("vm_in_dim_range", &vm("ff", &first, &args3(), &ints(&[Some(2), None, None])));
    check("vm_in_dim_range_neg", &vm("ff", &first, &args3(), &ints(&[Some(-3), None, None])));
    let twice = |a: &[Value], _: &Kwargs| mul(&a[0], &Value::Int(2));
    check("vm_in_dim_neg", &vm("<lambda>", &twice, &[x2()], &Value::Int(-1)));
    let constant = |_: &[Value], _: &Kwargs| Ok(tv(&s(1.0)));
    check("vm_no_inputs", &vm("<lambda>", &constant, &[], &Value::Int(0)));
    check("vm_all_none", &vm("ff", &first, &args3(), &Value::None));
    check("vm_all_none_tuple", &vm("ff", &first, &args3(), &ints(&[None, None, None])));
    let plus = |a: &[Value], _: &Kwargs| add(&a[0], &a[1]);
    check("vm_batch_size", &vm("<lambda>", &plus, &[x2(), tv(&t(&[1.0, 2.0, 3.0], &[3]))], &Value::Int(0)));
    let three = [x2(), tv(&t(&[1.0, 2.0, 3.0], &[1, 3])), tv(&t(&[1.0, 2.0, 3.0, 4.0], &[4]))];
    check("vm_batch_size3", &vm("<lambda>", &first, &three, &ints(&[Some(0), Some(1), Some(0)])));
    let r = vmap(&first, "ff", &args3(), &no_kw(), &Value::Int(0), &Value::Int(0), "foo");
    check("vm_randomness", &ob(r));
    let r = vmap(&first, "ff", &args3(), &no_kw(), &Value::list(vec![z.clone()]), &Value::Int(0), "foo");
    check("vm_randomness_first", &ob(r));
}

#[test]
fn vmap_out_dims_and_outputs() {
    let vm = |f: &dyn Fn(&[Value], &Kwargs) -> Result<Value>, x: Value, out_dims: &Value| {
        ob(vmap(f, "<lambda>", &[x], &no_kw(), &Value::Int(0), out_dims, "error"))
    };
    let ident = |a: &[Value], _: &Kwargs| Ok(a[0].clone());
    let pair = |a: &[Value], _: &Kwargs| Ok(tup(vec![a[0].clone(), a[0].clone()]));
    let with_int = |a: &[Value], _: &Kwargs| Ok(tup(vec![a[0].clone(), Value::Int(3)]));
    let twice = |a: &[Value], _: &Kwargs| mul(&a[0], &Value::Int(2));
    check("vm_out_dims_str", &vm(&ident, x2(), &Value::str("a")));
    check("vm_out_dims_tuple_str", &vm(&pair, x2(), &tup(vec![Value::Int(0), Value::str("a")])));
    check("vm_out_dims_structure", &vm(&pair, x2(), &ints(&[Some(0), Some(0), Some(0)])));
    check("vm_out_dims_structure_single", &vm(&ident, x2(), &ints(&[Some(0), Some(0)])));
    check("vm_out_non_tensor", &vm(&with_int, x2(), &Value::Int(0)));
    check("vm_out_none_batched", &vm(&ident, x2(), &Value::None));
    check("vm_out_none_unbatched", &vm(&with_int, x2(), &ints(&[Some(0), None])));
    check("vm_out_dims_1", &vm(&twice, x23(), &Value::Int(1)));
    let unsq = |a: &[Value], _: &Kwargs| Ok(tval(tensor(&a[0]).f_unsqueeze(0)?));
    check("vm_out_dims_neg", &vm(&unsq, x23(), &Value::Int(-1)));
    let const2 = |_: &[Value], _: &Kwargs| Ok(tv(&t(&[7.0, 8.0], &[2])));
    check("vm_out_unbatched", &vm(&const2, x2(), &Value::Int(0)));
    let const3 = |_: &[Value], _: &Kwargs| Ok(tv(&t(&[7.0, 8.0, 9.0], &[3])));
    check("vm_out_unbatched_dim1", &vm(&const3, x2(), &Value::Int(1)));
    let dict_out = |a: &[Value], _: &Kwargs| -> Result<Value> {
        Ok(d(&dict(vec![("s", tval(tensor(&a[0]).f_sum(None)?)), ("d", mul(&a[0], &Value::Int(2))?)])))
    };
    check("vm_out_dict", &vm(&dict_out, x2(), &Value::Int(0)));
}

#[test]
fn vmap_misc() {
    let times = |a: &[Value], _: &Kwargs| mul(&a[0], &a[1]);
    let r = vmap(&times, "<lambda>", &[x23(), tv(&s(2.0))], &no_kw(), &ints(&[Some(1), None]), &Value::Int(0), "error");
    check("vm_in_dim_1", &ob(r));
    let with_k = |a: &[Value], k: &Kwargs| mul(&a[0], &k[0].1);
    let kw: Kwargs = vec![("k".into(), tv(&t(&[10.0, 100.0], &[2])))];
    check("vm_kwargs", &ob(vmap(&with_k, "<lambda>", &[x2()], &kw, &Value::Int(0), &Value::Int(0), "error")));
    let inner = |a: &[Value], k: &Kwargs| vmap(&times, "<lambda>", a, k, &Value::Int(0), &Value::Int(0), "error");
    let y = tv(&t2(&[&[1.0, 0.0], &[2.0, 3.0]]));
    check("vm_nested", &ob(vmap(&inner, "vmap", &[x2(), y], &no_kw(), &Value::Int(0), &Value::Int(0), "error")));
    let twice = |a: &[Value], _: &Kwargs| mul(&a[0], &Value::Int(2));
    let xg = tv(&leaf(&[1.0, 2.0, 3.0, 4.0], &[2, 2]));
    check("vm_requires_grad_input", &ob(vmap(&twice, "<lambda>", &[xg], &no_kw(), &Value::Int(0), &Value::Int(0), "error")));
    let inplace = |a: &[Value], _: &Kwargs| -> Result<Value> {
        let _ = tensor_of(&a[1]).handle().f_add_(tensor(&a[0]))?;
        Ok(a[1].clone())
    };
    let r = vmap(&inplace, "<lambda>", &[x2(), tv(&t(&[0.0, 0.0], &[2]))], &no_kw(), &Value::Int(0), &Value::Int(0), "error");
    check("vm_inplace_unbatched", &ob(r));
    let random = |a: &[Value], _: &Kwargs| -> Result<Value> {
        let r = Tensor::f_rand([2], (Kind::Float, tch::Device::Cpu))?;
        Ok(tval(tensor(&a[0]).f_add(&r)?))
    };
    check("vm_randomness_error", &ob(vmap(&random, "<lambda>", &[x2()], &no_kw(), &Value::Int(0), &Value::Int(0), "error")));
}

// ---------------------------------------------------------------- stack_module_state

fn sms(models: &[Module]) -> J {
    ob(stack_module_state(models).map(|(p, b)| tup(vec![d(&p), d(&b)])))
}

#[test]
fn stack_module_state_matches_pytorch() {
    check("sms_linear", &sms(&two_linears()));
    let bns = [layers::batch_norm1d(2, BatchNormOptions::default()).unwrap(), layers::batch_norm1d(2, BatchNormOptions::default()).unwrap()];
    setp(tensor_of(&tensor_at(&bns[1], "running_mean")), &[1.0, 2.0]);
    {
        let mut nbt = tensor_of(&tensor_at(&bns[1], "num_batches_tracked")).handle();
        let _ = tch::no_grad(|| nbt.f_fill_(5)).unwrap();
    }
    check("sms_bn", &sms(&bns));
    check("sms_empty", &sms(&[]));
    let mixed = two_linears();
    mixed[1].eval().unwrap();
    check("sms_mixed_mode", &sms(&mixed));
    check("sms_mixed_class", &sms(&[linear(2, 1, &[1.0, 0.0], Some(&[0.0])), layers::batch_norm1d(2, BatchNormOptions::default()).unwrap()]));
    let rg = two_linears();
    let _ = tensor_of(&tensor_at(&rg[1], "bias")).handle().set_requires_grad(false);
    check("sms_mixed_requires_grad", &sms(&rg));
    let none = two_linears();
    for m in &none {
        for (_, p) in m.named_parameters().unwrap() {
            let _ = p.handle().set_requires_grad(false);
        }
    }
    check("sms_none_requires_grad", &sms(&none));
    check("sms_shape_mismatch", &sms(&[linear(2, 1, &[1.0, 0.0], Some(&[0.0])), linear(3, 1, &[0.0, 2.0, 1.0], Some(&[1.0]))]));
    check("sms_missing_bias", &sms(&[linear(2, 1, &[1.0, 0.0], Some(&[0.0])), linear_no_bias(2, 1, &[0.0, 2.0])]));
    check("sms_extra_bias", &sms(&[linear_no_bias(2, 1, &[1.0, 0.0]), linear(2, 1, &[0.0, 2.0], Some(&[1.0]))]));
    let evals = two_linears();
    evals.iter().for_each(|m| m.eval().unwrap());
    check("sms_eval_all", &sms(&evals));
}

#[test]
fn stack_module_state_sequential_ensemble_and_independence() {
    let mk = |s: f32| {
        layers::sequential(vec![linear(2, 2, &[s, 0.0, 0.0, s], Some(&[s, -s])), layers::relu(), linear(2, 1, &[1.0, s], Some(&[0.0]))])
            .unwrap()
    };
    let ms = [mk(1.0), mk(2.0), mk(3.0)];
    let r = stack_module_state(&ms).and_then(|(p, b)| {
        let fs = |a: &[Value], _: &Kwargs| fc(&ms[0], &tup(vec![a[0].clone(), a[1].clone()]), &tup(vec![a[2].clone()]));
        let x = tv(&t2(&[&[1.0, -1.0], &[2.0, 0.5]]));
        let out = vmap(&fs, "fs", &[d(&p), d(&b), x], &no_kw(), &ints(&[Some(0), Some(0), None]), &Value::Int(0), "error")?;
        Ok(d(&dict(vec![("params", d(&p)), ("out", out)])))
    });
    check("sms_sequential_vmap", &ob(r));
    let ms = two_linears();
    let r = stack_module_state(&ms).map(|(p, _)| {
        let w = p.get("weight").unwrap();
        tch::no_grad(|| {
            let _ = tensor_of(&w).handle().f_add_(&Tensor::from(100.0f32)).unwrap();
        });
        let weights = Value::list(ms.iter().map(|m| tensor_at(m, "weight")).collect());
        d(&dict(vec![("weights_after", weights), ("is_leaf", Value::Bool(tensor_of(&w).tensor().is_leaf()))]))
    });
    check("sms_independent", &ob(r));
}

// ------------------------------------------------- Python scripts: fcall's output vs PyTorch's
//
// jacrev / jacfwd / hessian / vjp / jvp, torch.autograd.grad, second-order grads through
// functional_call: each script runs in the oracle Python (one process, each script in a fresh
// namespace with fcall's prelude) and in a fresh fcall session; what they print must be the same
// text (tensor reprs, error types and messages caught with try/except).

const PRELUDE_PY: &str = "import math\nimport torch\nimport torch.nn as nn\nimport torch.nn.functional as F\nfrom torch.func import functional_call, grad, grad_and_value, vmap, stack_module_state\n";

const SCRIPTS: &[(&str, &str)] = &[
    (
        "jac_two_args",
        r#"
from torch.func import jacrev, jacfwd
x = torch.tensor([1.0, 2.0, 3.0])
y = torch.tensor([0.5, -1.0, 2.0])
def f(x, y):
    return x.sin() * y + x * x
j = jacrev(f, argnums=(0, 1))(x, y)
print(type(j).__name__, len(j))
print(j[0])
print(j[1])
print(jacfwd(f, argnums=(0, 1))(x, y))
print(jacrev(f)(x, y))
print(jacfwd(f, argnums=1)(x, y))
print(jacrev(f, chunk_size=1)(x, y))
print(jacrev(f, argnums=(0, 1), chunk_size=2)(x, y))
def g(x):
    return {"a": x.exp(), "b": (x * 2).sum()}
print(jacrev(g)(x))
print(jacfwd(g)(x))
W = torch.tensor([[1.0, -2.0], [0.5, 3.0], [2.0, 0.0]])
print(jacrev(lambda w, v: w @ v)(W, torch.tensor([1.0, -1.0])).shape)
print(jacfwd(lambda w, v: w @ v)(W, torch.tensor([1.0, -1.0])))
"#,
    ),
    (
        "hessians",
        r#"
from torch.func import jacrev, jacfwd, hessian
x = torch.tensor([0.5, -1.0, 2.0])
def h(x):
    return (x.tanh() * x).sum()
print(hessian(h)(x))
print(jacfwd(jacfwd(h))(x))
print(jacrev(jacrev(h))(x))
print(jacrev(jacfwd(h))(x))
def h2(a, b):
    return (a * a * b).sum()
b = torch.tensor([1.0, 2.0, 3.0])
H = hessian(h2, argnums=(0, 1))(x, b)
print(H[0][0])
print(H[0][1])
print(H[1][0])
print(H[1][1])
print(vmap(hessian(h))(torch.tensor([[0.5, 1.0, 1.5], [-1.0, 0.0, 1.0]])))
"#,
    ),
    (
        "vjp_jvp",
        r#"
from torch.func import vjp, jvp
x = torch.tensor([1.0, 2.0, 3.0])
def f(x):
    return x * x, {"aux": x.sum()}
out, fn, aux = vjp(f, x, has_aux=True)
print(out, aux)
print(fn(torch.tensor([1.0, 0.5, -1.0])))
out, t, aux = jvp(f, (x,), (torch.tensor([1.0, 0.0, 2.0]),), has_aux=True)
print(out, t, aux)
def two(a, b):
    return (a * b, a.sin())
out, fn = vjp(two, x, x + 1)
print(out)
print(fn((torch.ones(3), torch.ones(3))))
print(jvp(two, (x, x + 1), (torch.ones(3), torch.zeros(3))))
print(jvp(lambda a: a.exp().sum(), (x,), (torch.ones(3),)))
print(vmap(lambda v: fn((v, v)))(torch.eye(3)))
print(vmap(lambda t: jvp(lambda a: a.sin(), (x,), (t,))[1])(torch.eye(3)))
"#,
    ),
    (
        "transform_errors",
        r#"
from torch.func import vjp, jvp, jacrev, jacfwd, hessian
x = torch.tensor([1.0, 2.0])
def tryit(f):
    try:
        print(f())
    except Exception as e:
        print(type(e).__name__, e)
tryit(lambda: vjp(lambda x: None, x))
tryit(lambda: vjp(lambda x: (x, 1), x))
tryit(lambda: vjp(lambda x: x, 3))
tryit(lambda: vjp(lambda x: x.long(), x))
tryit(lambda: vjp(lambda x: (x, x), x)[1](x))
tryit(lambda: vjp(lambda x: {"a": x}, x)[1]((x,)))
tryit(lambda: vjp(lambda x: x, x, has_aux=True))
tryit(lambda: jvp(lambda x: x, x, x))
tryit(lambda: jvp(lambda x: x, (x,), [x]))
tryit(lambda: jvp(lambda x: x, (x,), (x, x)))
tryit(lambda: jvp(lambda x: x, (), ()))
tryit(lambda: jvp(lambda x: x, (3,), (3,)))
tryit(lambda: jvp(lambda x: x, (x.long(),), (x,)))
tryit(lambda: jvp(lambda x: 3, (x,), (x,)))
tryit(lambda: jvp(lambda x: None, (x,), (x,)))
tryit(lambda: jvp(lambda x: x * 0 + 1, (x,), (x,), strict=True))
tryit(lambda: jacrev(lambda x: x, chunk_size=0))
tryit(lambda: jacfwd(lambda x: x)(x.long()))
tryit(lambda: jacrev(lambda x: x)(x.long()))
tryit(lambda: jacrev(lambda x: x.sum(), argnums=2)(x))
tryit(lambda: jacrev(lambda x: x.sum(), argnums=(0, 0))(x))
tryit(lambda: jacfwd(lambda x: x.sum(), argnums=())(x))
tryit(lambda: grad(lambda x: x.sum(), has_aux=True)(x))
tryit(lambda: grad(lambda x: (x.sum(), x * 2), has_aux=True)(x))
tryit(lambda: grad_and_value(lambda x: (x.sum(), [x * 2, x]), has_aux=True)(x))
tryit(lambda: grad(lambda x: (x.sum(), 3), has_aux=True)(x))
"#,
    ),
    (
        "autograd_grad",
        r#"
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
w = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
y = (x * x * w).sum()
gx, gw = torch.autograd.grad(y, (x, w), create_graph=True)
print(gx, gw)
g2 = torch.autograd.grad(gx.sum(), x)
print(g2)
def tryit(f):
    try:
        print(f())
    except Exception as e:
        print(type(e).__name__, e)
z = torch.tensor([4.0], requires_grad=True)
tryit(lambda: torch.autograd.grad((x * w).sum(), [x, z]))
tryit(lambda: torch.autograd.grad((x * w).sum(), [x, z], allow_unused=True))
tryit(lambda: torch.autograd.grad((x * w).sum(), [x, z], materialize_grads=True))
tryit(lambda: torch.autograd.grad(x * w, x))
tryit(lambda: torch.autograd.grad(x * w, x, grad_outputs=torch.ones(2)))
tryit(lambda: torch.autograd.grad(x * w, x, grad_outputs=torch.tensor([1.0, 0.0, 2.0])))
tryit(lambda: torch.autograd.grad(x * w, []))
tryit(lambda: torch.autograd.grad(torch.tensor(1.0), x))
tryit(lambda: torch.autograd.grad((x * w).sum(), {"x": x, "w": w}))
v = (x * w).sum()
print(torch.autograd.grad(v, x, retain_graph=True))
print(torch.autograd.grad(v, w))
tryit(lambda: torch.autograd.grad(v, w))
"#,
    ),
    (
        "maml_second_order",
        r#"
model = nn.Linear(2, 1)
params = {"weight": torch.tensor([[0.5, -0.3]], requires_grad=True), "bias": torch.tensor([0.1], requires_grad=True)}
x = torch.tensor([[1.0, 2.0], [0.5, -1.0], [2.0, 0.5]])
t = torch.tensor([[1.0], [0.0], [-1.0]])
def loss(p, x, t):
    return F.mse_loss(functional_call(model, p, (x,)), t)
def inner(p):
    g = grad(loss)(p, x, t)
    return {k: p[k] - 0.1 * g[k] for k in p}
def outer(p):
    return loss(inner(p), x * 2, t)
print(grad(outer)(params))
print(grad_and_value(outer)({k: v.detach() for k, v in params.items()}))
l = loss(params, x, t)
gs = torch.autograd.grad(l, list(params.values()), create_graph=True)
new = {k: v - 0.1 * g for (k, v), g in zip(params.items(), gs)}
l2 = loss(new, x * 2, t)
l2.backward()
print(params["weight"].grad, params["bias"].grad)
batched = {"weight": torch.tensor([[[0.5, -0.3]], [[1.0, -0.6]]]), "bias": torch.tensor([[0.1], [0.2]])}
print(vmap(grad(outer))(batched))
"#,
    ),
    (
        "deepcopy_modules",
        r#"
import copy
class Tied(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(2, 2)
        self.b = nn.Linear(2, 2)
        self.b.weight = self.a.weight
        self.seq = nn.Sequential(self.a, nn.ReLU())
        self.register_buffer("scale", torch.tensor([2.0, 3.0]))
        self.note = "hi"
    def forward(self, x):
        return self.seq(x) * self.scale + self.b(x)
m = Tied()
with torch.no_grad():
    m.a.weight.copy_(torch.tensor([[1.0, -1.0], [0.5, 2.0]]))
    m.a.bias.copy_(torch.tensor([0.0, 1.0]))
    m.b.bias.copy_(torch.tensor([0.5, -0.5]))
c = copy.deepcopy(m)
print(type(c).__name__, c is m, c.a is m.a, c.seq[0] is c.a, c.b.weight is c.a.weight)
print(c.a.weight is m.a.weight, type(c.a.weight).__name__, c.a.weight.requires_grad, c.note)
print([n for n, _ in c.named_parameters()])
print([n for n, _ in c.named_modules()])
x = torch.tensor([[1.0, 2.0]])
print((c(x) - m(x)).abs().sum())
with torch.no_grad():
    c.a.weight.add_(1.0)
    c.scale.mul_(10.0)
print(m.a.weight)
print(c.b.weight)
print(m.scale, c.scale)
pair = copy.deepcopy([m, m])
print(pair[0] is pair[1], pair[0] is m)
print(c)
"#,
    ),
];

/// Every script's printed output in PyTorch, from one Python process.
fn script_oracle() -> &'static J {
    static ORACLE: OnceLock<J> = OnceLock::new();
    ORACLE.get_or_init(|| {
        let mut py = String::from("import io, json, contextlib, warnings\nwarnings.filterwarnings('ignore')\nR = {}\n");
        for (name, code) in SCRIPTS {
            let src = format!("{PRELUDE_PY}{code}");
            py.push_str(&format!(
                "buf = io.StringIO()\nwith contextlib.redirect_stdout(buf):\n    try:\n        exec({}, {{'__name__': '__main__'}})\n    except Exception as e:\n        print('UNCAUGHT', type(e).__name__, e)\nR[{}] = buf.getvalue()\n",
                serde_json::to_string(&src).unwrap(),
                serde_json::to_string(name).unwrap()
            ));
        }
        py.push_str("print(json.dumps(R))\n");
        let out = Command::new(env!("FCALL_PYTHON")).arg("-c").arg(&py).output().expect("start the oracle python");
        assert!(out.status.success(), "oracle python failed:\n{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).expect("oracle JSON")
    })
}

/// What `code` prints in a fresh fcall session (an uncaught error as the oracle shows it).
fn fcall_prints(code: &str) -> String {
    let mut s = fcall::interp::Session::new();
    let mut printed = String::new();
    for o in s.run(code, fcall::interp::RunOptions { keep_going: false }) {
        printed.push_str(&o.printed);
        if let Some(fcall::interp::Failure::Raised(e)) = &o.failure {
            printed.push_str(&format!("UNCAUGHT {:?} {}\n", e.exc, e.message));
        } else if let Some(t) = &o.error_text {
            printed.push_str(&format!("UNCAUGHT {t}\n"));
        }
    }
    printed
}

fn check_script(name: &str) {
    let code = SCRIPTS.iter().find(|(n, _)| *n == name).unwrap_or_else(|| panic!("no script {name}")).1;
    let expected = script_oracle()[name].as_str().expect("oracle output").to_string();
    // libtorch's forward-AD levels are process-wide (not per thread): two jvps on two test
    // threads at once would nest ("Nested forward mode AD is not supported"), so scripts run
    // one at a time.
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let actual = fcall_prints(code);
    assert!(!expected.contains("UNCAUGHT"), "{name}: the oracle raised:\n{expected}");
    if expected != actual {
        let diff: Vec<String> = expected
            .lines()
            .zip(actual.lines().chain(std::iter::repeat("<missing>")))
            .enumerate()
            .filter(|(_, (e, a))| e != a)
            .take(8)
            .map(|(i, (e, a))| format!("line {}:\n  torch: {e}\n  fcall: {a}", i + 1))
            .collect();
        panic!("{name}: output differs from PyTorch's\n{}\n--- fcall printed:\n{actual}", diff.join("\n"));
    }
}

#[test]
fn script_jacobians_of_two_args() {
    check_script("jac_two_args");
}

#[test]
fn script_hessians() {
    check_script("hessians");
}

#[test]
fn script_vjp_jvp_has_aux() {
    check_script("vjp_jvp");
}

#[test]
fn script_transform_errors() {
    check_script("transform_errors");
}

#[test]
fn script_autograd_grad() {
    check_script("autograd_grad");
}

#[test]
fn script_maml_second_order_through_functional_call() {
    check_script("maml_second_order");
}

#[test]
fn script_deepcopy_of_modules() {
    check_script("deepcopy_modules");
}
