//! Attributes, methods, indexing and iteration of values: tensor attributes and methods (in-place
//! methods return the same object, as in Python), dict keys as attributes, module attributes with
//! `nn.Module`'s rules plus its methods, `x[...]` reads and writes, `for` iteration.
use tch::{Kind, Tensor};

use super::args::Args;
use super::eval::Ctx;
use super::ops;
use crate::error::{Error, ExcType, Result};
use crate::nn::Module;
use crate::tensor::shim::Number;
use crate::tensor::TensorRef;
use crate::value::{DictRef, Function, FunctionKind, Kwargs, Value};
use fcall_lang::ast::BinOp;

fn no_attr(v: &Value, name: &str) -> Error {
    Error::attribute("eval::no_attribute", format!("'{}' object has no attribute '{name}'", v.type_name()))
}

fn method(name: String, f: impl Fn(&[Value], &Kwargs) -> Result<Value> + 'static) -> Value {
    Function::new(name, FunctionKind::Method, f)
}

fn tv(t: Tensor) -> Value {
    Value::Tensor(TensorRef::new(t))
}

/// `t.grad_fn`: the autograd node as an object (None for a leaf). The value holds `t`, so the
/// node stays alive (and its address unique) while the value lives.
fn grad_fn(t: &TensorRef) -> Value {
    let Some((name, addr)) = t.grad_fn() else {
        return Value::None;
    };
    let keep = t.clone();
    Function::new(name.clone(), FunctionKind::Node(addr), move |_, _| {
        let _ = &keep;
        Err(Error::type_error("eval::call_node", format!("fcall does not call autograd nodes ({name}); use grad(f) or .backward()")))
    })
}

/// `node.name()` of an autograd node.
fn node_attr(f: &Function, name: &str) -> Result<Value> {
    match name {
        "name" => {
            let n = f.name.clone();
            Ok(method(format!("{n}.name"), move |_, _| Ok(Value::str(&n))))
        }
        _ => Err(Error::attribute("eval::attribute", format!("'{}' object has no attribute '{name}'", f.name))),
    }
}

/// `obj.name`.
pub fn getattr(ctx: &Ctx, obj: &Value, name: &str) -> Result<Value> {
    // Every Python object has a class; functions, classes and type objects have a `__name__`.
    if name == "__class__" {
        return Ok(obj.type_object());
    }
    match obj {
        Value::Function(f) if name == "__name__" && !matches!(f.kind, FunctionKind::Node(_) | FunctionKind::Handle(_)) => Ok(Value::str(&Value::dunder_name(f))),
        Value::Function(f) if f.bound.is_some() && matches!(name, "__self__" | "__func__") => {
            let (this, func) = f.bound.clone().expect("checked");
            Ok(if name == "__self__" { this } else { func })
        }
        Value::Function(f) if name == "__qualname__" && matches!(f.kind, FunctionKind::User | FunctionKind::Method) => Ok(Value::str(&f.name)),
        Value::Tensor(t) => tensor_attr(t, name),
        Value::Namespace(ns) => super::imports::module_attr(ns, name),
        Value::DType(k) => super::dtypes::attr(*k, name),
        Value::Module(m) => module_attr(m, name),
        Value::Class(c) => super::classes::class_attr(c, name),
        Value::Object(o) => super::classes::object_attr(o, name),
        v @ Value::Function(_) if crate::object::is_nn_module_class(v) => {
            super::classes::nn_module_class_attr(name).ok_or_else(|| Error::attribute("eval::no_attribute", format!("type object 'Module' has no attribute '{name}'")))
        }
        Value::Dict(d) => dict_attr(d, name),
        Value::Function(f) if matches!(f.kind, FunctionKind::Node(_)) => node_attr(f, name),
        Value::Function(f) if matches!(f.kind, FunctionKind::Handle(_)) => super::hooks::handle_attr(f, name),
        Value::List(items) if matches!(name, "sort" | "reverse") => Ok(super::pybuiltins::list_method(items, name)),
        Value::List(items) if super::lists::LIST_METHODS.contains(&name) => Ok(super::lists::method(items, name)),
        Value::Set(s) if super::sets::SET_METHODS.contains(&name) => super::sets::attr(s, name).ok_or_else(|| no_attr(obj, name)),
        Value::Str(s) if super::strings::STR_METHODS.contains(&name) => super::strings::attr(&std::rc::Rc::downgrade(&ctx.sh), s, name).ok_or_else(|| no_attr(obj, name)),
        Value::Int(_) | Value::BigInt(_) | Value::Bool(_) | Value::Float(_) | Value::Complex(..) if matches!(name, "real" | "imag" | "conjugate") => {
            number_part(obj, name)
        }
        Value::Tuple(items) if items.field(name).is_some() => Ok(items.field(name).expect("checked")),
        Value::Tuple(items) if items.structseq().is_some_and(|t| t.namedtuple) && super::namedtuple::METHODS.contains(&name) => Ok(super::namedtuple::attr(items, name)),
        Value::Tuple(items) if items.structseq().is_some_and(|t| !t.namedtuple) && matches!(name, "n_fields" | "n_sequence_fields" | "n_unnamed_fields") => {
            Ok(Value::Int(if name == "n_unnamed_fields" { 0 } else { items.len() as i64 }))
        }
        Value::Size(items) if name == "numel" => {
            let n: i64 = items.borrow().iter().map(|d| if let Value::Int(i) = d { *i } else { 1 }).product();
            Ok(method("Size.numel".into(), move |_, _| Ok(Value::Int(n))))
        }
        Value::List(items) | Value::Tuple(items) | Value::Size(items) if matches!(name, "index" | "count") => {
            let items = items.clone();
            let count = name == "count";
            Ok(method(format!("list.{name}"), move |pos, _| {
                let x = pos.first().cloned().unwrap_or(Value::None);
                let hits: Vec<usize> = items
                    .borrow().iter()
                    .enumerate()
                    .filter(|(_, v)| ops::compare(fcall_lang::ast::CmpOp::Eq, v, &x).map(|r| matches!(r, Value::Bool(true))).unwrap_or(false))
                    .map(|(i, _)| i)
                    .collect();
                if count {
                    return Ok(Value::Int(hits.len() as i64));
                }
                hits.first().map(|i| Value::Int(*i as i64)).ok_or_else(|| Error::value("eval::not_in_list", format!("{} is not in list", x.py_repr())))
            }))
        }
        other => Err(no_attr(other, name)),
    }
}

/// `.real`, `.imag` and `.conjugate()` of a Python number (an int's are ints, a bool's ints).
fn number_part(v: &Value, name: &str) -> Result<Value> {
    let real = match v {
        Value::Bool(b) => Value::Int(*b as i64),
        Value::Complex(r, _) => Value::Float(*r),
        other => other.clone(),
    };
    Ok(match (v, name) {
        (Value::Complex(_, i), "imag") => Value::Float(*i),
        (Value::Float(_), "imag") => Value::Float(0.0),
        (_, "imag") => Value::Int(0),
        (_, "real") => real,
        _ => {
            let conj = match v {
                Value::Complex(r, i) => Value::Complex(*r, -i),
                _ => real,
            };
            let ty = v.type_name();
            method(format!("{ty}.conjugate"), move |pos, kw| {
                if !pos.is_empty() || !kw.is_empty() {
                    return Err(Error::type_error("call::argument_count", format!("{ty}.conjugate() takes no arguments ({} given)", pos.len() + kw.len())));
                }
                Ok(conj.clone())
            })
        }
    })
}

