//! Python's built-in functions with Python's signatures, results and errors: `sorted(key=,
//! reverse=)`, `min`/`max` (`key=`, `default=`), `sum`, `all`/`any`, `zip(strict=)`,
//! `enumerate(start=)`, `map`, `filter`, `reversed`, `iter`/`next`, `tuple`, `dict(pairs,
//! **kw)`, `int`/`float`/`bool`/`str`, `round` (banker's), `divmod`, `pow`, `hash`, `id`,
//! `callable`, `chr`/`ord`, `setattr`/`delattr`, `format`/`ascii`, `repr`, `print`, and the
//! exception classes. Iterators are objects of classes `list_iterator`, `zip`, `enumerate`,
//! `map`, `filter`, `generator`, ... that `next` advances and `for` drains.
use indexmap::IndexMap;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::{Rc, Weak};

use fcall_lang::ast::{BinOp, CmpOp};

use super::eval::{call_value, dict_key, Shared};
use super::{members, ops};
use crate::error::{Error, ExcType, Result};
use crate::object::{Class, Object};
use crate::value::{DictRef, Function, FunctionKind, Kwargs, Value};

fn builtin(name: &str, f: impl Fn(&[Value], &Kwargs) -> Result<Value> + 'static) -> Value {
    Function::new(name, FunctionKind::Builtin, f)
}

/// A built-in that is a class in Python (`<class 'int'>`).
fn type_builtin(name: &str, f: impl Fn(&[Value], &Kwargs) -> Result<Value> + 'static) -> Value {
    Function::new(name, FunctionKind::Class, f)
}

fn no_keywords(name: &str, kw: &Kwargs) -> Result<()> {
    match kw.first() {
        Some(_) => Err(Error::type_error("call::unexpected_keyword", format!("{name}() takes no keyword arguments"))),
        None => Ok(()),
    }
}

/// Positional-only arity, with CPython's `name expected at most N arguments, got M` wording.
fn arity(name: &str, pos: &[Value], min: usize, max: usize) -> Result<()> {
    let n = pos.len();
    if n < min {
        let what = if min == max { format!("{name} expected {min} argument{}, got {n}", if min == 1 { "" } else { "s" }) } else { format!("{name} expected at least {min} argument{}, got {n}", if min == 1 { "" } else { "s" }) };
        return Err(Error::type_error("call::missing_argument", what));
    }
    if n > max {
        let what = if min == max { format!("{name} expected {max} argument{}, got {n}", if max == 1 { "" } else { "s" }) } else { format!("{name} expected at most {max} argument{}, got {n}", if max == 1 { "" } else { "s" }) };
        return Err(Error::type_error("call::too_many_arguments", what));
    }
    Ok(())
}

/// Keyword arguments a built-in accepts; another is CPython's TypeError.
fn keywords<'a>(name: &str, kw: &'a Kwargs, allowed: &[&str]) -> Result<HashMap<&'a str, &'a Value>> {
    let mut out = HashMap::new();
    for (k, v) in kw {
        if !allowed.contains(&k.as_str()) {
            return Err(Error::type_error("call::unexpected_keyword", format!("'{k}' is an invalid keyword argument for {name}()")));
        }
        out.insert(k.as_str(), v);
    }
    Ok(out)
}

fn lt(a: &Value, b: &Value) -> Result<bool> {
    ops::truthy(&ops::compare(CmpOp::Lt, a, b)?)
}

/// A stable merge sort with a comparison that can fail (Python's `<`).
fn sort_by_keys(idx: &mut Vec<usize>, keys: &[Value]) -> Result<()> {
    if idx.len() <= 1 {
        return Ok(());
    }
    let mid = idx.len() / 2;
    let mut right = idx.split_off(mid);
    sort_by_keys(idx, keys)?;
    sort_by_keys(&mut right, keys)?;
    let left = std::mem::take(idx);
    let (mut i, mut j) = (0, 0);
    while i < left.len() && j < right.len() {
        if lt(&keys[right[j]], &keys[left[i]])? {
            idx.push(right[j]);
            j += 1;
        } else {
            idx.push(left[i]);
            i += 1;
        }
    }
    idx.extend_from_slice(&left[i..]);
    idx.extend_from_slice(&right[j..]);
    Ok(())
}

/// `sorted(items, key=key, reverse=reverse)`, also `list.sort`.
pub fn sorted(mut items: Vec<Value>, key: Option<&Value>, reverse: bool) -> Result<Vec<Value>> {
    if reverse {
        items.reverse();
    }
    let keys = match key {
        None | Some(Value::None) => items.clone(),
        Some(f) => items.iter().map(|x| call_value(f, std::slice::from_ref(x), &Vec::new())).collect::<Result<Vec<_>>>()?,
    };
    let mut idx: Vec<usize> = (0..items.len()).collect();
    sort_by_keys(&mut idx, &keys)?;
    let mut out: Vec<Value> = idx.into_iter().map(|i| items[i].clone()).collect();
    if reverse {
        out.reverse();
    }
    Ok(out)
}

fn min_max(name: &'static str, pos: &[Value], kw: &Kwargs) -> Result<Value> {
    let k = keywords(name, kw, &["key", "default"])?;
    if pos.is_empty() {
        return Err(Error::type_error("call::missing_argument", format!("{name} expected at least 1 argument, got 0")));
    }
    let items = if pos.len() == 1 {
        members::iterate(&pos[0])?
    } else {
        if k.contains_key("default") {
            return Err(Error::type_error("call::argument", format!("Cannot specify a default for {name}() with multiple positional arguments")));
        }
        pos.to_vec()
    };
    let key = k.get("key").copied().filter(|v| !v.is_none());
    let keyed = |x: &Value| -> Result<Value> {
        match key {
            Some(f) => call_value(f, std::slice::from_ref(x), &Vec::new()),
            None => Ok(x.clone()),
        }
    };
    let mut it = items.into_iter();
    let Some(first) = it.next() else {
        return match k.get("default") {
            Some(d) => Ok((*d).clone()),
            None => Err(Error::value("eval::empty_sequence", format!("{name}() arg is an empty sequence"))),
        };
    };
    let op = if name == "max" { CmpOp::Gt } else { CmpOp::Lt };
    let mut best_key = keyed(&first)?;
    let mut best = first;
    for x in it {
        let kx = keyed(&x)?;
        if ops::truthy(&ops::compare(op, &kx, &best_key)?)? {
            best = x;
            best_key = kx;
        }
    }
    Ok(best)
}

