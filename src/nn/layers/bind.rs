//! Binding a built-in forward's arguments `forward(self, a, b=None, ...)` as Python binds them,
//! with CPython's TypeErrors for arity, duplicates and unknown keywords.
use crate::error::{Error, Result};
use crate::nn::Module;
use crate::tensor::TensorRef;
use crate::value::{Kwargs, Value};

use crate::interp::args::name_list;

/// The arguments of `forward(self, names...)` whose first `required` have no default: one
/// slot per name, `None` where the default applies.
pub(crate) fn bind_forward(m: &Module, args: &[Value], kwargs: &Kwargs, names: &[&str], required: usize) -> Result<Vec<Option<Value>>> {
    let q = format!("{}.forward", m.class_name());
    let n = names.len();
    let mut slots: Vec<Option<Value>> = vec![None; n];
    for (s, v) in slots.iter_mut().zip(args) {
        *s = Some(v.clone());
    }
    for (k, v) in kwargs {
        match names.iter().position(|x| x == k) {
            None => return Err(Error::type_error("call::unexpected_keyword", format!("{q}() got an unexpected keyword argument '{k}'"))),
            Some(i) if slots[i].is_some() => {
                return Err(Error::type_error("call::multiple_values", format!("{q}() got multiple values for argument '{k}'")))
            }
            Some(i) => slots[i] = Some(v.clone()),
        }
    }
    if args.len() > n {
        let takes = if required == n { format!("{}", n + 1) } else { format!("from {} to {}", required + 1, n + 1) };
        return Err(Error::type_error(
            "call::too_many_arguments",
            format!("{q}() takes {takes} positional arguments but {} were given", args.len() + 1),
        ));
    }
    let missing: Vec<&str> = (0..required).filter(|i| slots[*i].is_none()).map(|i| names[i]).collect();
    if !missing.is_empty() {
        let plural = if missing.len() == 1 { "argument" } else { "arguments" };
        return Err(Error::type_error(
            "call::missing_argument",
            format!("{q}() missing {} required positional {plural}: {}", missing.len(), name_list(&missing)),
        ));
    }
    Ok(slots)
}

/// An optional argument slot: absent or `None` reads as `None`.
pub(crate) fn opt(slot: &Option<Value>) -> Option<&Value> {
    slot.as_ref().filter(|v| !v.is_none())
}

/// A tensor argument; `what` names it in the TypeError.
pub(crate) fn tensor_of(m: &Module, v: &Value, what: &str) -> Result<TensorRef> {
    match v {
        Value::Tensor(t) => Ok(t.clone()),
        other => Err(Error::type_error(
            "call::argument_type",
            format!("{}.forward(): {what} must be a Tensor, not {}", m.class_name(), other.type_name()),
        )),
    }
}

/// An optional tensor argument (`mask=None`).
pub(crate) fn opt_tensor(m: &Module, slot: &Option<Value>, what: &str) -> Result<Option<TensorRef>> {
    opt(slot).map(|v| tensor_of(m, v, what)).transpose()
}

/// A bool argument with its default (Python truthiness of bools and ints).
pub(crate) fn flag(slot: &Option<Value>, default: bool) -> Result<bool> {
    match slot {
        None => Ok(default),
        Some(Value::Bool(b)) => Ok(*b),
        Some(Value::Int(i)) => Ok(*i != 0),
        Some(Value::None) => Ok(false),
        Some(other) => Err(Error::type_error("call::argument_type", format!("expected a bool, got {}", other.type_name()))),
    }
}