/// `obj.name = v`.
pub fn setattr(obj: &Value, name: &str, v: Value) -> Result<()> {
    if let Some(r) = super::classes::setattr_dunder(obj, name, &v) {
        return r;
    }
    match obj {
        Value::Module(m) => m.setattr(name, v),
        Value::Class(c) => super::classes::set_class_attr(c, name, v),
        Value::Object(o) => super::classes::set_object_attr(o, name, v),
        Value::Dict(d) => {
            d.insert(name, v);
            Ok(())
        }
        Value::Namespace(ns) => {
            ns.set(name, v);
            Ok(())
        }
        // `t.data = new`: the same object takes new's memory (its version stays, as in PyTorch).
        Value::Tensor(t) if name == "data" => {
            let Value::Tensor(new) = &v else {
                return Err(Error::type_error("tensor::set_data", format!("Variable data has to be a tensor, but got {}", v.type_name())));
            };
            crate::func::watch::data_replaced(t);
            crate::tensor::shim::set_data(t.tensor(), new.tensor())
        }
        Value::Tensor(t) if name == "requires_grad" => {
            let b = ops::truthy(&v)?;
            let _ = t.handle().f_requires_grad_(b)?;
            Ok(())
        }
        Value::Tuple(items) if items.field(name).is_some() => Err(Error::attribute("eval::readonly_attribute", "readonly attribute")),
        other => Err(Error::attribute(
            "eval::readonly_attribute",
            format!("'{}' object attribute '{name}' cannot be set", other.type_name()),
        )),
    }
}

// ---------------------------------------------------------------- modules

/// Methods every module has (besides its class's own).
pub const MODULE_METHODS: &[&str] = &[
    "train", "eval", "parameters", "named_parameters", "buffers", "named_buffers", "named_modules", "children",
    "named_children", "modules", "state_dict", "append", "register_buffer", "register_parameter", "add_module",
    "get_submodule", "forward", "zero_grad", "requires_grad_", "register_forward_pre_hook", "register_forward_hook",
    "apply", "to", "cpu", "cuda", "float", "double", "half", "bfloat16", "to_empty",
];

/// `Module.apply(fn)`: `fn` on every child's subtree first, then on the module itself (children
/// as `children()` yields them, so a shared child is visited once per parent, as in torch).
fn module_apply(m: &Module, f: &Value) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    let children: Vec<Module> = m.data().modules.iter().filter_map(|(_, v)| v.clone()).filter(|s| seen.insert(s.id())).collect();
    for c in children {
        module_apply(&c, f)?;
    }
    super::eval::call_value(f, &[Value::Module(m.clone())], &Vec::new())?;
    Ok(())
}

fn module_attr(m: &Module, name: &str) -> Result<Value> {
    let own = {
        let d = m.data();
        d.properties.contains_key(name) || d.attrs.contains_key(name)
    };
    if own {
        return m.getattr(name);
    }
    if let Some(meth) = m.imp().method(m, name) {
        return Ok(meth);
    }
    if (super::containers::is(m, "ParameterList") && super::containers::PARAMETERLIST_METHODS.contains(&name))
        || (super::containers::is(m, "ParameterDict") && super::containers::PARAMETERDICT_METHODS.contains(&name))
    {
        let (m, name, qual) = (m.clone(), name.to_string(), format!("{}.{name}", m.class_name()));
        return Ok(method(qual.clone(), move |pos, kw| super::containers::parameter_method(&m, &name, &qual, pos, kw)));
    }
    if super::containers::is(m, "ModuleDict") && super::containers::MODULEDICT_METHODS.contains(&name) {
        let (m, name, qual) = (m.clone(), name.to_string(), format!("ModuleDict.{name}"));
        return Ok(method(qual.clone(), move |pos, kw| super::containers::moduledict_method(&m, &name, &qual, pos, kw)));
    }
    if !m.initialized() {
        if let Some(f) = super::classes::uninitialized_method(m, name) {
            return Ok(f);
        }
    }
    if MODULE_METHODS.contains(&name) {
        return Ok(module_method(m.clone(), name));
    }
    m.getattr(name).or_else(|e| super::classes::getattr_fallback(m, name, e))
}

fn named_list(items: Vec<(String, TensorRef)>) -> Value {
    Value::list(items.into_iter().map(|(k, t)| Value::tuple(vec![Value::str(&k), Value::Tensor(t)])).collect())
}

