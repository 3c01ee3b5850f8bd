//! Python's `set` on the evaluator: displays (`{1, 2}`, with CPython's constant folding of a
//! display of three or more constants), comprehensions, `set(iterable)`, `in`, `len`,
//! iteration, `== <= < >= >`, `| & - ^` (and their in-place forms), and the methods (`add`,
//! `update`, `discard`, `remove`, `pop`, `union`, ...). Each operation builds its result the way
//! CPython's setobject.c does, so the iteration order (and `repr`) is CPython's.
use fcall_lang::ast::{BinOp, CmpOp, Expr, ExprKind, UnaryOp};

use super::exceptions;
use super::pybuiltins::py_hash;
use super::{members, ops};
use crate::error::{Error, ExcType, Result};
use crate::pyset::{SetRef, SetTable};
use crate::value::{Function, FunctionKind, Kwargs, Value};

fn eq(a: &Value, b: &Value) -> bool {
    ops::compare(CmpOp::Eq, a, b).and_then(|r| ops::truthy(&r)).unwrap_or(false)
}

fn hash_of(v: &Value) -> Result<i64> {
    py_hash(v)
}

fn new_set(t: SetTable) -> Value {
    Value::Set(SetRef::new(t))
}

/// A table with `items` added one by one (`set_add_key`).
fn table_of(items: Vec<Value>) -> Result<SetTable> {
    let mut t = SetTable::default();
    for x in items {
        let h = hash_of(&x)?;
        t.add(x, h, &eq);
    }
    Ok(t)
}

/// `set_update_internal(t, other)`: a set merges, a dict adds its keys after one resize, any
/// other iterable adds its items one by one.
fn update(t: &mut SetTable, other: &Value) -> Result<()> {
    match other {
        Value::Set(o) => {
            if let Ok(src) = o.0.try_borrow() {
                let src = src.clone();
                t.merge(&src, &eq);
            }
            Ok(())
        }
        Value::Dict(d) => {
            let entries = d.keys().into_iter().map(|k| Ok((hash_of(&Value::str(&k))?, Value::str(&k)))).collect::<Result<Vec<_>>>()?;
            t.update_sized(entries, &eq);
            Ok(())
        }
        other => {
            for x in members::iterate(other)? {
                let h = hash_of(&x)?;
                t.add(x, h, &eq);
            }
            Ok(())
        }
    }
}

/// A copy made as `make_new_set(type, iterable)` makes it.
fn copy_of(v: &Value) -> Result<SetTable> {
    let mut t = SetTable::default();
    update(&mut t, v)?;
    Ok(t)
}

/// Whether a display item is a constant after CPython's AST optimizer folds it.
fn is_constant(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Int(_) | ExprKind::BigInt { .. } | ExprKind::Float(_) | ExprKind::Imag(_) | ExprKind::Str(_) | ExprKind::Bool(_) | ExprKind::None | ExprKind::Ellipsis => true,
        ExprKind::Unary { op: UnaryOp::Neg | UnaryOp::Pos, operand, .. } => matches!(operand.kind, ExprKind::Int(_) | ExprKind::BigInt { .. } | ExprKind::Float(_) | ExprKind::Imag(_)),
        ExprKind::Tuple(items) => items.iter().all(is_constant),
        _ => false,
    }
}

/// `{a, b, c}` with its items evaluated: CPython adds them one by one, except that a display
/// of more than two constants is a frozenset constant merged into a new set.
pub fn display(exprs: &[Expr], items: Vec<Value>) -> Result<Value> {
    let folded = exprs.len() > 2 && exprs.iter().all(is_constant);
    let t = table_of(items)?;
    if folded {
        let mut s = SetTable::default();
        s.merge(&t, &eq);
        return Ok(new_set(s));
    }
    Ok(new_set(t))
}

/// A set comprehension's result.
pub fn from_items(items: Vec<Value>) -> Result<Value> {
    Ok(new_set(table_of(items)?))
}

/// `set()` / `set(iterable)`.
pub fn construct(pos: &[Value], kw: &Kwargs) -> Result<Value> {
    if !kw.is_empty() {
        return Err(Error::type_error("call::unexpected_keyword", "set() takes no keyword arguments"));
    }
    match pos {
        [] => Ok(new_set(SetTable::default())),
        [v] => Ok(new_set(copy_of(v)?)),
        _ => Err(Error::type_error("call::argument_count", format!("set expected at most 1 argument, got {}", pos.len()))),
    }
}

