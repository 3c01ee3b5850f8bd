//! The engine's built-in functions: tensor constructors, torch.nn modules, functional ops,
//! `functional_call`, the torch.func transforms, `print`, `len`, `range`, `save`/`load` and
//! friends. Python's own built-ins are bare names ([`PYTHON_BUILTINS`]); the rest is reached as
//! torch spells it, through the modules `modules.rs` builds from this table.
use std::collections::HashMap;
use std::rc::Weak;
use tch::{Device, Kind, Tensor};

use super::args::{shape_of, Args};
use super::eval::{call_value, Shared};
use crate::error::{Error, Result};
use crate::func::transforms::{self, Argnums};
use crate::func::{functional_call, CallOptions};
use crate::nn::layers::{self, BatchNormOptions, ConvOptions};
use crate::nn::Module;
use crate::tensor::TensorRef;
use crate::value::{DictRef, Function, FunctionKind, Kwargs, Value};

fn tv(t: Tensor) -> Value {
    Value::Tensor(TensorRef::new(t))
}

fn module(m: Result<Module>) -> Result<Value> {
    m.map(Value::Module)
}

fn kind_from(a: &Args, default: Kind) -> Result<Kind> {
    Ok(super::dtypes::kind_arg(a.get("dtype"), a.fname)?.unwrap_or(default))
}

/// PyTorch's MAX_DIMS for `torch.tensor(data)`.
const MAX_DIMS: usize = 128;

/// `torch.tensor(data)`: nested lists of numbers; ints give int64, any float gives float32.
fn tensor_from_data(data: &Value, kind: Option<Kind>) -> Result<Tensor> {
    fn walk(v: &Value, depth: usize, shape: &mut Vec<i64>, out: &mut Vec<Value>, any_float: &mut bool, all_bool: &mut bool) -> Result<()> {
        match v {
            Value::List(items) | Value::Tuple(items) | Value::Size(items) => {
                if depth >= MAX_DIMS {
                    return Err(Error::value("torch::too_many_dims", format!("too many dimensions '{}'", v.type_name())));
                }
                if shape.len() == depth {
                    shape.push(items.len() as i64);
                } else if shape[depth] != items.len() as i64 {
                    return Err(Error::value(
                        "torch::ragged",
                        format!("expected sequence of length {} at dim {depth} (got {})", shape[depth], items.len()),
                    ));
                }
                for x in items.borrow().iter() {
                    if x.is(v) {
                        return Err(Error::type_error("torch::tensor_data", "new(): self-referential lists are incompatible"));
                    }
                    walk(x, depth + 1, shape, out, any_float, all_bool)?;
                }
                Ok(())
            }
            Value::Int(_) | Value::BigInt(_) => {
                *all_bool = false;
                out.push(v.clone());
                Ok(())
            }
            Value::Float(_) => {
                *all_bool = false;
                *any_float = true;
                out.push(v.clone());
                Ok(())
            }
            Value::Bool(_) => {
                out.push(v.clone());
                Ok(())
            }
            Value::Complex(..) => {
                *all_bool = false;
                *any_float = true;
                out.push(v.clone());
                Ok(())
            }
            Value::Tensor(t) if t.numel() == 1 => {
                *all_bool = false;
                *any_float = true;
                out.push(match crate::tensor::complex_parts(t.tensor()) {
                    Some(parts) => parts.map(|(re, im)| Value::Complex(re[0], im[0]))?,
                    None => Value::Float(t.tensor().f_double_value(&[])?),
                });
                Ok(())
            }
            other => Err(Error::type_error("torch::tensor_data", format!("new(): invalid data type '{}'", other.type_name()))),
        }
    }
    // PyTorch's compute_sizes first: along the first items, at most 128 dimensions (so the walk
    // below never goes deeper, whatever the data).
    let too_deep = |v: &Value| Error::value("torch::too_many_dims", format!("too many dimensions '{}'", v.type_name()));
    let (mut level, mut dims) = (data.clone(), 0);
    loop {
        let next = match &level {
            Value::List(items) | Value::Tuple(items) | Value::Size(items) => items.get(0),
            _ => break,
        };
        dims += 1;
        if dims > MAX_DIMS {
            return Err(too_deep(&level));
        }
        match next {
            Some(n) => level = n,
            None => break,
        }
    }
    let mut shape = Vec::new();
    let mut out = Vec::new();
    let (mut any_float, mut all_bool) = (false, true);
    walk(data, 0, &mut shape, &mut out, &mut any_float, &mut all_bool)?;
    // A complex number makes it the default complex dtype (complex64).
    let default = if out.iter().any(|v| matches!(v, Value::Complex(..))) {
        Kind::ComplexFloat
    } else if any_float {
        Kind::Float
    } else if all_bool && !out.is_empty() {
        Kind::Bool
    } else if out.is_empty() {
        Kind::Float
    } else {
        Kind::Int64
    };
    let k = kind.unwrap_or(default);
    let t = match k {
        Kind::Bool => {
            let bits: Vec<u8> = out.iter().map(|v| super::ops::truthy(v).map(u8::from)).collect::<Result<_>>()?;
            crate::tensor::from_values(&bits, &shape)?
        }
        Kind::Uint8 | Kind::Int8 | Kind::Int16 | Kind::Int | Kind::Int64 => {
            let ints: Vec<i64> = out.iter().map(|v| store_integral(v, k)).collect::<Result<_>>()?;
            crate::tensor::from_values(&ints, &shape)?
        }
        Kind::ComplexHalf | Kind::ComplexFloat | Kind::ComplexDouble => {
            let parts: Vec<f64> = out
                .iter()
                .map(|v| crate::pycomplex::operand(v).unwrap_or(Ok((0.0, 0.0))))
                .collect::<Result<Vec<_>>>()?
                .into_iter()
                .flat_map(|(r, i)| [r, i])
                .collect();
            let pair_shape: Vec<i64> = shape.iter().copied().chain([2]).collect();
            crate::tensor::from_values(&parts, &pair_shape)?.f_view_as_complex()?
        }
        _ => {
            let floats: Vec<f64> = out.iter().map(real_number).collect::<Result<_>>()?;
            crate::tensor::from_values(&floats, &shape)?
        }
    };
    Ok(if t.kind() == k { t } else { t.f_to_kind(k)? })
}