pub(super) fn module_method(m: Module, name: &str) -> Value {
    let cls = m.class_name();
    let qual = format!("{cls}.{name}");
    let name = name.to_string();
    method(qual.clone(), move |pos, kw| {
        let q = qual.as_str();
        match name.as_str() {
            "train" => {
                let a = Args::bind(q, &["mode"], 0, pos, kw)?;
                m.train(a.boolean("mode", true)?)?;
                Ok(Value::Module(m.clone()))
            }
            "eval" => {
                Args::bind(q, &[], 0, pos, kw)?;
                m.eval()?;
                Ok(Value::Module(m.clone()))
            }
            "parameters" | "buffers" => {
                let a = Args::bind(q, &["recurse"], 0, pos, kw)?;
                let recurse = a.boolean("recurse", true)?;
                let items = if name == "parameters" { m.named_parameters_with("", recurse, true)? } else { m.named_buffers_with("", recurse, true)? };
                // A generator, as in PyTorch (`next(model.parameters())`).
                Ok(super::pybuiltins::iterator_over("generator", items.into_iter().map(|(_, t)| Value::Tensor(t)).collect()))
            }
            "named_parameters" | "named_buffers" => {
                let a = Args::bind(q, &["prefix", "recurse", "remove_duplicate"], 0, pos, kw)?;
                let (p, r, d) = (a.string("prefix", "")?, a.boolean("recurse", true)?, a.boolean("remove_duplicate", true)?);
                let items = if name == "named_parameters" { m.named_parameters_with(&p, r, d)? } else { m.named_buffers_with(&p, r, d)? };
                Ok(named_list(items))
            }
            "named_modules" | "modules" => {
                let a = Args::bind(q, &["memo", "prefix", "remove_duplicate"], 0, pos, kw)?;
                let items = m.named_modules(&a.string("prefix", "")?, a.boolean("remove_duplicate", true)?)?;
                Ok(Value::list(
                    items
                        .into_iter()
                        .map(|(k, s)| if name == "modules" { Value::Module(s) } else { Value::tuple(vec![Value::str(&k), Value::Module(s)]) })
                        .collect(),
                ))
            }
            "children" | "named_children" => {
                Args::bind(q, &[], 0, pos, kw)?;
                let mut seen = std::collections::HashSet::new();
                let items: Vec<(String, Module)> = m.data().modules.iter().filter_map(|(k, v)| v.clone().map(|v| (k.clone(), v))).collect();
                Ok(Value::list(
                    items
                        .into_iter()
                        .filter(|(_, s)| seen.insert(s.id()))
                        .map(|(k, s)| if name == "children" { Value::Module(s) } else { Value::tuple(vec![Value::str(&k), Value::Module(s)]) })
                        .collect(),
                ))
            }
            "state_dict" => {
                let a = Args::bind(q, &["keep_vars"], 0, pos, kw)?;
                let sd = m.state_dict(a.boolean("keep_vars", false)?)?;
                // An OrderedDict, as PyTorch's (its repr is `OrderedDict([...])`).
                let d = DictRef::from_entries(sd.into_iter().map(|(k, t)| (k, Value::Tensor(t))).collect());
                d.set_ordered();
                Ok(Value::Dict(d))
            }
            "register_forward_pre_hook" | "register_forward_hook" => super::hooks::register(&m, name == "register_forward_hook", pos, kw),
            "append" => {
                let a = Args::bind(q, &["module"], 1, pos, kw)?;
                let Some(Value::Module(c)) = a.get("module") else {
                    return Err(Error::type_error("call::argument_type", format!("{} is not a Module subclass", a.value("module").type_name())));
                };
                crate::nn::layers::container::append(&m, c.clone())?;
                Ok(Value::Module(m.clone()))
            }
            "register_buffer" => {
                let a = Args::bind(q, &["name", "tensor", "persistent"], 2, pos, kw)?;
                let t = match a.value("tensor") {
                    Value::None => None,
                    Value::Tensor(t) => Some(t),
                    other => {
                        return Err(Error::type_error(
                            "nn::register_buffer_type",
                            format!("cannot assign '{}' object to buffer '{}' (torch Tensor or None required)", other.torch_typename(), a.string("name", "")?),
                        ))
                    }
                };
                m.register_buffer(&a.string("name", "")?, t, a.boolean("persistent", true)?)?;
                Ok(Value::None)
            }
            "register_parameter" => {
                let a = Args::bind(q, &["name", "param"], 2, pos, kw)?;
                let p = match a.value("param") {
                    Value::None => None,
                    Value::Tensor(t) => Some(t),
                    other => {
                        return Err(Error::type_error(
                            "nn::register_parameter_type",
                            format!("cannot assign '{}' object to parameter '{}' (torch.nn.Parameter or None required)", other.torch_typename(), a.string("name", "")?),
                        ))
                    }
                };
                m.register_parameter(&a.string("name", "")?, p)?;
                Ok(Value::None)
            }
            "add_module" => {
                let a = Args::bind(q, &["name", "module"], 2, pos, kw)?;
                let sub = match a.value("module") {
                    Value::None => None,
                    Value::Module(s) => Some(s),
                    other => return Err(Error::type_error("nn::add_module_type", format!("{} is not a Module subclass", other.torch_typename()))),
                };
                m.add_module(&a.string("name", "")?, sub)?;
                Ok(Value::None)
            }
            "get_submodule" => {
                let a = Args::bind(q, &["target"], 1, pos, kw)?;
                Ok(Value::Module(m.get_submodule(&a.string("target", "")?)?))
            }
            "forward" => m.imp().forward(&m, pos, kw),
            "to" | "cpu" | "cuda" | "float" | "double" | "half" | "bfloat16" | "to_empty" => super::convert::module_call(&m, &name, pos, kw),
            "apply" => {
                let a = Args::bind("Module.apply", &["fn"], 1, pos, kw)?;
                module_apply(&m, &a.value("fn"))?;
                Ok(Value::Module(m.clone()))
            }
            "zero_grad" => {
                for (_, t) in m.named_parameters()? {
                    let g = t.tensor().grad();
                    if g.defined() {
                        let mut h = t.handle();
                        h.zero_grad();
                    }
                }
                Ok(Value::None)
            }
            "requires_grad_" => {
                let a = Args::bind(q, &["requires_grad"], 0, pos, kw)?;
                let b = a.boolean("requires_grad", true)?;
                for (_, t) in m.named_parameters()? {
                    t.requires_grad_(b)?;
                }
                Ok(Value::Module(m.clone()))
            }
            _ => unreachable!("listed in MODULE_METHODS"),
        }
    })
}

// ---------------------------------------------------------------- dicts

/// The keys as Python shows a list of them: `['foo', 'lin.weight']`.
fn keys_repr(d: &DictRef) -> String {
    Value::list(d.keys().iter().map(|k| Value::str(k)).collect()).py_repr()
}

/// Dict methods (other attribute names read keys).
pub const DICT_METHODS: &[&str] = &["keys", "values", "items", "get", "copy", "pop", "update"];

fn dict_attr(d: &DictRef, name: &str) -> Result<Value> {
    if DICT_METHODS.contains(&name) {
        let d = d.clone();
        let name = name.to_string();
        return Ok(method(format!("dict.{name}"), move |pos, kw| {
            let q = format!("dict.{name}");
            match name.as_str() {
                "keys" => Ok(Value::list(d.keys().iter().map(|k| Value::str(k)).collect())),
                "values" => Ok(Value::list(d.borrow().values().cloned().collect())),
                "items" => Ok(Value::list(d.borrow().iter().map(|(k, v)| Value::tuple(vec![Value::str(k), v.clone()])).collect())),
                "get" => {
                    let a = Args::bind(&q, &["key", "default"], 1, pos, kw)?;
                    let k = a.string("key", "")?;
                    Ok(d.get(&k).unwrap_or_else(|| a.value("default")))
                }
                "copy" => Ok(Value::Dict(d.copy_with(d.borrow().clone()))),
                "pop" => {
                    let a = Args::bind(&q, &["key", "default"], 1, pos, kw)?;
                    let k = a.string("key", "")?;
                    let removed = d.borrow_mut().shift_remove(&k);
                    match (removed, a.get("default")) {
                        (Some(v), _) => Ok(v),
                        (None, Some(def)) => Ok(def.clone()),
                        (None, None) => Err(Error::key("eval::key_error", k)),
                    }
                }
                "update" => {
                    let a = Args::bind(&q, &["other"], 1, pos, kw)?;
                    let Value::Dict(o) = a.value("other") else {
                        return Err(Error::type_error("call::argument_type", "dict.update() needs a dict"));
                    };
                    let entries: Vec<(String, Value)> = o.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect();
                    for (k, v) in entries {
                        d.insert(k, v);
                    }
                    Ok(Value::None)
                }
                _ => unreachable!("listed in DICT_METHODS"),
            }
        }));
    }
    // `a.key` reads a key (an fcall extension); a missing one is Python's AttributeError.
    d.get(name).ok_or_else(|| {
        Error::attribute("eval::no_attribute", format!("'dict' object has no attribute '{name}'"))
            .with_hint(format!("`a.key` reads a key of the dict; its keys are {}", keys_repr(d)))
    })
}

// ---------------------------------------------------------------- tensors

fn dtype_value(k: Kind) -> Value {
    Value::DType(k)
}

/// `t.shape` / `t.size()`: a torch.Size.
fn shape_value(t: &TensorRef) -> Value {
    Value::size(&t.shape())
}