/// `xs.sort(*, key=None, reverse=False)` and `xs.reverse()`, in place.
pub fn list_method(items: &crate::value::Seq, name: &str) -> Value {
    let (items, name) = (items.clone(), name.to_string());
    Function::new(format!("list.{name}"), FunctionKind::Method, move |pos, kw| {
        if name == "reverse" {
            no_keywords("list.reverse", kw)?;
            if !pos.is_empty() {
                return Err(Error::type_error("call::arity", format!("list.reverse() takes no arguments ({} given)", pos.len())));
            }
            items.borrow_mut().reverse();
            return Ok(Value::None);
        }
        if !pos.is_empty() {
            return Err(Error::type_error("call::arity", "sort() takes no positional arguments"));
        }
        let k = keywords("sort", kw, &["key", "reverse"])?;
        let reverse = match k.get("reverse") {
            Some(v) => ops::truthy(v)?,
            None => false,
        };
        let sorted_items = sorted(items.to_vec(), k.get("key").copied(), reverse)?;
        *items.borrow_mut() = sorted_items;
        Ok(Value::None)
    })
}

// ------------------------------------------------------------------ iterators

thread_local! {
    static ITER_CLASSES: RefCell<IndexMap<&'static str, Rc<Class>>> = RefCell::new(IndexMap::new());
}

/// The key of an iterator's advance function in its instance dict (not a Python name).
const NEXT: &str = "<next>";

fn self_method(name: &str, f: impl Fn(&Value, &[Value]) -> Result<Value> + 'static) -> Value {
    Function::new(name, FunctionKind::User, move |pos, _| match pos.split_first() {
        Some((this, rest)) => f(this, rest),
        None => Err(Error::type_error("call::missing_argument", "missing 1 required positional argument: 'self'")),
    })
}

fn iter_class(name: &'static str) -> Rc<Class> {
    ITER_CLASSES.with(|c| {
        if let Some(k) = c.borrow().get(name) {
            return k.clone();
        }
        let mut dict = IndexMap::new();
        dict.insert(
            "__next__".into(),
            self_method(&format!("{name}.__next__"), |this, _| match advance(this)? {
                Some(v) => Ok(v),
                None => Err(super::exceptions::new_error(ExcType::StopIteration, Vec::new())),
            }),
        );
        dict.insert("__iter__".into(), self_method(&format!("{name}.__iter__"), |this, _| Ok(this.clone())));
        if name == "generator" {
            dict.insert(
                "__repr__".into(),
                self_method("generator.__repr__", |this, _| {
                    let addr = match this {
                        Value::Object(o) => Rc::as_ptr(o) as *const u8 as usize,
                        _ => 0,
                    };
                    Ok(Value::str(&format!("<generator object <genexpr> at {addr:#x}>")))
                }),
            );
        }
        let class = Class::library(name, "builtins", dict);
        c.borrow_mut().insert(name, class.clone());
        class
    })
}

/// An iterator object of class `kind` whose items come from `next` (`None`: exhausted).
pub fn make_iterator(kind: &'static str, next: impl Fn() -> Result<Option<Value>> + 'static) -> Value {
    let o = Object::new(iter_class(kind));
    let done = Cell::new(false);
    let f = Function::new(NEXT, FunctionKind::Builtin, move |_, _| {
        if done.get() {
            return Ok(Value::None);
        }
        match next()? {
            Some(v) => Ok(Value::tuple(vec![v])),
            None => {
                done.set(true);
                Ok(Value::None)
            }
        }
    });
    o.dict.borrow_mut().insert(NEXT.into(), f);
    Value::Object(Rc::new(o))
}

/// An iterator of class `kind` over `items`.
pub fn iterator_over(kind: &'static str, items: Vec<Value>) -> Value {
    let pos = Cell::new(0usize);
    make_iterator(kind, move || {
        let i = pos.get();
        pos.set(i + 1);
        Ok(items.get(i).cloned())
    })
}

fn advance_fn(v: &Value) -> Option<Value> {
    match v {
        Value::Object(o) => o.get(NEXT),
        _ => None,
    }
}

/// The next item of one of these iterators (`None`: exhausted).
pub fn advance(v: &Value) -> Result<Option<Value>> {
    let Some(f) = advance_fn(v) else {
        return Err(Error::type_error("eval::not_iterator", format!("'{}' object is not an iterator", v.type_name())));
    };
    match call_value(&f, &[], &Vec::new())? {
        Value::Tuple(t) => Ok(t.get(0)),
        _ => Ok(None),
    }
}

/// `for x in it` over one of these iterators: the remaining items (it is exhausted after).
pub fn drain_iterator(v: &Value) -> Option<Result<Vec<Value>>> {
    advance_fn(v)?;
    let mut out = Vec::new();
    loop {
        match advance(v) {
            Ok(Some(x)) => out.push(x),
            Ok(None) => return Some(Ok(out)),
            Err(e) => return Some(Err(e)),
        }
    }
}

pub fn is_iterator(v: &Value) -> bool {
    advance_fn(v).is_some()
}

/// `iter(v)`.
fn iter_of(v: &Value) -> Result<Value> {
    if is_iterator(v) {
        return Ok(v.clone());
    }
    if let Some(r) = crate::object::call_dunder(v, "__iter__", &[]) {
        let it = r?;
        if is_iterator(&it) || crate::object::user_class_of(&it).is_some_and(|c| c.find("__next__").is_some()) {
            return Ok(it);
        }
        return Err(Error::type_error("eval::iter_type", format!("iter() returned non-iterator of type '{}'", it.type_name())));
    }
    let kind = match v {
        Value::List(_) => "list_iterator",
        Value::Tuple(_) | Value::Size(_) | Value::Tensor(_) => "tuple_iterator",
        Value::Str(_) => "str_ascii_iterator",
        Value::Dict(_) => "dict_keyiterator",
        _ => "iterator",
    };
    Ok(iterator_over(kind, members::iterate(v)?))
}

/// `next(it[, default])`.
fn next_of(it: &Value, default: Option<&Value>) -> Result<Value> {
    let r = if is_iterator(it) {
        advance(it)?.ok_or_else(|| super::exceptions::new_error(ExcType::StopIteration, Vec::new()))
    } else if let Some(r) = crate::object::call_dunder(it, "__next__", &[]) {
        r
    } else {
        return Err(Error::type_error("eval::not_iterator", format!("'{}' object is not an iterator", it.type_name())));
    };
    match (r, default) {
        (Err(e), Some(d)) if e.exc == ExcType::StopIteration => Ok(d.clone()),
        (r, _) => r,
    }
}