/// One Python number stored into a real floating tensor (`THPUtils_unpackDouble`).
fn real_number(v: &Value) -> Result<f64> {
    match v {
        Value::Float(f) => Ok(*f),
        Value::Complex(..) => Err(Error::type_error("torch::tensor_data", "must be real number, not complex")),
        other => crate::pyint::to_f64(other).unwrap_or(Ok(0.0)),
    }
}

/// One Python number stored into an integer tensor, as torch.tensor's `store_scalar` does:
/// an int must fit 64 bits ("Overflow when unpacking long long"), then the value must fit the
/// dtype (`c10::checked_convert`; uint8 lets -255..-1 wrap).
fn store_integral(v: &Value, k: Kind) -> Result<i64> {
    let (name, lo, hi): (&str, i64, i64) = match k {
        Kind::Uint8 => ("uint8", 0, 255),
        Kind::Int8 => ("int8", -128, 127),
        Kind::Int16 => ("int16", -32768, 32767),
        Kind::Int => ("int32", i32::MIN as i64, i32::MAX as i64),
        _ => ("int64", i64::MIN, i64::MAX),
    };
    let overflow = || Error::runtime("torch::overflow", format!("value cannot be converted to type {name} without overflow"));
    match v {
        Value::Float(f) => {
            let f = *f;
            if f.is_nan() || f < lo as f64 || f > hi as f64 {
                return Err(overflow());
            }
            // C++'s conversion of 2.0**63 (equal to int64's max as a double) gives int64's min.
            Ok(if f >= 9.223372036854775807e18 { i64::MIN } else { f as i64 })
        }
        Value::Bool(b) => Ok(*b as i64),
        Value::Complex(..) => Err(Error::type_error("torch::tensor_data", "'complex' object cannot be interpreted as an integer")),
        Value::Int(i) => {
            let ok = if k == Kind::Uint8 { *i <= hi && (*i >= 0 || i.unsigned_abs() <= hi as u64) } else { (lo..=hi).contains(i) };
            if ok {
                Ok(*i)
            } else {
                Err(overflow())
            }
        }
        _ => Err(Error::value("torch::unpack_long", "Overflow when unpacking long long")),
    }
}

fn as_module(a: &Args, name: &str) -> Result<Module> {
    match a.get(name) {
        Some(Value::Module(m)) => Ok(m.clone()),
        Some(v) => Err(Error::type_error("call::argument_type", format!("{}(): argument '{name}' must be a Module, not {}", a.fname, v.type_name()))),
        None => Err(Error::type_error("call::argument_type", format!("{}(): argument '{name}' must be a Module", a.fname))),
    }
}

pub(super) fn argnums(v: &Value) -> Result<Argnums> {
    match v {
        Value::Int(i) => Ok(Argnums::One(*i)),
        Value::Tuple(items) | Value::List(items) => Ok(Argnums::Many(
            items
                .borrow().iter()
                .map(|x| match x {
                    Value::Int(i) => Ok(*i),
                    other => Err(Error::runtime("transform::argnums", format!("argnums must be int or Tuple[int, ...], got: {}", other.py_type_repr()))),
                })
                .collect::<Result<_>>()?,
        )),
        other => Err(Error::runtime("transform::argnums", format!("argnums must be int or Tuple[int, ...], got: {}", other.py_type_repr()))),
    }
}

pub(super) fn func_name(f: &Value) -> String {
    match f {
        Value::Function(func) => func.name.clone(),
        Value::Module(m) => m.class_name(),
        other => other.type_name(),
    }
}

type Builtin = fn(&Args, &Weak<Shared>) -> Result<Value>;