fn tensor_attr(t: &TensorRef, name: &str) -> Result<Value> {
    let x = t.tensor();
    Ok(match name {
        "shape" => shape_value(t),
        "dtype" => dtype_value(t.kind()),
        "requires_grad" => Value::Bool(t.requires_grad()),
        "is_leaf" => Value::Bool(t.grad_fn_name().is_none()),
        // PyTorch's version counter (BatchNorm's running statistics do not bump it).
        "_version" => Value::Int(t.version()),
        "grad_fn" => grad_fn(t),
        "grad" => t.grad().map(Value::Tensor).unwrap_or(Value::None),
        "ndim" => Value::Int(x.dim() as i64),
        "device" => super::device::value(t.device()),
        "is_meta" => Value::Bool(t.is_meta()),
        "is_cpu" => Value::Bool(t.device().ty == crate::tensor::device::CPU),
        "is_cuda" => Value::Bool(t.device().ty == crate::tensor::device::CUDA),
        // PyTorch's `variable_data()`: shares memory, not the version counter.
        "data" => {
            let alias = TensorRef::new(x.f_data()?);
            crate::func::watch::data_alias(&alias);
            Value::Tensor(alias)
        }
        "T" => tv(x.f_permute((0..x.dim() as i64).rev().collect::<Vec<_>>())?),
        "mT" => tv(x.f_transpose(-2, -1)?),
        "H" => tv(x.f_adjoint()?),
        "mH" => tv(x.f_adjoint()?),
        // torch.real gives a real tensor itself (the same object); the real and imaginary parts
        // of a complex one are views.
        "real" if !is_complex(x.kind()) => Value::Tensor(t.clone()),
        "real" => tv(x.f_real()?),
        "imag" => tv(x.f_imag()?),
        _ => return tensor_method(t, name),
    })
}

fn scalar_arg(x: &Tensor, v: &Value, fname: &str) -> Result<Tensor> {
    match v {
        Value::Tensor(o) => Ok(o.tensor().shallow_clone()),
        other => ops::scalar_for(x, other)?.ok_or_else(|| {
            Error::type_error("call::argument_type", format!("{fname}(): argument 'other' must be Tensor or Number, not {}", other.type_name()))
        }),
    }
}

fn dims_arg(pos: &[Value], fname: &str) -> Result<Vec<i64>> {
    super::args::shape_of(fname, pos)
}

/// Optional `dim` and `keepdim` for reductions.
fn reduce_dims(a: &Args) -> Result<Option<Vec<i64>>> {
    match a.get("dim") {
        None | Some(Value::None) => Ok(None),
        Some(_) => Ok(Some(a.ints("dim")?)),
    }
}

/// Tensor attributes (not methods).
pub const TENSOR_ATTRS: &[&str] = &["shape", "dtype", "requires_grad", "is_leaf", "grad_fn", "grad", "ndim", "device", "is_meta", "is_cpu", "is_cuda", "data", "T", "mT", "H", "mH", "real", "imag"];

/// Tensor methods fcall writes by hand (identity, autograd, Python values); every other method
/// torch has comes from its operator schemas (src/aten/).
pub const TENSOR_METHODS: &[&str] = &[
    "sum", "mean", "detach", "clone", "requires_grad_", "add_", "mul_", "sub_", "div_", "zero_", "fill_", "copy_",
    "clamp_", "clamp", "item", "size", "dim", "numel", "pow", "matmul", "backward",
    "tolist", "norm", "allclose", "equal", "add", "sub", "mul", "div",
    "pow_", "exp_", "neg_", "abs_", "sqrt_", "normal_", "uniform_", "retain_grad", "is_contiguous", "type", "prod",
    "eq", "ne", "lt", "gt", "le", "ge", "numpy", "contiguous", "register_hook",
];

fn tensor_method(t: &TensorRef, name: &str) -> Result<Value> {
    if let Some(m) = super::convert::tensor_method(t, name) {
        return Ok(m);
    }
    if !TENSOR_METHODS.contains(&name) {
        // Every other method torch binds from its operator schemas.
        return crate::aten::method(t, name).ok_or_else(|| no_attr(&Value::Tensor(t.clone()), name));
    }
    let t = t.clone();
    let name = name.to_string();
    Ok(method(format!("Tensor.{name}"), move |pos, kw| tensor_call(&t, &name, pos, kw)))
}

/// Whether a call passes what a hand-written method leaves to torch's own binding: a keyword it
/// does not take (`add(1, alpha=2)`, `sum(dtype=...)`) or, for a reduction, an int past 64 bits
/// (PyTorch's "Overflow when unpacking long long").
fn beyond_hand_written(name: &str, pos: &[Value], kw: &Kwargs) -> bool {
    let (keywords, big_ints): (&[&str], bool) = match name {
        "sum" | "mean" | "std" | "var" | "prod" => (&["dim", "keepdim"], true),
        "add" | "sub" => (&["other"], false),
        _ => return false,
    };
    kw.iter().any(|(k, _)| !keywords.contains(&k.as_str())) || (big_ints && pos.iter().chain(kw.iter().map(|(_, v)| v)).any(|v| matches!(v, Value::BigInt(_))))
}

fn tensor_call(t: &TensorRef, name: &str, pos: &[Value], kw: &Kwargs) -> Result<Value> {
    if beyond_hand_written(name, pos, kw) {
        return crate::aten::call(crate::aten::Namespace::Tensor, name, Some(&Value::Tensor(t.clone())), pos, kw);
    }
    let out = tensor_method_result(t, name, pos, kw)?;
    // A method that hands back the same libtorch tensor (`x.float()` of a float tensor,
    // `x.contiguous()` of a contiguous one) returns the same object, as THPVariable_Wrap does.
    Ok(match out {
        Value::Tensor(r) if !r.is(t) && crate::tensor::same_impl(&r, t) => Value::Tensor(t.clone()),
        other => other,
    })
}

