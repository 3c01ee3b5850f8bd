//! Operators on values with Python's rules: numbers, tensors (a Python number becomes a 0-dim
//! tensor of the tensor's dtype category, as a wrapped number does), per-key dict arithmetic
//! (`p - 0.1 * g`), `|` merge, strings and lists; comparisons, `is`, `in`, truthiness.
use indexmap::IndexMap;
use tch::{Kind, Tensor};

use crate::error::{Error, ExcType, Result};
use crate::tensor::shim::{number_tensor, Number};
use crate::tensor::TensorRef;
use crate::value::{DictRef, Value};
use fcall_lang::ast::{BinOp, CmpOp};

pub fn op_str(op: BinOp) -> &'static str {
    op.as_str()
}

fn unsupported(op: &str, a: &Value, b: &Value) -> Error {
    // Python names the builtin too for the power operator.
    let op = if op == "**" { "** or pow()" } else { op };
    Error::type_error(
        "eval::unsupported_operand",
        format!("unsupported operand type(s) for {op}: '{}' and '{}'", a.type_name(), b.type_name()),
    )
}

fn is_floating(k: Kind) -> bool {
    matches!(k, Kind::Float | Kind::Double | Kind::Half | Kind::BFloat16)
}

/// A Python number next to a tensor: a 0-dim tensor that does not promote the tensor's dtype
/// within its category (float32 + 1.5 stays float32; int64 + 2.5 becomes float32).
pub fn scalar_for(x: &Tensor, v: &Value) -> Result<Option<Tensor>> {
    let xk = x.kind();
    // A Python number is a CPU scalar tensor, which combines with a tensor on any device (meta too).
    let dev = crate::tensor::tch_device(x).unwrap_or(tch::Device::Cpu);
    let t = match v {
        Value::Float(f) => {
            let k = if is_floating(xk) { xk } else { Kind::Float };
            number_tensor(Number::Float(*f), k, dev)?
        }
        Value::Int(i) => {
            let k = if xk == Kind::Bool { Kind::Int64 } else { xk };
            number_tensor(Number::Int(*i), k, dev)?
        }
        Value::Bool(b) => number_tensor(Number::Int(*b as i64), xk, dev)?,
        // A complex number makes a real tensor complex: float64 to complex128, half to
        // complex32, any other to complex64 (the default complex dtype).
        Value::Complex(r, i) => {
            let k = match xk {
                Kind::ComplexHalf | Kind::ComplexFloat | Kind::ComplexDouble => xk,
                Kind::Double => Kind::ComplexDouble,
                Kind::Half => Kind::ComplexHalf,
                _ => Kind::ComplexFloat,
            };
            crate::tensor::shim::complex_number_tensor(*r, *i, k, dev)?
        }
        // PyTorch unpacks an int in [2**63, 2**64) as a uint64 wrapped number: its value in a
        // float tensor's dtype, wrapped in an integer one (OverflowError past 2**64).
        Value::BigInt(b) => {
            let u = crate::aten::parse::unsigned_scalar(b)?;
            if is_floating(xk) {
                number_tensor(Number::Float(u as f64), xk, dev)?
            } else {
                number_tensor(Number::Int(u as i64), if xk == Kind::Bool { Kind::Int64 } else { xk }, dev)?
            }
        }
        _ => return Ok(None),
    };
    Ok(Some(t))
}

/// A number as a float operand: an int converts as `float(n)` does (OverflowError past the
/// largest float).
fn float_operand(v: &Value) -> Option<Result<f64>> {
    match v {
        Value::Float(f) => Some(Ok(*f)),
        other => crate::pyint::to_f64(other),
    }
}

fn is_number(v: &Value) -> bool {
    matches!(v, Value::Float(_)) || crate::pyint::is_int(v)
}

