//! The methods that change a list in place, as Python's `list` has them: `append`, `extend`,
//! `insert`, `pop`, `remove`, `clear`, and `copy`. A list is one shared object, so a change is
//! seen through every name bound to it (and inside a dict or module attribute holding it).
use super::args::Args;
use super::ops;
use crate::error::{Error, ExcType, Result};
use crate::value::{Function, FunctionKind, Seq, Value};

pub const LIST_METHODS: &[&str] = &["append", "extend", "insert", "pop", "remove", "clear", "copy"];

fn equal(a: &Value, b: &Value) -> bool {
    ops::compare(fcall_lang::ast::CmpOp::Eq, a, b).map(|r| matches!(r, Value::Bool(true))).unwrap_or(false)
}

/// `xs.name` for one of [`LIST_METHODS`], bound to the list.
pub fn method(items: &Seq, name: &str) -> Value {
    let items = items.clone();
    let name = name.to_string();
    let qual = format!("list.{name}");
    Function::new(qual.clone(), FunctionKind::Method, move |pos, kw| {
        let q = qual.as_str();
        if let Some((k, _)) = kw.first() {
            return Err(Error::type_error("call::unexpected_keyword", format!("{q}() takes no keyword arguments")).with_hint(format!("{k}= is not a parameter of {q}")));
        }
        let arity = |n: usize, max: usize| -> Result<()> {
            if pos.len() < n || pos.len() > max {
                let what = match (n, max) {
                    (0, 0) => format!("{q}() takes no arguments ({} given)", pos.len()),
                    (a, b) if a == b => format!("{q}() takes exactly one argument ({} given)", pos.len()),
                    (a, b) => format!("{name} expected at {} {} argument{}, got {}", if pos.len() < a { "least" } else { "most" }, if pos.len() < a { a } else { b }, if b == 1 { "" } else { "s" }, pos.len()),
                };
                return Err(Error::type_error("call::arity", what));
            }
            Ok(())
        };
        match name.as_str() {
            "append" => {
                arity(1, 1)?;
                items.borrow_mut().push(pos[0].clone());
                Ok(Value::None)
            }
            "extend" => {
                arity(1, 1)?;
                let more = super::members::iterate(&pos[0])?;
                items.borrow_mut().extend(more);
                Ok(Value::None)
            }
            "insert" => {
                if pos.len() != 2 {
                    return Err(Error::type_error("call::arity", format!("insert expected 2 arguments, got {}", pos.len())));
                }
                let a = Args::bind(q, &["index", "object"], 2, pos, kw)?;
                let n = items.len() as i64;
                let i = a.int("index", 0)?;
                let at = if i < 0 { (i + n).max(0) } else { i.min(n) } as usize;
                items.borrow_mut().insert(at, pos[1].clone());
                Ok(Value::None)
            }
            "pop" => {
                arity(0, 1)?;
                let n = items.len() as i64;
                if n == 0 {
                    return Err(Error::new(ExcType::IndexError, "eval::pop_empty", "pop from empty list"));
                }
                let i = match pos.first() {
                    None => -1,
                    Some(Value::Int(i)) => *i,
                    Some(other) => {
                        return Err(Error::type_error("eval::index_type", format!("'{}' object cannot be interpreted as an integer", other.type_name())))
                    }
                };
                let j = if i < 0 { i + n } else { i };
                if j < 0 || j >= n {
                    return Err(Error::new(ExcType::IndexError, "eval::index_range", "pop index out of range"));
                }
                Ok(items.borrow_mut().remove(j as usize))
            }
            "remove" => {
                arity(1, 1)?;
                let at = items.borrow().iter().position(|v| equal(v, &pos[0]));
                match at {
                    Some(i) => {
                        items.borrow_mut().remove(i);
                        Ok(Value::None)
                    }
                    None => Err(Error::value("eval::not_in_list", "list.remove(x): x not in list")),
                }
            }
            "clear" => {
                arity(0, 0)?;
                items.borrow_mut().clear();
                Ok(Value::None)
            }
            _ => {
                arity(0, 0)?;
                Ok(Value::list(items.to_vec()))
            }
        }
    })
}

/// `xs[i] = v` on a list.
pub fn set_item(items: &Seq, idx: &Value, v: Value) -> Result<()> {
    let Value::Int(i) = idx else {
        return Err(Error::type_error("eval::index_type", format!("list indices must be integers or slices, not {}", idx.type_name())));
    };
    let n = items.len() as i64;
    let j = if *i < 0 { i + n } else { *i };
    if j < 0 || j >= n {
        return Err(Error::new(ExcType::IndexError, "eval::index_range", "list assignment index out of range"));
    }
    items.borrow_mut()[j as usize] = v;
    Ok(())
}