fn tensor_method_result(t: &TensorRef, name: &str, pos: &[Value], kw: &Kwargs) -> Result<Value> {
    let x = t.tensor();
    let q = format!("Tensor.{name}");
    let q = q.as_str();
    let same = || Ok(Value::Tensor(t.clone()));
    match name {
        "norm" => {
            // Tensor.norm(p='fro', dim=None, keepdim=False): torch.linalg.vector_norm for a number
            // or 'fro' (with at most two dims).
            let a = Args::bind(q, &["p", "dim", "keepdim"], 0, pos, kw)?;
            let ord = match a.get("p") {
                None | Some(Value::None) => 2.0,
                Some(Value::Str(s)) if &**s == "fro" => 2.0,
                Some(Value::Str(s)) => {
                    return Err(Error::new(ExcType::NotImplementedError, "eval::norm_ord", format!("fcall's Tensor.norm takes a number or 'fro' for p, not '{s}'"))
                        .with_hint("use p=2 (or 'fro'), p=1, or another number"))
                }
                Some(_) => a.float("p", 2.0)?,
            };
            let dims = reduce_dims(&a)?;
            Ok(tv(crate::tensor::shim::vector_norm(x, ord, dims.as_deref(), a.boolean("keepdim", false)?)?))
        }
        "sum" | "mean" | "std" | "var" | "prod" => {
            let a = Args::bind(q, &["dim", "keepdim"], 0, pos, kw)?;
            let keep = a.boolean("keepdim", false)?;
            let dims = reduce_dims(&a)?;
            let r = match (name, dims) {
                ("sum", None) => x.f_sum(None::<Kind>)?,
                ("sum", Some(d)) => x.f_sum_dim_intlist(&d[..], keep, None::<Kind>)?,
                ("mean", None) => x.f_mean(None::<Kind>)?,
                ("mean", Some(d)) => x.f_mean_dim(&d[..], keep, None::<Kind>)?,
                ("std", None) => x.f_std(true)?,
                ("std", Some(d)) => x.f_std_dim(&d[..], true, keep)?,
                ("var", None) => x.f_var(true)?,
                ("var", Some(d)) => x.f_var_dim(&d[..], true, keep)?,
                ("prod", None) => x.f_prod(None::<Kind>)?,
                ("prod", Some(d)) => x.f_prod_dim_int(d[0], keep, None::<Kind>)?,
                _ => unreachable!(),
            };
            Ok(tv(r))
        }
        "t" => Ok(tv(x.f_tr()?)),
        "reshape" => Ok(tv(x.f_reshape(dims_arg(pos, q)?)?)),
        "view" => Ok(tv(x.f_view(&dims_arg(pos, q)?[..])?)),
        "expand" => Ok(tv(x.f_expand(dims_arg(pos, q)?, false)?)),
        "repeat" => Ok(tv(x.f_repeat(dims_arg(pos, q)?)?)),
        "permute" => Ok(tv(x.f_permute(dims_arg(pos, q)?)?)),
        "detach" => Ok(tv(x.f_detach()?)),
        "clone" => Ok(tv(super::copy::clone(x)?)),
        "contiguous" => Ok(tv(x.f_contiguous()?)),
        "requires_grad_" => {
            let a = Args::bind(q, &["requires_grad"], 0, pos, kw)?;
            t.requires_grad_(a.boolean("requires_grad", true)?)?;
            same()
        }
        "register_hook" => {
            let a = Args::bind(q, &["hook"], 1, pos, kw)?;
            super::tensor_hooks::register(t, a.value("hook"))
        }
        "retain_grad" => {
            let _ = t.handle().f_retains_grad()?;
            Ok(Value::None)
        }
        "add_" | "sub_" | "mul_" | "div_" | "pow_" => {
            let a = Args::bind(q, &["other"], 1, pos, kw)?;
            let o = scalar_arg(x, &a.value("other"), q)?;
            let mut h = t.handle();
            let _ = match name {
                "add_" => h.f_add_(&o)?,
                "sub_" => h.f_sub_(&o)?,
                "mul_" => h.f_mul_(&o)?,
                "div_" => h.f_div_(&o)?,
                _ => h.f_pow_tensor_(&o)?,
            };
            same()
        }
        "add" | "sub" | "mul" | "div" | "pow" | "matmul" | "eq" | "ne" | "lt" | "gt" | "le" | "ge" => {
            let a = Args::bind(q, &["other"], 1, pos, kw)?;
            let op = match name {
                "add" => Some(BinOp::Add),
                "sub" => Some(BinOp::Sub),
                "mul" => Some(BinOp::Mul),
                "div" => Some(BinOp::Div),
                "pow" => Some(BinOp::Pow),
                "matmul" => Some(BinOp::MatMul),
                _ => None,
            };
            match op {
                Some(op) => ops::binary(op, &Value::Tensor(t.clone()), &a.value("other")),
                None => {
                    use fcall_lang::ast::CmpOp::*;
                    let c = match name {
                        "eq" => Eq,
                        "ne" => NotEq,
                        "lt" => Lt,
                        "gt" => Gt,
                        "le" => Le,
                        _ => Ge,
                    };
                    ops::compare(c, &Value::Tensor(t.clone()), &a.value("other"))
                }
            }
        }
        "zero_" => {
            let _ = t.handle().f_zero_()?;
            same()
        }
        "fill_" => {
            let a = Args::bind(q, &["value"], 1, pos, kw)?;
            // A number goes through aten's fill_.Scalar: libtorch's overflow check for the dtype.
            if !crate::aten::fill_scalar(&t.handle(), &a.value("value"))? {
                let v = scalar_arg(x, &a.value("value"), q)?;
                let _ = t.handle().f_fill_tensor_(&v)?;
            }
            same()
        }
        "copy_" => {
            let a = Args::bind(q, &["src"], 1, pos, kw)?;
            let src = a.tensor("src")?;
            let _ = t.handle().f_copy_(src.tensor())?;
            same()
        }
        "exp_" | "neg_" | "abs_" | "sqrt_" => {
            let mut h = t.handle();
            let _ = match name {
                "exp_" => h.f_exp_()?,
                "neg_" => h.f_neg_()?,
                "abs_" => h.f_abs_()?,
                _ => h.f_sqrt_()?,
            };
            same()
        }
        "normal_" | "uniform_" => {
            let mut h = t.handle();
            if name == "normal_" {
                let a = Args::bind(q, &["mean", "std"], 0, pos, kw)?;
                let _ = h.f_normal_(a.float("mean", 0.0)?, a.float("std", 1.0)?)?;
            } else {
                let a = Args::bind(q, &["from", "to"], 0, pos, kw)?;
                let _ = h.f_uniform_(a.float("from", 0.0)?, a.float("to", 1.0)?)?;
            }
            same()
        }
        "clamp" | "clamp_" => {
            let a = Args::bind(q, &["min", "max"], 0, pos, kw)?;
            if let Some((lo, hi)) = scalar_bounds(a.get("min"), a.get("max")) {
                // Python numbers take clamp's Scalar? overload (grad_fn ClampBackward1).
                let r = crate::tensor::shim::clamp(x, lo, hi, name == "clamp_")?;
                return if name == "clamp_" { same() } else { Ok(tv(r)) };
            }
            let lo = match a.get("min") {
                Some(Value::None) | None => None,
                Some(v) => Some(scalar_arg(x, v, q)?),
            };
            let hi = match a.get("max") {
                Some(Value::None) | None => None,
                Some(v) => Some(scalar_arg(x, v, q)?),
            };
            if name == "clamp_" {
                let _ = t.handle().f_clamp_tensor_(lo.as_ref(), hi.as_ref())?;
                same()
            } else {
                Ok(tv(x.f_clamp_tensor(lo.as_ref(), hi.as_ref())?))
            }
        }
        "item" => {
            if t.numel() != 1 {
                return Err(Error::runtime(
                    "torch::item",
                    format!("a Tensor with {} elements cannot be converted to Scalar", t.numel()),
                ));
            }
            super::format::tensor_item(t)
        }
        "tolist" | "numpy" => Ok(tolist(t)?),
        "size" => {
            let a = Args::bind(q, &["dim"], 0, pos, kw)?;
            match a.get("dim") {
                None | Some(Value::None) => Ok(shape_value(t)),
                Some(_) => {
                    let d = a.int("dim", 0)?;
                    let n = x.dim() as i64;
                    let i = if d < 0 { d + n } else { d };
                    if i < 0 || i >= n {
                        return Err(Error::new(
                            ExcType::IndexError,
                            "torch::dim",
                            format!("Dimension out of range (expected to be in range of [{}, {}], but got {d})", -n, n - 1),
                        ));
                    }
                    Ok(Value::Int(t.shape()[i as usize]))
                }
            }
        }
        "dim" => Ok(Value::Int(x.dim() as i64)),
        "numel" => Ok(Value::Int(t.numel() as i64)),
        "is_contiguous" => Ok(Value::Bool(x.is_contiguous())),
        "type" => Ok(Value::str(&crate::tensor::torch_typename(t))),
        "abs" => Ok(tv(x.f_abs()?)),
        "exp" => Ok(tv(x.f_exp()?)),
        "log" => Ok(tv(x.f_log()?)),
        "sqrt" => Ok(tv(x.f_sqrt()?)),
        "relu" => Ok(tv(x.f_relu()?)),
        "sigmoid" => Ok(tv(x.f_sigmoid()?)),
        "tanh" => Ok(tv(x.f_tanh()?)),
        "neg" => Ok(tv(x.f_neg()?)),
        "square" => Ok(tv(x.f_square()?)),
        "sin" => Ok(tv(x.f_sin()?)),
        "cos" => Ok(tv(x.f_cos()?)),
        "sign" => Ok(tv(x.f_sign()?)),
        "round" => Ok(tv(x.f_round()?)),
        "floor" => Ok(tv(x.f_floor()?)),
        "ceil" => Ok(tv(x.f_ceil()?)),
        "all" => Ok(tv(x.f_all()?)),
        "any" => Ok(tv(x.f_any()?)),
        "softmax" | "log_softmax" | "cumsum" => {
            let a = Args::bind(q, &["dim"], 1, pos, kw)?;
            let d = a.int("dim", 0)?;
            Ok(tv(match name {
                "softmax" => x.f_softmax(d, None::<Kind>)?,
                "log_softmax" => x.f_log_softmax(d, None::<Kind>)?,
                _ => x.f_cumsum(d, None::<Kind>)?,
            }))
        }
        "triu" | "tril" | "diag" => {
            let a = Args::bind(q, &["diagonal"], 0, pos, kw)?;
            let d = a.int("diagonal", 0)?;
            Ok(tv(match name {
                "triu" => x.f_triu(d)?,
                "tril" => x.f_tril(d)?,
                _ => x.f_diag(d)?,
            }))
        }
        "unsqueeze" => {
            let a = Args::bind(q, &["dim"], 1, pos, kw)?;
            Ok(tv(x.f_unsqueeze(a.int("dim", 0)?)?))
        }
        "squeeze" => {
            let a = Args::bind(q, &["dim"], 0, pos, kw)?;
            Ok(tv(match a.get("dim") {
                None | Some(Value::None) => x.f_squeeze()?,
                Some(_) => x.f_squeeze_dim(a.int("dim", 0)?)?,
            }))
        }
        "flatten" => {
            let a = Args::bind(q, &["start_dim", "end_dim"], 0, pos, kw)?;
            Ok(tv(x.f_flatten(a.int("start_dim", 0)?, a.int("end_dim", -1)?)?))
        }
        "transpose" => {
            let a = Args::bind(q, &["dim0", "dim1"], 2, pos, kw)?;
            Ok(tv(x.f_transpose(a.int("dim0", 0)?, a.int("dim1", 0)?)?))
        }
        "backward" => {
            Args::bind(q, &[], 0, pos, kw)?;
            if !t.requires_grad() {
                return Err(Error::runtime("torch::backward", "element 0 of tensors does not require grad and does not have a grad_fn"));
            }
            if t.numel() != 1 {
                return Err(Error::runtime("torch::backward", "grad can be implicitly created only for scalar outputs"));
            }
            x.f_backward()?;
            Ok(Value::None)
        }
        "allclose" => {
            let a = Args::bind(q, &["other", "rtol", "atol"], 1, pos, kw)?;
            let o = a.tensor("other")?;
            Ok(Value::Bool(x.f_allclose(o.tensor(), a.float("rtol", 1e-5)?, a.float("atol", 1e-8)?, false)?))
        }
        "equal" => {
            let a = Args::bind(q, &["other"], 1, pos, kw)?;
            Ok(Value::Bool(x.f_equal(a.tensor("other")?.tensor())?))
        }
        _ => Err(no_attr(&Value::Tensor(t.clone()), name)),
    }
}

