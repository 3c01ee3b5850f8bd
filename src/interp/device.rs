//! `torch.device`: the class and its instances (`torch.device("cpu")`, `torch.device("cuda", 0)`,
//! `t.device`), with PyTorch's repr (`device(type='cpu')`), str (`cuda:0`), `type`/`index`,
//! equality between devices only (`torch.device("cpu") == "cpu"` is False) and hash.
use indexmap::IndexMap;
use std::cell::RefCell;
use std::rc::Rc;

use super::args::Args;
use crate::error::{Error, Result};
use crate::object::{Class, Object};
use crate::tensor::Device;
use crate::value::{Function, FunctionKind, Value};

thread_local! {
    static CLASS: RefCell<Option<Rc<Class>>> = const { RefCell::new(None) };
}

fn method(name: &str, f: impl Fn(&Value, &[Value], &crate::value::Kwargs) -> Result<Value> + 'static) -> Value {
    Function::new(name, FunctionKind::User, move |pos, kw| match pos.split_first() {
        Some((this, rest)) => f(this, rest, kw),
        None => Err(Error::type_error("call::missing_argument", "missing 1 required positional argument: 'self'")),
    })
}

/// The device an instance holds (None: not a `torch.device`).
pub fn of(v: &Value) -> Option<Device> {
    let Value::Object(o) = v else { return None };
    if !CLASS.with(|c| c.borrow().as_ref().is_some_and(|c| Rc::ptr_eq(c, &o.class))) {
        return None;
    }
    let ty = match o.get("type") {
        Some(Value::Str(s)) => Device::parse(&s).ok()?.ty,
        _ => return None,
    };
    let index = match o.get("index") {
        Some(Value::Int(i)) => i as i32,
        _ => -1,
    };
    Some(Device { ty, index })
}

fn set(o: &Object, d: Device) {
    let mut dict = o.dict.borrow_mut();
    dict.insert("type".into(), Value::str(d.type_name()));
    dict.insert("index".into(), if d.index >= 0 { Value::Int(d.index as i64) } else { Value::None });
}

/// A `torch.device` instance.
pub fn value(d: Device) -> Value {
    let o = Object::new(class());
    set(&o, d);
    Value::Object(Rc::new(o))
}

/// `torch.device(device)` / `torch.device(type, index=-1)` / `torch.device(index)` (CUDA).
fn construct(pos: &[Value], kw: &crate::value::Kwargs) -> Result<Device> {
    let invalid = |got: &str| {
        Error::type_error(
            "call::invalid_arguments",
            format!("device() received an invalid combination of arguments - got ({got}), but expected one of:\n * (torch.device device)\n * (str type, int index = -1)\n"),
        )
    };
    if let (Some(d), true) = (pos.first().and_then(of), pos.len() == 1 && kw.is_empty()) {
        return Ok(d);
    }
    let a = Args::bind("device", &["type", "index"], 0, pos, kw)?;
    let index = match a.get("index") {
        None | Some(Value::None) => None,
        Some(Value::Int(i)) => Some(*i),
        Some(v) => return Err(invalid(&format!("{}, {}", a.value("type").type_name(), v.type_name()))),
    };
    match a.get("type") {
        Some(Value::Str(s)) => Device::new(s, index),
        Some(Value::Int(i)) if index.is_none() && *i >= 0 => Ok(Device { ty: crate::tensor::device::CUDA, index: *i as i32 }),
        Some(Value::Int(_)) if index.is_none() => Err(Error::runtime("torch::device", "Device index must not be negative")),
        None => Err(invalid("")),
        Some(v) => Err(invalid(&v.type_name())),
    }
}

/// The class `torch.device` (one object per thread).
pub fn class() -> Rc<Class> {
    CLASS.with(|c| {
        if let Some(k) = c.borrow().as_ref() {
            return k.clone();
        }
        let mut dict = IndexMap::new();
        dict.insert(
            "__init__".into(),
            method("device.__init__", |this, pos, kw| {
                let d = construct(pos, kw)?;
                if let Value::Object(o) = this {
                    set(o, d);
                }
                Ok(Value::None)
            }),
        );
        let shown = |this: &Value, f: fn(&Device) -> String| Ok(Value::str(&of(this).map(|d| f(&d)).unwrap_or_default()));
        dict.insert("__repr__".into(), method("device.__repr__", move |this, _, _| shown(this, Device::repr)));
        dict.insert("__str__".into(), method("device.__str__", move |this, _, _| shown(this, Device::name)));
        dict.insert(
            "__eq__".into(),
            method("device.__eq__", |this, pos, _| Ok(Value::Bool(matches!((of(this), pos.first().and_then(of)), (Some(a), Some(b)) if a == b)))),
        );
        dict.insert("__hash__".into(), method("device.__hash__", |this, _, _| Ok(Value::Int(of(this).map(|d| d.hash()).unwrap_or(0)))));
        let class = Class::library("device", "torch", dict);
        *c.borrow_mut() = Some(class.clone());
        class
    })
}
