//! `nn.Conv1d/2d/3d` and `nn.ConvTranspose1d/2d` (`_ConvNd` / `_ConvTransposeNd`): weight
//! `(out, in / groups, *kernel_size)` (transposed: `(in, out / groups, *kernel_size)`), optional
//! bias, Kaiming-uniform init like `_ConvNd.reset_parameters` (fan_in from the weight's shape),
//! `_conv_forward` with `padding_mode` (`zeros` through the convolution, the others through
//! `F.pad`), and the transposed forward's `output_size` (`_output_padding`).
use super::{
    attr_ints, attr_is_not_none, fan_in_bound, input_arg, ints_value, kaiming_uniform_bound, new_builtin, ok_tensor,
    setting_str, slot, uniform_parameter,
};
use crate::error::{Error, Result};
use crate::nn::Module;
use crate::tensor::TensorRef;
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
    /// ConvTranspose's `output_padding` (ignored by Conv1d/2d/3d, whose `output_padding` is 0).
    pub output_padding: Vec<i64>,
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
            output_padding: vec![0],
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

/// `nn.Conv3d(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True, padding_mode='zeros')`.
pub fn conv3d(in_channels: i64, out_channels: i64, kernel_size: &[i64], opts: ConvOptions) -> Result<Module> {
    conv_nd("Conv3d", 3, in_channels, out_channels, kernel_size, opts)
}

/// `nn.ConvTranspose1d(in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True, dilation=1, padding_mode='zeros')`.
pub fn conv_transpose1d(in_channels: i64, out_channels: i64, kernel_size: &[i64], opts: ConvOptions) -> Result<Module> {
    conv_nd("ConvTranspose1d", 1, in_channels, out_channels, kernel_size, opts)
}

/// `nn.ConvTranspose2d(in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True, dilation=1, padding_mode='zeros')`.
pub fn conv_transpose2d(in_channels: i64, out_channels: i64, kernel_size: &[i64], opts: ConvOptions) -> Result<Module> {
    conv_nd("ConvTranspose2d", 2, in_channels, out_channels, kernel_size, opts)
}

/// The forward of each class.
const FORWARDS: &[(&str, super::ForwardFnPtr)] = &[
    ("Conv1d", conv1d_forward),
    ("Conv2d", conv2d_forward),
    ("Conv3d", conv3d_forward),
    ("ConvTranspose1d", conv_transpose1d_forward),
    ("ConvTranspose2d", conv_transpose2d_forward),
];

fn conv_nd(class: &str, n: usize, in_channels: i64, out_channels: i64, kernel_size: &[i64], opts: ConvOptions) -> Result<Module> {
    let transposed = class.starts_with("ConvTranspose");
    // _ConvTransposeNd.__init__ checks this before _ConvNd.__init__'s checks.
    if transposed && opts.padding_mode != "zeros" {
        return Err(Error::value("nn::conv_padding_mode", format!("Only \"zeros\" padding mode is supported for {class}")));
    }
    if transposed && matches!(opts.padding, ConvPadding::Str(_)) {
        return Err(Error::type_error("nn::conv_padding", format!("{class}: padding must be an int or a tuple of ints")));
    }
    let output_padding = if transposed { ntuple(&opts.output_padding, n) } else { vec![0; n] };
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

    let forward = FORWARDS.iter().find(|(c, _)| *c == class).map(|(_, f)| *f).unwrap_or(conv1d_forward);
    let m = new_builtin(class, PATH, forward, conv_repr);
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
    m.set_setting("transposed", Value::Bool(transposed));
    m.set_setting("output_padding", ints_value(&output_padding));
    m.set_setting("groups", Value::Int(groups));
    m.set_setting("padding_mode", Value::str(&opts.padding_mode));
    m.set_setting("_reversed_padding_repeated_twice", reversed);

    let mut shape = if transposed { vec![in_channels, out_channels / groups] } else { vec![out_channels, in_channels / groups] };
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
fn conv3d_forward(m: &Module, args: &[Value], kwargs: &Kwargs) -> Result<Value> {
    conv_forward(m, args, kwargs, 3)
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
        let out = match n {
            1 => input.f_conv1d(w.tensor(), b, stride.as_slice(), padding.as_slice(), dilation.as_slice(), groups)?,
            2 => input.f_conv2d(w.tensor(), b, stride.as_slice(), padding.as_slice(), dilation.as_slice(), groups)?,
            _ => input.f_conv3d(w.tensor(), b, stride.as_slice(), padding.as_slice(), dilation.as_slice(), groups)?,
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
            let x = x.tensor();
            let out = match n {
                1 => x.f_conv1d_padding(w.tensor(), b, stride.as_slice(), &s, dilation.as_slice(), groups)?,
                2 => x.f_conv2d_padding(w.tensor(), b, stride.as_slice(), &s, dilation.as_slice(), groups)?,
                _ => x.f_conv3d_padding(w.tensor(), b, stride.as_slice(), &s, dilation.as_slice(), groups)?,
            };
            ok_tensor(out)
        }
        _ => conv(x.tensor(), attr_ints(m, "padding")?),
    }
}

