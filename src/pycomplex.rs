//! Python's `complex` (CPython 3.11, complexobject.c): arithmetic with ints, floats and complex
//! numbers, `repr`, `hash` and `complex("1+2j")`. A complex value is [`Value::Complex`].
use crate::error::{Error, ExcType, Result};
use crate::value::{py_float_repr, Value};
use fcall_lang::ast::BinOp;

/// A number as a complex operand: a complex, a float, or an int converted as `float(n)` does
/// (OverflowError past the largest float). `None` for anything else.
pub fn operand(v: &Value) -> Option<Result<(f64, f64)>> {
    match v {
        Value::Complex(r, i) => Some(Ok((*r, *i))),
        Value::Float(f) => Some(Ok((*f, 0.0))),
        other => crate::pyint::to_f64(other).map(|r| r.map(|f| (f, 0.0))),
    }
}

fn zero_division(msg: &str) -> Error {
    Error::new(ExcType::ZeroDivisionError, "eval::zero_division", msg)
}

/// `a op b` where one side is complex and the other a number; `None` when it does not apply
/// (the caller raises "unsupported operand type(s)").
pub fn binary(op: BinOp, a: &Value, b: &Value) -> Option<Result<Value>> {
    if !matches!(a, Value::Complex(..)) && !matches!(b, Value::Complex(..)) {
        return None;
    }
    if !matches!(op, BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Pow) {
        return None;
    }
    let (x, y) = match (operand(a)?, operand(b)?) {
        (Ok(x), Ok(y)) => (x, y),
        (Err(e), _) | (_, Err(e)) => return Some(Err(e)),
    };
    Some(arith(op, x, y).map(|(r, i)| Value::Complex(r, i)))
}

fn arith(op: BinOp, (a, b): (f64, f64), (c, d): (f64, f64)) -> Result<(f64, f64)> {
    Ok(match op {
        BinOp::Add => (a + c, b + d),
        BinOp::Sub => (a - c, b - d),
        BinOp::Mul => mul((a, b), (c, d)),
        BinOp::Div => div((a, b), (c, d)).ok_or_else(|| zero_division("complex division by zero"))?,
        // CPython 3.11 multiplies for an integral exponent of at most 100 (by value: `z ** 2.0`).
        _ if d == 0.0 && c == c.floor() && c.abs() <= 100.0 => check_overflow(int_pow((a, b), c as i64)?)?,
        _ => check_overflow(pow((a, b), (c, d))?)?,
    })
}

/// `_Py_c_quot`: Smith's algorithm, scaling by the larger part of the divisor.
fn div((ar, ai): (f64, f64), (br, bi): (f64, f64)) -> Option<(f64, f64)> {
    let (abs_br, abs_bi) = (br.abs(), bi.abs());
    if abs_br >= abs_bi {
        if abs_br == 0.0 {
            return None;
        }
        let ratio = bi / br;
        let denom = br + bi * ratio;
        Some(((ar + ai * ratio) / denom, (ai - ar * ratio) / denom))
    } else if abs_bi >= abs_br {
        let ratio = br / bi;
        let denom = br * ratio + bi;
        Some(((ar * ratio + ai) / denom, (ai * ratio - ar) / denom))
    } else {
        // At least one of the divisor's parts is NaN.
        Some((f64::NAN, f64::NAN))
    }
}

fn mul((a, b): (f64, f64), (c, d): (f64, f64)) -> (f64, f64) {
    (a * c - b * d, a * d + b * c)
}

/// `c_powu`/`c_powi`: binary powers for an integral exponent; a negative one is `1 / x**-n`.
fn int_pow(x: (f64, f64), n: i64) -> Result<(f64, f64)> {
    let powu = |mut x: (f64, f64), n: u64| {
        let mut r = (1.0, 0.0);
        let mut mask = 1u64;
        while mask > 0 && n >= mask {
            if n & mask != 0 {
                r = mul(r, x);
            }
            mask <<= 1;
            x = mul(x, x);
        }
        r
    };
    if n >= 0 {
        return Ok(powu(x, n as u64));
    }
    match div((1.0, 0.0), powu(x, n.unsigned_abs())) {
        Some(r) => Ok(r),
        None => Err(zero_division("0.0 to a negative or complex power")),
    }
}

/// `_Py_c_pow`: by polar form.
fn pow((ar, ai): (f64, f64), (br, bi): (f64, f64)) -> Result<(f64, f64)> {
    if br == 0.0 && bi == 0.0 {
        return Ok((1.0, 0.0));
    }
    if ar == 0.0 && ai == 0.0 {
        if bi != 0.0 || br < 0.0 {
            return Err(zero_division("0.0 to a negative or complex power"));
        }
        return Ok((0.0, 0.0));
    }
    let vabs = ar.hypot(ai);
    let mut len = vabs.powf(br);
    let at = ai.atan2(ar);
    let mut phase = at * br;
    if bi != 0.0 {
        len /= (at * bi).exp();
        phase += bi * vabs.ln();
    }
    Ok((len * phase.cos(), len * phase.sin()))
}