fn number_op(op: BinOp, a: &Value, b: &Value) -> Result<Option<Value>> {
    // `bool & bool` (and `|`, `^`) stays a bool, as `bool.__and__` gives.
    if let (Value::Bool(x), Value::Bool(y)) = (a, b) {
        match op {
            BinOp::BitAnd => return Ok(Some(Value::Bool(x & y))),
            BinOp::BitOr => return Ok(Some(Value::Bool(x | y))),
            BinOp::BitXor => return Ok(Some(Value::Bool(x ^ y))),
            _ => {}
        }
    }
    if let Some(r) = crate::pyint::binary(op, a, b) {
        return r.map(Some);
    }
    if let Some(r) = crate::pycomplex::binary(op, a, b) {
        return r.map(Some);
    }
    if !is_number(a) || !is_number(b) || !matches!(op, BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::FloorDiv | BinOp::Mod | BinOp::Pow) {
        return Ok(None);
    }
    if let (Some(x), Some(y)) = (float_operand(a), float_operand(b)) {
        let (x, y) = (x?, y?);
        let zero = |m: &str| Err(Error::new(ExcType::ZeroDivisionError, "eval::zero_division", m));
        return Ok(Some(Value::Float(match op {
            BinOp::Add => x + y,
            BinOp::Sub => x - y,
            BinOp::Mul => x * y,
            BinOp::Div => {
                if y == 0.0 {
                    return Err(Error::new(ExcType::ZeroDivisionError, "eval::zero_division", "float division by zero"));
                }
                x / y
            }
            BinOp::FloorDiv if y == 0.0 => return zero("float floor division by zero"),
            BinOp::Mod if y == 0.0 => return zero("float modulo"),
            BinOp::FloorDiv => float_div_mod(x, y).0,
            BinOp::Mod => float_div_mod(x, y).1,
            BinOp::Pow if x == 0.0 && y < 0.0 => return zero("0.0 cannot be raised to a negative power"),
            // A negative float to a fractional power is complex (float_pow hands it over).
            BinOp::Pow if x < 0.0 && y.is_finite() && y != y.floor() => {
                return crate::pycomplex::binary(op, &Value::Complex(x, 0.0), &Value::Complex(y, 0.0)).transpose();
            }
            BinOp::Pow => x.powf(y),
            _ => return Ok(None),
        })));
    }
    Ok(None)
}

/// CPython's `_float_div_mod` (floatobject.c): `x // y` and `x % y` for floats, the remainder
/// from `fmod` (exact, so `2**64 % 1.5` is 1.0, not the 0.0 `x - y*floor(x/y)` rounds to) with
/// the divisor's sign, and the quotient snapped to the nearest integral value. `y` is not 0.
fn float_div_mod(x: f64, y: f64) -> (f64, f64) {
    let mut m = x % y; // C's fmod
    let mut div = (x - m) / y;
    if m != 0.0 {
        if (y < 0.0) != (m < 0.0) {
            m += y;
            div -= 1.0;
        }
    } else {
        m = 0f64.copysign(y);
    }
    let floordiv = if div != 0.0 {
        let f = div.floor();
        if div - f > 0.5 {
            f + 1.0
        } else {
            f
        }
    } else {
        0f64.copysign(x / y)
    };
    (floordiv, m)
}

fn tensor_op(op: BinOp, x: &Tensor, y: &Tensor) -> Result<Tensor> {
    Ok(match op {
        BinOp::Add => x.f_add(y)?,
        BinOp::Sub => x.f_sub(y)?,
        BinOp::Mul => x.f_mul(y)?,
        BinOp::Div => x.f_div(y)?,
        BinOp::FloorDiv => x.f_floor_divide(y)?,
        BinOp::Mod => x.f_remainder_tensor(y)?,
        BinOp::Pow => x.f_pow(y)?,
        BinOp::MatMul => x.f_matmul(y)?,
        BinOp::BitOr => x.f_bitwise_or_tensor(y)?,
        BinOp::BitAnd => x.f_bitwise_and_tensor(y)?,
        BinOp::BitXor => x.f_bitwise_xor_tensor(y)?,
        BinOp::LShift => x.f_bitwise_left_shift(y)?,
        BinOp::RShift => x.f_bitwise_right_shift(y)?,
    })
}