fn zip_items(args: &[Value], strict: bool) -> Result<Vec<Value>> {
    let lists = args.iter().map(members::iterate).collect::<Result<Vec<_>>>()?;
    let n = lists.iter().map(Vec::len).min().unwrap_or(0);
    if strict && lists.iter().any(|l| l.len() != n) {
        let plural = |i: usize| if i == 1 { "argument 1".to_string() } else { format!("arguments 1-{i}") };
        let first_short = lists.iter().position(|l| l.len() == n).unwrap_or(0);
        let message = if first_short > 0 {
            format!("zip() argument {} is shorter than {}", first_short + 1, plural(first_short))
        } else {
            let j = lists.iter().position(|l| l.len() > n).unwrap_or(1);
            format!("zip() argument {} is longer than {}", j + 1, plural(j))
        };
        return Err(Error::value("eval::zip_strict", message));
    }
    Ok((0..n).map(|i| Value::tuple(lists.iter().map(|l| l[i].clone()).collect())).collect())
}

// ------------------------------------------------------------------ numbers

fn float_of_str(s: &str) -> Option<f64> {
    let t = s.trim();
    // Underscores only between digits, as in Python's literals.
    let chars: Vec<char> = t.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if *c == '_' && !(i > 0 && i + 1 < chars.len() && chars[i - 1].is_ascii_digit() && chars[i + 1].is_ascii_digit()) {
            return None;
        }
    }
    let cleaned: String = t.chars().filter(|c| *c != '_').collect();
    let lower = cleaned.to_ascii_lowercase();
    let body = lower.trim_start_matches(['+', '-']);
    if !matches!(body, "inf" | "infinity" | "nan") && body.chars().any(|c| c.is_ascii_alphabetic() && c != 'e') {
        return None;
    }
    cleaned.parse::<f64>().ok()
}

fn int_of_str(s: &str, base: i64) -> Result<Option<Value>> {
    let t = s.trim();
    let (neg, t) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let lower = t.to_ascii_lowercase();
    let (base, digits) = match (base, lower.get(..2)) {
        (0 | 16, Some("0x")) => (16, &t[2..]),
        (0 | 8, Some("0o")) => (8, &t[2..]),
        (0 | 2, Some("0b")) => (2, &t[2..]),
        (0, _) => {
            if t.len() > 1 && t.starts_with('0') && t.chars().any(|c| c != '0' && c != '_') {
                return Ok(None);
            }
            (10, t)
        }
        (b, _) => (b, t),
    };
    let digits = digits.strip_prefix('_').filter(|_| base != 10).unwrap_or(digits);
    if digits.is_empty() || digits.starts_with('_') || digits.ends_with('_') || digits.contains("__") {
        return Ok(None);
    }
    let clean: String = digits.chars().filter(|c| *c != '_').collect();
    if !clean.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Ok(None);
    }
    let Some(v) = crate::pyint::parse_digits(&clean, base as u32)? else { return Ok(None) };
    Ok(Some(if neg { super::ops::negate(&v)? } else { v }))
}

fn int_of(v: &Value, base: Option<i64>) -> Result<Value> {
    if let Some(b) = base {
        let Value::Str(s) = v else {
            return Err(Error::type_error("eval::int", "int() can't convert non-string with explicit base"));
        };
        if b != 0 && !(2..=36).contains(&b) {
            return Err(Error::value("eval::int", "int() base must be >= 2 and <= 36, or 0"));
        }
        return int_of_str(s, b)?
            .ok_or_else(|| Error::value("eval::int", format!("invalid literal for int() with base {b}: {}", crate::value::py_str_repr(s))));
    }
    match v {
        Value::Int(_) | Value::BigInt(_) => Ok(v.clone()),
        Value::Bool(b) => Ok(Value::Int(*b as i64)),
        Value::Float(f) => float_to_int(*f),
        Value::Str(s) => int_of_str(s, 10)?.ok_or_else(|| Error::value("eval::int", format!("invalid literal for int() with base 10: {}", crate::value::py_str_repr(s)))),
        Value::Tensor(t) if t.numel() == 1 => match super::format::tensor_item(t)? {
            Value::Float(f) => float_to_int(f),
            other => int_of(&other, None),
        },
        Value::Tensor(_) => Err(Error::value("torch::item", "only one element tensors can be converted to Python scalars")),
        other => {
            for d in ["__int__", "__index__"] {
                if let Some(r) = crate::object::call_dunder(other, d, &[]) {
                    return r;
                }
            }
            Err(Error::type_error("eval::int", format!("int() argument must be a string, a bytes-like object or a real number, not '{}'", other.type_name())))
        }
    }
}

fn float_to_int(f: f64) -> Result<Value> {
    crate::pyint::from_f64(f)
}

fn float_of(v: &Value) -> Result<Value> {
    match v {
        Value::Float(f) => Ok(Value::Float(*f)),
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => crate::pyint::to_f64(v).unwrap_or(Ok(0.0)).map(Value::Float),
        Value::Str(s) => float_of_str(s).map(Value::Float).ok_or_else(|| Error::value("eval::float", format!("could not convert string to float: {}", crate::value::py_str_repr(s)))),
        Value::Tensor(t) if t.numel() == 1 => Ok(Value::Float(t.tensor().f_double_value(&[])?)),
        Value::Tensor(_) => Err(Error::value("torch::item", "only one element tensors can be converted to Python scalars")),
        other => {
            if let Some(r) = crate::object::call_dunder(other, "__float__", &[]) {
                return r;
            }
            Err(Error::type_error("eval::float", format!("float() argument must be a string or a real number, not '{}'", other.type_name())))
        }
    }
}