/// CPython's `complex_pow` raises OverflowError where a part of the power is infinite.
fn check_overflow(r: (f64, f64)) -> Result<(f64, f64)> {
    if r.0.is_infinite() || r.1.is_infinite() {
        return Err(Error::new(ExcType::OverflowError, "eval::complex_pow", "complex exponentiation"));
    }
    Ok(r)
}

/// `abs(z)`: `hypot`, OverflowError where finite parts give an infinite modulus.
pub fn abs(r: f64, i: f64) -> Result<f64> {
    if r.is_infinite() || i.is_infinite() {
        return Ok(f64::INFINITY);
    }
    if r.is_nan() || i.is_nan() {
        return Ok(f64::NAN);
    }
    let m = r.hypot(i);
    if m.is_infinite() {
        return Err(Error::new(ExcType::OverflowError, "eval::complex_abs", "absolute value too large"));
    }
    Ok(m)
}

/// One part as `complex_repr` writes it: `repr(float)` without a forced `.0`.
pub fn part(f: f64) -> String {
    let s = py_float_repr(f);
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// `repr(z)`: `1j` where the real part is +0, else `(1+2j)`.
pub fn repr(r: f64, i: f64) -> String {
    let im = part(i);
    if r == 0.0 && r.is_sign_positive() {
        return format!("{im}j");
    }
    let sign = if im.starts_with('-') { "" } else { "+" };
    format!("({}{sign}{im}j)", part(r))
}

/// `hash(z)`: `hash(real) + 1000003 * hash(imag)`, -1 becoming -2.
pub fn hash(r: f64, i: f64, hash_float: impl Fn(f64) -> i64) -> i64 {
    let h = (hash_float(r) as u64).wrapping_add(1000003u64.wrapping_mul(hash_float(i) as u64)) as i64;
    if h == -1 {
        -2
    } else {
        h
    }
}

/// `complex("1+2j")`: CPython's `complex_from_string_inner` (surrounding whitespace and one pair
/// of parentheses allowed).
pub fn parse(s: &str) -> Result<Value> {
    let bad = || Error::value("eval::complex_str", "complex() arg is a malformed string");
    let mut t = s.trim();
    if let Some(inner) = t.strip_prefix('(').and_then(|x| x.strip_suffix(')')) {
        t = inner.trim();
    }
    let (mut re, mut im) = (0.0, 0.0);
    let (first, rest) = float_prefix(t);
    match first {
        Some(x) => {
            if rest.is_empty() {
                re = x;
            } else if rest == "j" || rest == "J" {
                im = x;
            } else if rest.starts_with(['+', '-']) {
                re = x;
                let (second, tail) = float_prefix(rest);
                im = match (second, tail) {
                    (Some(y), "j" | "J") => y,
                    (None, _) if matches!(rest, "+j" | "+J") => 1.0,
                    (None, _) if matches!(rest, "-j" | "-J") => -1.0,
                    _ => return Err(bad()),
                };
            } else {
                return Err(bad());
            }
        }
        None => match t {
            "j" | "J" | "+j" | "+J" => im = 1.0,
            "-j" | "-J" => im = -1.0,
            _ => return Err(bad()),
        },
    }
    Ok(Value::Complex(re, im))
}

/// The longest leading float literal of `s` (sign, digits, `.`, exponent, or inf/nan) and the
/// rest.
fn float_prefix(s: &str) -> (Option<f64>, &str) {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let lower = s[i..].to_ascii_lowercase();
    for word in ["infinity", "inf", "nan"] {
        if lower.starts_with(word) {
            let end = i + word.len();
            return (s[..end].parse::<f64>().ok(), &s[end..]);
        }
    }
    let digits = |i: &mut usize| {
        let from = *i;
        while *i < b.len() && (b[*i].is_ascii_digit() || (b[*i] == b'_' && *i > from && *i + 1 < b.len() && b[*i + 1].is_ascii_digit())) {
            *i += 1;
        }
        *i > from
    };
    let mut any = digits(&mut i);
    if i < b.len() && b[i] == b'.' {
        i += 1;
        any |= digits(&mut i);
    }
    if !any {
        return (None, s);
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        let mut j = i + 1;
        if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
            j += 1;
        }
        if digits(&mut j) {
            i = j;
        }
    }
    (s[..i].replace('_', "").parse::<f64>().ok(), &s[i..])
}
