//! `nn.Upsample(size=None, scale_factor=None, mode='nearest', align_corners=None,
//! recompute_scale_factor=None)`: its settings as `Upsample.__init__` stores them and a forward
//! that follows `F.interpolate` step for step (checks, output size, then the libtorch op of the
//! mode and rank, with the scales PyTorch passes on).
use tch::Tensor;

use super::{input_arg, new_builtin, ok_tensor};
use crate::error::{Error, ExcType, Result};
use crate::nn::Module;
use crate::tensor::TensorRef;
use crate::value::{Kwargs, Value};

const PATH: &str = "torch.nn.modules.upsampling";

/// `nn.Upsample(...)`: `scale_factor` becomes a float (a tuple of floats), or None when falsy.
pub fn upsample(size: Value, scale_factor: Value, mode: &str, align_corners: Option<bool>, recompute_scale_factor: Option<bool>) -> Result<Module> {
    let to_float = |v: &Value| -> Result<Value> {
        match v {
            Value::Int(i) => Ok(Value::Float(*i as f64)),
            Value::Bool(b) => Ok(Value::Float(*b as i64 as f64)),
            Value::Float(f) => Ok(Value::Float(*f)),
            other => Err(Error::type_error(
                "nn::upsample_scale",
                format!("float() argument must be a string or a real number, not '{}'", other.type_name()),
            )),
        }
    };
    let scale_factor = match &scale_factor {
        Value::Tuple(items) => Value::tuple(items.borrow().iter().map(to_float).collect::<Result<_>>()?),
        Value::None | Value::Int(0) | Value::Bool(false) => Value::None,
        Value::Float(f) if *f == 0.0 => Value::None,
        v => to_float(v)?,
    };
    let m = new_builtin("Upsample", PATH, upsample_forward, upsample_repr);
    m.set_setting("name", Value::str("Upsample"));
    m.set_setting("size", size);
    m.set_setting("scale_factor", scale_factor);
    m.set_setting("mode", Value::str(mode));
    m.set_setting("align_corners", align_corners.map(Value::Bool).unwrap_or(Value::None));
    m.set_setting("recompute_scale_factor", recompute_scale_factor.map(Value::Bool).unwrap_or(Value::None));
    Ok(m)
}

/// `Upsample.extra_repr`.
fn upsample_repr(m: &Module) -> String {
    let get = |n: &str| m.getattr(n).unwrap_or(Value::None);
    let info = match get("scale_factor") {
        Value::None => format!("size={}", get("size").py_repr()),
        sf => format!("scale_factor={}", sf.py_repr()),
    };
    format!("{info}, mode={}", get("mode").py_repr())
}

fn opt_bool(m: &Module, name: &str) -> Result<Option<bool>> {
    match m.getattr(name)? {
        Value::None => Ok(None),
        _ => m.attr_bool(name).map(Some),
    }
}

fn not_implemented(message: String) -> Error {
    Error::new(ExcType::NotImplementedError, "nn::interpolate_mode", message)
}

/// `F.interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners,
/// recompute_scale_factor=self.recompute_scale_factor)`.
fn upsample_forward(m: &Module, args: &[Value], kwargs: &Kwargs) -> Result<Value> {
    let x = input_arg(m, args, kwargs)?;
    let mode = match m.getattr("mode")? {
        Value::Str(s) => s.to_string(),
        other => other.py_str(),
    };
    let (size, scale) = (m.getattr("size")?, m.getattr("scale_factor")?);
    interpolate(&x, &size, &scale, &mode, opt_bool(m, "align_corners")?, opt_bool(m, "recompute_scale_factor")?)
}

