//! `torch.nn.modules.pooling`: MaxPool1d/2d, AvgPool1d/2d, AdaptiveAvgPool1d/2d and
//! AdaptiveMaxPool1d/2d. Settings are kept as Python gave them (`MaxPool2d(2)` keeps the int
//! `2`, `AvgPool1d` makes 1-tuples as `_single` does), so `repr` prints what PyTorch prints; the
//! forward expands an int to every spatial dimension as PyTorch's argument parser does.
use super::{input_arg, ints_value, new_builtin, ok_tensor, setting_str};
use crate::error::{Error, Result};
use crate::nn::Module;
use crate::value::{Kwargs, Value};

const PATH: &str = "torch.nn.modules.pooling";

/// An int-or-sequence setting as libtorch's int list: an int repeated `n` times (the
/// `IntArrayRef[n]` parser), a sequence as it is (libtorch checks its length).
fn size_setting(m: &Module, name: &str, n: usize) -> Result<Vec<i64>> {
    match m.getattr(name)? {
        Value::Int(i) => Ok(vec![i; n]),
        Value::Bool(b) => Ok(vec![b as i64; n]),
        Value::Tuple(items) | Value::List(items) | Value::Size(items) => items
            .borrow()
            .iter()
            .map(|v| match v {
                Value::Int(i) => Ok(*i),
                Value::Bool(b) => Ok(*b as i64),
                other => Err(size_type_error(m, name, n, &other.type_name())),
            })
            .collect(),
        other => Err(size_type_error(m, name, n, &other.type_name())),
    }
}

fn size_type_error(m: &Module, name: &str, n: usize, got: &str) -> Error {
    Error::type_error(
        "nn::pool_size_type",
        format!("{}: {name} must be an int or a tuple of {n} ints, not {got}", m.class_name()),
    )
}

/// `_single(v)`: an int becomes a 1-tuple, a sequence a tuple.
fn single(v: Value) -> Value {
    match v {
        Value::Int(i) => ints_value(&[i]),
        Value::List(items) => Value::tuple(items.borrow().clone()),
        other => other,
    }
}

/// The outputs of a pooling op with `return_indices`: `(output, indices)` or `output`.
fn with_indices(pair: (tch::Tensor, tch::Tensor), return_indices: bool) -> Result<Value> {
    if return_indices {
        let (out, idx) = pair;
        return Ok(Value::tuple(vec![ok_tensor(out)?, ok_tensor(idx)?]));
    }
    ok_tensor(pair.0)
}

// ---- MaxPool ----

/// `nn.MaxPool1d` / `nn.MaxPool2d(kernel_size, stride=None, padding=0, dilation=1,
/// return_indices=False, ceil_mode=False)`; `n` is 1 or 2.
pub fn max_pool(
    n: usize,
    kernel_size: Value,
    stride: Value,
    padding: Value,
    dilation: Value,
    return_indices: bool,
    ceil_mode: bool,
) -> Result<Module> {
    let (class, forward): (&str, super::ForwardFnPtr) =
        if n == 1 { ("MaxPool1d", max_pool1d_forward) } else { ("MaxPool2d", max_pool2d_forward) };
    let m = new_builtin(class, PATH, forward, |m| {
        format!(
            "kernel_size={}, stride={}, padding={}, dilation={}, ceil_mode={}",
            setting_str(m, "kernel_size"),
            setting_str(m, "stride"),
            setting_str(m, "padding"),
            setting_str(m, "dilation"),
            setting_str(m, "ceil_mode")
        )
    });
    let stride = if stride.is_none() { kernel_size.clone() } else { stride };
    m.set_setting("kernel_size", kernel_size);
    m.set_setting("stride", stride);
    m.set_setting("padding", padding);
    m.set_setting("dilation", dilation);
    m.set_setting("return_indices", Value::Bool(return_indices));
    m.set_setting("ceil_mode", Value::Bool(ceil_mode));
    Ok(m)
}

fn max_pool1d_forward(m: &Module, a: &[Value], k: &Kwargs) -> Result<Value> {
    max_pool_forward(m, a, k, 1)
}
fn max_pool2d_forward(m: &Module, a: &[Value], k: &Kwargs) -> Result<Value> {
    max_pool_forward(m, a, k, 2)
}