fn conv_transpose1d_forward(m: &Module, args: &[Value], kwargs: &Kwargs) -> Result<Value> {
    conv_transpose_forward(m, args, kwargs, 1)
}
fn conv_transpose2d_forward(m: &Module, args: &[Value], kwargs: &Kwargs) -> Result<Value> {
    conv_transpose_forward(m, args, kwargs, 2)
}

/// `forward(input, output_size=None)` of ConvTranspose1d/2d, with Python's argument errors.
fn transpose_args(m: &Module, args: &[Value], kwargs: &Kwargs) -> Result<(TensorRef, Value)> {
    let mut a = super::forward_args(m, args, kwargs, &["input", "output_size"], 1)?.into_iter();
    let x = super::tensor_value(m, "input", a.next().flatten().unwrap_or(Value::None))?;
    Ok((x, a.next().flatten().unwrap_or(Value::None)))
}

/// `_ConvTransposeNd._output_padding`: `self.output_padding`, or what `output_size` asks for.
fn output_padding(m: &Module, x: &TensorRef, output_size: &Value, n: usize) -> Result<Vec<i64>> {
    if output_size.is_none() {
        return attr_ints(m, "output_padding");
    }
    let (stride, padding, kernel, dilation) =
        (attr_ints(m, "stride")?, attr_ints(m, "padding")?, attr_ints(m, "kernel_size")?, attr_ints(m, "dilation")?);
    let shape = x.shape();
    let non_spatial = if shape.len() == n + 2 { 2 } else { 1 };
    let mut requested = match output_size {
        Value::List(v) | Value::Tuple(v) | Value::Size(v) => v.borrow().clone(),
        other => {
            return Err(Error::type_error("nn::conv_output_size", format!("output_size must be a list of ints, not {}", other.type_name())))
        }
    };
    let mut shown = output_size.clone();
    if requested.len() == non_spatial + n {
        requested.drain(..non_spatial);
        shown = match output_size {
            Value::Tuple(_) => Value::tuple(requested.clone()),
            Value::Size(_) => Value::Size(crate::value::Seq::new(requested.clone())),
            _ => Value::list(requested.clone()),
        };
    }
    if requested.len() != n {
        return Err(Error::value(
            "nn::conv_output_size",
            format!(
                "ConvTranspose{n}D: for {}D input, output_size must have {n} or {} elements (got {})",
                shape.len(),
                non_spatial + n,
                requested.len()
            ),
        ));
    }
    let requested = requested
        .iter()
        .map(|v| match v {
            Value::Int(i) => Ok(*i),
            other => Err(Error::type_error("nn::conv_output_size", format!("output_size must hold ints, not {}", other.type_name()))),
        })
        .collect::<Result<Vec<i64>>>()?;
    let pick = |v: &[i64], d: usize| if v.len() == 1 { v[0] } else { v[d] };
    let min_sizes: Vec<i64> = (0..n)
        .map(|d| (shape[d + non_spatial] - 1) * pick(&stride, d) - 2 * pick(&padding, d) + pick(&dilation, d) * (pick(&kernel, d) - 1) + 1)
        .collect();
    let max_sizes: Vec<i64> = (0..n).map(|d| min_sizes[d] + pick(&stride, d) - 1).collect();
    if requested.iter().zip(min_sizes.iter().zip(&max_sizes)).any(|(s, (lo, hi))| s < lo || s > hi) {
        let list = |v: &[i64]| format!("[{}]", v.iter().map(i64::to_string).collect::<Vec<_>>().join(", "));
        return Err(Error::value(
            "nn::conv_output_size",
            format!(
                "requested an output size of {}, but valid sizes range from {} to {} (for an input of {})",
                shown.py_str(),
                list(&min_sizes),
                list(&max_sizes),
                super::torch_size(shape.get(2..).unwrap_or(&[]))
            ),
        ));
    }
    Ok(requested.iter().zip(&min_sizes).map(|(s, lo)| s - lo).collect())
}

/// `ConvTranspose{1,2}d.forward`: `F.conv_transpose{n}d(input, self.weight, self.bias,
/// self.stride, self.padding, output_padding, self.groups, self.dilation)`.
fn conv_transpose_forward(m: &Module, args: &[Value], kwargs: &Kwargs, n: usize) -> Result<Value> {
    let (x, output_size) = transpose_args(m, args, kwargs)?;
    if !matches!(m.getattr("padding_mode")?, Value::Str(s) if &*s == "zeros") {
        return Err(Error::value("nn::conv_padding_mode", format!("Only `zeros` padding mode is supported for ConvTranspose{n}d")));
    }
    let out_pad = output_padding(m, &x, &output_size, n)?;
    let w = slot(m, "weight")?;
    let b = m.tensor_attr("bias")?;
    let b = b.as_ref().map(|b| b.tensor());
    let (stride, padding, dilation) = (attr_ints(m, "stride")?, attr_ints(m, "padding")?, attr_ints(m, "dilation")?);
    let groups = m.attr_i64("groups")?;
    let t = x.tensor();
    ok_tensor(if n == 1 {
        t.f_conv_transpose1d(w.tensor(), b, stride.as_slice(), padding.as_slice(), out_pad.as_slice(), groups, dilation.as_slice())?
    } else {
        t.f_conv_transpose2d(w.tensor(), b, stride.as_slice(), padding.as_slice(), out_pad.as_slice(), groups, dilation.as_slice())?
    })
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