/// `F.interpolate(input, size, scale_factor, mode, align_corners, recompute_scale_factor)`.
pub fn interpolate(x: &TensorRef, size: &Value, scale: &Value, mode: &str, align_corners: Option<bool>, recompute: Option<bool>) -> Result<Value> {
    let mode = mode.to_string();
    let mut align_corners = align_corners;
    if matches!(mode.as_str(), "nearest" | "area" | "nearest-exact") {
        if align_corners.is_some() {
            return Err(Error::value(
                "nn::interpolate_align_corners",
                "align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear",
            ));
        }
    } else if align_corners.is_none() {
        align_corners = Some(false);
    }
    let shape = x.shape();
    let dim = shape.len().saturating_sub(2);
    let spatial = || format!("[{}]", shape.get(2..).unwrap_or(&[]).iter().map(i64::to_string).collect::<Vec<_>>().join(", "));
    let (mut output_size, mut scales): (Option<Vec<i64>>, Option<Vec<f64>>) = match (size, scale) {
        (Value::None, Value::None) => return Err(Error::value("nn::interpolate_size", "either size or scale_factor should be defined")),
        (Value::None, sf) => {
            let factors: Vec<f64> = match sf {
                Value::Tuple(items) | Value::List(items) => {
                    let items = items.borrow();
                    if items.len() != dim {
                        return Err(Error::value(
                            "nn::interpolate_scale",
                            format!(
                                "Input and scale_factor must have the same number of spatial dimensions, but got input with spatial dimensions of {} and scale_factor of shape {}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) format.",
                                spatial(),
                                sf.py_str()
                            ),
                        ));
                    }
                    items.iter().map(float_of).collect::<Result<_>>()?
                }
                v => vec![float_of(v)?; dim],
            };
            (None, Some(factors))
        }
        (s, Value::None) => {
            let sizes: Vec<i64> = match s {
                Value::Tuple(items) | Value::List(items) | Value::Size(items) => {
                    let items = items.borrow();
                    if items.len() != dim {
                        return Err(Error::value(
                            "nn::interpolate_size",
                            format!(
                                "Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of {} and output size of {}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.",
                                spatial(),
                                s.py_str()
                            ),
                        ));
                    }
                    if items.iter().any(|v| !matches!(v, Value::Int(_) | Value::Bool(_))) {
                        let types: Vec<String> = items.iter().map(|v| format!("<class '{}'>", v.type_name())).collect();
                        return Err(Error::type_error(
                            "nn::interpolate_size",
                            format!(
                                "expected size to be one of int or Tuple[int] or Tuple[int, int] or Tuple[int, int, int], but got size with types [{}]",
                                types.join(", ")
                            ),
                        ));
                    }
                    items.iter().map(|v| if let Value::Int(i) = v { *i } else { matches!(v, Value::Bool(true)) as i64 }).collect()
                }
                Value::Int(i) => vec![*i; dim],
                other => {
                    return Err(Error::type_error("nn::interpolate_size", format!("size must be an int or a tuple of ints, not {}", other.type_name())))
                }
            };
            (Some(sizes), None)
        }
        _ => return Err(Error::value("nn::interpolate_size", "only one of size or scale_factor should be defined")),
    };
    if recompute == Some(true) && output_size.is_some() {
        return Err(Error::value("nn::interpolate_recompute", "recompute_scale_factor is not meaningful with an explicit size."));
    }
    if recompute == Some(true) || (mode == "area" && output_size.is_none()) {
        // `[_sym_int(input.size(i + 2) * scale_factors[i]) for i in range(dim)]`, scales dropped.
        let factors = scales.take().unwrap_or_default();
        output_size = Some(factors.iter().enumerate().map(|(i, f)| (shape[i + 2] as f64 * f) as i64).collect());
    }
    // libtorch's `compute_output_size` for the `.vec` overloads: the scales go on with it.
    let osize: Vec<i64> = match (&output_size, &scales) {
        (Some(o), _) => o.clone(),
        (None, Some(f)) => f.iter().enumerate().map(|(i, f)| (shape[i + 2] as f64 * f) as i64).collect(),
        (None, None) => vec![],
    };
    let sc = |i: usize| scales.as_ref().and_then(|s| s.get(i).copied());
    let t = x.tensor();
    let ac = align_corners.unwrap_or(false);
    let out: Tensor = match (shape.len(), mode.as_str()) {
        (3, "nearest") => t.f_upsample_nearest1d(osize.as_slice(), sc(0))?,
        (4, "nearest") => t.f_upsample_nearest2d(osize.as_slice(), sc(0), sc(1))?,
        (5, "nearest") => t.f_upsample_nearest3d(osize.as_slice(), sc(0), sc(1), sc(2))?,
        (3, "nearest-exact") => t.f_internal_upsample_nearest_exact1d(osize.as_slice(), sc(0))?,
        (4, "nearest-exact") => t.f_internal_upsample_nearest_exact2d(osize.as_slice(), sc(0), sc(1))?,
        (5, "nearest-exact") => t.f_internal_upsample_nearest_exact3d(osize.as_slice(), sc(0), sc(1), sc(2))?,
        (3, "area") => t.f_adaptive_avg_pool1d(osize.as_slice())?,
        (4, "area") => t.f_adaptive_avg_pool2d(osize.as_slice())?,
        (5, "area") => t.f_adaptive_avg_pool3d(osize.as_slice())?,
        (3, "linear") => t.f_upsample_linear1d(osize.as_slice(), ac, sc(0))?,
        (4, "bilinear") => t.f_upsample_bilinear2d(osize.as_slice(), ac, sc(0), sc(1))?,
        (5, "trilinear") => t.f_upsample_trilinear3d(osize.as_slice(), ac, sc(0), sc(1), sc(2))?,
        (4, "bicubic") => t.f_upsample_bicubic2d(osize.as_slice(), ac, sc(0), sc(1))?,
        (d @ 3..=5, "linear" | "bilinear" | "trilinear") => {
            let needs = match mode.as_str() {
                "linear" => "3D",
                "bilinear" => "4D",
                _ => "5D",
            };
            return Err(not_implemented(format!("Got {d}D input, but {mode} mode needs {needs} input")));
        }
        (d, _) => {
            return Err(not_implemented(format!(
                "Input Error: Only 3D, 4D and 5D input Tensors supported (got {d}D) for the modes: nearest | linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact (got {mode})"
            )))
        }
    };
    ok_tensor(out)
}

fn float_of(v: &Value) -> Result<f64> {
    match v {
        Value::Int(i) => Ok(*i as f64),
        Value::Float(f) => Ok(*f),
        Value::Bool(b) => Ok(*b as i64 as f64),
        other => Err(Error::type_error("nn::interpolate_scale", format!("scale_factor must be a number, not {}", other.type_name()))),
    }
}