/// `F.max_pool{n}d(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)`.
fn max_pool_forward(m: &Module, a: &[Value], k: &Kwargs, n: usize) -> Result<Value> {
    let x = input_arg(m, a, k)?;
    let kernel = size_setting(m, "kernel_size", n)?;
    let stride = size_setting(m, "stride", n)?;
    let padding = size_setting(m, "padding", n)?;
    let dilation = size_setting(m, "dilation", n)?;
    let ceil = m.attr_bool("ceil_mode")?;
    let t = x.tensor();
    if m.attr_bool("return_indices")? {
        let pair = if n == 1 {
            t.f_max_pool1d_with_indices(kernel.as_slice(), stride.as_slice(), padding.as_slice(), dilation.as_slice(), ceil)?
        } else {
            t.f_max_pool2d_with_indices(kernel.as_slice(), stride.as_slice(), padding.as_slice(), dilation.as_slice(), ceil)?
        };
        return with_indices(pair, true);
    }
    ok_tensor(if n == 1 {
        t.f_max_pool1d(kernel.as_slice(), stride.as_slice(), padding.as_slice(), dilation.as_slice(), ceil)?
    } else {
        t.f_max_pool2d(kernel.as_slice(), stride.as_slice(), padding.as_slice(), dilation.as_slice(), ceil)?
    })
}

// ---- AvgPool ----

/// `nn.AvgPool1d(kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True)`:
/// the sizes become 1-tuples (`_single`).
pub fn avg_pool1d(kernel_size: Value, stride: Value, padding: Value, ceil_mode: bool, count_include_pad: bool) -> Result<Module> {
    let m = new_builtin("AvgPool1d", PATH, avg_pool1d_forward, avg_pool_repr);
    let stride = if stride.is_none() { kernel_size.clone() } else { stride };
    m.set_setting("kernel_size", single(kernel_size));
    m.set_setting("stride", single(stride));
    m.set_setting("padding", single(padding));
    m.set_setting("ceil_mode", Value::Bool(ceil_mode));
    m.set_setting("count_include_pad", Value::Bool(count_include_pad));
    Ok(m)
}

/// `nn.AvgPool2d(kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
/// divisor_override=None)`: the sizes as given.
pub fn avg_pool2d(
    kernel_size: Value,
    stride: Value,
    padding: Value,
    ceil_mode: bool,
    count_include_pad: bool,
    divisor_override: Option<i64>,
) -> Result<Module> {
    let m = new_builtin("AvgPool2d", PATH, avg_pool2d_forward, avg_pool_repr);
    let stride = if stride.is_none() { kernel_size.clone() } else { stride };
    m.set_setting("kernel_size", kernel_size);
    m.set_setting("stride", stride);
    m.set_setting("padding", padding);
    m.set_setting("ceil_mode", Value::Bool(ceil_mode));
    m.set_setting("count_include_pad", Value::Bool(count_include_pad));
    m.set_setting("divisor_override", divisor_override.map(Value::Int).unwrap_or(Value::None));
    Ok(m)
}

/// `_AvgPoolNd.extra_repr`.
fn avg_pool_repr(m: &Module) -> String {
    format!(
        "kernel_size={}, stride={}, padding={}",
        setting_str(m, "kernel_size"),
        setting_str(m, "stride"),
        setting_str(m, "padding")
    )
}

fn avg_pool1d_forward(m: &Module, a: &[Value], k: &Kwargs) -> Result<Value> {
    let x = input_arg(m, a, k)?;
    let (kernel, stride, padding) = (size_setting(m, "kernel_size", 1)?, size_setting(m, "stride", 1)?, size_setting(m, "padding", 1)?);
    let (ceil, count) = (m.attr_bool("ceil_mode")?, m.attr_bool("count_include_pad")?);
    ok_tensor(x.tensor().f_avg_pool1d(kernel.as_slice(), stride.as_slice(), padding.as_slice(), ceil, count)?)
}