fn as_set(v: &Value) -> Option<&SetRef> {
    match v {
        Value::Set(s) => Some(s),
        _ => None,
    }
}

fn snapshot(s: &SetRef) -> SetTable {
    s.borrow().clone()
}

/// `set_intersection(so, other)`.
fn intersection(so: &SetRef, other: &Value) -> Result<SetTable> {
    let mut result = SetTable::default();
    if let Value::Set(o) = other {
        let (a, b) = (snapshot(so), snapshot(o));
        let (big, small) = if b.len() > a.len() { (b, a) } else { (a, b) };
        for (h, k) in small.entries() {
            if big.contains(&k, h, &eq) {
                result.add(k, h, &eq);
            }
        }
        return Ok(result);
    }
    let a = snapshot(so);
    for k in members::iterate(other)? {
        let h = hash_of(&k)?;
        if a.contains(&k, h, &eq) {
            result.add(k, h, &eq);
        }
    }
    Ok(result)
}

/// `set_difference_update_internal(t, other)`.
fn difference_update(t: &mut SetTable, other: &Value) -> Result<()> {
    match other {
        Value::Set(o) => {
            let o = snapshot(o);
            let entries = if (o.len() >> 3) > t.len() {
                let mut small = SetTable::default();
                for (h, k) in t.entries() {
                    if o.contains(&k, h, &eq) {
                        small.add(k, h, &eq);
                    }
                }
                small.entries()
            } else {
                o.entries()
            };
            for (h, k) in entries {
                t.discard(&k, h, &eq);
            }
        }
        other => {
            for k in members::iterate(other)? {
                let h = hash_of(&k)?;
                t.discard(&k, h, &eq);
            }
        }
    }
    t.purge_dummies();
    Ok(())
}

/// `set_difference(so, other)`.
fn difference(so: &SetRef, other: &Value) -> Result<SetTable> {
    let a = snapshot(so);
    let other_size = match other {
        Value::Set(o) => o.len(),
        Value::Dict(d) => d.len(),
        _ => {
            let mut t = copy_of(&Value::Set(so.clone()))?;
            difference_update(&mut t, other)?;
            return Ok(t);
        }
    };
    if (a.len() >> 2) > other_size {
        let mut t = copy_of(&Value::Set(so.clone()))?;
        difference_update(&mut t, other)?;
        return Ok(t);
    }
    let o = match other {
        Value::Set(o) => snapshot(o),
        other => copy_of(other)?,
    };
    let mut result = SetTable::default();
    for (h, k) in a.entries() {
        if !o.contains(&k, h, &eq) {
            result.add(k, h, &eq);
        }
    }
    Ok(result)
}

/// `set_symmetric_difference_update(t, other)`.
fn symmetric_update(t: &mut SetTable, other: &Value) -> Result<()> {
    let o = match other {
        Value::Set(o) => snapshot(o),
        other => copy_of(other)?,
    };
    for (h, k) in o.entries() {
        if !t.discard(&k, h, &eq) {
            t.add(k, h, &eq);
        }
    }
    Ok(())
}

fn is_subset(a: &SetTable, b: &SetTable) -> bool {
    a.len() <= b.len() && a.entries().iter().all(|(h, k)| b.contains(k, *h, &eq))
}

/// `a op b` where one side is a set: `None` when neither is.
pub fn binary(op: BinOp, a: &Value, b: &Value) -> Option<Result<Value>> {
    let (Some(x), Some(_)) = (as_set(a), as_set(b)) else {
        if as_set(a).is_some() || as_set(b).is_some() {
            if matches!(op, BinOp::BitOr | BinOp::BitAnd | BinOp::Sub | BinOp::BitXor) && !matches!(a, Value::Tensor(_)) && !matches!(b, Value::Tensor(_)) {
                return Some(Err(Error::type_error(
                    "eval::unsupported_operand",
                    format!("unsupported operand type(s) for {}: '{}' and '{}'", op.as_str(), a.type_name(), b.type_name()),
                )));
            }
        }
        return None;
    };
    Some((|| {
        Ok(match op {
            BinOp::BitOr => {
                let mut t = copy_of(a)?;
                update(&mut t, b)?;
                new_set(t)
            }
            BinOp::BitAnd => new_set(intersection(x, b)?),
            BinOp::Sub => new_set(difference(x, b)?),
            BinOp::BitXor => {
                let mut t = copy_of(b)?;
                symmetric_update(&mut t, a)?;
                new_set(t)
            }
            _ => {
                return Err(Error::type_error(
                    "eval::unsupported_operand",
                    format!("unsupported operand type(s) for {}: 'set' and 'set'", if op == BinOp::Pow { "** or pow()" } else { op.as_str() }),
                ))
            }
        })
    })())
}

