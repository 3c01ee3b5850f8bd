//! Python's `int`: arbitrary precision, as CPython 3.11's. A value that fits 64 bits is always
//! [`Value::Int`] (the fast path: checked `i64` arithmetic); only a result that overflows is
//! promoted to [`Value::BigInt`], and every big result that fits again is demoted ([`from_big`]),
//! so two equal ints always have the same form.
//!
//! Owns the int arithmetic (`+ - * / // % ** << >> & | ^ ~`, `abs`, `divmod`, three-argument
//! `pow`), exact comparison of ints with floats, `hash`, `int -> float` (OverflowError "int too
//! large to convert to float"), text in every base with CPython's 4300-digit limit, and parsing.
use num_bigint::{BigInt, Sign};
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};
use std::cmp::Ordering;
use std::rc::Rc;

use crate::error::{Error, ExcType, Result};
use crate::value::Value;
use fcall_lang::ast::BinOp;

/// CPython's `sys.get_int_max_str_digits()` default.
pub const MAX_STR_DIGITS: usize = 4300;

/// The largest result, in bits, an operation may build (1 GiB of digits): past it, MemoryError
/// as CPython's allocation would give, instead of a process out of memory.
const MAX_BITS: u64 = 8 << 30;

/// An int as a [`Value`]: the small form whenever it fits 64 bits.
pub fn from_big(b: BigInt) -> Value {
    match b.to_i64() {
        Some(i) => Value::Int(i),
        None => Value::BigInt(Rc::new(b)),
    }
}

/// The int value of an `int` or `bool` (None for anything else).
pub fn big_of(v: &Value) -> Option<BigInt> {
    match v {
        Value::Int(i) => Some(BigInt::from(*i)),
        Value::Bool(b) => Some(BigInt::from(*b as i64)),
        Value::BigInt(b) => Some((**b).clone()),
        _ => None,
    }
}

/// Whether `v` is an `int` (or a `bool`, an int subclass).
pub fn is_int(v: &Value) -> bool {
    matches!(v, Value::Int(_) | Value::Bool(_) | Value::BigInt(_))
}

fn small_of(v: &Value) -> Option<i64> {
    match v {
        Value::Int(i) => Some(*i),
        Value::Bool(b) => Some(*b as i64),
        _ => None,
    }
}

fn overflow(code: &'static str, message: &str) -> Error {
    Error::new(ExcType::OverflowError, code, message)
}

fn zero_division(message: &str) -> Error {
    Error::new(ExcType::ZeroDivisionError, "eval::zero_division", message)
}

/// `float(n)`: exact when it can be, OverflowError past the largest float.
pub fn big_to_f64(b: &BigInt) -> Result<f64> {
    match b.to_f64() {
        Some(f) if f.is_finite() => Ok(f),
        _ => Err(overflow("eval::int_to_float", "int too large to convert to float")),
    }
}

/// `float(v)` of an int or bool.
pub fn to_f64(v: &Value) -> Option<Result<f64>> {
    match v {
        Value::Int(i) => Some(Ok(*i as f64)),
        Value::Bool(b) => Some(Ok(*b as i64 as f64)),
        Value::BigInt(b) => Some(big_to_f64(b)),
        _ => None,
    }
}

/// `int(f)` for a float: exact, with CPython's errors for NaN and infinity.
pub fn from_f64(f: f64) -> Result<Value> {
    if f.is_nan() {
        return Err(Error::value("eval::int", "cannot convert float NaN to integer"));
    }
    if f.is_infinite() {
        return Err(overflow("eval::int", "cannot convert float infinity to integer"));
    }
    let t = f.trunc();
    if t.abs() < 9.2e18 {
        return Ok(Value::Int(t as i64));
    }
    Ok(from_big(num_traits::FromPrimitive::from_f64(t).unwrap_or_default()))
}

/// Compares two numbers (ints, bools, floats) exactly, as CPython does (`2**53 + 1 != 2.0**53`);
/// None when either is not a number, Some(None) when unordered (NaN).
pub fn num_cmp(a: &Value, b: &Value) -> Option<Option<Ordering>> {
    match (a, b) {
        (Value::Float(x), Value::Float(y)) => Some(x.partial_cmp(y)),
        (Value::Float(x), other) => Some(int_float_cmp(other, *x)?.map(Ordering::reverse)),
        (other, Value::Float(y)) => int_float_cmp(other, *y),
        _ => {
            if let (Some(x), Some(y)) = (small_of(a), small_of(b)) {
                return Some(Some(x.cmp(&y)));
            }
            Some(Some(big_of(a)?.cmp(&big_of(b)?)))
        }
    }
}