/// Bounds of `clamp(min=, max=)` when each given one is a Python number and the tensor is
/// floating: (min or -inf, max or +inf). None when the Tensor overload applies.
/// Clamp bounds that are Python numbers or None (at least one a number), else None (tensors).
fn scalar_bounds(lo: Option<&Value>, hi: Option<&Value>) -> Option<(Option<Number>, Option<Number>)> {
    /// `Some(None)`: no bound; `None`: not a Python number.
    fn num(v: Option<&Value>) -> Option<Option<Number>> {
        match v {
            None | Some(Value::None) => Some(None),
            Some(v) => Number::of(v).map(Some),
        }
    }
    let (l, h) = (num(lo)?, num(hi)?);
    (l.is_some() || h.is_some()).then_some((l, h))
}

/// `t.tolist()`.
pub fn tolist(t: &TensorRef) -> Result<Value> {
    let shape = t.shape();
    let kind = t.kind();
    // Integer tensors are read as int64, so every value comes back exactly (2**53 + 1).
    let leaves: Vec<Value> = match kind {
        Kind::ComplexHalf | Kind::ComplexFloat | Kind::ComplexDouble => {
            let (re, im) = crate::tensor::complex_parts(t.tensor()).unwrap_or_else(|| Ok(Default::default()))?;
            re.into_iter().zip(im).map(|(r, i)| Value::Complex(r, i)).collect()
        }
        Kind::Float | Kind::Double | Kind::Half | Kind::BFloat16 => crate::tensor::to_f64_vec(t.tensor())?.into_iter().map(Value::Float).collect(),
        Kind::Bool => crate::tensor::to_f64_vec(t.tensor())?.into_iter().map(|v| Value::Bool(v != 0.0)).collect(),
        _ => {
            let flat = t.tensor().f_detach()?.f_to_kind(Kind::Int64)?.f_contiguous()?.f_view([-1])?;
            let n = flat.numel();
            let mut ints = vec![0i64; n];
            flat.f_copy_data(&mut ints, n)?;
            ints.into_iter().map(Value::Int).collect()
        }
    };
    fn nest(values: &[Value], shape: &[i64]) -> Value {
        if shape.is_empty() {
            return values.first().cloned().unwrap_or(Value::Int(0));
        }
        let n = shape[0] as usize;
        let inner: usize = shape[1..].iter().product::<i64>() as usize;
        Value::list((0..n).map(|i| nest(&values[i * inner..(i + 1) * inner], &shape[1..])).collect())
    }
    Ok(nest(&leaves, &shape))
}

// ---------------------------------------------------------------- indexing

thread_local! {
    static ELLIPSIS: Value = Value::str("...");
}

/// The `...` index marker (a private string value only the indexer gives meaning to).
pub fn ellipsis() -> Value {
    Value::tuple(vec![Value::str("\u{0}ellipsis")])
}

fn is_ellipsis(v: &Value) -> bool {
    matches!(v, Value::Tuple(items) if items.len() == 1 && matches!(&items.borrow()[0], Value::Str(s) if &**s == "\u{0}ellipsis"))
}

/// A slice `a:b:c` as a value (a private tagged tuple only the indexer gives meaning to).
pub fn slice_value(lower: Value, upper: Value, step: Value) -> Value {
    Value::tuple(vec![Value::str("\u{0}slice"), lower, upper, step])
}

pub(super) fn as_slice(v: &Value) -> Option<(Value, Value, Value)> {
    match v {
        Value::Tuple(items) if items.len() == 4 && matches!(&items.borrow()[0], Value::Str(s) if &**s == "\u{0}slice") => {
            let items = items.borrow();
            Some((items[1].clone(), items[2].clone(), items[3].clone()))
        }
        _ => None,
    }
}

fn opt_int(v: &Value) -> Result<Option<i64>> {
    match v {
        Value::None => Ok(None),
        Value::Int(i) => Ok(Some(*i)),
        other => Err(Error::type_error("eval::slice_index", format!("slice indices must be integers or None, not {}", other.type_name()))),
    }
}