/// `complex(real, imag)` (complex_new_impl): a string parses alone; otherwise each argument a
/// number (a complex, a float, an int or a 1-element tensor), the result `real + imag*1j`.
fn complex_of(real: Option<&Value>, imag: Option<&Value>) -> Result<Value> {
    let part = |v: &Value, first: bool| -> Result<(f64, f64)> {
        if let Value::Tensor(t) = v {
            if t.numel() != 1 {
                return Err(Error::value("torch::item", "only one element tensors can be converted to Python scalars"));
            }
            return crate::pycomplex::operand(&super::format::tensor_item(t)?).unwrap_or(Ok((0.0, 0.0)));
        }
        if let Some(r) = crate::pycomplex::operand(v) {
            return r;
        }
        Err(Error::type_error(
            "eval::complex",
            if first {
                format!("complex() first argument must be a string or a number, not '{}'", v.type_name())
            } else {
                format!("complex() second argument must be a number, not '{}'", v.type_name())
            },
        ))
    };
    match (real, imag) {
        (Some(Value::Str(_)), Some(_)) => Err(Error::type_error("eval::complex", "complex() can't take second arg if first is a string")),
        (Some(Value::Str(s)), None) => crate::pycomplex::parse(s),
        (_, Some(Value::Str(_))) => Err(Error::type_error("eval::complex", "complex() second arg can't be a string")),
        (r, i) => {
            let is_complex = |v: Option<&Value>| match v {
                Some(Value::Complex(..)) => true,
                Some(Value::Tensor(t)) => crate::tensor::complex_parts(t.tensor()).is_some(),
                _ => false,
            };
            let (mut a, b) = r.map_or(Ok((0.0, 0.0)), |v| part(v, true))?;
            let Some(iv) = i else { return Ok(Value::Complex(a, b)) };
            let (mut c, d) = part(iv, false)?;
            // As complex_new_impl combines them: `real - imag.imag`, `imag.real + real.imag`,
            // each only where that part is complex (so `complex(0.0, -0.0)` keeps its -0.0).
            if is_complex(i) {
                a -= d;
            }
            if is_complex(r) {
                c += b;
            }
            Ok(Value::Complex(a, c))
        }
    }
}

/// Rounds the decimal digits of `|x|` at 10^-ndigits (half to even, on the exact value).
fn round_decimal(x: f64, ndigits: i64) -> f64 {
    if ndigits >= 0 {
        if ndigits > 323 {
            return x;
        }
        return format!("{:.*}", ndigits as usize, x).parse().unwrap_or(x);
    }
    if ndigits < -308 {
        return 0.0 * x;
    }
    let k = (-ndigits) as usize;
    let exact = format!("{:.1100}", x.abs());
    let (int_part, frac) = exact.split_once('.').unwrap_or((&exact, ""));
    if int_part.len() < k {
        // |x| < 10^(k-1), below half of 10^k.
        return 0.0_f64.copysign(x);
    }
    let (keep, drop) = int_part.split_at(int_part.len() - k);
    let first = drop.as_bytes()[0];
    let rest_zero = drop[1..].bytes().all(|b| b == b'0') && frac.bytes().all(|b| b == b'0');
    let mut n: u128 = if keep.is_empty() { 0 } else { keep.parse().unwrap_or(0) };
    let up = first > b'5' || (first == b'5' && (!rest_zero || n % 2 == 1));
    if up {
        n += 1;
    }
    let s = format!("{n}{}", "0".repeat(k));
    let r: f64 = s.parse().unwrap_or(0.0);
    if x < 0.0 {
        -r
    } else {
        r
    }
}

fn round_of(v: &Value, ndigits: Option<&Value>) -> Result<Value> {
    let nd = match ndigits {
        None | Some(Value::None) => None,
        Some(Value::Int(i)) => Some(*i),
        Some(Value::BigInt(b)) => Some(if num_traits::Signed::is_negative(&**b) { i64::MIN } else { i64::MAX }),
        Some(Value::Bool(b)) => Some(*b as i64),
        Some(other) => return Err(Error::type_error("eval::round", format!("'{}' object cannot be interpreted as an integer", other.type_name()))),
    };
    match v {
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => {
            let i = crate::pyint::big_of(v).unwrap_or_default();
            match nd {
                Some(n) if n < 0 => {
                    // Half to even at 10**-n, exactly.
                    use num_integer::Integer;
                    let digits = i.magnitude().to_string().len() as i64;
                    if -n > digits {
                        return Ok(Value::Int(0));
                    }
                    let p = num_bigint::BigInt::from(10).pow((-n) as u32);
                    let (q, r) = i.div_mod_floor(&p);
                    let twice: num_bigint::BigInt = r * 2;
                    let q = if twice > p || (twice == p && q.is_odd()) { q + 1 } else { q };
                    Ok(crate::pyint::from_big(q * p))
                }
                _ => Ok(crate::pyint::from_big(i)),
            }
        }
        Value::Float(f) => match nd {
            None => {
                let r = format!("{f:.0}");
                float_to_int(r.parse::<f64>().unwrap_or(*f))
            }
            Some(n) => Ok(Value::Float(if f.is_finite() { round_decimal(*f, n) } else { *f })),
        },
        other => {
            let args: Vec<Value> = ndigits.cloned().into_iter().collect();
            if let Some(r) = crate::object::call_dunder(other, "__round__", &args) {
                return r;
            }
            let name = match other {
                Value::Tensor(t) if t.is_parameter() => "Parameter".to_string(),
                Value::Tensor(_) => "Tensor".to_string(),
                o => o.type_name(),
            };
            Err(Error::type_error("eval::round", format!("type {name} doesn't define __round__ method")))
        }
    }
}

// ------------------------------------------------------------------ hash

const MODULUS: u64 = (1 << 61) - 1;

fn hash_int(i: i64) -> i64 {
    let m = (i.unsigned_abs() % MODULUS) as i64;
    let h = if i < 0 { -m } else { m };
    if h == -1 {
        -2
    } else {
        h
    }
}

/// CPython's `_Py_HashDouble` for a finite value.
fn hash_float(x: f64) -> i64 {
    if x.is_infinite() {
        return if x > 0.0 { 314159 } else { -314159 };
    }
    if x.is_nan() {
        return 0;
    }
    if x.fract() == 0.0 && x.abs() < 9.2e18 {
        return hash_int(x as i64);
    }
    let (mut m, mut e) = frexp(x.abs());
    let sign: i64 = if x < 0.0 { -1 } else { 1 };
    let mut h: u64 = 0;
    while m != 0.0 {
        h = ((h << 28) & MODULUS) | (h >> (61 - 28));
        m *= 268435456.0;
        e -= 28;
        let y = m as u64;
        m -= y as f64;
        h += y;
        if h >= MODULUS {
            h -= MODULUS;
        }
    }
    let e = if e >= 0 { e % 61 } else { 61 - 1 - ((-1 - e) % 61) };
    h = ((h << e) & MODULUS) | (h >> (61 - e));
    let r = h as i64 * sign;
    if r == -1 {
        -2
    } else {
        r
    }
}

fn frexp(x: f64) -> (f64, i32) {
    if x == 0.0 {
        return (0.0, 0);
    }
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    if exp == 0 {
        let (m, e) = frexp(x * 2f64.powi(64));
        return (m, e - 64);
    }
    let m = f64::from_bits((bits & !(0x7ffu64 << 52)) | (1022u64 << 52));
    (m, exp - 1022)
}

