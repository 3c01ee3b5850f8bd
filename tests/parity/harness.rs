//! The parity harness: loads the recorded PyTorch 2.13 observations (cases.jsonl), runs our
//! engine the way `cases.py`'s `observe` runs PyTorch, encodes what happened in the very same
//! JSON encoding, and compares the two with a path-reporting JSON diff.
use fcall::func::{functional_call, CallOptions};
use fcall::tensor::dtype_name;
use fcall::{Error, Kwargs, Module, TensorRef, Value};
use indexmap::IndexMap;
use serde_json::{json, Map, Value as J};
use std::sync::{Mutex, MutexGuard, OnceLock};
use tch::{Kind, Tensor};

const CASES_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/conformance/cases.jsonl");

/// Every record of cases.jsonl: id → (name, obs).
pub fn all_cases() -> &'static IndexMap<u64, (String, J)> {
    static CASES: OnceLock<IndexMap<u64, (String, J)>> = OnceLock::new();
    CASES.get_or_init(|| {
        let text = std::fs::read_to_string(CASES_PATH).unwrap_or_else(|e| panic!("cannot read {CASES_PATH}: {e}"));
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let rec: J = serde_json::from_str(l).expect("cases.jsonl: bad JSON line");
                let id = rec["id"].as_u64().expect("case id");
                let name = rec["name"].as_str().expect("case name").to_string();
                (id, (name, rec["obs"].clone()))
            })
            .collect()
    })
}

/// The recorded observation of case `id`; `name` must match (guards against renumbering).
pub fn case(id: u64, name: &str) -> J {
    let (recorded, obs) = all_cases().get(&id).unwrap_or_else(|| panic!("case {id} is not in cases.jsonl"));
    assert_eq!(recorded, name, "case {id} is named {recorded:?} in cases.jsonl");
    assert!(obs.get("harness_error").is_none(), "case {id} has no observation (harness_error in cases.py)");
    obs.clone()
}

/// Serializes the tests and seeds libtorch's RNG as `cases.py` does before every case
/// (`torch.manual_seed(0)`): the RNG is process-global and module construction consumes it.
pub fn setup() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    let g = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    tch::manual_seed(0);
    g
}

// ---------------------------------------------------------------- tensors and values

/// `torch.tensor(values).reshape(shape)`, float32, a plain Tensor.
pub fn t(values: &[f32], shape: &[i64]) -> TensorRef {
    TensorRef::new(fresh(values, shape))
}
/// A fresh float32 tensor of the values (its own storage, not a view: `torch.tensor(nested)`).
pub fn fresh(values: &[f32], shape: &[i64]) -> Tensor {
    fcall::tensor::from_f32(values, shape).unwrap().copy()
}
/// A 0-dim float32 tensor (`torch.tensor(v)`).
pub fn s(v: f32) -> TensorRef {
    t(&[v], &[])
}
/// `torch.tensor(values, dtype=float64)`.
pub fn t64(values: &[f64], shape: &[i64]) -> TensorRef {
    TensorRef::new(Tensor::f_from_slice(values).unwrap().f_reshape(shape).unwrap().copy())
}
/// `torch.zeros(shape)` / `torch.ones(shape)` / `torch.full(shape, v)`.
pub fn full(shape: &[i64], v: f64) -> TensorRef {
    TensorRef::new(Tensor::f_full(shape, v, (Kind::Float, tch::Device::Cpu)).unwrap())
}
/// `torch.eye(n)`.
pub fn eye(n: i64) -> TensorRef {
    TensorRef::new(Tensor::f_eye(n, (Kind::Float, tch::Device::Cpu)).unwrap())
}
/// `nn.Parameter(torch.tensor(values))`.
pub fn param(values: &[f32], shape: &[i64]) -> TensorRef {
    TensorRef::parameter(&fresh(values, shape), true).unwrap()
}
/// `nn.Buffer(torch.tensor(values))`.
pub fn buffer(values: &[f32], shape: &[i64]) -> TensorRef {
    TensorRef::buffer(&fresh(values, shape), true).unwrap()
}
/// `torch.tensor(values, requires_grad=True)` (a plain leaf tensor).
pub fn leaf(values: &[f32], shape: &[i64]) -> TensorRef {
    TensorRef::new(fresh(values, shape).set_requires_grad(true))
}
/// `t.detach()`: a new plain tensor object sharing storage.
pub fn detach(x: &TensorRef) -> TensorRef {
    TensorRef::new(x.tensor().f_detach().unwrap())
}
/// `setp(t, values)`: `with torch.no_grad(): t.copy_(torch.tensor(values))`.
pub fn setp(x: &TensorRef, values: &[f32]) {
    let _ng = tch::no_grad_guard();
    let src = fcall::tensor::from_f32(values, &x.shape()).unwrap();
    let _ = x.handle().f_copy_(&src).unwrap();
}
pub fn tv(x: &TensorRef) -> Value {
    Value::Tensor(x.clone())
}
/// A Python dict of values, in order.
pub fn dict(items: Vec<(&str, Value)>) -> fcall::DictRef {
    fcall::DictRef::from_entries(items.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}
/// A Python dict of tensors, in order.
pub fn tdict(items: Vec<(&str, &TensorRef)>) -> fcall::DictRef {
    dict(items.into_iter().map(|(k, v)| (k, tv(v))).collect())
}
pub fn d(x: &fcall::DictRef) -> Value {
    Value::Dict(x.clone())
}
pub fn no_kwargs() -> Kwargs {
    Vec::new()
}
pub fn opts(tie_weights: bool, strict: bool) -> CallOptions {
    CallOptions { tie_weights, strict }
}
pub fn default_opts() -> CallOptions {
    CallOptions::default()
}
/// A tensor-valued attribute of a module (`m.a.b.weight`), for identity checks.
pub fn tensor_at(m: &Module, path: &str) -> Value {
    let mut cur = Value::Module(m.clone());
    for seg in path.split('.') {
        cur = cur.as_module().expect("path through a module").getattr(seg).unwrap();
    }
    cur
}

/// `T(BN_X)`: the (4, 2) input of the BatchNorm cases.
pub fn bn_x() -> TensorRef {
    t(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], &[4, 2])
}
/// `bn_dict()`: weight, bias, running_mean, running_var (float32) and num_batches_tracked
/// (`T(0)`, int64 0-dim), fresh tensors each call.
pub fn bn_dict() -> fcall::DictRef {
    dict(vec![
        ("weight", tv(&t(&[1.0, 2.0], &[2]))),
        ("bias", tv(&t(&[0.0, 1.0], &[2]))),
        ("running_mean", tv(&t(&[0.0, 0.0], &[2]))),
        ("running_var", tv(&t(&[1.0, 1.0], &[2]))),
        ("num_batches_tracked", tv(&TensorRef::new(Tensor::from(0i64)))),
    ])
}

