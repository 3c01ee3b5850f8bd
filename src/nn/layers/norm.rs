//! `nn.BatchNorm1d`, `nn.BatchNorm2d` (`_NormBase` / `_BatchNorm`) and `nn.LayerNorm`, with
//! their parameters, buffers (registered in PyTorch's order), init and forward.
use tch::{Kind, Tensor};

use super::{
    attr_ints, attr_is_not_none, filled_parameter, input_arg, ints_value, new_builtin, ok_tensor, py_bool, setting_str,
    torch_size,
};
use crate::error::{Error, Result};
use crate::nn::Module;
use crate::tensor::TensorRef;
use crate::value::{Kwargs, Value};

const BATCHNORM: &str = "torch.nn.modules.batchnorm";
const NORMALIZATION: &str = "torch.nn.modules.normalization";

/// The keyword arguments of `nn.BatchNorm1d` / `nn.BatchNorm2d` after `num_features`.
#[derive(Clone, Debug, PartialEq)]
pub struct BatchNormOptions {
    pub eps: f64,
    /// `None`: cumulative moving average (`1 / num_batches_tracked`).
    pub momentum: Option<f64>,
    pub affine: bool,
    pub track_running_stats: bool,
    /// The keyword-only `bias=True` (PyTorch 2.13): with `affine`, whether there is a bias.
    pub bias: bool,
}

impl Default for BatchNormOptions {
    /// PyTorch's defaults: `eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, bias=True`.
    fn default() -> BatchNormOptions {
        BatchNormOptions { eps: 1e-5, momentum: Some(0.1), affine: true, track_running_stats: true, bias: true }
    }
}

/// `nn.BatchNorm1d(num_features, ...)`: input `(N, C)` or `(N, C, L)`.
pub fn batch_norm1d(num_features: i64, opts: BatchNormOptions) -> Result<Module> {
    batch_norm("BatchNorm1d", batch_norm1d_forward, num_features, opts)
}

/// `nn.BatchNorm2d(num_features, ...)`: input `(N, C, H, W)`.
pub fn batch_norm2d(num_features: i64, opts: BatchNormOptions) -> Result<Module> {
    batch_norm("BatchNorm2d", batch_norm2d_forward, num_features, opts)
}

/// An optional slot's libtorch tensor.
fn t(o: &Option<TensorRef>) -> Option<&Tensor> {
    o.as_ref().map(|t| t.tensor())
}

fn plain(t: Tensor) -> Option<TensorRef> {
    Some(TensorRef::new(t))
}

/// `_NormBase.__init__` followed by `reset_parameters` (ones / zeros, no RNG).
fn batch_norm(
    class: &str,
    forward: fn(&Module, &[Value], &Kwargs) -> Result<Value>,
    num_features: i64,
    opts: BatchNormOptions,
) -> Result<Module> {
    let m = new_builtin(class, BATCHNORM, forward, batch_norm_repr);
    m.set_setting("num_features", Value::Int(num_features));
    m.set_setting("eps", Value::Float(opts.eps));
    m.set_setting("momentum", opts.momentum.map(Value::Float).unwrap_or(Value::None));
    m.set_setting("affine", Value::Bool(opts.affine));
    m.set_setting("track_running_stats", Value::Bool(opts.track_running_stats));
    if opts.affine {
        m.register_parameter("weight", Some(filled_parameter(&[num_features], 1.0)?))?;
        let b = if opts.bias { Some(filled_parameter(&[num_features], 0.0)?) } else { None };
        m.register_parameter("bias", b)?;
    } else {
        m.register_parameter("weight", None)?;
        m.register_parameter("bias", None)?;
    }
    let cpu = tch::Device::Cpu;
    if opts.track_running_stats {
        m.register_buffer("running_mean", plain(Tensor::f_zeros([num_features], (Kind::Float, cpu))?), true)?;
        m.register_buffer("running_var", plain(Tensor::f_ones([num_features], (Kind::Float, cpu))?), true)?;
        m.register_buffer("num_batches_tracked", plain(Tensor::f_zeros([] as [i64; 0], (Kind::Int64, cpu))?), true)?;
    } else {
        m.register_buffer("running_mean", None, true)?;
        m.register_buffer("running_var", None, true)?;
        m.register_buffer("num_batches_tracked", None, true)?;
    }
    Ok(m)
}

fn check_dim(x: &TensorRef, allowed: &[usize], what: &str) -> Result<()> {
    let d = x.tensor().dim();
    if allowed.contains(&d) {
        Ok(())
    } else {
        Err(Error::value("nn::batch_norm_input_dim", format!("expected {what} input (got {d}D input)")))
    }
}

fn batch_norm1d_forward(m: &Module, args: &[Value], kwargs: &Kwargs) -> Result<Value> {
    let x = input_arg(m, args, kwargs)?;
    check_dim(&x, &[2, 3], "2D or 3D")?;
    batch_norm_forward(m, &x)
}

fn batch_norm2d_forward(m: &Module, args: &[Value], kwargs: &Kwargs) -> Result<Value> {
    let x = input_arg(m, args, kwargs)?;
    check_dim(&x, &[4], "4D")?;
    batch_norm_forward(m, &x)
}