/// `a op b`.
pub fn binary(op: BinOp, a: &Value, b: &Value) -> Result<Value> {
    // Two ints that fit 64 bits, Python's commonest operands: checked i64 arithmetic before any
    // other rule (a result past 64 bits takes the general path below, to a big int).
    if let (Value::Int(x), Value::Int(y)) = (a, b) {
        if let Some(r) = crate::pyint::small_binary(op, *x, *y) {
            return r;
        }
    }
    if let Some(r) = super::classes::binary_dunder(op, a, b) {
        return r;
    }
    if let Some(r) = super::sets::binary(op, a, b) {
        return r;
    }
    let sym = op_str(op);
    let is_seq = |v: &Value| matches!(v, Value::List(_) | Value::Tuple(_) | Value::Size(_));
    match (a, b) {
        // printf-style `"%s" % x`.
        (Value::Str(x), _) if op == BinOp::Mod => Ok(Value::str(&super::format::percent(x, b)?)),
        // `[..] + t` is the list's concatenation (Tensor.__radd__ declines); `[..] * t` and
        // `t * [..]` repeat by the tensor as an index.
        (s, Value::Tensor(_)) if is_seq(s) && op == BinOp::Add => sequence_op(op, a, b),
        (s, Value::Tensor(_)) | (Value::Tensor(_), s) if is_seq(s) && op == BinOp::Mul => sequence_op(op, a, b),
        (Value::Tensor(x), Value::Tensor(y)) => Ok(Value::Tensor(TensorRef::new(tensor_op(op, x.tensor(), y.tensor())?))),
        (Value::Tensor(x), other) => match scalar_for(x.tensor(), other)? {
            Some(s) if op != BinOp::MatMul => Ok(Value::Tensor(TensorRef::new(tensor_op(op, x.tensor(), &s)?))),
            _ if matches!(other, Value::Dict(_)) => dict_binary(op, a, b),
            _ => Err(unsupported(sym, a, b)),
        },
        (other, Value::Tensor(y)) => match scalar_for(y.tensor(), other)? {
            Some(s) if op != BinOp::MatMul => Ok(Value::Tensor(TensorRef::new(tensor_op(op, &s, y.tensor())?))),
            _ if matches!(other, Value::Dict(_)) => dict_binary(op, a, b),
            _ => Err(unsupported(sym, a, b)),
        },
        (Value::Dict(x), Value::Dict(y)) if op == BinOp::BitOr => {
            let mut out = x.borrow().clone();
            for (k, v) in y.borrow().iter() {
                out.insert(k.clone(), v.clone());
            }
            Ok(Value::Dict(DictRef::from_entries(out)))
        }
        (Value::Dict(_), _) | (_, Value::Dict(_)) => dict_binary(op, a, b),
        (Value::Str(x), Value::Str(y)) if op == BinOp::Add => Ok(Value::str(&format!("{x}{y}"))),
        (Value::Str(x), Value::Int(n)) | (Value::Int(n), Value::Str(x)) if op == BinOp::Mul => {
            Ok(Value::str(&repeat_str(x, *n)?))
        }
        (Value::Str(_), Value::BigInt(_)) | (Value::BigInt(_), Value::Str(_)) if op == BinOp::Mul => Err(index_overflow(ExcType::OverflowError)),
        (Value::Str(_), n @ (Value::Float(_) | Value::Complex(..))) | (n @ (Value::Float(_) | Value::Complex(..)), Value::Str(_)) if op == BinOp::Mul => {
            Err(Error::type_error("eval::repeat_type", format!("can't multiply sequence by non-int of type '{}'", n.type_name())))
        }
        (Value::List(_) | Value::Tuple(_) | Value::Size(_), _) | (_, Value::List(_) | Value::Tuple(_) | Value::Size(_))
            if matches!(op, BinOp::Add | BinOp::Mul) =>
        {
            sequence_op(op, a, b)
        }
        _ => number_op(op, a, b)?.ok_or_else(|| unsupported(sym, a, b)),
    }
}