/// Every built-in: name, parameter names, how many are required, the body.
const TABLE: &[(&str, &[&str], usize, Builtin)] = &[
    ("tensor", &["data", "requires_grad", "dtype"], 1, |a, _| {
        let k = super::dtypes::kind_arg(a.get("dtype"), a.fname)?;
        let t = tensor_from_data(&a.value("data"), k)?;
        let t = if a.boolean("requires_grad", false)? { t.f_set_requires_grad(true)? } else { t };
        Ok(tv(t))
    }),
    ("full", &["size", "fill_value", "dtype", "requires_grad"], 2, |a, _| {
        let shape = shape_of("full", &[a.value("size")])?;
        let t = crate::tensor::full(&shape, a.float("fill_value", 0.0)?, kind_from(a, Kind::Float)?)?;
        Ok(tv(if a.boolean("requires_grad", false)? { t.f_set_requires_grad(true)? } else { t }))
    }),
    ("arange", &["start", "end", "step", "dtype"], 1, |a, _| {
        use crate::tensor::shim::Number;
        let ints = [a.get("start"), a.get("end"), a.get("step")].iter().all(|v| matches!(v, None | Some(Value::Int(_)) | Some(Value::None)));
        let default = if ints { Kind::Int64 } else { Kind::Float };
        let k = kind_from(a, default)?;
        let num = |name: &str, default: Number| -> Result<Number> {
            match a.get(name) {
                None | Some(Value::None) => Ok(default),
                Some(v) => Number::of(v).map(Ok).unwrap_or_else(|| a.float(name, 0.0).map(Number::Float)),
            }
        };
        let (start, end, step) = match a.get("end") {
            None | Some(Value::None) => (Number::Int(0), num("start", Number::Int(0))?, Number::Int(1)),
            Some(_) => (num("start", Number::Int(0))?, num("end", Number::Int(0))?, num("step", Number::Int(1))?),
        };
        let t = crate::tensor::shim::arange(start, end, step, k)?;
        Ok(tv(t))
    }),
    ("eye", &["n", "m", "dtype"], 1, |a, _| {
        let n = a.int("n", 0)?;
        let k = (kind_from(a, Kind::Float)?, Device::Cpu);
        Ok(tv(match a.get("m") {
            None | Some(Value::None) => Tensor::f_eye(n, k)?,
            Some(_) => Tensor::f_eye_m(n, a.int("m", 0)?, k)?,
        }))
    }),
    ("randint", &["low", "high", "size"], 2, |a, _| {
        // randint(high, size) or randint(low, high, size)
        let (low, high, size) = match a.get("size") {
            Some(s) => (a.int("low", 0)?, a.int("high", 0)?, s.clone()),
            None => (0, a.int("low", 0)?, a.value("high")),
        };
        let shape = shape_of("randint", &[size])?;
        Ok(tv(Tensor::f_randint_low(low, high, &shape[..], (Kind::Int64, Device::Cpu))?))
    }),
    ("param", &["data", "requires_grad"], 1, |a, _| {
        let t = a.tensor("data")?;
        Ok(Value::Tensor(TensorRef::parameter(t.tensor(), a.boolean("requires_grad", true)?)?))
    }),
    ("buffer", &["data", "persistent"], 1, |a, _| {
        let t = a.tensor("data")?;
        Ok(Value::Tensor(TensorRef::buffer(t.tensor(), a.boolean("persistent", true)?)?))
    }),
    ("Linear", &["in_features", "out_features", "bias"], 2, |a, _| {
        module(layers::linear(a.int("in_features", 0)?, a.int("out_features", 0)?, a.boolean("bias", true)?))
    }),
    ("Bilinear", &["in1_features", "in2_features", "out_features", "bias"], 3, |a, _| {
        module(layers::bilinear(a.int("in1_features", 0)?, a.int("in2_features", 0)?, a.int("out_features", 0)?, a.boolean("bias", true)?))
    }),
    ("Conv1d", CONV, 3, |a, _| conv(a, "Conv1d")),
    ("Conv2d", CONV, 3, |a, _| conv(a, "Conv2d")),
    ("Conv3d", CONV, 3, |a, _| conv(a, "Conv3d")),
    ("ConvTranspose1d", CONV_TRANSPOSE, 3, |a, _| conv(a, "ConvTranspose1d")),
    ("ConvTranspose2d", CONV_TRANSPOSE, 3, |a, _| conv(a, "ConvTranspose2d")),
    ("BatchNorm1d", &["num_features", "eps", "momentum", "affine", "track_running_stats"], 1, |a, _| {
        module(layers::batch_norm1d(a.int("num_features", 0)?, bn_options(a, BatchNormOptions::default())?))
    }),
    ("BatchNorm2d", &["num_features", "eps", "momentum", "affine", "track_running_stats"], 1, |a, _| {
        module(layers::batch_norm2d(a.int("num_features", 0)?, bn_options(a, BatchNormOptions::default())?))
    }),
    ("BatchNorm3d", &["num_features", "eps", "momentum", "affine", "track_running_stats"], 1, |a, _| {
        module(layers::batch_norm3d(a.int("num_features", 0)?, bn_options(a, BatchNormOptions::default())?))
    }),
    ("InstanceNorm1d", &["num_features", "eps", "momentum", "affine", "track_running_stats"], 1, |a, _| {
        module(layers::instance_norm1d(a.int("num_features", 0)?, bn_options(a, layers::instance_norm_options())?))
    }),
    ("InstanceNorm2d", &["num_features", "eps", "momentum", "affine", "track_running_stats"], 1, |a, _| {
        module(layers::instance_norm2d(a.int("num_features", 0)?, bn_options(a, layers::instance_norm_options())?))
    }),
    ("GroupNorm", &["num_groups", "num_channels", "eps", "affine", "bias"], 2, |a, _| {
        let (g, c) = (a.int("num_groups", 0)?, a.int("num_channels", 0)?);
        module(layers::group_norm(g, c, a.float("eps", 1e-5)?, a.boolean("affine", true)?, a.boolean("bias", true)?))
    }),
    ("RMSNorm", &["normalized_shape", "eps", "elementwise_affine"], 1, |a, _| {
        module(layers::rms_norm(&a.ints("normalized_shape")?, a.opt_float("eps")?, a.boolean("elementwise_affine", true)?))
    }),
    ("MaxPool1d", MAX_POOL, 1, |a, _| max_pool(a, 1)),
    ("MaxPool2d", MAX_POOL, 1, |a, _| max_pool(a, 2)),
    ("AvgPool1d", &["kernel_size", "stride", "padding", "ceil_mode", "count_include_pad"], 1, |a, _| {
        module(layers::avg_pool1d(a.value("kernel_size"), a.value("stride"), or(a, "padding", Value::Int(0)), a.boolean("ceil_mode", false)?, a.boolean("count_include_pad", true)?))
    }),
    ("AvgPool2d", &["kernel_size", "stride", "padding", "ceil_mode", "count_include_pad", "divisor_override"], 1, |a, _| {
        let divisor = match a.get("divisor_override") {
            None | Some(Value::None) => None,
            Some(_) => Some(a.int("divisor_override", 0)?),
        };
        let (ceil, count) = (a.boolean("ceil_mode", false)?, a.boolean("count_include_pad", true)?);
        module(layers::avg_pool2d(a.value("kernel_size"), a.value("stride"), or(a, "padding", Value::Int(0)), ceil, count, divisor))
    }),
    ("AdaptiveAvgPool1d", &["output_size"], 1, |a, _| module(layers::adaptive_pool(false, 1, a.value("output_size"), false))),
    ("AdaptiveAvgPool2d", &["output_size"], 1, |a, _| module(layers::adaptive_pool(false, 2, a.value("output_size"), false))),
    ("AdaptiveMaxPool1d", &["output_size", "return_indices"], 1, |a, _| {
        module(layers::adaptive_pool(true, 1, a.value("output_size"), a.boolean("return_indices", false)?))
    }),
    ("AdaptiveMaxPool2d", &["output_size", "return_indices"], 1, |a, _| {
        module(layers::adaptive_pool(true, 2, a.value("output_size"), a.boolean("return_indices", false)?))
    }),
    ("LayerNorm", &["normalized_shape", "eps", "elementwise_affine", "bias"], 1, |a, _| {
        module(layers::layer_norm(&a.ints("normalized_shape")?, a.float("eps", 1e-5)?, a.boolean("elementwise_affine", true)?, a.boolean("bias", true)?))
    }),
    ("Embedding", &["num_embeddings", "embedding_dim", "padding_idx", "max_norm", "norm_type", "scale_grad_by_freq", "sparse"], 2, |a, _| {
        let pad = match a.get("padding_idx") {
            None | Some(Value::None) => None,
            Some(_) => Some(a.int("padding_idx", 0)?),
        };
        let m = layers::embedding(a.int("num_embeddings", 0)?, a.int("embedding_dim", 0)?, pad)?;
        // The rest are plain settings that forward reads (`F.embedding`'s arguments).
        if a.get("max_norm").is_some_and(|v| !matches!(v, Value::None)) {
            m.set_setting("max_norm", Value::Float(a.float("max_norm", 0.0)?));
        }
        m.set_setting("norm_type", Value::Float(a.float("norm_type", 2.0)?));
        m.set_setting("scale_grad_by_freq", Value::Bool(a.boolean("scale_grad_by_freq", false)?));
        m.set_setting("sparse", Value::Bool(a.boolean("sparse", false)?));
        Ok(Value::Module(m))
    }),
    ("Dropout", &["p"], 0, |a, _| module(layers::dropout(a.float("p", 0.5)?))),
    ("RNN", &["input_size", "hidden_size", "num_layers", "nonlinearity", "bias", "batch_first", "dropout", "bidirectional", "proj_size"], 2, |a, _| {
        super::seqlayers::recurrent(a, layers::RnnMode::RnnTanh)
    }),
    ("LSTM", &["input_size", "hidden_size", "num_layers", "bias", "batch_first", "dropout", "bidirectional", "proj_size"], 2, |a, _| {
        super::seqlayers::recurrent(a, layers::RnnMode::Lstm)
    }),
    ("GRU", &["input_size", "hidden_size", "num_layers", "bias", "batch_first", "dropout", "bidirectional", "proj_size"], 2, |a, _| {
        super::seqlayers::recurrent(a, layers::RnnMode::Gru)
    }),
    ("MultiheadAttention", &["embed_dim", "num_heads", "dropout", "bias", "add_bias_kv", "add_zero_attn", "kdim", "vdim", "batch_first"], 2, |a, _| {
        super::seqlayers::multihead_attention(a)
    }),
    ("TransformerEncoderLayer", &["d_model", "nhead", "dim_feedforward", "dropout", "activation", "layer_norm_eps", "batch_first", "norm_first", "bias"], 2, |a, _| {
        super::seqlayers::transformer_encoder_layer(a)
    }),
    ("TransformerEncoder", &["encoder_layer", "num_layers", "norm", "enable_nested_tensor", "mask_check"], 2, |a, _| super::seqlayers::transformer_encoder(a)),
    ("ReLU", &["inplace"], 0, |a, _| inplace_only(a, "ReLU")),
    ("ReLU6", &["inplace"], 0, |a, _| inplace_only(a, "ReLU6")),
    ("SiLU", &["inplace"], 0, |a, _| inplace_only(a, "SiLU")),
    ("Mish", &["inplace"], 0, |a, _| inplace_only(a, "Mish")),
    ("Hardswish", &["inplace"], 0, |a, _| inplace_only(a, "Hardswish")),
    ("Hardsigmoid", &["inplace"], 0, |a, _| inplace_only(a, "Hardsigmoid")),
    ("LeakyReLU", &["negative_slope", "inplace"], 0, |a, _| {
        module(layers::leaky_relu(or(a, "negative_slope", Value::Float(0.01)), a.boolean("inplace", false)?))
    }),
    ("ELU", &["alpha", "inplace"], 0, |a, _| module(layers::elu(or(a, "alpha", Value::Float(1.0)), a.boolean("inplace", false)?))),
    ("Softplus", &["beta", "threshold"], 0, |a, _| module(layers::softplus(or(a, "beta", Value::Float(1.0)), or(a, "threshold", Value::Float(20.0))))),
    ("Hardtanh", &["min_val", "max_val", "inplace", "min_value", "max_value"], 0, |a, _| {
        // The deprecated `min_value` / `max_value` replace `min_val` / `max_val` when given.
        let pick = |new: &str, old: &str, default: f64| match a.get(old) {
            Some(v) if !v.is_none() => v.clone(),
            _ => or(a, new, Value::Float(default)),
        };
        module(layers::hardtanh(pick("min_val", "min_value", -1.0), pick("max_val", "max_value", 1.0), a.boolean("inplace", false)?))
    }),
    ("Softsign", &[], 0, |_, _| Ok(Value::Module(layers::softsign()))),
    ("Tanhshrink", &[], 0, |_, _| Ok(Value::Module(layers::tanhshrink()))),
    ("Softmax", &["dim"], 0, |a, _| Ok(Value::Module(layers::softmax(opt_int(a, "dim")?)))),
    ("LogSoftmax", &["dim"], 0, |a, _| Ok(Value::Module(layers::log_softmax(opt_int(a, "dim")?)))),
    ("GLU", &["dim"], 0, |a, _| Ok(Value::Module(layers::glu(a.int("dim", -1)?)))),
    ("PReLU", &["num_parameters", "init"], 0, |a, _| module(layers::prelu(a.int("num_parameters", 1)?, or(a, "init", Value::Float(0.25))))),
    ("Unflatten", &["dim", "unflattened_size"], 2, |a, _| module(layers::unflatten(a.int("dim", 0)?, a.value("unflattened_size")))),
    ("Upsample", &["size", "scale_factor", "mode", "align_corners", "recompute_scale_factor"], 0, |a, _| {
        let opt_bool = |n: &str| match a.get(n) {
            None | Some(Value::None) => Ok(None),
            Some(_) => a.boolean(n, false).map(Some),
        };
        let mode = a.string("mode", "nearest")?;
        module(layers::upsample(a.value("size"), a.value("scale_factor"), &mode, opt_bool("align_corners")?, opt_bool("recompute_scale_factor")?))
    }),
    ("Tanh", &[], 0, |_, _| Ok(Value::Module(layers::tanh()))),
    ("Sigmoid", &[], 0, |_, _| Ok(Value::Module(layers::sigmoid()))),
    ("GELU", &["approximate"], 0, |a, _| Ok(Value::Module(layers::gelu(&a.string("approximate", "none")?)))),
    ("Flatten", &["start_dim", "end_dim"], 0, |a, _| Ok(Value::Module(layers::flatten(a.int("start_dim", 1)?, a.int("end_dim", -1)?)))),
    ("Identity", &[], 0, |_, _| Ok(Value::Module(layers::identity()))),
    ("relu", &["input"], 1, |a, _| Ok(tv(a.tensor("input")?.tensor().f_relu()?))),
    ("sigmoid", &["input"], 1, |a, _| Ok(tv(a.tensor("input")?.tensor().f_sigmoid()?))),
    ("tanh", &["input"], 1, |a, _| Ok(tv(a.tensor("input")?.tensor().f_tanh()?))),
    ("exp", &["input"], 1, |a, _| Ok(tv(a.tensor("input")?.tensor().f_exp()?))),
    ("log", &["input"], 1, |a, _| Ok(tv(a.tensor("input")?.tensor().f_log()?))),
    ("abs", &["input"], 1, |a, _| match a.value("input") {
        Value::Int(i) => Ok(Value::Int(i.abs())),
        Value::Float(f) => Ok(Value::Float(f.abs())),
        _ => Ok(tv(a.tensor("input")?.tensor().f_abs()?)),
    }),
    ("sqrt", &["input"], 1, |a, _| Ok(tv(a.tensor("input")?.tensor().f_sqrt()?))),
    ("softmax", &["input", "dim"], 2, |a, _| Ok(tv(a.tensor("input")?.tensor().f_softmax(a.int("dim", 0)?, None::<Kind>)?))),
    ("log_softmax", &["input", "dim"], 2, |a, _| Ok(tv(a.tensor("input")?.tensor().f_log_softmax(a.int("dim", 0)?, None::<Kind>)?))),
    ("matmul", &["input", "other"], 2, |a, _| Ok(tv(a.tensor("input")?.tensor().f_matmul(a.tensor("other")?.tensor())?))),
    ("linear", &["input", "weight", "bias"], 2, |a, _| {
        let b = match a.get("bias") {
            None | Some(Value::None) => None,
            Some(_) => Some(a.tensor("bias")?),
        };
        Ok(tv(a.tensor("input")?.tensor().f_linear(a.tensor("weight")?.tensor(), b.as_ref().map(|b| b.tensor()))?))
    }),
    ("mse_loss", &["input", "target", "reduction"], 2, |a, _| {
        let r = reduction(&a.string("reduction", "mean")?)?;
        Ok(tv(a.tensor("input")?.tensor().f_mse_loss(a.tensor("target")?.tensor(), r)?))
    }),
    ("l1_loss", &["input", "target", "reduction"], 2, |a, _| {
        let r = reduction(&a.string("reduction", "mean")?)?;
        Ok(tv(a.tensor("input")?.tensor().f_l1_loss(a.tensor("target")?.tensor(), r)?))
    }),
    ("cross_entropy", &["input", "target", "weight", "size_average", "ignore_index", "reduce", "reduction", "label_smoothing"], 2, |a, _| {
        if [a.get("size_average"), a.get("reduce")].iter().any(|v| !matches!(v, None | Some(Value::None))) {
            return Err(Error::value("call::deprecated", "cross_entropy(): size_average and reduce are deprecated; fcall takes reduction= only"));
        }
        let r = reduction(&a.string("reduction", "mean")?)?;
        let x = a.tensor("input")?;
        let t = a.tensor("target")?;
        let w = match a.get("weight") {
            None | Some(Value::None) => None,
            Some(_) => Some(a.tensor("weight")?),
        };
        let (ignore, smoothing) = (a.int("ignore_index", -100)?, a.float("label_smoothing", 0.0)?);
        Ok(tv(x.tensor().f_cross_entropy_loss(t.tensor(), w.as_ref().map(|w| w.tensor()), r, ignore, smoothing)?))
    }),
    ("sum", &["input", "dim", "keepdim"], 1, |a, _| reduce(a, "sum")),
    ("mean", &["input", "dim", "keepdim"], 1, |a, _| reduce(a, "mean")),
    ("len", &["obj"], 1, |a, _| {
        if let Some(n) = super::classes::len_dunder(&a.value("obj")) {
            return n.map(Value::Int);
        }
        Ok(Value::Int(match a.value("obj") {
            Value::Dict(d) => d.len() as i64,
            Value::List(v) | Value::Tuple(v) | Value::Size(v) => v.len() as i64,
            Value::Str(s) => s.chars().count() as i64,
            Value::Tensor(t) if t.tensor().dim() > 0 => t.shape()[0],
            Value::Tensor(_) => return Err(Error::type_error("torch::len_0d", "len() of a 0-d tensor")),
            Value::Module(m) => super::containers::len(&m).unwrap_or_else(|| m.data().modules.len() as i64),
            other => return Err(Error::type_error("eval::len", format!("object of type '{}' has no len()", other.type_name()))),
        }))
    }),
    ("range", &["start", "stop", "step"], 1, |a, _| {
        let (start, stop) = match a.get("stop") {
            None => (0, a.int("start", 0)?),
            Some(_) => (a.int("start", 0)?, a.int("stop", 0)?),
        };
        let step = a.int("step", 1)?;
        if step == 0 {
            return Err(Error::value("eval::range_step", "range() arg 3 must not be zero"));
        }
        let n = if step > 0 { (stop - start + step - 1).max(0) / step } else { (start - stop - step - 1).max(0) / -step };
        if n > 10_000_000 {
            return Err(Error::value("eval::range_size", format!("range() of {n} items is too long for fcall (at most 10000000)")));
        }
        Ok(Value::list((0..n).map(|i| Value::Int(start + i * step)).collect()))
    }),
    ("int", &["x"], 1, |a, _| match a.value("x") {
        Value::Float(f) => Ok(Value::Int(f.trunc() as i64)),
        Value::Int(i) => Ok(Value::Int(i)),
        Value::Bool(b) => Ok(Value::Int(b as i64)),
        Value::Tensor(t) if t.numel() == 1 => Ok(Value::Int(t.tensor().f_double_value(&[])?.trunc() as i64)),
        Value::Str(s) => s.trim().parse().map(Value::Int).map_err(|_| Error::value("eval::int", format!("invalid literal for int() with base 10: {}", crate::value::py_str_repr(&s)))),
        other => Err(Error::type_error("eval::int", format!("int() argument must be a string or a number, not '{}'", other.type_name()))),
    }),
    ("float", &["x"], 1, |a, _| Ok(Value::Float(a.float("x", 0.0)?))),
    ("str", &["x"], 1, |a, _| Ok(Value::str(&crate::object::try_str(&a.value("x"))?))),
    ("repr", &["x"], 1, |a, _| Ok(Value::str(&crate::object::try_repr(&a.value("x"))?))),
    ("type", &["x"], 1, |a, _| Ok(a.value("x").type_object())),
    ("sorted", &["iterable", "reverse"], 1, |a, _| {
        let mut items = super::members::iterate(&a.value("iterable"))?;
        super::ops::sort_values(&mut items)?;
        if a.boolean("reverse", false)? {
            items.reverse();
        }
        Ok(Value::list(items))
    }),
    ("id", &["x"], 1, |a, _| match a.value("x") {
        Value::Tensor(t) => Ok(Value::Int(t.id() as i64)),
        Value::Module(m) => Ok(Value::Int(m.id() as i64)),
        Value::Dict(d) => Ok(Value::Int(d.id() as i64)),
        Value::Object(o) => Ok(Value::Int(o.id as i64)),
        Value::Class(c) => Ok(Value::Int(c.id as i64)),
        other => Err(Error::type_error("eval::id", format!("id() shows object ids of tensors, modules and dicts, not {}", other.type_name()))),
    }),
    ("list", &["x"], 0, |a, _| match a.get("x") {
        None => Ok(Value::list(vec![])),
        Some(v) => Ok(Value::list(super::members::iterate(v)?)),
    }),
    ("dict", &["x"], 0, |a, _| match a.get("x") {
        None => Ok(Value::Dict(DictRef::new())),
        Some(Value::Dict(d)) => Ok(Value::Dict(DictRef::from_entries(d.borrow().clone()))),
        Some(v) => {
            let d = DictRef::new();
            for item in super::members::iterate(v)? {
                let pair = super::members::iterate(&item)?;
                match &pair[..] {
                    [Value::Str(k), x] => d.insert(k.to_string(), x.clone()),
                    _ => return Err(Error::value("eval::dict", "dict() needs (string key, value) pairs")),
                }
            }
            Ok(Value::Dict(d))
        }
    }),
    ("functional_call", &["module", "parameter_and_buffer_dicts", "args", "kwargs", "tie_weights", "strict"], 2, |a, sh| {
        let m = as_module(a, "module")?;
        let kwargs: Kwargs = match a.get("kwargs") {
            None | Some(Value::None) => Vec::new(),
            Some(Value::Dict(d)) => d.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            Some(other) => return Err(Error::type_error("call::argument_type", format!("kwargs must be a dict, not {}", other.type_name()))),
        };
        let opts = CallOptions { tie_weights: a.boolean("tie_weights", true)?, strict: a.boolean("strict", false)? };
        let (dicts, args) = (a.value("parameter_and_buffer_dicts"), a.value("args"));
        match sh.upgrade() {
            Some(sh) => super::eval::recorded_call(&sh, &m, &dicts, &args, &kwargs, opts, false),
            None => functional_call(&m, &dicts, &args, &kwargs, opts).result,
        }
    }),
    ("grad", &["func", "argnums", "has_aux"], 1, |a, _| transform(a, false)),
    ("grad_and_value", &["func", "argnums", "has_aux"], 1, |a, _| transform(a, true)),
    ("vmap", &["func", "in_dims", "out_dims", "randomness"], 1, |a, _| {
        let f = a.value("func");
        let name = func_name(&f);
        let in_dims = a.get("in_dims").cloned().unwrap_or(Value::Int(0));
        let out_dims = a.get("out_dims").cloned().unwrap_or(Value::Int(0));
        let randomness = a.string("randomness", "error")?;
        Ok(Function::new(format!("vmap({name})"), FunctionKind::Builtin, move |pos, kw| {
            let call = |p: &[Value], k: &Kwargs| call_value(&f, p, k);
            transforms::vmap(&call, &name, pos, kw, &in_dims, &out_dims, &randomness)
        }))
    }),
    ("stack_module_state", &["models"], 1, |a, _| {
        // `m.training` is the first thing PyTorch reads of each model.
        let models = super::members::iterate(&a.value("models"))?
            .into_iter()
            .map(|v| match v {
                Value::Module(m) => Ok(m),
                other => Err(Error::attribute("eval::no_attribute", format!("'{}' object has no attribute 'training'", other.type_name()))),
            })
            .collect::<Result<Vec<_>>>()?;
        let (params, buffers) = transforms::stack_module_state(&models)?;
        Ok(Value::tuple(vec![Value::Dict(params), Value::Dict(buffers)]))
    }),
    ("save", &["obj", "path"], 2, |a, _| {
        let path = a.string("path", "")?;
        super::io::save(&a.value("obj"), &path)?;
        Ok(Value::None)
    }),
    ("load", &["f", "map_location", "pickle_module", "weights_only", "mmap", "encoding"], 1, |a, _| {
        let opts = super::io::LoadOptions::new(a.value("map_location"), a.value("pickle_module"), a.value("weights_only"), a.value("mmap"))?;
        super::io::load(&a.string("f", "")?, &opts)
    }),
];