/// `self.momentum`: None or a number.
fn momentum(m: &Module) -> Result<Option<f64>> {
    match m.getattr("momentum")? {
        Value::None => Ok(None),
        _ => m.attr_f64("momentum").map(Some),
    }
}

/// Python's `float(t)`: a ValueError unless `t` has exactly one element.
fn py_float(t: &TensorRef) -> Result<f64> {
    if t.numel() != 1 {
        return Err(Error::value("nn::tensor_to_float", "only one element tensors can be converted to Python scalars"));
    }
    Ok(t.tensor().f_double_value(&[])?)
}

/// `_BatchNorm.forward` after `_check_input_dim`, step for step.
fn batch_norm_forward(m: &Module, x: &TensorRef) -> Result<Value> {
    let momentum = momentum(m)?;
    let mut factor = momentum.unwrap_or(0.0);
    let training = m.training();
    let track = m.attr_bool("track_running_stats")?;
    if training && track {
        if let Some(nbt) = m.tensor_attr("num_batches_tracked")? {
            // `self.num_batches_tracked.add_(1)`: in place on whatever tensor is in the slot.
            let _ = nbt.handle().f_add_(&crate::tensor::from_values(&[1i64], &[])?)?;
            factor = match momentum {
                None => 1.0 / py_float(&nbt)?,
                Some(mo) => mo,
            };
        }
    }
    let (running_mean, running_var) = if !training || track {
        (m.tensor_attr("running_mean")?, m.tensor_attr("running_var")?)
    } else {
        (None, None)
    };
    let bn_training = training || (running_mean.is_none() && running_var.is_none());
    let weight = m.tensor_attr("weight")?;
    let bias = m.tensor_attr("bias")?;
    let eps = m.attr_f64("eps")?;
    // F.batch_norm's own checks.
    if bn_training {
        let size = x.shape();
        let prod: i64 = size.first().copied().unwrap_or(1) * size.iter().skip(2).product::<i64>();
        if prod == 1 {
            return Err(Error::value(
                "nn::batch_norm_batch_size",
                format!("Expected more than 1 value per channel when training, got input size {}", torch_size(&size)),
            ));
        }
    }
    if bn_training && eps <= 0.0 {
        return Err(Error::value(
            "nn::batch_norm_eps",
            format!("batch_norm eps must be positive during training, but got {}", setting_str(m, "eps")),
        ));
    } else if eps < 0.0 {
        return Err(Error::value(
            "nn::batch_norm_eps",
            format!("batch_norm eps must be non-negative, but got {}", setting_str(m, "eps")),
        ));
    }
    ok_tensor(x.tensor().f_batch_norm(
        t(&weight),
        t(&bias),
        t(&running_mean),
        t(&running_var),
        bn_training,
        factor,
        eps,
        true,
    )?)
}

/// `_NormBase.extra_repr`.
fn batch_norm_repr(m: &Module) -> String {
    format!(
        "{}, eps={}, momentum={}, affine={}, bias={}, track_running_stats={}",
        setting_str(m, "num_features"),
        setting_str(m, "eps"),
        setting_str(m, "momentum"),
        setting_str(m, "affine"),
        py_bool(attr_is_not_none(m, "bias")),
        setting_str(m, "track_running_stats")
    )
}

/// `nn.LayerNorm(normalized_shape, eps=1e-5, elementwise_affine=True, bias=True)`.
pub fn layer_norm(normalized_shape: &[i64], eps: f64, elementwise_affine: bool, bias: bool) -> Result<Module> {
    let m = new_builtin("LayerNorm", NORMALIZATION, layer_norm_forward, layer_norm_repr);
    m.set_setting("normalized_shape", ints_value(normalized_shape));
    m.set_setting("eps", Value::Float(eps));
    m.set_setting("elementwise_affine", Value::Bool(elementwise_affine));
    if elementwise_affine {
        m.register_parameter("weight", Some(filled_parameter(normalized_shape, 1.0)?))?;
        let b = if bias { Some(filled_parameter(normalized_shape, 0.0)?) } else { None };
        m.register_parameter("bias", b)?;
    } else {
        m.register_parameter("weight", None)?;
        m.register_parameter("bias", None)?;
    }
    Ok(m)
}

fn layer_norm_forward(m: &Module, args: &[Value], kwargs: &Kwargs) -> Result<Value> {
    let x = input_arg(m, args, kwargs)?;
    let shape = attr_ints(m, "normalized_shape")?;
    let weight = m.tensor_attr("weight")?;
    let bias = m.tensor_attr("bias")?;
    let eps = m.attr_f64("eps")?;
    ok_tensor(x.tensor().f_layer_norm(shape.as_slice(), t(&weight), t(&bias), eps, true)?)
}

/// `LayerNorm.extra_repr`.
fn layer_norm_repr(m: &Module) -> String {
    format!(
        "{}, eps={}, elementwise_affine={}, bias={}",
        setting_str(m, "normalized_shape"),
        setting_str(m, "eps"),
        setting_str(m, "elementwise_affine"),
        py_bool(attr_is_not_none(m, "bias"))
    )
}