// ---------------------------------------------------------------- encoding (cases.py's enc)

fn num(x: f64) -> J {
    if x.is_nan() {
        json!("nan")
    } else if x.is_infinite() {
        json!(if x > 0.0 { "inf" } else { "-inf" })
    } else {
        json!(x)
    }
}

/// `_nest(t.detach().tolist())`.
pub fn nest(x: &Tensor) -> J {
    let kind = x.kind();
    let vals = fcall::tensor::to_f64_vec(x).unwrap();
    let shape = x.size();
    let leaf = |v: f64| -> J {
        match kind {
            Kind::Bool => json!(v != 0.0),
            Kind::Uint8 | Kind::Int8 | Kind::Int16 | Kind::Int | Kind::Int64 => json!(v as i64),
            _ => num(v),
        }
    };
    fn rec(vals: &[f64], shape: &[i64], leaf: &dyn Fn(f64) -> J) -> J {
        if shape.is_empty() {
            return leaf(vals[0]);
        }
        let n = shape[0] as usize;
        let inner: usize = shape[1..].iter().product::<i64>() as usize;
        J::Array((0..n).map(|i| rec(&vals[i * inner..(i + 1) * inner], &shape[1..], leaf)).collect())
    }
    rec(&vals, &shape, &leaf)
}

/// `enc_tensor(t)`.
pub fn enc_tensor(x: &TensorRef) -> J {
    json!({
        "value": nest(x.tensor()),
        "shape": x.shape(),
        "dtype": dtype_name(x.kind()),
        "requires_grad": x.requires_grad(),
        "grad_fn": x.grad_fn_name(),
        "type": x.type_name(),
    })
}

/// `enc_tensor` of a bare libtorch tensor (a `.grad`), or null when undefined (`None`).
pub fn enc_raw(x: &Tensor) -> J {
    if !x.defined() {
        return J::Null;
    }
    enc_tensor(&TensorRef::new(x.shallow_clone()))
}

/// `enc(v)`.
pub fn enc(v: &Value) -> J {
    match v {
        Value::Tensor(x) => enc_tensor(x),
        Value::Dict(dd) => J::Object(dd.borrow().iter().map(|(k, v)| (k.clone(), enc(v))).collect()),
        Value::List(items) | Value::Tuple(items) | Value::Size(items) => J::Array(items.borrow().iter().map(enc).collect()),
        Value::None => J::Null,
        Value::Bool(b) => json!(b),
        Value::Int(i) => json!(i),
        Value::BigInt(_) => json!(v.py_repr()),
        Value::Str(st) => json!(st.to_string()),
        Value::Float(f) => num(*f),
        Value::Complex(..) | Value::Module(_) | Value::Function(_) | Value::Namespace(_) | Value::DType(_) | Value::Class(_) | Value::Object(_) | Value::Set(_) => json!(v.py_repr()),
    }
}