/// `+` and `*` with a list, tuple or torch.Size: concatenation and repetition, with Python's
/// errors (torch.Size's own for `Size + list`). A Size stays a Size.
fn sequence_op(op: BinOp, a: &Value, b: &Value) -> Result<Value> {
    let seq = |v: &Value| match v {
        Value::List(s) | Value::Tuple(s) | Value::Size(s) => Some(s.to_vec()),
        _ => None,
    };
    // A result of the left operand's kind (a tuple and a Size give a Size, as torch.Size's
    // `__add__` / `__radd__` do).
    let rebuild = |like: &Value, items: Vec<Value>| match like {
        Value::List(_) => Value::list(items),
        Value::Size(_) => Value::Size(crate::value::Seq::new(items)),
        _ => Value::tuple(items),
    };
    match op {
        BinOp::Add => {
            let kinds_match = matches!(
                (a, b),
                (Value::List(_), Value::List(_)) | (Value::Tuple(_) | Value::Size(_), Value::Tuple(_) | Value::Size(_))
            );
            if kinds_match {
                let like = if matches!(b, Value::Size(_)) { b } else { a };
                let items = seq(a).unwrap_or_default().into_iter().chain(seq(b).unwrap_or_default()).collect();
                return Ok(rebuild(like, items));
            }
            let message = match a {
                Value::List(_) => format!("can only concatenate list (not \"{}\") to list", b.type_name()),
                Value::Size(_) => format!("can only concatenate tuple (not {}) to torch.Size", b.type_name()),
                Value::Tuple(_) => format!("can only concatenate tuple (not \"{}\") to tuple", b.type_name()),
                _ => return Err(unsupported("+", a, b)),
            };
            Err(Error::type_error("eval::concatenate", message))
        }
        _ => {
            let (items, like, n) = match (a, b) {
                (s, n) if seq(s).is_some() => (seq(s), s, n),
                (n, s) => (seq(s), s, n),
            };
            let items = items.unwrap_or_default();
            let count = match n {
                Value::Int(i) => *i,
                Value::BigInt(_) => return Err(index_overflow(ExcType::OverflowError)),
                Value::Bool(t) => *t as i64,
                // `Tensor.__index__`
                Value::Tensor(t) if t.numel() == 1 && matches!(t.kind(), Kind::Int64 | Kind::Int | Kind::Int16 | Kind::Int8 | Kind::Uint8) => {
                    t.tensor().f_int64_value(&[])?
                }
                Value::Tensor(_) => {
                    return Err(Error::type_error("torch::index_tensor", "only integer tensors of a single element can be converted to an index"))
                }
                other if seq(other).is_some() => return Err(unsupported("*", a, b)),
                other => {
                    return Err(Error::type_error(
                        "eval::repeat_type",
                        format!("can't multiply sequence by non-int of type '{}'", other.type_name()),
                    ))
                }
            };
            Ok(rebuild(like, repeat_items(&items, count)?))
        }
    }
}

/// Dict arithmetic applies per key: both dicts need the same keys; a number or tensor applies to every entry.
fn dict_binary(op: BinOp, a: &Value, b: &Value) -> Result<Value> {
    let mut out = IndexMap::new();
    match (a, b) {
        (Value::Dict(x), Value::Dict(y)) => {
            let (xb, yb) = (x.borrow(), y.borrow());
            let only_left: Vec<&String> = xb.keys().filter(|k| !yb.contains_key(*k)).collect();
            let only_right: Vec<&String> = yb.keys().filter(|k| !xb.contains_key(*k)).collect();
            if !only_left.is_empty() || !only_right.is_empty() {
                return Err(Error::new(
                    ExcType::KeyError,
                    "eval::dict_keys_differ",
                    format!("dict arithmetic needs the same keys: only on the left {only_left:?}, only on the right {only_right:?}"),
                )
                .with_hint("dict arithmetic applies per key, like {k: a[k] - b[k] for k in a}"));
            }
            for (k, v) in xb.iter() {
                out.insert(k.clone(), binary(op, v, &yb[k])?);
            }
        }
        (Value::Dict(x), other) => {
            for (k, v) in x.borrow().iter() {
                out.insert(k.clone(), binary(op, v, other)?);
            }
        }
        (other, Value::Dict(y)) => {
            for (k, v) in y.borrow().iter() {
                out.insert(k.clone(), binary(op, other, v)?);
            }
        }
        _ => return Err(unsupported(op_str(op), a, b)),
    }
    Ok(Value::Dict(DictRef::from_entries(out)))
}

