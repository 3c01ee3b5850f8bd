//! `nn.Conv1d` and `nn.Conv2d` (`_ConvNd`): weight `(out, in / groups, *kernel_size)`, optional
//! bias, Kaiming-uniform init like `_ConvNd.reset_parameters`, and `_conv_forward` with
//! `padding_mode` (`zeros` through the convolution, the others through `F.pad`).
use super::{
    attr_ints, attr_is_not_none, fan_in_bound, input_arg, ints_value, kaiming_uniform_bound, new_builtin, ok_tensor,
    setting_str, slot, uniform_parameter,
};
use crate::error::{Error, Result};
use crate::nn::Module;
use crate::value::{Kwargs, Value};

const PATH: &str = "torch.nn.modules.conv";

/// `padding=`: ints (one int is used for every spatial dimension, as `_single`/`_pair` do) or
/// one of the strings `"same"` / `"valid"`.
#[derive(Clone, Debug, PartialEq)]
pub enum ConvPadding {
    Ints(Vec<i64>),
    Str(String),
}

impl ConvPadding {
    pub fn same() -> ConvPadding {
        ConvPadding::Str("same".into())
    }
    pub fn valid() -> ConvPadding {
        ConvPadding::Str("valid".into())
    }
}

impl From<i64> for ConvPadding {
    fn from(p: i64) -> ConvPadding {
        ConvPadding::Ints(vec![p])
    }
}
impl From<Vec<i64>> for ConvPadding {
    fn from(p: Vec<i64>) -> ConvPadding {
        ConvPadding::Ints(p)
    }
}
impl From<&[i64]> for ConvPadding {
    fn from(p: &[i64]) -> ConvPadding {
        ConvPadding::Ints(p.to_vec())
    }
}
impl From<&str> for ConvPadding {
    fn from(p: &str) -> ConvPadding {
        ConvPadding::Str(p.to_string())
    }
}

/// The keyword arguments of `nn.Conv1d` / `nn.Conv2d` after `kernel_size`. A one-element
/// `stride`/`dilation`/`padding` stands for a Python int (repeated for every dimension).
#[derive(Clone, Debug, PartialEq)]
pub struct ConvOptions {
    pub stride: Vec<i64>,
    pub padding: ConvPadding,
    pub dilation: Vec<i64>,
    pub groups: i64,
    pub bias: bool,
    /// `"zeros"`, `"reflect"`, `"replicate"` or `"circular"`.
    pub padding_mode: String,
}

impl Default for ConvOptions {
    /// PyTorch's defaults: `stride=1, padding=0, dilation=1, groups=1, bias=True, padding_mode='zeros'`.
    fn default() -> ConvOptions {
        ConvOptions {
            stride: vec![1],
            padding: ConvPadding::Ints(vec![0]),
            dilation: vec![1],
            groups: 1,
            bias: true,
            padding_mode: "zeros".into(),
        }
    }
}

/// `_single` / `_pair`: an int (here a one-element list) repeated `n` times; a sequence as it is.
fn ntuple(v: &[i64], n: usize) -> Vec<i64> {
    if v.len() == 1 {
        vec![v[0]; n]
    } else {
        v.to_vec()
    }
}

/// `nn.Conv1d(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True, padding_mode='zeros')`.
pub fn conv1d(in_channels: i64, out_channels: i64, kernel_size: &[i64], opts: ConvOptions) -> Result<Module> {
    conv_nd("Conv1d", 1, in_channels, out_channels, kernel_size, opts)
}

/// `nn.Conv2d(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True, padding_mode='zeros')`.
pub fn conv2d(in_channels: i64, out_channels: i64, kernel_size: &[i64], opts: ConvOptions) -> Result<Module> {
    conv_nd("Conv2d", 2, in_channels, out_channels, kernel_size, opts)
}