fn transform(a: &Args, with_value: bool) -> Result<Value> {
    let f = a.value("func");
    let name = func_name(&f);
    let nums = argnums(&a.get("argnums").cloned().unwrap_or(Value::Int(0)))?;
    let has_aux = a.boolean("has_aux", false)?;
    let label = if with_value { "grad_and_value" } else { "grad" };
    Ok(Function::new(format!("{label}({name})"), FunctionKind::Builtin, move |pos, kw| {
        let call = |p: &[Value], k: &Kwargs| call_value(&f, p, k);
        let (g, v, aux) = transforms::grad_and_value_aux(&call, pos, kw, &nums, has_aux)?;
        // has_aux: grad_and_value gives (grads, (value, aux)), grad gives (grads, aux).
        Ok(match (with_value, aux) {
            (true, Some(aux)) => Value::tuple(vec![g, Value::tuple(vec![v, aux])]),
            (true, None) => Value::tuple(vec![g, v]),
            (false, Some(aux)) => Value::tuple(vec![g, aux]),
            (false, None) => g,
        })
    }))
}

fn reduction(r: &str) -> Result<tch::Reduction> {
    Ok(match r {
        "mean" => tch::Reduction::Mean,
        "sum" => tch::Reduction::Sum,
        "none" => tch::Reduction::None,
        other => return Err(Error::value("call::reduction", format!("{other} is not a valid value for reduction"))),
    })
}