/// `-x`, `+x`.
pub fn negate(v: &Value) -> Result<Value> {
    if let Some(r) = super::classes::unary_dunder("__neg__", v) {
        return r;
    }
    match v {
        Value::Int(_) | Value::BigInt(_) => Ok(crate::pyint::negate(v).unwrap_or(Value::None)),
        Value::Float(f) => Ok(Value::Float(-f)),
        Value::Complex(r, i) => Ok(Value::Complex(-r, -i)),
        Value::Bool(b) => Ok(Value::Int(-(*b as i64))),
        Value::Tensor(t) => Ok(Value::Tensor(TensorRef::new(t.tensor().f_neg()?))),
        Value::Dict(d) => {
            let mut out = IndexMap::new();
            for (k, x) in d.borrow().iter() {
                out.insert(k.clone(), negate(x)?);
            }
            Ok(Value::Dict(DictRef::from_entries(out)))
        }
        other => Err(Error::type_error("eval::bad_operand", format!("bad operand type for unary -: '{}'", other.type_name()))),
    }
}

/// `~x`.
pub fn invert(v: &Value) -> Result<Value> {
    if let Some(r) = super::classes::unary_dunder("__invert__", v) {
        return r;
    }
    match v {
        Value::Int(_) | Value::BigInt(_) => Ok(crate::pyint::invert(v).unwrap_or(Value::None)),
        Value::Bool(b) => Ok(Value::Int(!(*b as i64))),
        Value::Tensor(t) if matches!(t.kind(), Kind::Float | Kind::Double | Kind::Half | Kind::BFloat16) => {
            Err(Error::type_error("torch::invert_float", "~ (operator.invert) is only implemented on integer and Boolean-type tensors"))
        }
        Value::Tensor(t) => Ok(Value::Tensor(TensorRef::new(t.tensor().f_bitwise_not()?))),
        other => Err(Error::type_error("eval::bad_operand", format!("bad operand type for unary ~: '{}'", other.type_name()))),
    }
}

/// Python's truthiness (`if x`, `not x`, `and`/`or`).
pub fn truthy(v: &Value) -> Result<bool> {
    if let Some(r) = super::classes::truthy_dunder(v) {
        return r;
    }
    Ok(match v {
        Value::None => false,
        Value::Bool(b) => *b,
        Value::Int(i) => *i != 0,
        Value::BigInt(_) => true,
        Value::Float(f) => *f != 0.0,
        Value::Complex(r, i) => *r != 0.0 || *i != 0.0,
        Value::Str(s) => !s.is_empty(),
        Value::List(x) | Value::Tuple(x) | Value::Size(x) => !x.is_empty(),
        Value::Dict(d) => !d.is_empty(),
        Value::Set(s) => !s.is_empty(),
        Value::Tensor(t) => {
            if t.numel() != 1 {
                return Err(Error::runtime(
                    "eval::ambiguous_bool",
                    "Boolean value of Tensor with more than one value is ambiguous",
                ));
            }
            t.tensor().f_double_value(&[])? != 0.0
        }
        Value::Module(_) | Value::Function(_) | Value::Namespace(_) | Value::DType(_) | Value::Class(_) | Value::Object(_) => true,
    })
}

/// Python's `a == b` for values without a tensor: identity first (a list that holds itself
/// equals itself), then by value. Each level of nested containers is one of CPython's
/// recursion frames ("in comparison"), so comparing deep data is RecursionError, never a stack
/// overflow.
fn equal(a: &Value, b: &Value) -> Result<bool> {
    if a.container_ptr().is_some() && a.is(b) {
        return Ok(true);
    }
    // A user class's `__eq__` (after identity, as PyObject_RichCompareBool).
    if let Some(r) = super::classes::compare_dunder(CmpOp::Eq, a, b) {
        return Ok(a.is(b) || r.and_then(|v| truthy(&v)).unwrap_or(false));
    }
    Ok(match (a, b) {
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::None, Value::None) => true,
        (Value::Set(x), Value::Set(y)) => super::sets::equal(x, y),
        (Value::List(x), Value::List(y)) | (Value::Tuple(x) | Value::Size(x), Value::Tuple(y) | Value::Size(y)) => {
            let _frame = crate::stack::enter(1, "in comparison")?;
            if x.len() != y.len() {
                return Ok(false);
            }
            let (x, y) = (x.to_vec(), y.to_vec());
            for (p, q) in x.iter().zip(y.iter()) {
                if !equal(p, q)? {
                    return Ok(false);
                }
            }
            true
        }
        (Value::Dict(x), Value::Dict(y)) => {
            let _frame = crate::stack::enter(1, "in comparison")?;
            if x.len() != y.len() {
                return Ok(false);
            }
            for (k, p) in x.items() {
                match y.get(&k) {
                    Some(q) if equal(&p, &q)? => {}
                    _ => return Ok(false),
                }
            }
            true
        }
        // A complex equals a real number when its imaginary part is 0 and its real part equals
        // the number exactly (`complex_richcompare`).
        (Value::Complex(r, i), Value::Complex(p, q)) => r == p && i == q,
        (Value::Complex(r, i), n) | (n, Value::Complex(r, i)) => {
            *i == 0.0 && crate::pyint::num_cmp(&Value::Float(*r), n).flatten() == Some(std::cmp::Ordering::Equal)
        }
        _ => match crate::pyint::num_cmp(a, b) {
            Some(o) => o == Some(std::cmp::Ordering::Equal),
            None => a.is(b),
        },
    })
}