/// `n <=> f` for an int `n`, exactly.
fn int_float_cmp(n: &Value, f: f64) -> Option<Option<Ordering>> {
    if !is_int(n) {
        return None;
    }
    if f.is_nan() {
        return Some(None);
    }
    if f.is_infinite() {
        return Some(Some(if f > 0.0 { Ordering::Less } else { Ordering::Greater }));
    }
    if let Some(i) = small_of(n) {
        // Both exact as f64 below 2^53.
        if i.unsigned_abs() < (1 << 53) {
            return Some((i as f64).partial_cmp(&f));
        }
    }
    let n = big_of(n)?;
    let fl = f.floor();
    let fb: BigInt = num_traits::FromPrimitive::from_f64(fl).unwrap_or_default();
    Some(Some(match n.cmp(&fb) {
        Ordering::Equal if fl != f => Ordering::Less,
        o => o,
    }))
}

/// CPython's hash of an int: `n mod (2**61 - 1)`, with its sign; -1 becomes -2.
pub fn hash(b: &BigInt) -> i64 {
    const MODULUS: u64 = (1 << 61) - 1;
    let m = (b.magnitude() % MODULUS).to_i64().unwrap_or(0);
    let h = if b.sign() == Sign::Minus { -m } else { m };
    if h == -1 {
        -2
    } else {
        h
    }
}

/// The error for text of more than 4300 decimal digits.
fn too_many_digits(have: Option<usize>) -> Error {
    let what = match have {
        Some(n) => format!(": value has {n} digits"),
        None => String::new(),
    };
    Error::value(
        "eval::int_max_str_digits",
        format!("Exceeds the limit ({MAX_STR_DIGITS} digits) for integer string conversion{what}; use sys.set_int_max_str_digits() to increase the limit"),
    )
}

/// `str(n)`, with CPython's limit of 4300 decimal digits (ValueError past it).
pub fn to_decimal(b: &BigInt) -> Result<String> {
    // 2**14290 has more than 4300 digits: refuse without converting (quadratic in the size).
    if b.bits() >= 14290 {
        return Err(too_many_digits(None));
    }
    let s = b.to_string();
    if s.trim_start_matches('-').len() > MAX_STR_DIGITS {
        return Err(too_many_digits(None));
    }
    Ok(s)
}

/// Parses the digits of an int in `radix` (no sign, no prefix, underscores already checked),
/// with CPython's limit on decimal text.
pub fn parse_digits(digits: &str, radix: u32) -> Result<Option<Value>> {
    if let Ok(v) = i64::from_str_radix(digits, radix) {
        return Ok(Some(Value::Int(v)));
    }
    if radix == 10 && digits.len() > MAX_STR_DIGITS {
        return Err(too_many_digits(Some(digits.len())));
    }
    Ok(BigInt::parse_bytes(digits.as_bytes(), radix).map(from_big))
}

/// The magnitude of an int in `radix` (2, 8, 10, 16) and whether it is negative.
pub fn digits_in(v: &Value, radix: u32) -> Result<(bool, String)> {
    match v {
        Value::BigInt(b) => {
            let s = if radix == 10 { to_decimal(b)? } else { b.to_str_radix(radix) };
            Ok(match s.strip_prefix('-') {
                Some(m) => (true, m.to_string()),
                None => (false, s),
            })
        }
        other => {
            let i = small_of(other).unwrap_or(0);
            let a = i.unsigned_abs();
            let s = match radix {
                2 => format!("{a:b}"),
                8 => format!("{a:o}"),
                16 => format!("{a:x}"),
                _ => a.to_string(),
            };
            Ok((i < 0, s))
        }
    }
}

/// `a op b` for two ints (or bools): None when either is not an int or `op` is not an int
/// operator.
pub fn binary(op: BinOp, a: &Value, b: &Value) -> Option<Result<Value>> {
    if !is_int(a) || !is_int(b) {
        return None;
    }
    if let (Some(x), Some(y)) = (small_of(a), small_of(b)) {
        if let Some(r) = small_binary(op, x, y) {
            return Some(r);
        }
    }
    let (x, y) = (big_of(a)?, big_of(b)?);
    big_binary(op, &x, &y)
}