fn reduce(a: &Args, which: &str) -> Result<Value> {
    let x = a.tensor("input")?;
    let keep = a.boolean("keepdim", false)?;
    let t = match (which, a.get("dim")) {
        ("sum", None) => x.tensor().f_sum(None::<Kind>)?,
        ("mean", None) => x.tensor().f_mean(None::<Kind>)?,
        ("sum", Some(_)) => x.tensor().f_sum_dim_intlist(&a.ints("dim")?[..], keep, None::<Kind>)?,
        (_, Some(_)) => x.tensor().f_mean_dim(&a.ints("dim")?[..], keep, None::<Kind>)?,
        _ => unreachable!(),
    };
    Ok(tv(t))
}

/// The parameters of `nn.Conv1d/2d/3d` and of `nn.ConvTranspose1d/2d`.
const CONV: &[&str] = &["in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups", "bias", "padding_mode"];
const CONV_TRANSPOSE: &[&str] =
    &["in_channels", "out_channels", "kernel_size", "stride", "padding", "output_padding", "groups", "bias", "dilation", "padding_mode"];
const MAX_POOL: &[&str] = &["kernel_size", "stride", "padding", "dilation", "return_indices", "ceil_mode"];

/// An argument as given, or `default`.
fn or(a: &Args, name: &str, default: Value) -> Value {
    a.get(name).cloned().unwrap_or(default)
}

