//! Python's `math` module: its constants and the functions a model file uses, with CPython
//! 3.11's argument rules and errors (`math domain error`, `math range error`).
use super::args::Args;
use crate::error::{Error, ExcType, Result};
use crate::value::{Function, FunctionKind, Kwargs, Namespace, Value};

/// `float(x)` as the math functions take it (`__float__`: one-element tensors too).
fn real(v: &Value) -> Result<f64> {
    match v {
        Value::Int(i) => Ok(*i as f64),
        Value::Bool(b) => Ok(*b as i64 as f64),
        Value::BigInt(b) => crate::pyint::big_to_f64(b),
        Value::Float(f) => Ok(*f),
        Value::Tensor(t) if t.numel() == 1 => Ok(t.tensor().f_double_value(&[])?),
        Value::Tensor(_) => Err(Error::value("math::tensor", "only one element tensors can be converted to Python scalars")),
        other => Err(Error::type_error("math::argument_type", format!("must be real number, not {}", other.type_name()))),
    }
}

fn domain() -> Error {
    Error::value("math::domain", "math domain error")
}

fn range() -> Error {
    Error::new(ExcType::OverflowError, "math::range", "math range error")
}

/// CPython's `math_1`: NaN out of a non-NaN input is a domain error, infinity out of a finite
/// input a range error.
fn checked(x: f64, r: f64, can_overflow: bool) -> Result<f64> {
    if r.is_nan() && !x.is_nan() {
        return Err(domain());
    }
    if r.is_infinite() && x.is_finite() {
        return Err(if can_overflow { range() } else { domain() });
    }
    Ok(r)
}

/// `math.NAME(x)`: exactly one positional argument.
fn one(name: &str, pos: &[Value], kw: &Kwargs) -> Result<f64> {
    if !kw.is_empty() {
        return Err(Error::type_error("call::unexpected_keyword", format!("math.{name}() takes no keyword arguments")));
    }
    if pos.len() != 1 {
        return Err(Error::type_error("call::arity", format!("math.{name}() takes exactly one argument ({} given)", pos.len())));
    }
    real(&pos[0])
}

type Unary = fn(f64) -> Result<f64>;

/// The one-argument float functions.
const UNARY: &[(&str, Unary)] = &[
    ("sqrt", |x| checked(x, x.sqrt(), false)),
    ("exp", |x| checked(x, x.exp(), true)),
    ("expm1", |x| checked(x, x.exp_m1(), true)),
    ("log1p", |x| if x <= -1.0 { Err(domain()) } else { Ok(x.ln_1p()) }),
    ("sin", |x| checked(x, x.sin(), false)),
    ("cos", |x| checked(x, x.cos(), false)),
    ("tan", |x| checked(x, x.tan(), false)),
    ("asin", |x| checked(x, x.asin(), false)),
    ("acos", |x| checked(x, x.acos(), false)),
    ("atan", |x| checked(x, x.atan(), false)),
    ("sinh", |x| checked(x, x.sinh(), true)),
    ("cosh", |x| checked(x, x.cosh(), true)),
    ("tanh", |x| checked(x, x.tanh(), false)),
    ("fabs", |x| Ok(x.abs())),
    ("degrees", |x| Ok(x.to_degrees())),
    ("radians", |x| Ok(x.to_radians())),
];

/// `float -> int` as `math.floor` / `ceil` / `trunc` convert.
fn to_int(f: f64) -> Result<Value> {
    crate::pyint::from_f64(f)
}

/// CPython's `loghelper`: an int too large for a float is taken as `m * 2**e` (so
/// `math.log(10**400)` works); anything else as a float. Zero and negatives: domain error.
fn log_of(v: &Value, f: fn(f64) -> f64) -> Result<f64> {
    if let Value::BigInt(b) = v {
        if num_traits::Signed::is_positive(&**b) && crate::pyint::big_to_f64(b).is_err() {
            let (m, e) = crate::pyint::frexp(b);
            return Ok(f(m) + f(2.0) * e as f64);
        }
    }
    let x = real(v)?;
    if x <= 0.0 {
        return Err(domain());
    }
    Ok(f(x))
}

fn function(name: &'static str, f: impl Fn(&[Value], &Kwargs) -> Result<Value> + 'static) -> Value {
    Function::new(name, FunctionKind::Builtin, f)
}