fn conv_nd(class: &str, n: usize, in_channels: i64, out_channels: i64, kernel_size: &[i64], opts: ConvOptions) -> Result<Module> {
    let kernel_size = ntuple(kernel_size, n);
    let stride = ntuple(&opts.stride, n);
    let dilation = ntuple(&opts.dilation, n);
    let padding = match &opts.padding {
        ConvPadding::Ints(p) => ConvPadding::Ints(ntuple(p, n)),
        s => s.clone(),
    };
    let groups = opts.groups;
    // _ConvNd.__init__'s checks, in its order.
    if groups <= 0 {
        return Err(Error::value("nn::conv_groups", "groups must be a positive integer"));
    }
    if in_channels % groups != 0 {
        return Err(Error::value("nn::conv_groups", "in_channels must be divisible by groups"));
    }
    if out_channels % groups != 0 {
        return Err(Error::value("nn::conv_groups", "out_channels must be divisible by groups"));
    }
    if let ConvPadding::Str(s) = &padding {
        if s != "same" && s != "valid" {
            return Err(Error::value(
                "nn::conv_padding",
                format!("Invalid padding string {}, should be one of {{'same', 'valid'}}", crate::value::py_str_repr(s)),
            ));
        }
        if s == "same" && stride.iter().any(|&s| s != 1) {
            return Err(Error::value("nn::conv_padding", "padding='same' is not supported for strided convolutions"));
        }
    }
    if !["zeros", "reflect", "replicate", "circular"].contains(&opts.padding_mode.as_str()) {
        return Err(Error::value(
            "nn::conv_padding_mode",
            format!(
                "padding_mode must be one of {{'zeros', 'reflect', 'replicate', 'circular'}}, but got padding_mode='{}'",
                opts.padding_mode
            ),
        ));
    }
    // A list for string padding, `_reverse_repeat_tuple(padding, 2)` (a tuple) for ints.
    let reversed = match &padding {
        ConvPadding::Str(s) => {
            let mut r = vec![0i64; 2 * kernel_size.len()];
            if s == "same" {
                for (j, (d, k)) in dilation.iter().zip(&kernel_size).enumerate() {
                    let i = kernel_size.len() - 1 - j;
                    let total = d * (k - 1);
                    let left = total.div_euclid(2);
                    r[2 * i] = left;
                    r[2 * i + 1] = total - left;
                }
            }
            Value::list(r.into_iter().map(Value::Int).collect())
        }
        ConvPadding::Ints(p) => ints_value(&p.iter().rev().flat_map(|&x| [x, x]).collect::<Vec<_>>()),
    };

    let m = new_builtin(class, PATH, if n == 1 { conv1d_forward } else { conv2d_forward }, conv_repr);
    m.set_setting("in_channels", Value::Int(in_channels));
    m.set_setting("out_channels", Value::Int(out_channels));
    m.set_setting("kernel_size", ints_value(&kernel_size));
    m.set_setting("stride", ints_value(&stride));
    m.set_setting(
        "padding",
        match &padding {
            ConvPadding::Ints(p) => ints_value(p),
            ConvPadding::Str(s) => Value::str(s),
        },
    );
    m.set_setting("dilation", ints_value(&dilation));
    m.set_setting("transposed", Value::Bool(false));
    m.set_setting("output_padding", ints_value(&vec![0; n]));
    m.set_setting("groups", Value::Int(groups));
    m.set_setting("padding_mode", Value::str(&opts.padding_mode));
    m.set_setting("_reversed_padding_repeated_twice", reversed);

    let mut shape = vec![out_channels, in_channels / groups];
    shape.extend_from_slice(&kernel_size);
    // init._calculate_fan_in_and_fan_out: size(1) * prod(size()[2:]).
    let fan_in = shape[1..].iter().product::<i64>();
    m.register_parameter("weight", Some(uniform_parameter(&shape, kaiming_uniform_bound(fan_in))?))?;
    let b = if opts.bias { Some(uniform_parameter(&[out_channels], fan_in_bound(fan_in))?) } else { None };
    m.register_parameter("bias", b)?;
    Ok(m)
}