/// The fast path: None when the result does not fit 64 bits (or needs the general code).
pub fn small_binary(op: BinOp, x: i64, y: i64) -> Option<Result<Value>> {
    let int = |r: Option<i64>| r.map(|v| Ok(Value::Int(v)));
    match op {
        BinOp::Add => int(x.checked_add(y)),
        BinOp::Sub => int(x.checked_sub(y)),
        BinOp::Mul => int(x.checked_mul(y)),
        BinOp::Div => {
            if y == 0 {
                return Some(Err(zero_division("division by zero")));
            }
            if x.unsigned_abs() < (1 << 53) && y.unsigned_abs() < (1 << 53) {
                return Some(Ok(Value::Float(x as f64 / y as f64)));
            }
            None
        }
        BinOp::FloorDiv => {
            if y == 0 {
                return Some(Err(zero_division("integer division or modulo by zero")));
            }
            if x == i64::MIN && y == -1 {
                return None;
            }
            int(Some(Integer::div_floor(&x, &y)))
        }
        BinOp::Mod => {
            if y == 0 {
                return Some(Err(zero_division("integer modulo by zero")));
            }
            if y == -1 {
                return Some(Ok(Value::Int(0)));
            }
            Some(Ok(Value::Int(Integer::mod_floor(&x, &y))))
        }
        BinOp::BitAnd => int(Some(x & y)),
        BinOp::BitOr => int(Some(x | y)),
        BinOp::BitXor => int(Some(x ^ y)),
        BinOp::LShift if y < 0 => Some(Err(Error::value("eval::negative_shift", "negative shift count"))),
        BinOp::LShift => {
            if x == 0 {
                return int(Some(0));
            }
            if y < 63 {
                let r = x.checked_shl(y as u32)?;
                return (r >> y == x).then(|| Ok(Value::Int(r)));
            }
            None
        }
        BinOp::RShift if y < 0 => Some(Err(Error::value("eval::negative_shift", "negative shift count"))),
        BinOp::RShift => int(Some(x >> y.min(63))),
        BinOp::Pow if y >= 0 => int(u32::try_from(y).ok().and_then(|e| x.checked_pow(e))),
        _ => None,
    }
}

fn memory_error() -> Error {
    Error::memory("eval::memory")
}

/// The general path, on big ints.
fn big_binary(op: BinOp, x: &BigInt, y: &BigInt) -> Option<Result<Value>> {
    let ok = |b: BigInt| Some(Ok(from_big(b)));
    match op {
        BinOp::Add => ok(x + y),
        BinOp::Sub => ok(x - y),
        BinOp::Mul => {
            if x.bits() + y.bits() > MAX_BITS {
                return Some(Err(memory_error()));
            }
            ok(x * y)
        }
        BinOp::Div => Some(true_divide(x, y).map(Value::Float)),
        BinOp::FloorDiv => {
            if y.is_zero() {
                return Some(Err(zero_division("integer division or modulo by zero")));
            }
            ok(x.div_floor(y))
        }
        BinOp::Mod => {
            if y.is_zero() {
                return Some(Err(zero_division("integer modulo by zero")));
            }
            ok(x.mod_floor(y))
        }
        BinOp::BitAnd => ok(x & y),
        BinOp::BitOr => ok(x | y),
        BinOp::BitXor => ok(x ^ y),
        BinOp::LShift | BinOp::RShift if y.is_negative() => Some(Err(Error::value("eval::negative_shift", "negative shift count"))),
        BinOp::LShift => {
            if x.is_zero() {
                return ok(BigInt::zero());
            }
            let Some(n) = y.to_i64() else {
                return Some(Err(overflow("eval::shift_overflow", "too many digits in integer")));
            };
            if x.bits().saturating_add(n as u64) > MAX_BITS {
                return Some(Err(memory_error()));
            }
            ok(x << n as usize)
        }
        BinOp::RShift => match y.to_u64().filter(|n| *n < x.bits() + 1) {
            Some(n) => ok(x >> n as usize),
            None => ok(if x.is_negative() { -BigInt::one() } else { BigInt::zero() }),
        },
        BinOp::Pow if y.is_negative() => {
            let (fx, fy) = match (big_to_f64(x), big_to_f64(y)) {
                (Ok(a), Ok(b)) => (a, b),
                (Err(e), _) | (_, Err(e)) => return Some(Err(e)),
            };
            if fx == 0.0 {
                return Some(Err(zero_division("0.0 cannot be raised to a negative power")));
            }
            Some(Ok(Value::Float(fx.powf(fy))))
        }
        BinOp::Pow => {
            // 0, 1 and -1 stay small for any exponent.
            if x.is_zero() || x.magnitude().is_one() {
                let odd = y.is_odd();
                return ok(if x.is_zero() { if y.is_zero() { BigInt::one() } else { BigInt::zero() } } else if x.is_negative() && odd { -BigInt::one() } else { BigInt::one() });
            }
            match y.to_u64() {
                Some(e) if x.bits().saturating_mul(e) <= MAX_BITS => ok(num_traits::Pow::pow(x, e)),
                _ => Some(Err(memory_error())),
            }
        }
        _ => None,
    }
}