/// One comparison `a op b`.
pub fn compare(op: CmpOp, a: &Value, b: &Value) -> Result<Value> {
    if let (Value::Int(x), Value::Int(y)) = (a, b) {
        let r = match op {
            CmpOp::Lt => Some(x < y),
            CmpOp::Le => Some(x <= y),
            CmpOp::Gt => Some(x > y),
            CmpOp::Ge => Some(x >= y),
            CmpOp::Eq => Some(x == y),
            CmpOp::NotEq => Some(x != y),
            _ => None,
        };
        if let Some(r) = r {
            return Ok(Value::Bool(r));
        }
    }
    if let CmpOp::Is = op {
        return Ok(Value::Bool(a.is(b)));
    }
    if let CmpOp::IsNot = op {
        return Ok(Value::Bool(!a.is(b)));
    }
    if let Some(r) = super::classes::compare_dunder(op, a, b) {
        return r;
    }
    if let Some(r) = super::sets::compare(op, a, b) {
        return r;
    }
    if matches!(op, CmpOp::In | CmpOp::NotIn) {
        let found = match b {
            Value::Dict(d) => match a {
                Value::Str(k) => d.borrow().contains_key(&**k),
                _ => false,
            },
            Value::List(items) | Value::Tuple(items) | Value::Size(items) => {
                let mut found = false;
                for x in items.to_vec() {
                    if equal(a, &x)? {
                        found = true;
                        break;
                    }
                }
                found
            }
            Value::Module(m) if super::containers::contains(m, a).is_some() => super::containers::contains(m, a).unwrap_or(false),
            Value::Str(s) => match a {
                Value::Str(sub) => s.contains(&**sub),
                _ => return Err(Error::type_error("eval::in_type", format!("'in <string>' requires string as left operand, not {}", a.type_name()))),
            },
            other => return Err(Error::type_error("eval::in_type", format!("argument of type '{}' is not iterable", other.type_name()))),
        };
        return Ok(Value::Bool(if op == CmpOp::In { found } else { !found }));
    }
    let tensor_cmp = |x: &Tensor, y: &Tensor| -> Result<Value> {
        let r = match op {
            CmpOp::Eq => x.f_eq_tensor(y)?,
            CmpOp::NotEq => x.f_ne_tensor(y)?,
            CmpOp::Lt => x.f_lt_tensor(y)?,
            CmpOp::Le => x.f_le_tensor(y)?,
            CmpOp::Gt => x.f_gt_tensor(y)?,
            CmpOp::Ge => x.f_ge_tensor(y)?,
            _ => unreachable!("handled above"),
        };
        Ok(Value::Tensor(TensorRef::new(r)))
    };
    match (a, b) {
        (Value::Tensor(x), Value::Tensor(y)) => return tensor_cmp(x.tensor(), y.tensor()),
        (Value::Tensor(x), other) => {
            if let Some(s) = scalar_for(x.tensor(), other)? {
                return tensor_cmp(x.tensor(), &s);
            }
        }
        (other, Value::Tensor(y)) => {
            if let Some(s) = scalar_for(y.tensor(), other)? {
                return tensor_cmp(&s, y.tensor());
            }
        }
        _ => {}
    }
    match op {
        CmpOp::Eq => return Ok(Value::Bool(equal(a, b)?)),
        CmpOp::NotEq => return Ok(Value::Bool(!equal(a, b)?)),
        _ => {}
    }
    // Lists and tuples order lexicographically: the first items that differ decide.
    if let (Value::List(x), Value::List(y)) | (Value::Tuple(x) | Value::Size(x), Value::Tuple(y) | Value::Size(y)) = (a, b) {
        let (x, y) = (x.to_vec(), y.to_vec());
        for (p, q) in x.iter().zip(y.iter()) {
            if !equal(p, q)? {
                return compare(op, p, q);
            }
        }
        return compare(op, &Value::Int(x.len() as i64), &Value::Int(y.len() as i64));
    }
    let ord = match (a, b) {
        (Value::Str(x), Value::Str(y)) => x.partial_cmp(y),
        _ => match crate::pyint::num_cmp(a, b) {
            Some(o) => o,
            None => {
                return Err(Error::type_error(
                    "eval::unorderable",
                    format!("'{}' not supported between instances of '{}' and '{}'", op.as_str(), a.type_name(), b.type_name()),
                ))
            }
        },
    };
    let Some(o) = ord else { return Ok(Value::Bool(false)) };
    use std::cmp::Ordering::*;
    Ok(Value::Bool(match op {
        CmpOp::Lt => o == Less,
        CmpOp::Le => o != Greater,
        CmpOp::Gt => o == Greater,
        CmpOp::Ge => o != Less,
        _ => unreachable!("handled above"),
    }))
}