fn avg_pool2d_forward(m: &Module, a: &[Value], k: &Kwargs) -> Result<Value> {
    let x = input_arg(m, a, k)?;
    let (kernel, stride, padding) = (size_setting(m, "kernel_size", 2)?, size_setting(m, "stride", 2)?, size_setting(m, "padding", 2)?);
    let (ceil, count) = (m.attr_bool("ceil_mode")?, m.attr_bool("count_include_pad")?);
    let divisor = match m.getattr("divisor_override")? {
        Value::None => None,
        _ => Some(m.attr_i64("divisor_override")?),
    };
    ok_tensor(x.tensor().f_avg_pool2d(kernel.as_slice(), stride.as_slice(), padding.as_slice(), ceil, count, divisor)?)
}

// ---- Adaptive pools ----

/// `nn.AdaptiveAvgPool1d/2d(output_size)` and `nn.AdaptiveMaxPool1d/2d(output_size,
/// return_indices=False)`: `max` picks the family, `n` the dimensions.
pub fn adaptive_pool(max: bool, n: usize, output_size: Value, return_indices: bool) -> Result<Module> {
    let (class, forward): (&str, super::ForwardFnPtr) = match (max, n) {
        (false, 1) => ("AdaptiveAvgPool1d", adaptive_avg1d_forward),
        (false, _) => ("AdaptiveAvgPool2d", adaptive_avg2d_forward),
        (true, 1) => ("AdaptiveMaxPool1d", adaptive_max1d_forward),
        (true, _) => ("AdaptiveMaxPool2d", adaptive_max2d_forward),
    };
    let m = new_builtin(class, PATH, forward, |m| format!("output_size={}", setting_str(m, "output_size")));
    m.set_setting("output_size", output_size);
    if max {
        m.set_setting("return_indices", Value::Bool(return_indices));
    }
    Ok(m)
}

/// `_list_with_default(output_size, input.size())` of the 2-d adaptive pools: a `None` entry
/// keeps the input's size there. The 1-d pools pass the setting as it is.
fn output_size(m: &Module, shape: &[i64], n: usize) -> Result<Vec<i64>> {
    let items = match m.getattr("output_size")? {
        Value::Tuple(items) | Value::List(items) | Value::Size(items) => items.borrow().clone(),
        _ => return size_setting(m, "output_size", n),
    };
    if n == 1 {
        return size_setting(m, "output_size", n);
    }
    if shape.len() <= items.len() {
        return Err(Error::value("nn::adaptive_pool_dim", format!("Input dimension should be at least {}", items.len() + 1)));
    }
    let defaults = &shape[shape.len() - items.len()..];
    items
        .iter()
        .zip(defaults)
        .map(|(v, d)| match v {
            Value::None => Ok(*d),
            Value::Int(i) => Ok(*i),
            other => Err(size_type_error(m, "output_size", n, &other.type_name())),
        })
        .collect()
}

fn adaptive_avg1d_forward(m: &Module, a: &[Value], k: &Kwargs) -> Result<Value> {
    let x = input_arg(m, a, k)?;
    ok_tensor(x.tensor().f_adaptive_avg_pool1d(output_size(m, &x.shape(), 1)?.as_slice())?)
}
fn adaptive_avg2d_forward(m: &Module, a: &[Value], k: &Kwargs) -> Result<Value> {
    let x = input_arg(m, a, k)?;
    ok_tensor(x.tensor().f_adaptive_avg_pool2d(output_size(m, &x.shape(), 2)?.as_slice())?)
}
fn adaptive_max1d_forward(m: &Module, a: &[Value], k: &Kwargs) -> Result<Value> {
    let x = input_arg(m, a, k)?;
    let pair = x.tensor().f_adaptive_max_pool1d(output_size(m, &x.shape(), 1)?.as_slice())?;
    with_indices(pair, m.attr_bool("return_indices")?)
}
fn adaptive_max2d_forward(m: &Module, a: &[Value], k: &Kwargs) -> Result<Value> {
    let x = input_arg(m, a, k)?;
    let pair = x.tensor().f_adaptive_max_pool2d(output_size(m, &x.shape(), 2)?.as_slice())?;
    with_indices(pair, m.attr_bool("return_indices")?)
}