fn conv1d_forward(m: &Module, args: &[Value], kwargs: &Kwargs) -> Result<Value> {
    conv_forward(m, args, kwargs, 1)
}
fn conv2d_forward(m: &Module, args: &[Value], kwargs: &Kwargs) -> Result<Value> {
    conv_forward(m, args, kwargs, 2)
}

/// `_conv_forward(input, self.weight, self.bias)`.
fn conv_forward(m: &Module, args: &[Value], kwargs: &Kwargs, n: usize) -> Result<Value> {
    let x = input_arg(m, args, kwargs)?;
    let w = slot(m, "weight")?;
    let b = m.tensor_attr("bias")?;
    let b = b.as_ref().map(|b| b.tensor());
    let stride = attr_ints(m, "stride")?;
    let dilation = attr_ints(m, "dilation")?;
    let groups = m.attr_i64("groups")?;
    let mode = match m.getattr("padding_mode")? {
        Value::Str(s) => s.to_string(),
        other => other.py_str(),
    };
    let conv = |input: &tch::Tensor, padding: Vec<i64>| -> Result<Value> {
        let out = if n == 1 {
            input.f_conv1d(w.tensor(), b, stride.as_slice(), padding.as_slice(), dilation.as_slice(), groups)?
        } else {
            input.f_conv2d(w.tensor(), b, stride.as_slice(), padding.as_slice(), dilation.as_slice(), groups)?
        };
        ok_tensor(out)
    };
    if mode != "zeros" {
        let pad = attr_ints(m, "_reversed_padding_repeated_twice")?;
        let padded = x.tensor().f_pad(pad.as_slice(), &mode, None)?;
        return conv(&padded, vec![0; n]);
    }
    match m.getattr("padding")? {
        Value::Str(s) => {
            let out = if n == 1 {
                x.tensor().f_conv1d_padding(w.tensor(), b, stride.as_slice(), &s, dilation.as_slice(), groups)?
            } else {
                x.tensor().f_conv2d_padding(w.tensor(), b, stride.as_slice(), &s, dilation.as_slice(), groups)?
            };
            ok_tensor(out)
        }
        _ => conv(x.tensor(), attr_ints(m, "padding")?),
    }
}

/// Whether a tuple setting differs from `(v,) * len(setting)` (a string or list always does).
fn differs_from(m: &Module, name: &str, v: i64) -> bool {
    match m.getattr(name) {
        Ok(Value::Tuple(items)) => items.borrow().iter().any(|x| !matches!(x, Value::Int(i) if *i == v)),
        _ => true,
    }
}

/// `_ConvNd.extra_repr`.
fn conv_repr(m: &Module) -> String {
    let mut s = format!(
        "{}, {}, kernel_size={}, stride={}",
        setting_str(m, "in_channels"),
        setting_str(m, "out_channels"),
        setting_str(m, "kernel_size"),
        setting_str(m, "stride")
    );
    if differs_from(m, "padding", 0) {
        s += &format!(", padding={}", setting_str(m, "padding"));
    }
    if differs_from(m, "dilation", 1) {
        s += &format!(", dilation={}", setting_str(m, "dilation"));
    }
    if differs_from(m, "output_padding", 0) {
        s += &format!(", output_padding={}", setting_str(m, "output_padding"));
    }
    if !matches!(m.getattr("groups"), Ok(Value::Int(1))) {
        s += &format!(", groups={}", setting_str(m, "groups"));
    }
    if !attr_is_not_none(m, "bias") {
        s += ", bias=False";
    }
    if !matches!(m.getattr("padding_mode"), Ok(Value::Str(p)) if &*p == "zeros") {
        s += &format!(", padding_mode={}", setting_str(m, "padding_mode"));
    }
    s
}