/// `sorted(items)`: strings by code point, numbers by value, as Python orders them; a mix is
/// Python's TypeError.
pub fn sort_values(items: &mut [Value]) -> Result<()> {
    if items.iter().all(|v| matches!(v, Value::Str(_))) {
        items.sort_by(|a, b| match (a, b) {
            (Value::Str(x), Value::Str(y)) => x.cmp(y),
            _ => std::cmp::Ordering::Equal,
        });
        return Ok(());
    }
    if items.iter().all(is_number) {
        // Exact order (ints beside floats compare exactly); NaN sorts as Python's stable merge
        // leaves it, next to where it stood.
        items.sort_by(|a, b| crate::pyint::num_cmp(a, b).flatten().unwrap_or(std::cmp::Ordering::Equal));
        return Ok(());
    }
    // The first pair Python's sort would compare that has no order.
    for w in items.windows(2) {
        let ok = matches!((&w[0], &w[1]), (Value::Str(_), Value::Str(_)))
            || (is_number(&w[0]) && is_number(&w[1]));
        if !ok {
            return Err(Error::type_error(
                "eval::sort_type",
                format!("'<' not supported between instances of '{}' and '{}'", w[1].type_name(), w[0].type_name()),
            ));
        }
    }
    Err(Error::type_error("eval::sort_type", "sorted() orders strings or numbers"))
}

/// An int past 64 bits where Python wants an index (`s * 2**64`: OverflowError; `xs[2**64]`:
/// IndexError).
pub fn index_overflow(kind: ExcType) -> Error {
    Error::new(kind, "eval::index_overflow", "cannot fit 'int' into an index-sized integer")
}

/// Reserves room for `n` items: MemoryError (as CPython) when it cannot be had.
fn reserve<T>(n: usize) -> Result<Vec<T>> {
    let mut v = Vec::new();
    v.try_reserve_exact(n).map_err(|_| Error::memory("eval::memory"))?;
    Ok(v)
}

/// `s * n`: OverflowError past the largest string, MemoryError when it cannot be allocated.
fn repeat_str(s: &str, n: i64) -> Result<String> {
    let n = if s.is_empty() { 0 } else { n.max(0) as usize };
    let total = s.len().checked_mul(n).filter(|t| *t <= isize::MAX as usize).ok_or_else(|| Error::new(ExcType::OverflowError, "eval::repeat_overflow", "repeated string is too long"))?;
    let mut out = String::new();
    out.try_reserve_exact(total).map_err(|_| Error::memory("eval::memory"))?;
    for _ in 0..n {
        out.push_str(s);
    }
    Ok(out)
}

/// `seq * n`: MemoryError, as CPython, when the items cannot be allocated.
fn repeat_items(items: &[Value], n: i64) -> Result<Vec<Value>> {
    let n = if items.is_empty() { 0 } else { n.max(0) as usize };
    let mut out = reserve(items.len().checked_mul(n).ok_or_else(|| Error::memory("eval::memory"))?)?;
    for _ in 0..n {
        out.extend_from_slice(items);
    }
    Ok(out)
}