/// `x / y` for ints, correctly rounded as CPython's `long_true_divide`.
pub fn true_divide(x: &BigInt, y: &BigInt) -> Result<f64> {
    if y.is_zero() {
        return Err(zero_division("division by zero"));
    }
    let (a, b) = (x.abs(), y.abs());
    let negative = x.is_negative() != y.is_negative();
    // A quotient of at least 55 bits, a sticky bit for any remainder, then one rounding.
    let shift = b.bits() as i64 - a.bits() as i64 + 55;
    let (n, d) = if shift >= 0 { (a << shift as usize, b) } else { (a, b << (-shift) as usize) };
    let (mut q, r) = n.div_rem(&d);
    if !r.is_zero() {
        q |= BigInt::one();
    }
    let m = q.to_f64().unwrap_or(f64::INFINITY);
    // m * 2^-shift, scaled in steps that stay exact.
    let mut out = m;
    let mut e = -shift;
    while e > 0 {
        let step = e.min(1000);
        out *= 2f64.powi(step as i32);
        e -= step;
    }
    while e < 0 {
        let step = (-e).min(1000);
        out /= 2f64.powi(step as i32);
        e += step;
    }
    if out.is_infinite() {
        return Err(overflow("eval::int_division", "integer division result too large for a float"));
    }
    Ok(if negative { -out } else { out })
}

/// `-n`.
pub fn negate(v: &Value) -> Option<Value> {
    match v {
        Value::Int(i) => Some(i.checked_neg().map(Value::Int).unwrap_or_else(|| from_big(-BigInt::from(*i)))),
        Value::BigInt(b) => Some(from_big(-(**b).clone())),
        _ => None,
    }
}

/// `abs(n)`.
pub fn abs(v: &Value) -> Option<Value> {
    match v {
        Value::Int(i) => Some(i.checked_abs().map(Value::Int).unwrap_or_else(|| from_big(BigInt::from(*i).abs()))),
        Value::BigInt(b) => Some(from_big(b.abs())),
        _ => None,
    }
}

/// `~n` (`-(n + 1)`).
pub fn invert(v: &Value) -> Option<Value> {
    match v {
        Value::Int(i) => Some(Value::Int(!i)),
        Value::BigInt(b) => Some(from_big(-(**b).clone() - 1)),
        _ => None,
    }
}

/// `pow(base, exp, mod)` for ints, with CPython's errors (a negative exponent inverts `base`).
pub fn pow_mod(base: &Value, exp: &Value, modulus: &Value) -> Result<Value> {
    let (Some(b), Some(e), Some(m)) = (big_of(base), big_of(exp), big_of(modulus)) else {
        // complex_pow refuses a modulus before anything else.
        if [base, exp, modulus].iter().any(|v| matches!(v, Value::Complex(..))) {
            return Err(Error::value("eval::pow", "complex modulo"));
        }
        return Err(Error::type_error("eval::pow", "pow() 3rd argument not allowed unless all arguments are integers"));
    };
    if m.is_zero() {
        return Err(Error::value("eval::pow", "pow() 3rd argument cannot be 0"));
    }
    let am = m.abs();
    let mut b = b.mod_floor(&am);
    if e.is_negative() {
        // The inverse of `b` modulo |m|, by the extended Euclidean algorithm.
        let g = b.extended_gcd(&am);
        if !g.gcd.is_one() {
            return Err(Error::value("eval::pow", "base is not invertible for the given modulus"));
        }
        b = g.x.mod_floor(&am);
    }
    let r = b.modpow(&e.abs(), &am);
    // Python's result takes the sign of the modulus.
    let r = if m.is_negative() && !r.is_zero() { r + &m } else { r };
    Ok(from_big(r))
}

/// `n.bit_length()`.
pub fn bit_length(v: &Value) -> Option<i64> {
    match v {
        Value::Int(i) => Some(64 - i.unsigned_abs().leading_zeros() as i64),
        Value::Bool(b) => Some(*b as i64),
        Value::BigInt(b) => Some(b.bits() as i64),
        _ => None,
    }
}

/// `n = m * 2**e` with `0.5 <= |m| < 1` (CPython's `_PyLong_Frexp`), for the `math.log`
/// family on ints too large for a float.
pub fn frexp(b: &BigInt) -> (f64, i64) {
    let bits = b.bits() as i64;
    let shift = (bits - 60).max(0);
    let top = (b >> shift as usize).to_f64().unwrap_or(0.0);
    let e = bits.min(60);
    (top / 2f64.powi(e as i32), shift + e)
}