/// SipHash-1-3 with a zero key: CPython's str hash under PYTHONHASHSEED=0 (how `fcall check`
/// runs Python), over the string's internal representation (1, 2 or 4 bytes per character).
fn siphash13(data: &[u8]) -> u64 {
    let (mut v0, mut v1, mut v2, mut v3) = (0x736f6d6570736575u64, 0x646f72616e646f6du64, 0x6c7967656e657261u64, 0x7465646279746573u64);
    let round = |v0: &mut u64, v1: &mut u64, v2: &mut u64, v3: &mut u64| {
        *v0 = v0.wrapping_add(*v1);
        *v1 = v1.rotate_left(13);
        *v1 ^= *v0;
        *v0 = v0.rotate_left(32);
        *v2 = v2.wrapping_add(*v3);
        *v3 = v3.rotate_left(16);
        *v3 ^= *v2;
        *v0 = v0.wrapping_add(*v3);
        *v3 = v3.rotate_left(21);
        *v3 ^= *v0;
        *v2 = v2.wrapping_add(*v1);
        *v1 = v1.rotate_left(17);
        *v1 ^= *v2;
        *v2 = v2.rotate_left(32);
    };
    let chunks = data.chunks_exact(8);
    let tail = chunks.remainder();
    for c in chunks {
        let m = u64::from_le_bytes(c.try_into().unwrap_or([0; 8]));
        v3 ^= m;
        round(&mut v0, &mut v1, &mut v2, &mut v3);
        v0 ^= m;
    }
    let mut last = (data.len() as u64) << 56;
    for (i, b) in tail.iter().enumerate() {
        last |= (*b as u64) << (8 * i);
    }
    v3 ^= last;
    round(&mut v0, &mut v1, &mut v2, &mut v3);
    v0 ^= last;
    v2 ^= 0xff;
    for _ in 0..3 {
        round(&mut v0, &mut v1, &mut v2, &mut v3);
    }
    v0 ^ v1 ^ v2 ^ v3
}

fn hash_str(s: &str) -> i64 {
    if s.is_empty() {
        return 0;
    }
    let max = s.chars().map(|c| c as u32).max().unwrap_or(0);
    let bytes: Vec<u8> = if max < 0x100 {
        s.chars().map(|c| c as u8).collect()
    } else if max < 0x10000 {
        s.chars().flat_map(|c| (c as u16).to_le_bytes()).collect()
    } else {
        s.chars().flat_map(|c| (c as u32).to_le_bytes()).collect()
    };
    let h = siphash13(&bytes) as i64;
    if h == -1 {
        -2
    } else {
        h
    }
}

fn id_hash(id: u64) -> i64 {
    // `object.__hash__`: the address rotated by 4 bits.
    (id.rotate_right(4)) as i64
}

/// Python's `hash(v)`.
pub fn py_hash(v: &Value) -> Result<i64> {
    Ok(match v {
        Value::None => 0x5f3759df,
        Value::Bool(b) => *b as i64,
        Value::Int(i) => hash_int(*i),
        Value::BigInt(b) => crate::pyint::hash(b),
        Value::Float(f) => hash_float(*f),
        Value::Complex(r, i) => crate::pycomplex::hash(*r, *i, hash_float),
        Value::Str(s) => hash_str(s),
        Value::Tuple(items) | Value::Size(items) => {
            // CPython's tuple hash recurses on the C stack without counting frames (a
            // 100,000-deep tuple hashes); past the machine stack, RecursionError, not a crash.
            crate::stack::check("")?;
            const P1: u64 = 11400714785074694791;
            const P2: u64 = 14029467366897019727;
            const P5: u64 = 2870177450012600261;
            let items = items.to_vec();
            let mut acc = P5;
            for x in &items {
                let lane = py_hash(x)? as u64;
                acc = acc.wrapping_add(lane.wrapping_mul(P2));
                acc = acc.rotate_left(31);
                acc = acc.wrapping_mul(P1);
            }
            acc = acc.wrapping_add((items.len() as u64) ^ (P5 ^ 3527539));
            if acc == u64::MAX {
                1546275796
            } else {
                acc as i64
            }
        }
        Value::List(_) | Value::Dict(_) | Value::Set(_) => return Err(Error::type_error("eval::unhashable", format!("unhashable type: '{}'", v.type_name()))),
        Value::Tensor(t) => id_hash(t.id()),
        Value::Module(m) => id_hash(m.id()),
        Value::DType(k) => hash_str(&format!("torch.{}", crate::tensor::dtype_name(*k))),
        Value::Object(o) => {
            if let Some(r) = crate::object::call_dunder(v, "__hash__", &[]) {
                return match r? {
                    Value::Int(i) => Ok(i),
                    Value::BigInt(b) => Ok(crate::pyint::hash(&b)),
                    other => Err(Error::type_error("eval::hash_type", format!("__hash__ method should return an integer, not {}", other.type_name()))),
                };
            }
            id_hash(o.id)
        }
        Value::Class(c) => id_hash(c.id),
        other => id_hash(object_id(other) as u64),
    })
}

/// `id(v)`: tensors, modules and dicts by their object ids (`#N`), other objects by address.
fn object_id(v: &Value) -> i64 {
    match v {
        Value::Tensor(t) => t.id() as i64,
        Value::Module(m) => m.id() as i64,
        Value::Dict(d) => d.id() as i64,
        Value::Object(o) => o.id as i64,
        Value::Class(c) => c.id as i64,
        Value::List(_) | Value::Tuple(_) | Value::Size(_) => v.container_ptr().unwrap_or(0) as i64,
        Value::Function(f) => Rc::as_ptr(f) as *const u8 as usize as i64,
        Value::Namespace(n) => Rc::as_ptr(n) as *const u8 as usize as i64,
        Value::None => 0x7f00_0000_1000,
        Value::Bool(b) => 0x7f00_0000_2000 + *b as i64 * 32,
        Value::Int(i) => 0x7f10_0000_0000 + i.wrapping_mul(32),
        Value::BigInt(b) => Rc::as_ptr(b) as usize as i64,
        Value::Float(f) => 0x7f20_0000_0000 + (f.to_bits() >> 4) as i64,
        Value::Str(s) => 0x7f30_0000_0000 + (hash_str(s) & 0xffff_ffff),
        Value::DType(k) => 0x7f40_0000_0000 + *k as i64,
        #[allow(unreachable_patterns)]
        _ => 0,
    }
}

// ------------------------------------------------------------------ registration