/// Fills the `math` module.
pub fn add(ns: &Namespace) {
    for (name, v) in [("pi", std::f64::consts::PI), ("e", std::f64::consts::E), ("tau", std::f64::consts::TAU), ("inf", f64::INFINITY), ("nan", f64::NAN)] {
        ns.set(name, Value::Float(v));
    }
    for (name, f) in UNARY {
        let f = *f;
        ns.set(name, function(name, move |pos, kw| Ok(Value::Float(f(one(name, pos, kw)?)?))));
    }
    for (name, round) in [("floor", f64::floor as fn(f64) -> f64), ("ceil", f64::ceil), ("trunc", f64::trunc)] {
        ns.set(
            name,
            function(name, move |pos, kw| {
                if let [v @ (Value::Int(_) | Value::BigInt(_))] = pos {
                    if kw.is_empty() {
                        return Ok(v.clone());
                    }
                }
                to_int(round(one(name, pos, kw)?))
            }),
        );
    }
    for (name, test) in [("isnan", f64::is_nan as fn(f64) -> bool), ("isinf", f64::is_infinite), ("isfinite", f64::is_finite)] {
        ns.set(name, function(name, move |pos, kw| Ok(Value::Bool(test(one(name, pos, kw)?)))));
    }
    ns.set(
        "log",
        function("log", |pos, kw| {
            if !kw.is_empty() {
                return Err(Error::type_error("call::unexpected_keyword", "math.log() takes no keyword arguments"));
            }
            if pos.is_empty() || pos.len() > 2 {
                return Err(Error::type_error("call::arity", "math.log requires 1 to 2 arguments"));
            }
            let ln = |v: &Value| log_of(v, f64::ln);
            let num = ln(&pos[0])?;
            match pos.get(1) {
                None => Ok(Value::Float(num)),
                Some(b) => {
                    let den = ln(b)?;
                    if den == 0.0 {
                        return Err(Error::new(ExcType::ZeroDivisionError, "math::log_base", "float division by zero"));
                    }
                    Ok(Value::Float(num / den))
                }
            }
        }),
    );
    ns.set(
        "pow",
        function("pow", |pos, kw| {
            if !kw.is_empty() {
                return Err(Error::type_error("call::unexpected_keyword", "math.pow() takes no keyword arguments"));
            }
            if pos.len() != 2 {
                return Err(Error::type_error("call::arity", format!("pow expected 2 arguments, got {}", pos.len())));
            }
            let (x, y) = (real(&pos[0])?, real(&pos[1])?);
            if x == 0.0 && y < 0.0 {
                return Err(domain());
            }
            let r = x.powf(y);
            if r.is_nan() && !x.is_nan() && !y.is_nan() {
                return Err(domain());
            }
            if r.is_infinite() && x.is_finite() && y.is_finite() {
                return Err(range());
            }
            Ok(Value::Float(r))
        }),
    );
    for (name, f) in [("log2", f64::log2 as fn(f64) -> f64), ("log10", f64::log10)] {
        ns.set(
            name,
            function(name, move |pos, kw| {
                if !kw.is_empty() {
                    return Err(Error::type_error("call::unexpected_keyword", format!("math.{name}() takes no keyword arguments")));
                }
                if pos.len() != 1 {
                    return Err(Error::type_error("call::arity", format!("math.{name}() takes exactly one argument ({} given)", pos.len())));
                }
                Ok(Value::Float(log_of(&pos[0], f)?))
            }),
        );
    }
    ns.set("isclose", function("isclose", isclose));
}

/// `math.isclose(a, b, *, rel_tol=1e-09, abs_tol=0.0)`.
fn isclose(pos: &[Value], kw: &Kwargs) -> Result<Value> {
    if pos.len() > 2 {
        return Err(Error::type_error("call::too_many_arguments", format!("isclose() takes exactly 2 positional arguments ({} given)", pos.len())));
    }
    for (k, _) in kw {
        if !matches!(k.as_str(), "rel_tol" | "abs_tol") {
            return Err(Error::type_error("call::unexpected_keyword", format!("'{k}' is an invalid keyword argument for isclose()")));
        }
    }
    for (i, name) in ["a", "b"].iter().enumerate() {
        if pos.len() <= i {
            return Err(Error::type_error("call::missing_argument", format!("isclose() missing required argument '{name}' (pos {})", i + 1)));
        }
    }
    let a = Args::bind("isclose", &["rel_tol", "abs_tol"], 0, &[], kw)?;
    let (x, y) = (real(&pos[0])?, real(&pos[1])?);
    let rel = a.get("rel_tol").map(real).transpose()?.unwrap_or(1e-9);
    let abs = a.get("abs_tol").map(real).transpose()?.unwrap_or(0.0);
    if rel < 0.0 || abs < 0.0 {
        return Err(Error::value("math::tolerance", "tolerances must be non-negative"));
    }
    if x == y {
        return Ok(Value::Bool(true));
    }
    if x.is_infinite() || y.is_infinite() {
        return Ok(Value::Bool(false));
    }
    let diff = (y - x).abs();
    Ok(Value::Bool(diff <= (rel * y).abs() || diff <= (rel * x).abs() || diff <= abs))
}