/// `s op= other` in place (the same set object).
pub fn inplace(op: BinOp, s: &SetRef, other: &Value) -> Option<Result<Value>> {
    if !matches!(op, BinOp::BitOr | BinOp::BitAnd | BinOp::Sub | BinOp::BitXor) || as_set(other).is_none() {
        return None;
    }
    Some((|| {
        let mut t = snapshot(s);
        match op {
            BinOp::BitOr => update(&mut t, other)?,
            BinOp::BitAnd => t = intersection(s, other)?,
            BinOp::Sub => difference_update(&mut t, other)?,
            _ => symmetric_update(&mut t, other)?,
        }
        *s.borrow_mut() = t;
        Ok(Value::Set(s.clone()))
    })())
}

/// `a op b` comparisons and `x in s`: `None` when no set is involved.
pub fn compare(op: CmpOp, a: &Value, b: &Value) -> Option<Result<Value>> {
    if matches!(op, CmpOp::In | CmpOp::NotIn) {
        let s = as_set(b)?;
        return Some(hash_of(a).map(|h| {
            let found = s.borrow().contains(a, h, &eq);
            Value::Bool(found == (op == CmpOp::In))
        }));
    }
    match (as_set(a), as_set(b)) {
        (Some(x), Some(y)) => {
            let (p, q) = (snapshot(x), snapshot(y));
            Some(Ok(Value::Bool(match op {
                CmpOp::Eq => p.len() == q.len() && is_subset(&p, &q),
                CmpOp::NotEq => !(p.len() == q.len() && is_subset(&p, &q)),
                CmpOp::Le => is_subset(&p, &q),
                CmpOp::Lt => p.len() < q.len() && is_subset(&p, &q),
                CmpOp::Ge => is_subset(&q, &p),
                CmpOp::Gt => q.len() < p.len() && is_subset(&q, &p),
                _ => return None,
            })))
        }
        (Some(_), None) | (None, Some(_)) => match op {
            CmpOp::Eq => Some(Ok(Value::Bool(false))),
            CmpOp::NotEq => Some(Ok(Value::Bool(true))),
            CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge if !matches!(a, Value::Tensor(_)) && !matches!(b, Value::Tensor(_)) => Some(Err(Error::type_error(
                "eval::unorderable",
                format!("'{}' not supported between instances of '{}' and '{}'", op.as_str(), a.type_name(), b.type_name()),
            ))),
            _ => None,
        },
        _ => None,
    }
}

/// Python's `==` between two sets (for a list of sets).
pub fn equal(a: &SetRef, b: &SetRef) -> bool {
    let (p, q) = (snapshot(a), snapshot(b));
    p.len() == q.len() && is_subset(&p, &q)
}

/// The methods a set has.
pub const SET_METHODS: &[&str] = &[
    "add", "update", "discard", "remove", "pop", "clear", "copy", "union", "intersection", "difference", "symmetric_difference",
    "issubset", "issuperset", "isdisjoint", "intersection_update", "difference_update", "symmetric_difference_update",
];

fn one_arg(q: &str, pos: &[Value], kw: &Kwargs) -> Result<Value> {
    if !kw.is_empty() {
        return Err(Error::type_error("call::unexpected_keyword", format!("{q}() takes no keyword arguments")));
    }
    match pos {
        [v] => Ok(v.clone()),
        _ => Err(Error::type_error("call::argument_count", format!("{q}() takes exactly one argument ({} given)", pos.len()))),
    }
}