fn opt_int(a: &Args, name: &str) -> Result<Option<i64>> {
    match a.get(name) {
        None | Some(Value::None) => Ok(None),
        Some(_) => a.int(name, 0).map(Some),
    }
}

fn inplace_only(a: &Args, class: &str) -> Result<Value> {
    module(layers::inplace_activation(class, a.boolean("inplace", false)?))
}

fn max_pool(a: &Args, n: usize) -> Result<Value> {
    module(layers::max_pool(
        n,
        a.value("kernel_size"),
        a.value("stride"),
        or(a, "padding", Value::Int(0)),
        or(a, "dilation", Value::Int(1)),
        a.boolean("return_indices", false)?,
        a.boolean("ceil_mode", false)?,
    ))
}

fn conv(a: &Args, class: &str) -> Result<Value> {
    let mut opts = ConvOptions::default();
    if a.get("stride").is_some() {
        opts.stride = a.ints("stride")?;
    }
    match a.get("padding") {
        Some(Value::Str(s)) => opts.padding = s.as_ref().into(),
        Some(_) => opts.padding = a.ints("padding")?.into(),
        None => {}
    }
    if a.get("dilation").is_some() {
        opts.dilation = a.ints("dilation")?;
    }
    let transposed = class.starts_with("ConvTranspose");
    if transposed && a.get("output_padding").is_some() {
        opts.output_padding = a.ints("output_padding")?;
    }
    opts.groups = a.int("groups", 1)?;
    opts.bias = a.boolean("bias", true)?;
    opts.padding_mode = a.string("padding_mode", "zeros")?;
    let k = a.ints("kernel_size")?;
    let (i, o) = (a.int("in_channels", 0)?, a.int("out_channels", 0)?);
    module(match class {
        "Conv1d" => layers::conv1d(i, o, &k, opts),
        "Conv2d" => layers::conv2d(i, o, &k, opts),
        "Conv3d" => layers::conv3d(i, o, &k, opts),
        "ConvTranspose1d" => layers::conv_transpose1d(i, o, &k, opts),
        _ => layers::conv_transpose2d(i, o, &k, opts),
    })
}

