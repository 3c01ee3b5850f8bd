//! Module hooks from the language: `m.register_forward_pre_hook(f)` and
//! `m.register_forward_hook(f)` with `nn.Module`'s signatures and return-value rules (a pre-hook
//! returning non-None replaces the positional arguments, a non-tuple becoming a one-element
//! tuple; a forward hook returning non-None replaces the output), and the `RemovableHandle`
//! they return (`h.remove()`).
use std::rc::Rc;

use super::args::Signature;
use super::eval::call_value;
use crate::error::{Error, Result};
use crate::nn::Module;
use crate::value::{Function, FunctionKind, Kwargs, Value};

/// The Python class of a hook handle, as its repr shows it.
pub const HANDLE_CLASS: &str = "torch.utils.hooks.RemovableHandle";

/// `register_forward_pre_hook` / `register_forward_hook` (`post`) on `m`.
pub fn register(m: &Module, post: bool, pos: &[Value], kw: &Kwargs) -> Result<Value> {
    // The methods are `nn.Module`'s: Python's errors name them `Module.register_...`.
    let qual = if post { "Module.register_forward_hook" } else { "Module.register_forward_pre_hook" };
    let kwonly: &[(&str, bool)] =
        if post { &[("prepend", true), ("with_kwargs", true), ("always_call", true)] } else { &[("prepend", true), ("with_kwargs", true)] };
    let sig = Signature { qualname: qual, positional: &["hook"], defaults: 0, vararg: false, kwonly, kwarg: false, implicit: 1 };
    let b = sig.bind(pos, kw)?;
    let flag = |i: usize| -> Result<bool> {
        match &b.kwonly[i] {
            None => Ok(false),
            Some(v) => super::ops::truthy(v),
        }
    };
    let (prepend, with_kwargs, always_call) = (flag(0)?, flag(1)?, if post { flag(2)? } else { false });
    if with_kwargs || always_call {
        let opt = if with_kwargs { "with_kwargs" } else { "always_call" };
        return Err(Error::runtime("hooks::unsupported_option", format!("{qual}(..., {opt}=True) is not supported by fcall"))
            .with_hint("fcall's hooks take (module, args) and (module, args, output); register them without this option"));
    }
    // As in PyTorch, anything is accepted here; a hook that is not callable fails when it runs.
    let hook = b.positional[0].clone().unwrap_or(Value::None);
    let id = if post {
        let f = move |m: &Module, args: &[Value], out: &Value| -> Result<Option<Value>> {
            let r = call_value(&hook, &[Value::Module(m.clone()), Value::tuple(args.to_vec()), out.clone()], &Vec::new())?;
            Ok((!r.is_none()).then_some(r))
        };
        m.register_forward_hook_at(Rc::new(f), prepend)
    } else {
        let f = move |m: &Module, args: &[Value]| -> Result<Option<Vec<Value>>> {
            Ok(match call_value(&hook, &[Value::Module(m.clone()), Value::tuple(args.to_vec())], &Vec::new())? {
                Value::None => None,
                Value::Tuple(items) => Some(items.to_vec()),
                other => Some(vec![other]),
            })
        };
        m.register_forward_pre_hook_at(Rc::new(f), prepend)
    };
    Ok(handle(m, id))
}

/// The `RemovableHandle` of hook `id` on `m`; `remove` is its one method.
fn handle(m: &Module, id: u64) -> Value {
    let m = m.clone();
    Function::new(HANDLE_CLASS, FunctionKind::Handle(id), move |_, _| {
        m.remove_hook(id);
        Ok(Value::None)
    })
}

/// `h.remove` and `h.id` of a handle.
pub fn handle_attr(f: &Rc<Function>, name: &str) -> Result<Value> {
    let FunctionKind::Handle(id) = f.kind else { unreachable!("handle_attr on a handle") };
    match name {
        "remove" => {
            let f = f.clone();
            Ok(Function::new("RemovableHandle.remove", FunctionKind::Method, move |pos, kw| {
                Signature { qualname: "RemovableHandle.remove", positional: &[], defaults: 0, vararg: false, kwonly: &[], kwarg: false, implicit: 1 }
                    .bind(pos, kw)?;
                (f.call)(&[], &Vec::new())
            }))
        }
        "id" => Ok(Value::Int(id as i64)),
        _ => Err(Error::attribute("eval::no_attribute", format!("'RemovableHandle' object has no attribute '{name}'"))),
    }
}