fn no_args(q: &str, pos: &[Value], kw: &Kwargs) -> Result<()> {
    if !kw.is_empty() {
        return Err(Error::type_error("call::unexpected_keyword", format!("{q}() takes no keyword arguments")));
    }
    if !pos.is_empty() {
        return Err(Error::type_error("call::argument_count", format!("{q}() takes no arguments ({} given)", pos.len())));
    }
    Ok(())
}

fn call(s: &SetRef, name: &str, pos: &[Value], kw: &Kwargs) -> Result<Value> {
    let q = format!("set.{name}");
    let this = Value::Set(s.clone());
    match name {
        "add" => {
            let x = one_arg(&q, pos, kw)?;
            let h = hash_of(&x)?;
            s.borrow_mut().add(x, h, &eq);
            Ok(Value::None)
        }
        "discard" | "remove" => {
            let x = one_arg(&q, pos, kw)?;
            let h = hash_of(&x)?;
            let found = s.borrow_mut().discard(&x, h, &eq);
            if !found && name == "remove" {
                return Err(exceptions::new_error(ExcType::KeyError, vec![x]));
            }
            Ok(Value::None)
        }
        "pop" => {
            no_args(&q, pos, kw)?;
            let v = s.borrow_mut().pop();
            v.ok_or_else(|| Error::key("eval::set_pop", "pop from an empty set"))
        }
        "clear" => {
            no_args(&q, pos, kw)?;
            s.borrow_mut().clear();
            Ok(Value::None)
        }
        "copy" => {
            no_args(&q, pos, kw)?;
            Ok(new_set(copy_of(&this)?))
        }
        "update" | "intersection_update" | "difference_update" | "symmetric_difference_update" => {
            if !kw.is_empty() {
                return Err(Error::type_error("call::unexpected_keyword", format!("{q}() takes no keyword arguments")));
            }
            if name == "symmetric_difference_update" && pos.len() != 1 {
                return Err(Error::type_error("call::argument_count", format!("{q}() takes exactly one argument ({} given)", pos.len())));
            }
            for o in pos {
                let mut t = snapshot(s);
                match name {
                    "update" => update(&mut t, o)?,
                    "intersection_update" => t = intersection(s, o)?,
                    "difference_update" => difference_update(&mut t, o)?,
                    _ => symmetric_update(&mut t, o)?,
                }
                *s.borrow_mut() = t;
            }
            Ok(Value::None)
        }
        "union" | "intersection" | "difference" => {
            if !kw.is_empty() {
                return Err(Error::type_error("call::unexpected_keyword", format!("{q}() takes no keyword arguments")));
            }
            let mut acc = copy_of(&this)?;
            if name == "union" {
                for o in pos {
                    update(&mut acc, o)?;
                }
                return Ok(new_set(acc));
            }
            let mut cur = SetRef::new(acc);
            for o in pos {
                let next = if name == "intersection" { intersection(&cur, o)? } else { difference(&cur, o)? };
                cur = SetRef::new(next);
            }
            acc = snapshot(&cur);
            Ok(new_set(acc))
        }
        "symmetric_difference" => {
            let o = one_arg(&q, pos, kw)?;
            let mut t = copy_of(&o)?;
            symmetric_update(&mut t, &this)?;
            Ok(new_set(t))
        }
        "issubset" | "issuperset" | "isdisjoint" => {
            let o = one_arg(&q, pos, kw)?;
            let other = match &o {
                Value::Set(x) => snapshot(x),
                other => copy_of(other)?,
            };
            let me = snapshot(s);
            Ok(Value::Bool(match name {
                "issubset" => is_subset(&me, &other),
                "issuperset" => is_subset(&other, &me),
                _ => me.entries().iter().all(|(h, k)| !other.contains(k, *h, &eq)),
            }))
        }
        _ => Err(Error::attribute("eval::no_attribute", format!("'set' object has no attribute '{name}'"))),
    }
}

/// `s.name` for a set.
pub fn attr(s: &SetRef, name: &str) -> Option<Value> {
    if !SET_METHODS.contains(&name) {
        return None;
    }
    let (s, n) = (s.clone(), name.to_string());
    Some(Function::new(format!("set.{name}"), FunctionKind::Method, move |pos, kw| call(&s, &n, pos, kw)))
}