/// `_NormBase`'s keyword arguments over a class's `defaults`.
fn bn_options(a: &Args, defaults: BatchNormOptions) -> Result<BatchNormOptions> {
    let mut o = defaults;
    o.eps = a.float("eps", o.eps)?;
    if a.get("momentum").is_some() {
        o.momentum = a.opt_float("momentum")?;
    }
    o.affine = a.boolean("affine", o.affine)?;
    o.track_running_stats = a.boolean("track_running_stats", o.track_running_stats)?;
    Ok(o)
}

fn variadic_shape(name: &'static str, kind_default: Kind, make: fn(&[i64], (Kind, Device)) -> std::result::Result<Tensor, tch::TchError>) -> Value {
    Function::new(name, FunctionKind::Builtin, move |pos, kw| {
        let mut dtype = kind_default;
        let mut requires_grad = false;
        for (k, v) in kw {
            match (k.as_str(), v) {
                ("dtype", _) => {
                    let a = Args::bind(name, &["dtype"], 0, &[], &vec![(k.clone(), v.clone())])?;
                    dtype = kind_from(&a, kind_default)?;
                }
                ("requires_grad", Value::Bool(b)) => requires_grad = *b,
                _ => return Err(Error::type_error("call::unexpected_keyword", format!("{name}() got an unexpected keyword argument '{k}'"))),
            }
        }
        let shape = shape_of(name, pos)?;
        let t = make(&shape, (dtype, Device::Cpu))?;
        Ok(tv(if requires_grad { t.f_set_requires_grad(true)? } else { t }))
    })
}