pub(super) fn seq_slice(len: usize, lo: &Value, hi: &Value, st: &Value) -> Result<Vec<usize>> {
    let step = opt_int(st)?.unwrap_or(1);
    if step == 0 {
        return Err(Error::value("eval::slice_step", "slice step cannot be zero"));
    }
    let n = len as i64;
    let norm = |v: Option<i64>, def: i64| -> i64 {
        match v {
            None => def,
            Some(i) if i < 0 => (i + n).max(if step > 0 { 0 } else { -1 }),
            Some(i) => i.min(if step > 0 { n } else { n - 1 }),
        }
    };
    let (start, stop) = if step > 0 { (norm(opt_int(lo)?, 0), norm(opt_int(hi)?, n)) } else { (norm(opt_int(lo)?, n - 1), norm(opt_int(hi)?, -1)) };
    let mut out = Vec::new();
    let mut i = start;
    while (step > 0 && i < stop) || (step < 0 && i > stop) {
        out.push(i as usize);
        i += step;
    }
    Ok(out)
}

/// `obj[idx]`.
pub fn index(obj: &Value, idx: &Value) -> Result<Value> {
    if let Some(r) = super::classes::getitem_dunder(obj, idx) {
        return r;
    }
    match obj {
        Value::Function(f) if f.kind == FunctionKind::Typing => Ok(super::modules::typing_subscript(&f.name, idx)),
        Value::Module(m) => super::containers::index(m, idx)
            .unwrap_or_else(|| Err(Error::type_error("eval::not_subscriptable", format!("'{}' object is not subscriptable", obj.type_name())))),
        Value::Dict(d) => match idx {
            Value::Str(k) => d.get(k).ok_or_else(|| Error::key("eval::key_error", k.to_string()).with_hint(format!("the dict's keys are {}", keys_repr(d)))),
            other => Err(Error::type_error("eval::dict_key_type", format!("dict keys are strings, not {}", other.type_name()))),
        },
        Value::List(items) | Value::Tuple(items) | Value::Size(items) => {
            let items = items.to_vec();
            if let Some((lo, hi, st)) = as_slice(idx) {
                let picked: Vec<Value> = seq_slice(items.len(), &lo, &hi, &st)?.into_iter().map(|i| items[i].clone()).collect();
                return Ok(match obj {
                    Value::Tuple(_) => Value::tuple(picked),
                    Value::Size(_) => Value::Size(crate::value::Seq::new(picked)),
                    _ => Value::list(picked),
                });
            }
            if matches!(idx, Value::BigInt(_)) {
                return Err(super::ops::index_overflow(ExcType::IndexError));
            }
            let Value::Int(i) = idx else {
                return Err(Error::type_error(
                    "eval::index_type",
                    // torch.Size is indexed by tuple's own __getitem__.
                    format!("{} indices must be integers or slices, not {}", if matches!(obj, Value::Size(_)) { "tuple".into() } else { obj.type_name() }, idx.type_name()),
                ));
            };
            let n = items.len() as i64;
            let j = if *i < 0 { i + n } else { *i };
            if j < 0 || j >= n {
                let kind = if matches!(obj, Value::Size(_)) { "tuple".into() } else { obj.type_name() };
                return Err(Error::new(ExcType::IndexError, "eval::index_range", format!("{kind} index out of range")));
            }
            Ok(items[j as usize].clone())
        }
        Value::Str(s) => {
            let chars: Vec<char> = s.chars().collect();
            if let Some((lo, hi, st)) = as_slice(idx) {
                return Ok(Value::str(&seq_slice(chars.len(), &lo, &hi, &st)?.into_iter().map(|i| chars[i]).collect::<String>()));
            }
            let Value::Int(i) = idx else {
                return Err(Error::type_error("eval::index_type", "string indices must be integers"));
            };
            let n = chars.len() as i64;
            let j = if *i < 0 { i + n } else { *i };
            chars.get(j as usize).filter(|_| j >= 0).map(|c| Value::str(&c.to_string())).ok_or_else(|| Error::new(ExcType::IndexError, "eval::index_range", "string index out of range"))
        }
        Value::Tensor(t) => Ok(tv(tensor_index(t.tensor(), idx)?)),
        other => Err(Error::type_error("eval::not_subscriptable", format!("'{}' object is not subscriptable", other.type_name()))),
    }
}

fn tensor_index(x: &Tensor, idx: &Value) -> Result<Tensor> {
    let (parts, single): (Vec<Value>, bool) = match idx {
        Value::Tuple(items) if as_slice(idx).is_none() && !is_ellipsis(idx) => (items.to_vec(), false),
        other => (vec![other.clone()], true),
    };
    if let [Value::Tensor(i)] = &parts[..] {
        return Ok(x.f_index(&[Some(i.tensor())])?);
    }
    let index_error = |code, m: String| Error::new(ExcType::IndexError, code, m);
    // One index (not a tuple) on a 0-dim tensor: PyTorch's applySelect / applySlice messages.
    if single && x.dim() == 0 {
        match &parts[0] {
            Value::Int(0) => {
                return Err(index_error(
                    "torch::index_0dim",
                    "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a number".into(),
                )
                .with_hint("a 0-dim tensor holds one number: read it with .item()"))
            }
            Value::Int(i) => return Err(index_error("torch::index_range", format!("index {i} is out of bounds for dimension 0 with size 0"))),
            p if as_slice(p).is_some() => return Err(index_error("torch::slice_0dim", "slice() cannot be applied to a 0-dim tensor.".into())),
            _ => {}
        }
    }
    let specified = parts.iter().filter(|p| !matches!(p, Value::None) && !is_ellipsis(p)).count() as i64;
    if specified > x.dim() as i64 {
        return Err(index_error("torch::too_many_indices", format!("too many indices for tensor of dimension {}", x.dim())));
    }
    let mut out = x.shallow_clone();
    let mut dim: i64 = 0;
    for p in &parts {
        if is_ellipsis(p) {
            dim += out.dim() as i64 - dim - (specified - parts.iter().take_while(|q| !is_ellipsis(q)).filter(|q| !matches!(q, Value::None)).count() as i64);
            continue;
        }
        match p {
            Value::Int(i) => {
                if out.dim() as i64 <= dim {
                    return Err(Error::new(
                        ExcType::IndexError,
                        "torch::too_many_indices",
                        format!("too many indices for tensor of dimension {}", x.dim()),
                    ));
                }
                let size = out.size()[dim as usize];
                if *i >= size || *i < -size {
                    return Err(Error::new(
                        ExcType::IndexError,
                        "torch::index_range",
                        format!("index {i} is out of bounds for dimension {dim} with size {size}"),
                    ));
                }
                out = out.f_select(dim, *i)?;
            }
            Value::None => {
                out = out.f_unsqueeze(dim)?;
                dim += 1;
            }
            Value::List(_) | Value::Tensor(_) if only_advanced_index(&parts) && int_positions(p).is_some() => {
                // One list of ints (or 1-d integer tensor) among slices, None and `...`:
                // index_select on its dimension, which keeps it (nanoGPT's `x[:, [-1], :]`).
                // With other ints or advanced indices torch broadcasts them together: not here.
                let positions = int_positions(p).unwrap_or_default();
                let size = out.size().get(dim as usize).copied().ok_or_else(|| index_error("torch::too_many_indices", format!("too many indices for tensor of dimension {}", x.dim())))?;
                let mut wrapped = Vec::with_capacity(positions.len());
                for i in positions {
                    if i >= size || i < -size {
                        return Err(index_error("torch::index_range", format!("index {i} is out of bounds for dimension 0 with size {size}")));
                    }
                    wrapped.push(if i < 0 { i + size } else { i });
                }
                out = out.f_index_select(dim, &Tensor::from_slice(&wrapped))?;
                dim += 1;
            }
            Value::Bool(_) | Value::Tensor(_) => {
                return Err(Error::new(ExcType::IndexError, "eval::advanced_index", "only a single tensor index is supported"));
            }
            other => {
                let Some((lo, hi, st)) = as_slice(other) else {
                    return Err(Error::new(
                        ExcType::IndexError,
                        "eval::index_type",
                        "only integers, slices (`:`), ellipsis (`...`), None and integer or boolean tensors are valid indices",
                    ));
                };
                let step = opt_int(&st)?.unwrap_or(1);
                if step <= 0 {
                    return Err(Error::value("torch::slice_step", "step must be greater than zero"));
                }
                out = out.f_slice(dim, opt_int(&lo)?, opt_int(&hi)?, step)?;
                dim += 1;
            }
        }
    }
    Ok(out)
}

