//! `torch.dtype` objects: `torch.float64`, its aliases (`torch.double`), their attributes
//! (`is_floating_point`, `itemsize`, ...), and reading a `dtype=` argument.
use tch::Kind;

use crate::error::{Error, Result};
use crate::value::Value;

/// `torch.NAME` for every dtype fcall runs, aliases included (PyTorch's spellings).
pub const DTYPES: &[(&str, Kind)] = &[
    ("float32", Kind::Float),
    ("float", Kind::Float),
    ("float64", Kind::Double),
    ("double", Kind::Double),
    ("float16", Kind::Half),
    ("half", Kind::Half),
    ("bfloat16", Kind::BFloat16),
    ("int64", Kind::Int64),
    ("long", Kind::Int64),
    ("int32", Kind::Int),
    ("int", Kind::Int),
    ("int16", Kind::Int16),
    ("short", Kind::Int16),
    ("int8", Kind::Int8),
    ("uint8", Kind::Uint8),
    ("bool", Kind::Bool),
    ("complex64", Kind::ComplexFloat),
    ("cfloat", Kind::ComplexFloat),
    ("complex128", Kind::ComplexDouble),
    ("cdouble", Kind::ComplexDouble),
    ("complex32", Kind::ComplexHalf),
    ("chalf", Kind::ComplexHalf),
];

/// A dtype by one of its names (`"float64"`, `"torch.double"`).
pub fn by_name(name: &str) -> Option<Kind> {
    let n = name.strip_prefix("torch.").unwrap_or(name);
    DTYPES.iter().find(|(d, _)| *d == n).map(|(_, k)| *k)
}

/// A `dtype=` argument of `fname`: None (or absent) is the default; a dtype object names one;
/// anything else (a string too) is PyTorch's TypeError.
pub fn kind_arg(v: Option<&Value>, fname: &str) -> Result<Option<Kind>> {
    match v {
        None | Some(Value::None) => Ok(None),
        Some(Value::DType(k)) => Ok(Some(*k)),
        // Python's types name dtypes too: `dtype=float` (float64), `int`, `bool`, `complex`.
        Some(v) if crate::aten::parse::kind_of(v).is_some() => Ok(crate::aten::parse::kind_of(v)),
        Some(other) => Err(Error::type_error("call::argument_type", format!("{fname}(): argument 'dtype' must be torch.dtype, not {}", other.type_name()))
            .with_hint("dtype=torch.float64, torch.int64, ...")),
    }
}

fn is_float(k: Kind) -> bool {
    matches!(k, Kind::Float | Kind::Double | Kind::Half | Kind::BFloat16)
}

fn is_complex(k: Kind) -> bool {
    matches!(k, Kind::ComplexHalf | Kind::ComplexFloat | Kind::ComplexDouble)
}

/// `torch.float32.NAME`.
pub fn attr(k: Kind, name: &str) -> Result<Value> {
    Ok(match name {
        "is_floating_point" => Value::Bool(is_float(k)),
        "is_complex" => Value::Bool(is_complex(k)),
        "is_signed" => Value::Bool(!matches!(k, Kind::Uint8 | Kind::Bool)),
        "itemsize" => Value::Int(k.elt_size_in_bytes() as i64),
        _ => {
            let e = Error::attribute("eval::no_attribute", format!("'torch.dtype' object has no attribute '{name}'"));
            return Err(e.with_suggestion(super::suggest::suggestion(name, ATTRS.iter().copied())));
        }
    })
}

/// The attributes [`attr`] knows (for completion and suggestions).
pub const ATTRS: &[&str] = &["is_complex", "is_floating_point", "is_signed", "itemsize"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_aliases() {
        assert_eq!(by_name("torch.double"), Some(Kind::Double));
        assert_eq!(by_name("long"), Some(Kind::Int64));
        assert_eq!(by_name("complex"), None);
        assert!(matches!(attr(Kind::Uint8, "is_signed"), Ok(Value::Bool(false))));
        assert!(matches!(attr(Kind::Double, "itemsize"), Ok(Value::Int(8))));
        let e = attr(Kind::Float, "itemsiz").err().unwrap();
        assert_eq!(e.headline(), "AttributeError: 'torch.dtype' object has no attribute 'itemsiz'. Did you mean: 'itemsize'?");
    }
}
