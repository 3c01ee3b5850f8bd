//! Python's attribute built-ins on fcall values: `hasattr(obj, name)` and
//! `getattr(obj, name[, default])`, with `obj.name`'s rules (module registries, properties such
//! as a parametrized tensor, dict keys, tensor attributes). As in Python, only an
//! AttributeError means "no such attribute"; any other error propagates.
use std::collections::HashMap;
use std::rc::Weak;

use super::args::Args;
use super::eval::{Ctx, Shared};
use super::members;
use crate::error::{Error, ExcType, Result};
use crate::value::{Function, FunctionKind, Value};

fn lookup(sh: &Weak<Shared>, obj: &Value, name: &str) -> Result<Value> {
    let sh = sh.upgrade().ok_or_else(|| Error::runtime("eval::session_gone", "the session that defined this function was reset"))?;
    members::getattr(&Ctx { sh, src: 0 }, obj, name)
}

fn attr_name(a: &Args, fname: &str) -> Result<String> {
    match a.value("name") {
        Value::Str(s) => Ok(s.to_string()),
        other => Err(Error::type_error("call::argument_type", format!("{fname}(): attribute name must be string, not '{}'", other.type_name()))),
    }
}

/// Adds `hasattr` and `getattr` to the built-ins.
pub fn add(out: &mut HashMap<String, Value>, sh: &Weak<Shared>) {
    let weak = sh.clone();
    out.insert(
        "hasattr".into(),
        Function::new("hasattr", FunctionKind::Builtin, move |pos, kw| {
            let a = Args::bind("hasattr", &["obj", "name"], 2, pos, kw)?;
            let name = attr_name(&a, "hasattr")?;
            match lookup(&weak, &a.value("obj"), &name) {
                Ok(_) => Ok(Value::Bool(true)),
                Err(e) if e.exc == ExcType::AttributeError => Ok(Value::Bool(false)),
                Err(e) => Err(e),
            }
        }),
    );
    let weak = sh.clone();
    out.insert(
        "getattr".into(),
        Function::new("getattr", FunctionKind::Builtin, move |pos, kw| {
            let a = Args::bind("getattr", &["obj", "name", "default"], 2, pos, kw)?;
            let name = attr_name(&a, "getattr")?;
            match (lookup(&weak, &a.value("obj"), &name), a.get("default")) {
                (Err(e), Some(d)) if e.exc == ExcType::AttributeError => Ok(d.clone()),
                (r, _) => r,
            }
        }),
    );
}

/// The names this file adds (for `help`).
pub const NAMES: &[&str] = &["getattr", "hasattr"];