/// Whether exactly one part of an index is an int, a list, a tensor or a bool.
fn only_advanced_index(parts: &[Value]) -> bool {
    parts.iter().filter(|p| matches!(p, Value::Int(_) | Value::List(_) | Value::Tensor(_) | Value::Bool(_))).count() == 1
}

/// The positions of a list of Python ints or a 1-d integer tensor used as one index.
fn int_positions(p: &Value) -> Option<Vec<i64>> {
    match p {
        Value::List(items) => items.borrow().iter().map(|v| if let Value::Int(i) = v { Some(*i) } else { None }).collect(),
        Value::Tensor(t) if t.tensor().dim() == 1 && matches!(t.tensor().kind(), Kind::Int64 | Kind::Int | Kind::Int16 | Kind::Int8) => {
            Vec::<i64>::try_from(t.tensor().to_kind(Kind::Int64)).ok()
        }
        _ => None,
    }
}

/// `obj[idx] = v`.
pub fn set_index(obj: &Value, idx: &Value, v: Value) -> Result<()> {
    if let Some(r) = super::classes::setitem_dunder(obj, idx, &v) {
        return r;
    }
    match obj {
        Value::List(items) => super::lists::set_item(items, idx, v),
        Value::Module(m) => super::containers::set_index(m, idx, &v).unwrap_or_else(|| {
            Err(Error::type_error("eval::item_assignment", format!("'{}' object does not support item assignment", obj.type_name())))
        }),
        Value::Dict(d) => match idx {
            Value::Str(k) => {
                d.insert(k.to_string(), v);
                Ok(())
            }
            other => Err(Error::type_error("eval::dict_key_type", format!("dict keys are strings, not {}", other.type_name()))
                .with_hint("write a[\"name\"] = t")),
        },
        Value::Tensor(t) => {
            let mut view = tensor_index(t.tensor(), idx)?;
            match &v {
                Value::Tensor(src) => {
                    let _ = view.f_copy_(src.tensor())?;
                }
                // A complex Scalar fills as libtorch's `fill_` checks it (into a real dtype:
                // "value cannot be converted to type float without overflow").
                Value::Complex(r, i) => {
                    use crate::aten::stack::{call, Arg};
                    call("fill_", "Scalar", &[Arg::Tensor(&view), Arg::Complex(*r, *i)])?;
                }
                other => {
                    let s = ops::scalar_for(&view, other)?.ok_or_else(|| {
                        Error::type_error("eval::assign_type", format!("can't assign a {} to a Tensor", other.type_name()))
                    })?;
                    let _ = view.f_fill_tensor_(&s)?;
                }
            }
            Ok(())
        }
        other => Err(Error::type_error(
            "eval::item_assignment",
            format!("'{}' object does not support item assignment", other.type_name()),
        )),
    }
}

/// What `for x in v` iterates over.
pub fn iterate(v: &Value) -> Result<Vec<Value>> {
    if let Some(r) = super::pybuiltins::drain_iterator(v) {
        return r;
    }
    if let Value::Set(s) = v {
        return Ok(s.items());
    }
    if let Some(r) = super::classes::iterate_dunder(v) {
        return r;
    }
    match v {
        Value::List(items) | Value::Tuple(items) | Value::Size(items) => Ok(items.to_vec()),
        Value::Dict(d) => Ok(d.keys().iter().map(|k| Value::str(k)).collect()),
        Value::Str(s) => Ok(s.chars().map(|c| Value::str(&c.to_string())).collect()),
        Value::Tensor(t) => {
            if t.tensor().dim() == 0 {
                return Err(Error::type_error("torch::iterate_0d", "iteration over a 0-d tensor"));
            }
            Ok(t.tensor().f_unbind(0)?.into_iter().map(tv).collect())
        }
        Value::Module(m) if super::containers::iterate(m).is_some() => Ok(super::containers::iterate(m).unwrap_or_default()),
        other => Err(Error::type_error("eval::not_iterable", format!("'{}' object is not iterable", other.type_name()))),
    }
}

/// `target op= rhs`: in place on tensors (the same object, as Python's `__iadd__`), else `target op rhs`.
pub fn augmented(op: BinOp, current: &Value, rhs: &Value) -> Result<Value> {
    if let Value::Tensor(t) = current {
        let o = match rhs {
            Value::Tensor(r) => Some(r.tensor().shallow_clone()),
            other => ops::scalar_for(t.tensor(), other)?,
        };
        if let Some(o) = o {
            let mut h = t.handle();
            let done = match op {
                BinOp::Add => Some(h.f_add_(&o)?),
                BinOp::Sub => Some(h.f_sub_(&o)?),
                BinOp::Mul => Some(h.f_mul_(&o)?),
                BinOp::Div => Some(h.f_div_(&o)?),
                BinOp::Pow => Some(h.f_pow_tensor_(&o)?),
                // `__ifloordiv__`, `__imod__`, `__iand__`, `__ior__`, `__ixor__`, `__ilshift__`, `__irshift__`.
                BinOp::FloorDiv => Some(h.f_floor_divide_(&o)?),
                BinOp::Mod => Some(h.f_remainder_tensor_(&o)?),
                BinOp::BitAnd => Some(h.f_bitwise_and_tensor_(&o)?),
                BinOp::BitOr => Some(h.f_bitwise_or_tensor_(&o)?),
                BinOp::BitXor => Some(h.f_bitwise_xor_tensor_(&o)?),
                BinOp::LShift => Some(h.f_bitwise_left_shift_(&o)?),
                BinOp::RShift => Some(h.f_bitwise_right_shift_(&o)?),
                _ => None,
            };
            if done.is_some() {
                return Ok(current.clone());
            }
        }
    }
    if let Value::Set(s) = current {
        if let Some(r) = super::sets::inplace(op, s, rhs) {
            return r;
        }
    }
    // `list += iterable` is `list.extend` (the same object, as Python's `__iadd__`).
    if let (Value::List(items), BinOp::Add) = (current, op) {
        let more = iterate(rhs)?;
        items.borrow_mut().extend(more);
        return Ok(current.clone());
    }
    if let (Value::Dict(d), Value::Dict(o), BinOp::BitOr) = (current, rhs, op) {
        let entries: Vec<(String, Value)> = o.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        for (k, v) in entries {
            d.insert(k, v);
        }
        return Ok(current.clone());
    }
    ops::binary(op, current, rhs)
}

fn is_complex(k: tch::Kind) -> bool {
    matches!(k, tch::Kind::ComplexHalf | tch::Kind::ComplexFloat | tch::Kind::ComplexDouble)
}