/// `err(e)`: type, message and (KeyError) key_arg.
pub fn err(e: &Error) -> J {
    let mut m = Map::new();
    m.insert("type".into(), json!(e.exc.name()));
    m.insert("message".into(), json!(e.message));
    if let Some(k) = &e.key_arg {
        m.insert("key_arg".into(), json!(k));
    }
    J::Object(m)
}

// ---------------------------------------------------------------- observe (cases.py's observe)

/// A value copied before the call (`snapshot`): tensors as plain data, other values as objects.
#[derive(Clone)]
enum Snap {
    Tensor { shape: Vec<i64>, kind: Kind, vals: Vec<f64> },
    Object(Value),
}

fn snapshot(v: &Value) -> Snap {
    match v {
        Value::Tensor(x) => Snap::Tensor { shape: x.shape(), kind: x.kind(), vals: fcall::tensor::to_f64_vec(x.tensor()).unwrap() },
        other => Snap::Object(other.clone()),
    }
}

/// Python's `a is b` for values held in dicts/slots: objects by identity; immutable scalars that
/// the engine passes through unchanged compare equal (they are the same Python object).
pub fn py_is(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
        (Value::Str(x), Value::Str(y)) => x == y,
        _ => a.is(b),
    }
}

/// `same_value(a, before)`.
fn same_value(a: &Value, before: &Snap) -> bool {
    match (a, before) {
        (Value::Tensor(x), Snap::Tensor { shape, kind, vals }) => {
            if &x.shape() != shape || x.kind() != *kind {
                return false;
            }
            let now = fcall::tensor::to_f64_vec(x.tensor()).unwrap();
            now.iter().zip(vals).all(|(p, q)| p == q || (p.is_nan() && q.is_nan()))
        }
        (a, Snap::Object(b)) => py_is(a, b),
        _ => false,
    }
}

/// `module_state(m)`: name → tensor of named_parameters + named_buffers (remove_duplicate=False;
/// the deduplicated walk on a cyclic graph, as cases.py falls back on RecursionError).
pub fn module_state(m: &Module) -> IndexMap<String, TensorRef> {
    let names = match (m.named_parameters_with("", true, false), m.named_buffers_with("", true, false)) {
        (Ok(p), Ok(b)) => p.into_iter().chain(b).collect::<Vec<_>>(),
        _ => m.named_parameters().unwrap().into_iter().chain(m.named_buffers().unwrap()).collect(),
    };
    let mut out = IndexMap::new();
    for (n, x) in names {
        out.insert(n, x);
    }
    out
}

/// The state of a module before a call, for `module_report`.
pub struct ModuleBefore {
    names: IndexMap<String, TensorRef>,
    vals: IndexMap<String, Snap>,
}

pub fn module_before(m: &Module) -> ModuleBefore {
    let names = module_state(m);
    let vals = names.iter().map(|(n, x)| (n.clone(), snapshot(&tv(x)))).collect();
    ModuleBefore { names, vals }
}

/// `module_report(m, before, before_vals)`.
pub fn module_report(m: &Module, before: &ModuleBefore) -> J {
    let after = module_state(m);
    let mut rep = Map::new();
    let order: Vec<String> =
        before.names.keys().cloned().chain(after.keys().filter(|k| !before.names.contains_key(*k)).cloned()).collect();
    for n in order {
        let Some(x) = after.get(&n) else {
            rep.insert(n, json!({"value": null, "present": false}));
            continue;
        };
        let same_object = before.names.get(&n).is_some_and(|b| b.is(x));
        let changed = !before.vals.get(&n).is_some_and(|b| same_value(&tv(x), b));
        rep.insert(
            n,
            json!({"value": nest(x.tensor()), "type": x.type_name(), "same_object": same_object, "changed": changed}),
        );
    }
    J::Object(rep)
}

fn dict_list(dicts: &Value) -> Vec<fcall::DictRef> {
    match dicts {
        Value::Dict(x) => vec![x.clone()],
        Value::List(items) | Value::Tuple(items) if items.borrow().iter().all(|v| matches!(v, Value::Dict(_))) => {
            items.borrow().iter().filter_map(|v| if let Value::Dict(x) = v { Some(x.clone()) } else { None }).collect()
        }
        _ => Vec::new(),
    }
}