/// Builds the table of built-in values for a session.
pub fn builtins(sh: &Weak<Shared>) -> HashMap<String, Value> {
    let mut out = HashMap::new();
    for (name, params, required, body) in TABLE {
        let weak = sh.clone();
        let body = *body;
        let name_s: &'static str = name;
        let params: &'static [&'static str] = params;
        let required = *required;
        out.insert(
            name.to_string(),
            Function::new(*name, FunctionKind::Builtin, move |pos, kw| {
                let a = Args::bind(name_s, params, required, pos, kw)?;
                body(&a, &weak)
            }),
        );
    }
    out.insert("zeros".into(), variadic_shape("zeros", Kind::Float, |s, o| Tensor::f_zeros(s, o)));
    out.insert("ones".into(), variadic_shape("ones", Kind::Float, |s, o| Tensor::f_ones(s, o)));
    out.insert("rand".into(), variadic_shape("rand", Kind::Float, |s, o| Tensor::f_rand(s, o)));
    out.insert("randn".into(), variadic_shape("randn", Kind::Float, |s, o| Tensor::f_randn(s, o)));
    out.insert(
        "Sequential".into(),
        Function::new("Sequential", FunctionKind::Builtin, |pos, kw| {
            if let Some((k, _)) = kw.first() {
                return Err(Error::type_error("call::unexpected_keyword", format!("Sequential() got an unexpected keyword argument '{k}'")));
            }
            let module = |v: &Value| match v {
                Value::Module(m) => Ok(m.clone()),
                other => Err(Error::type_error("nn::sequential_item", format!("{} is not a Module subclass", other.torch_typename()))),
            };
            // torch.nn: one OrderedDict (not a plain dict) names the children by its keys.
            if let [Value::Dict(d)] = pos {
                if d.is_ordered() {
                    let named = d.items().iter().map(|(k, v)| Ok((k.clone(), module(v)?))).collect::<Result<Vec<_>>>()?;
                    return Ok(Value::Module(layers::sequential_named(named)?));
                }
            }
            let mods = pos.iter().map(module).collect::<Result<Vec<_>>>()?;
            Ok(Value::Module(layers::sequential(mods)?))
        }),
    );
    out.insert("ModuleDict".into(), Function::new("ModuleDict", FunctionKind::Builtin, super::containers::module_dict));
    out.insert("ModuleList".into(), Function::new("ModuleList", FunctionKind::Builtin, super::containers::module_list));
    out.insert("ParameterList".into(), Function::new("ParameterList", FunctionKind::Builtin, super::containers::parameter_list));
    out.insert("ParameterDict".into(), Function::new("ParameterDict", FunctionKind::Builtin, super::containers::parameter_dict));
    super::reflect::add(&mut out, sh);
    super::watch::add(&mut out, sh);
    super::functorch::add(&mut out);
    super::modules::make_classes(&mut out);
    super::classes::add_builtins(&mut out);
    let weak = sh.clone();
    out.insert(
        "print".into(),
        Function::new("print", FunctionKind::Builtin, move |pos, kw| {
            let mut sep = " ".to_string();
            let mut end = "\n".to_string();
            for (k, v) in kw {
                match (k.as_str(), v) {
                    ("sep", Value::Str(s)) => sep = s.to_string(),
                    ("end", Value::Str(s)) => end = s.to_string(),
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
    super::pybuiltins::add(&mut out, sh);
    out
}

/// The names a user sees in `help` (sorted).
pub fn names() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = TABLE.iter().map(|(n, ..)| *n).collect();
    v.extend(["zeros", "ones", "rand", "randn", "Sequential", "ModuleDict", "ModuleList", "print"]);
    v.extend(super::reflect::NAMES);
    v.extend(super::classes::NAMES);
    v.extend(super::pybuiltins::NAMES);
    v.retain(|n| is_python_builtin(n));
    v.sort();
    v.dedup();
    v
}

/// The names of CPython 3.11's `builtins` module (`dir(builtins)` without the private ones),
/// sorted: the only bare names a session resolves beside its own variables. Everything else
/// of fcall's (tensor constructors, layers, functional ops) is reached through `torch`, `nn`,
/// `F` and the other modules, as in Python; a Python built-in that fcall does not provide is
/// still a NameError.
pub const PYTHON_BUILTINS: &[&str] = &[
    "ArithmeticError", "AssertionError", "AttributeError", "BaseException", "BaseExceptionGroup", "BlockingIOError", "BrokenPipeError", "BufferError", "BytesWarning", "ChildProcessError",
    "ConnectionAbortedError", "ConnectionError", "ConnectionRefusedError", "ConnectionResetError", "DeprecationWarning", "EOFError", "Ellipsis", "EncodingWarning", "EnvironmentError", "Exception",
    "ExceptionGroup", "False", "FileExistsError", "FileNotFoundError", "FloatingPointError", "FutureWarning", "GeneratorExit", "IOError", "ImportError", "ImportWarning",
    "IndentationError", "IndexError", "InterruptedError", "IsADirectoryError", "KeyError", "KeyboardInterrupt", "LookupError", "MemoryError", "ModuleNotFoundError", "NameError",
    "None", "NotADirectoryError", "NotImplemented", "NotImplementedError", "OSError", "OverflowError", "PendingDeprecationWarning", "PermissionError", "ProcessLookupError", "RecursionError",
    "ReferenceError", "ResourceWarning", "RuntimeError", "RuntimeWarning", "StopAsyncIteration", "StopIteration", "SyntaxError", "SyntaxWarning", "SystemError", "SystemExit",
    "TabError", "TimeoutError", "True", "TypeError", "UnboundLocalError", "UnicodeDecodeError", "UnicodeEncodeError", "UnicodeError", "UnicodeTranslateError", "UnicodeWarning",
    "UserWarning", "ValueError", "Warning", "ZeroDivisionError", "abs", "aiter", "all", "anext", "any", "ascii",
    "bin", "bool", "breakpoint", "bytearray", "bytes", "callable", "chr", "classmethod", "compile", "complex",
    "copyright", "credits", "delattr", "dict", "dir", "divmod", "enumerate", "eval", "exec", "exit",
    "filter", "float", "format", "frozenset", "getattr", "globals", "hasattr", "hash", "help", "hex",
    "id", "input", "int", "isinstance", "issubclass", "iter", "len", "license", "list", "locals",
    "map", "max", "memoryview", "min", "next", "object", "oct", "open", "ord", "pow",
    "print", "property", "quit", "range", "repr", "reversed", "round", "set", "setattr", "slice",
    "sorted", "staticmethod", "str", "sum", "super", "tuple", "type", "vars", "zip",
];

/// Whether `name` is one of Python's built-in names.
pub fn is_python_builtin(name: &str) -> bool {
    PYTHON_BUILTINS.binary_search(&name).is_ok()
}