/// Adds Python's built-ins (overriding the older entries of the same name; the torch functions
/// `sum` and `abs` stay reachable for `torch.sum` / `torch.abs` under `torch.sum` / `torch.abs`).
pub fn add(out: &mut HashMap<String, Value>, sh: &Weak<Shared>) {
    super::exceptions::add(out);
    for name in ["sum", "abs"] {
        if let Some(t) = out.get(name).cloned() {
            out.insert(format!("torch.{name}"), t);
        }
    }
    let prev_len = out.get("len").cloned();

    out.insert(
        "sorted".into(),
        builtin("sorted", |pos, kw| {
            let k = keywords("sort", kw, &["key", "reverse"])?;
            if pos.len() != 1 {
                return Err(Error::type_error("call::argument_count", format!("sorted expected 1 argument, got {}", pos.len())));
            }
            let reverse = match k.get("reverse") {
                Some(v) => ops::truthy(v)?,
                None => false,
            };
            Ok(Value::list(sorted(members::iterate(&pos[0])?, k.get("key").copied(), reverse)?))
        }),
    );
    out.insert("min".into(), builtin("min", |pos, kw| min_max("min", pos, kw)));
    out.insert("max".into(), builtin("max", |pos, kw| min_max("max", pos, kw)));
    out.insert(
        "sum".into(),
        builtin("sum", |pos, kw| {
            let k = keywords("sum", kw, &["start"])?;
            arity("sum", pos, 1, 2)?;
            let start = pos.get(1).or(k.get("start").copied()).cloned().unwrap_or(Value::Int(0));
            if matches!(start, Value::Str(_)) {
                return Err(Error::type_error("eval::sum_str", "sum() can't sum strings [use ''.join(seq) instead]"));
            }
            let mut acc = start;
            for x in members::iterate(&pos[0])? {
                acc = ops::binary(BinOp::Add, &acc, &x)?;
            }
            Ok(acc)
        }),
    );
    out.insert(
        "abs".into(),
        builtin("abs", |pos, kw| {
            no_keywords("abs", kw)?;
            if pos.len() != 1 {
                return Err(Error::type_error("call::argument_count", format!("abs() takes exactly one argument ({} given)", pos.len())));
            }
            match &pos[0] {
                Value::Int(_) | Value::BigInt(_) => Ok(crate::pyint::abs(&pos[0]).unwrap_or(Value::None)),
                Value::Bool(b) => Ok(Value::Int(*b as i64)),
                Value::Float(f) => Ok(Value::Float(f.abs())),
                Value::Complex(r, i) => Ok(Value::Float(crate::pycomplex::abs(*r, *i)?)),
                Value::Tensor(t) => Ok(Value::Tensor(crate::tensor::TensorRef::new(t.tensor().f_abs()?))),
                other => {
                    if let Some(r) = crate::object::call_dunder(other, "__abs__", &[]) {
                        return r;
                    }
                    Err(Error::type_error("eval::bad_operand", format!("bad operand type for abs(): '{}'", other.type_name())))
                }
            }
        }),
    );
    for (name, want) in [("all", false), ("any", true)] {
        out.insert(
            name.into(),
            builtin(name, move |pos, kw| {
                no_keywords(name, kw)?;
                if pos.len() != 1 {
                    return Err(Error::type_error("call::argument_count", format!("{name}() takes exactly one argument ({} given)", pos.len())));
                }
                for x in members::iterate(&pos[0])? {
                    if ops::truthy(&x)? == want {
                        return Ok(Value::Bool(want));
                    }
                }
                Ok(Value::Bool(!want))
            }),
        );
    }
    out.insert(
        "zip".into(),
        type_builtin("zip", |pos, kw| {
            let k = keywords("zip", kw, &["strict"])?;
            let strict = match k.get("strict") {
                Some(v) => ops::truthy(v)?,
                None => false,
            };
            Ok(iterator_over("zip", zip_items(pos, strict)?))
        }),
    );
    out.insert(
        "enumerate".into(),
        type_builtin("enumerate", |pos, kw| {
            let a = super::args::Args::bind("enumerate", &["iterable", "start"], 1, pos, kw)?;
            let start = match a.get("start") {
                None => 0,
                Some(Value::Int(i)) => *i,
                Some(Value::Bool(b)) => *b as i64,
                Some(other) => return Err(Error::type_error("eval::enumerate", format!("'{}' object cannot be interpreted as an integer", other.type_name()))),
            };
            let items = members::iterate(&a.value("iterable"))?;
            Ok(iterator_over("enumerate", items.into_iter().enumerate().map(|(i, x)| Value::tuple(vec![Value::Int(start + i as i64), x])).collect()))
        }),
    );
    out.insert(
        "map".into(),
        type_builtin("map", |pos, kw| {
            no_keywords("map", kw)?;
            if pos.len() < 2 {
                return Err(Error::type_error("call::missing_argument", "map() must have at least two arguments."));
            }
            let f = pos[0].clone();
            let lists = pos[1..].iter().map(members::iterate).collect::<Result<Vec<_>>>()?;
            let n = lists.iter().map(Vec::len).min().unwrap_or(0);
            let i = Cell::new(0usize);
            Ok(make_iterator("map", move || {
                let k = i.get();
                if k >= n {
                    return Ok(None);
                }
                i.set(k + 1);
                let args: Vec<Value> = lists.iter().map(|l| l[k].clone()).collect();
                call_value(&f, &args, &Vec::new()).map(Some)
            }))
        }),
    );
    out.insert(
        "filter".into(),
        type_builtin("filter", |pos, kw| {
            no_keywords("filter", kw)?;
            arity("filter", pos, 2, 2)?;
            let f = pos[0].clone();
            let items = members::iterate(&pos[1])?;
            let i = Cell::new(0usize);
            Ok(make_iterator("filter", move || loop {
                let k = i.get();
                let Some(x) = items.get(k).cloned() else { return Ok(None) };
                i.set(k + 1);
                let keep = if f.is_none() { ops::truthy(&x)? } else { ops::truthy(&call_value(&f, std::slice::from_ref(&x), &Vec::new())?)? };
                if keep {
                    return Ok(Some(x));
                }
            }))
        }),
    );
    out.insert(
        "reversed".into(),
        type_builtin("reversed", |pos, kw| {
            no_keywords("reversed", kw)?;
            arity("reversed", pos, 1, 1)?;
            let v = &pos[0];
            if let Some(r) = crate::object::call_dunder(v, "__reversed__", &[]) {
                return r;
            }
            let kind = match v {
                Value::Tensor(t) => return Ok(Value::Tensor(crate::tensor::TensorRef::new(t.tensor().f_flip(&[0])?))),
                Value::List(_) => "list_reverseiterator",
                Value::Dict(_) => "dict_reversekeyiterator",
                Value::Tuple(_) | Value::Size(_) | Value::Str(_) | Value::Module(_) => "reversed",
                other => return Err(Error::type_error("eval::not_reversible", format!("'{}' object is not reversible", other.type_name()))),
            };
            let mut items = members::iterate(v)?;
            items.reverse();
            Ok(iterator_over(kind, items))
        }),
    );
    out.insert(
        "iter".into(),
        builtin("iter", |pos, kw| {
            no_keywords("iter", kw)?;
            arity("iter", pos, 1, 1)?;
            iter_of(&pos[0])
        }),
    );
    out.insert(
        "next".into(),
        builtin("next", |pos, kw| {
            no_keywords("next", kw)?;
            arity("next", pos, 1, 2)?;
            next_of(&pos[0], pos.get(1))
        }),
    );
    out.insert("set".into(), type_builtin("set", super::sets::construct));
    out.insert(
        "tuple".into(),
        type_builtin("tuple", |pos, kw| {
            no_keywords("tuple", kw)?;
            arity("tuple", pos, 0, 1)?;
            match pos.first() {
                None => Ok(Value::tuple(Vec::new())),
                Some(Value::Tuple(t)) if t.structseq().is_none() => Ok(Value::Tuple(t.clone())),
                Some(v) => Ok(Value::tuple(members::iterate(v)?)),
            }
        }),
    );
    out.insert(
        "list".into(),
        type_builtin("list", |pos, kw| {
            no_keywords("list", kw)?;
            arity("list", pos, 0, 1)?;
            match pos.first() {
                None => Ok(Value::list(Vec::new())),
                Some(v) => Ok(Value::list(members::iterate(v)?)),
            }
        }),
    );
    out.insert(
        "dict".into(),
        type_builtin("dict", |pos, kw| {
            if pos.len() > 1 {
                return Err(Error::type_error("call::argument_count", format!("dict expected at most 1 argument, got {}", pos.len())));
            }
            let d = DictRef::new();
            match pos.first() {
                None => {}
                Some(Value::Dict(src)) => {
                    for (k, v) in src.items() {
                        d.insert(k, v);
                    }
                }
                Some(v) => {
                    for (i, item) in members::iterate(v)?.into_iter().enumerate() {
                        let pair = members::iterate(&item).map_err(|_| Error::type_error("eval::dict", format!("cannot convert dictionary update sequence element #{i} to a sequence")))?;
                        if pair.len() != 2 {
                            return Err(Error::value("eval::dict", format!("dictionary update sequence element #{i} has length {}; 2 is required", pair.len())));
                        }
                        d.insert(dict_key(&pair[0])?, pair[1].clone());
                    }
                }
            }
            for (k, v) in kw {
                d.insert(k.clone(), v.clone());
            }
            Ok(Value::Dict(d))
        }),
    );
    out.insert(
        "int".into(),
        type_builtin("int", |pos, kw| {
            let k = keywords("int", kw, &["base"])?;
            arity("int", pos, 0, 2)?;
            let base = match pos.get(1).or(k.get("base").copied()) {
                None => None,
                Some(Value::Int(b)) => Some(*b),
                Some(other) => return Err(Error::type_error("eval::int", format!("'{}' object cannot be interpreted as an integer", other.type_name()))),
            };
            match pos.first() {
                None if base.is_some() => Err(Error::type_error("eval::int", "int() missing string argument")),
                None => Ok(Value::Int(0)),
                Some(v) => int_of(v, base),
            }
        }),
    );
    out.insert(
        "float".into(),
        type_builtin("float", |pos, kw| {
            no_keywords("float", kw)?;
            arity("float", pos, 0, 1)?;
            match pos.first() {
                None => Ok(Value::Float(0.0)),
                Some(v) => float_of(v),
            }
        }),
    );
    out.insert(
        "complex".into(),
        type_builtin("complex", |pos, kw| {
            let k = keywords("complex", kw, &["real", "imag"])?;
            arity("complex", pos, 0, 2)?;
            let real = pos.first().or(k.get("real").copied());
            let imag = pos.get(1).or(k.get("imag").copied());
            complex_of(real, imag)
        }),
    );
    out.insert(
        "bool".into(),
        type_builtin("bool", |pos, kw| {
            no_keywords("bool", kw)?;
            arity("bool", pos, 0, 1)?;
            match pos.first() {
                None => Ok(Value::Bool(false)),
                Some(v) => Ok(Value::Bool(ops::truthy(v)?)),
            }
        }),
    );
    out.insert(
        "str".into(),
        type_builtin("str", |pos, kw| {
            let k = keywords("str", kw, &["object"])?;
            arity("str", pos, 0, 1)?;
            match pos.first().or(k.get("object").copied()) {
                None => Ok(Value::str("")),
                Some(v) => Ok(Value::str(&crate::object::try_str(v)?)),
            }
        }),
    );
    out.insert(
        "repr".into(),
        builtin("repr", |pos, kw| {
            no_keywords("repr", kw)?;
            if pos.len() != 1 {
                return Err(Error::type_error("call::argument_count", format!("repr() takes exactly one argument ({} given)", pos.len())));
            }
            Ok(Value::str(&crate::object::try_repr(&pos[0])?))
        }),
    );
    out.insert(
        "round".into(),
        builtin("round", |pos, kw| {
            let a = super::args::Args::bind("round", &["number", "ndigits"], 1, pos, kw)?;
            round_of(&a.value("number"), a.get("ndigits"))
        }),
    );
    out.insert(
        "divmod".into(),
        builtin("divmod", |pos, kw| {
            no_keywords("divmod", kw)?;
            arity("divmod", pos, 2, 2)?;
            let (a, b) = (&pos[0], &pos[1]);
            let numeric = |v: &Value| matches!(v, Value::Int(_) | Value::Bool(_) | Value::BigInt(_) | Value::Float(_));
            if !(numeric(a) && numeric(b)) {
                return Err(Error::type_error("eval::unsupported_operand", format!("unsupported operand type(s) for divmod(): '{}' and '{}'", a.type_name(), b.type_name())));
            }
            let zero = matches!(b, Value::Int(0) | Value::Bool(false)) || matches!(b, Value::Float(f) if *f == 0.0);
            if zero {
                let float = matches!(a, Value::Float(_)) || matches!(b, Value::Float(_));
                return Err(Error::new(ExcType::ZeroDivisionError, "eval::zero_division", if float { "float divmod()" } else { "integer division or modulo by zero" }));
            }
            Ok(Value::tuple(vec![ops::binary(BinOp::FloorDiv, a, b)?, ops::binary(BinOp::Mod, a, b)?]))
        }),
    );
    out.insert(
        "pow".into(),
        builtin("pow", |pos, kw| {
            let a = super::args::Args::bind("pow", &["base", "exp", "mod"], 2, pos, kw)?;
            match a.get("mod") {
                None | Some(Value::None) => ops::binary(BinOp::Pow, &a.value("base"), &a.value("exp")),
                Some(m) => crate::pyint::pow_mod(&a.value("base"), &a.value("exp"), m),
            }
        }),
    );
    out.insert(
        "hash".into(),
        builtin("hash", |pos, kw| {
            no_keywords("hash", kw)?;
            arity("hash", pos, 1, 1)?;
            Ok(Value::Int(py_hash(&pos[0])?))
        }),
    );
    out.insert(
        "id".into(),
        builtin("id", |pos, kw| {
            no_keywords("id", kw)?;
            arity("id", pos, 1, 1)?;
            Ok(Value::Int(object_id(&pos[0])))
        }),
    );
    out.insert(
        "callable".into(),
        builtin("callable", |pos, kw| {
            no_keywords("callable", kw)?;
            arity("callable", pos, 1, 1)?;
            Ok(Value::Bool(match &pos[0] {
                Value::Function(f) => !matches!(f.kind, FunctionKind::Typing),
                Value::Module(_) | Value::Class(_) => true,
                Value::Object(o) => o.class.find("__call__").is_some(),
                _ => false,
            }))
        }),
    );
    out.insert(
        "chr".into(),
        builtin("chr", |pos, kw| {
            no_keywords("chr", kw)?;
            arity("chr", pos, 1, 1)?;
            let Value::Int(i) = &pos[0] else {
                return Err(Error::type_error("eval::chr", format!("'{}' object cannot be interpreted as an integer", pos[0].type_name())));
            };
            u32::try_from(*i).ok().and_then(char::from_u32).map(|c| Value::str(&c.to_string())).ok_or_else(|| Error::value("eval::chr", "chr() arg not in range(0x110000)"))
        }),
    );
    out.insert(
        "ord".into(),
        builtin("ord", |pos, kw| {
            no_keywords("ord", kw)?;
            arity("ord", pos, 1, 1)?;
            match &pos[0] {
                Value::Str(s) if s.chars().count() == 1 => Ok(Value::Int(s.chars().next().map(|c| c as i64).unwrap_or(0))),
                Value::Str(s) => Err(Error::type_error("eval::ord", format!("ord() expected a character, but string of length {} found", s.chars().count()))),
                other => Err(Error::type_error("eval::ord", format!("ord() expected string of length 1, but {} found", other.type_name()))),
            }
        }),
    );
    out.insert(
        "setattr".into(),
        builtin("setattr", |pos, kw| {
            no_keywords("setattr", kw)?;
            arity("setattr", pos, 3, 3)?;
            let Value::Str(name) = &pos[1] else {
                return Err(Error::type_error("call::argument_type", format!("attribute name must be string, not '{}'", pos[1].type_name())));
            };
            members::setattr(&pos[0], name, pos[2].clone())?;
            Ok(Value::None)
        }),
    );
    out.insert(
        "delattr".into(),
        builtin("delattr", |pos, kw| {
            no_keywords("delattr", kw)?;
            arity("delattr", pos, 2, 2)?;
            let Value::Str(name) = &pos[1] else {
                return Err(Error::type_error("call::argument_type", format!("attribute name must be string, not '{}'", pos[1].type_name())));
            };
            super::statements::delattr(&pos[0], name)?;
            Ok(Value::None)
        }),
    );
    out.insert(
        "format".into(),
        builtin("format", |pos, kw| {
            no_keywords("format", kw)?;
            arity("format", pos, 1, 2)?;
            let spec = match pos.get(1) {
                None => String::new(),
                Some(Value::Str(s)) => s.to_string(),
                Some(other) => return Err(Error::type_error("call::argument_type", format!("format() argument 2 must be str, not {}", other.type_name()))),
            };
            Ok(Value::str(&super::format::format_value(&pos[0], &spec)?))
        }),
    );
    out.insert(
        "ascii".into(),
        builtin("ascii", |pos, kw| {
            no_keywords("ascii", kw)?;
            if pos.len() != 1 {
                return Err(Error::type_error("call::argument_count", format!("ascii() takes exactly one argument ({} given)", pos.len())));
            }
            Ok(Value::str(&super::format::ascii(&pos[0])?))
        }),
    );
    out.insert(
        "len".into(),
        builtin("len", move |pos, kw| {
            if let [Value::Set(s)] = pos {
                return Ok(Value::Int(s.len() as i64));
            }
            if let [v] = pos {
                if is_iterator(v) {
                    return Err(Error::type_error("eval::len", format!("object of type '{}' has no len()", v.type_name())));
                }
            }
            match &prev_len {
                Some(f) => call_value(f, pos, kw),
                None => Err(Error::type_error("eval::len", "len() is not available")),
            }
        }),
    );
    let weak = sh.clone();
    out.insert(
        "print".into(),
        builtin("print", move |pos, kw| {
            let mut sep = " ".to_string();
            let mut end = "\n".to_string();
            for (k, v) in kw {
                match (k.as_str(), v) {
                    ("sep" | "end", Value::None) => {}
                    ("sep", Value::Str(s)) => sep = s.to_string(),
                    ("end", Value::Str(s)) => end = s.to_string(),
                    ("sep" | "end", other) => return Err(Error::type_error("call::argument_type", format!("{k} must be None or a string, not {}", other.type_name()))),
                    ("flush", _) | ("file", Value::None) => {}
                    ("file", _) => {
                        return Err(Error::new(ExcType::NotImplementedError, "eval::print_file", "fcall's print writes to standard output only (file= is not supported)"))
                    }
                    _ => return Err(Error::type_error("call::unexpected_keyword", format!("'{k}' is an invalid keyword argument for print()"))),
                }
            }
            let text = pos.iter().map(crate::object::try_str).collect::<Result<Vec<_>>>()?.join(&sep);
            if let Some(sh) = weak.upgrade() {
                sh.out.borrow_mut().push_str(&text);
                sh.out.borrow_mut().push_str(&end);
            }
            Ok(Value::None)
        }),
    );
}

/// The names this file adds (for `help`).
pub const NAMES: &[&str] = &[
    "abs", "all", "any", "ascii", "bool", "callable", "chr", "delattr", "dict", "divmod", "enumerate", "filter", "float", "format", "hash", "id", "int",
    "iter", "len", "list", "map", "set", "max", "min", "next", "ord", "pow", "print", "repr", "reversed", "round", "setattr", "sorted", "str", "sum", "tuple",
    "zip",
];