/// `dict_report(d, before, before_vals)`.
fn dict_report(x: &fcall::DictRef, before: &IndexMap<String, Value>, before_vals: &IndexMap<String, Snap>) -> J {
    let mut entries = Map::new();
    for (k, v) in x.borrow().iter() {
        let same_object = before.get(k).is_some_and(|b| py_is(v, b));
        let changed = !before_vals.get(k).is_some_and(|b| same_value(v, b));
        entries.insert(k.clone(), json!({"value": enc(v), "same_object": same_object, "changed": changed}));
    }
    json!({"keys": x.keys(), "entries": entries})
}

/// `observe(module, dicts, args, kwargs, **fc_kwargs)`: the call's result or error, the module's
/// state and every input dict's state afterwards, in cases.py's encoding; plus the result value.
pub fn observe(m: &Module, dicts: &Value, args: &Value, kwargs: &Kwargs, o: CallOptions) -> (Map<String, J>, Option<Value>) {
    let before = module_before(m);
    let dl = dict_list(dicts);
    let before_d: Vec<IndexMap<String, Value>> = dl.iter().map(|x| x.borrow().clone()).collect();
    let before_dv: Vec<IndexMap<String, Snap>> =
        dl.iter().map(|x| x.borrow().iter().map(|(k, v)| (k.clone(), snapshot(v))).collect()).collect();
    let mut obs = Map::new();
    let outcome = functional_call(m, dicts, args, kwargs, o);
    let out = match outcome.result {
        Ok(v) => {
            obs.insert("returned".into(), enc(&v));
            Some(v)
        }
        Err(e) => {
            obs.insert("raised".into(), err(&e));
            None
        }
    };
    obs.insert("module_after".into(), module_report(m, &before));
    if !dl.is_empty() {
        let reps = dl.iter().zip(&before_d).zip(&before_dv).map(|((x, b), bv)| dict_report(x, b, bv)).collect();
        obs.insert("dicts_after".into(), J::Array(reps));
    }
    (obs, out)
}

/// `observe` with a single positional-or-tuple `args` and no kwargs, default options.
pub fn observe1(m: &Module, dicts: &Value, args: &Value) -> Map<String, J> {
    observe(m, dicts, args, &no_kwargs(), default_opts()).0
}

// ---------------------------------------------------------------- comparison

fn same_number(e: &serde_json::Number, a: &serde_json::Number) -> bool {
    let e_int = e.is_i64() || e.is_u64();
    let a_int = a.is_i64() || a.is_u64();
    if e_int != a_int {
        return false;
    }
    let (x, y) = (e.as_f64().unwrap(), a.as_f64().unwrap());
    if e_int {
        return x == y;
    }
    (x - y).abs() <= 1e-6 * x.abs().max(1.0)
}

fn diff(expected: &J, actual: &J, path: &str, out: &mut Vec<String>) {
    match (expected, actual) {
        (J::Object(e), J::Object(a)) => {
            let ek: Vec<&String> = e.keys().collect();
            let ak: Vec<&String> = a.keys().collect();
            if ek != ak {
                out.push(format!("{path}: keys {ek:?} expected, got {ak:?}"));
            }
            for (k, ev) in e {
                if let Some(av) = a.get(k) {
                    diff(ev, av, &format!("{path}.{k}"), out);
                }
            }
        }
        (J::Array(e), J::Array(a)) => {
            if e.len() != a.len() {
                out.push(format!("{path}: expected {expected}, got {actual}"));
                return;
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                diff(ev, av, &format!("{path}[{i}]"), out);
            }
        }
        (J::Number(e), J::Number(a)) if same_number(e, a) => {}
        (e, a) if e == a => {}
        _ => out.push(format!("{path}: expected {expected}, got {actual}")),
    }
}

/// Asserts that `actual` is the recorded observation `expected` (recursive; key order included).
pub fn assert_json(expected: &J, actual: &J, what: &str) {
    let mut out = Vec::new();
    diff(expected, actual, what, &mut out);
    assert!(out.is_empty(), "{what}: {} mismatch(es) with PyTorch 2.13:\n  {}", out.len(), out.join("\n  "));
}

/// Asserts a whole case observation, leaving out top-level keys that have no meaning in fcall
/// (each with the reason, for the report).
pub fn assert_obs(expected: &J, actual: &Map<String, J>, not_applicable: &[(&str, &str)], what: &str) {
    let mut exp = expected.as_object().expect("obs is an object").clone();
    for (k, _why) in not_applicable {
        assert!(exp.shift_remove(*k).is_some(), "{what}: key {k} is not in the recorded observation");
    }
    assert_json(&J::Object(exp), &J::Object(actual.clone()), what);
}
