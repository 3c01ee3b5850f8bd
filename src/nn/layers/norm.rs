//! `nn.BatchNorm1d/2d/3d` (`_NormBase` / `_BatchNorm`), `nn.InstanceNorm1d/2d` (`_NormBase` /
//! `_InstanceNorm`), `nn.LayerNorm`, `nn.GroupNorm` and `nn.RMSNorm`, with their parameters,
//! buffers (registered in PyTorch's order), init and forward.
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
const INSTANCENORM: &str = "torch.nn.modules.instancenorm";

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

/// `nn.BatchNorm3d(num_features, ...)`: input `(N, C, D, H, W)`.
pub fn batch_norm3d(num_features: i64, opts: BatchNormOptions) -> Result<Module> {
    batch_norm("BatchNorm3d", batch_norm3d_forward, num_features, opts)
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
    norm_base(class, BATCHNORM, forward, num_features, opts)
}

/// `_NormBase.__init__` for a class defined in `path`.
fn norm_base(
    class: &str,
    path: &'static str,
    forward: fn(&Module, &[Value], &Kwargs) -> Result<Value>,
    num_features: i64,
    opts: BatchNormOptions,
) -> Result<Module> {
    let m = new_builtin(class, path, forward, batch_norm_repr);
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
        // reset_running_stats() writes them in place once: `_version` starts at 1, as in PyTorch.
        let mut mean = Tensor::f_zeros([num_features], (Kind::Float, cpu))?;
        let mut var = Tensor::f_ones([num_features], (Kind::Float, cpu))?;
        let mut count = Tensor::f_zeros([] as [i64; 0], (Kind::Int64, cpu))?;
        let _ = mean.f_zero_()?;
        let _ = var.f_fill_(1.0)?;
        let _ = count.f_zero_()?;
        m.register_buffer("running_mean", plain(mean), true)?;
        m.register_buffer("running_var", plain(var), true)?;
        m.register_buffer("num_batches_tracked", plain(count), true)?;
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

fn batch_norm3d_forward(m: &Module, args: &[Value], kwargs: &Kwargs) -> Result<Value> {
    let x = input_arg(m, args, kwargs)?;
    check_dim(&x, &[5], "5D")?;
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
    if bn_training {
        // batch_norm updates the running statistics in place without a version bump (as in
        // PyTorch): tell a functional call in progress, which cannot see it otherwise.
        for stat in [&running_mean, &running_var].into_iter().flatten() {
            crate::func::watch::unversioned_write(stat, "BatchNorm");
        }
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

/// The keyword arguments of `nn.InstanceNorm1d` / `nn.InstanceNorm2d`: `_InstanceNorm`'s
/// defaults (`affine=False, track_running_stats=False`).
pub fn instance_norm_options() -> BatchNormOptions {
    BatchNormOptions { affine: false, track_running_stats: false, ..BatchNormOptions::default() }
}

/// `nn.InstanceNorm1d(num_features, eps=1e-5, momentum=0.1, affine=False, track_running_stats=False)`.
pub fn instance_norm1d(num_features: i64, opts: BatchNormOptions) -> Result<Module> {
    norm_base("InstanceNorm1d", INSTANCENORM, instance_norm1d_forward, num_features, opts)
}

/// `nn.InstanceNorm2d(num_features, eps=1e-5, momentum=0.1, affine=False, track_running_stats=False)`.
pub fn instance_norm2d(num_features: i64, opts: BatchNormOptions) -> Result<Module> {
    norm_base("InstanceNorm2d", INSTANCENORM, instance_norm2d_forward, num_features, opts)
}

fn instance_norm1d_forward(m: &Module, args: &[Value], kwargs: &Kwargs) -> Result<Value> {
    let x = input_arg(m, args, kwargs)?;
    check_dim(&x, &[2, 3], "2D or 3D")?;
    instance_norm_forward(m, &x, 2)
}

fn instance_norm2d_forward(m: &Module, args: &[Value], kwargs: &Kwargs) -> Result<Value> {
    let x = input_arg(m, args, kwargs)?;
    check_dim(&x, &[3, 4], "3D or 4D")?;
    instance_norm_forward(m, &x, 3)
}

/// `_InstanceNorm.forward` after `_check_input_dim`; `no_batch_dim` is the unbatched rank.
fn instance_norm_forward(m: &Module, x: &TensorRef, no_batch_dim: usize) -> Result<Value> {
    let d = x.tensor().dim();
    let feature_dim = d - no_batch_dim;
    let num_features = m.attr_i64("num_features")?;
    let size = x.shape()[feature_dim];
    // With affine=False PyTorch only warns here.
    if size != num_features && m.attr_bool("affine")? {
        return Err(Error::value(
            "nn::instance_norm_features",
            format!("expected input's size at dim={feature_dim} to match num_features ({num_features}), but got: {size}."),
        ));
    }
    if d == no_batch_dim {
        let batched = x.tensor().f_unsqueeze(0)?;
        return ok_tensor(apply_instance_norm(m, &batched)?.f_squeeze_dim(0)?);
    }
    ok_tensor(apply_instance_norm(m, x.tensor())?)
}

/// `_InstanceNorm._apply_instance_norm`: `F.instance_norm(input, self.running_mean,
/// self.running_var, self.weight, self.bias, self.training or not self.track_running_stats,
/// self.momentum if self.momentum is not None else 0.0, self.eps)`.
fn apply_instance_norm(m: &Module, x: &Tensor) -> Result<Tensor> {
    let use_input_stats = m.training() || !m.attr_bool("track_running_stats")?;
    if use_input_stats {
        // F.instance_norm's `_verify_spatial_size`.
        let size = x.size();
        if size.iter().skip(2).product::<i64>() == 1 {
            return Err(Error::value(
                "nn::instance_norm_spatial",
                format!("Expected more than 1 spatial element when training, got input size {}", torch_size(&size)),
            ));
        }
    }
    let momentum = momentum(m)?.unwrap_or(0.0);
    let (rm, rv) = (m.tensor_attr("running_mean")?, m.tensor_attr("running_var")?);
    let (w, b) = (m.tensor_attr("weight")?, m.tensor_attr("bias")?);
    Ok(x.f_instance_norm(t(&w), t(&b), t(&rm), t(&rv), use_input_stats, momentum, m.attr_f64("eps")?, true)?)
}

/// `nn.GroupNorm(num_groups, num_channels, eps=1e-5, affine=True, *, bias=True)`.
pub fn group_norm(num_groups: i64, num_channels: i64, eps: f64, affine: bool, bias: bool) -> Result<Module> {
    if num_groups == 0 {
        return Err(Error::new(crate::error::ExcType::ZeroDivisionError, "nn::group_norm_groups", "integer modulo by zero"));
    }
    if num_channels.checked_rem(num_groups).unwrap_or(0) != 0 {
        return Err(Error::value(
            "nn::group_norm_groups",
            format!("num_channels ({num_channels}) must be divisible by num_groups ({num_groups})"),
        ));
    }
    let m = new_builtin("GroupNorm", NORMALIZATION, group_norm_forward, |m| {
        format!(
            "{}, {}, eps={}, affine={}, bias={}",
            setting_str(m, "num_groups"),
            setting_str(m, "num_channels"),
            setting_str(m, "eps"),
            setting_str(m, "affine"),
            py_bool(attr_is_not_none(m, "bias"))
        )
    });
    m.set_setting("num_groups", Value::Int(num_groups));
    m.set_setting("num_channels", Value::Int(num_channels));
    m.set_setting("eps", Value::Float(eps));
    m.set_setting("affine", Value::Bool(affine));
    affine_parameters(&m, affine, bias, &[num_channels])?;
    Ok(m)
}

/// `weight` (ones) and `bias` (zeros, unless `bias=False`) when `affine`, else both None.
fn affine_parameters(m: &Module, affine: bool, bias: bool, shape: &[i64]) -> Result<()> {
    if affine {
        m.register_parameter("weight", Some(filled_parameter(shape, 1.0)?))?;
        m.register_parameter("bias", if bias { Some(filled_parameter(shape, 0.0)?) } else { None })
    } else {
        m.register_parameter("weight", None)?;
        m.register_parameter("bias", None)
    }
}

/// `F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)`.
fn group_norm_forward(m: &Module, args: &[Value], kwargs: &Kwargs) -> Result<Value> {
    let x = input_arg(m, args, kwargs)?;
    let groups = m.attr_i64("num_groups")?;
    let size = x.shape();
    if size.len() < 2 {
        return Err(Error::runtime(
            "nn::group_norm_input_dim",
            format!("Expected at least 2 dimensions for input tensor but received {}", size.len()),
        ));
    }
    // `_verify_batch_size([N * C // num_groups, num_groups] + list(input.size()[2:]))`
    if groups == 0 {
        return Err(Error::new(crate::error::ExcType::ZeroDivisionError, "nn::group_norm_groups", "integer division or modulo by zero"));
    }
    let mut grouped = vec![(size[0] * size[1]).div_euclid(groups), groups];
    grouped.extend_from_slice(&size[2..]);
    if grouped[0] * grouped[2..].iter().product::<i64>() == 1 {
        let list: Vec<String> = grouped.iter().map(i64::to_string).collect();
        return Err(Error::value(
            "nn::batch_norm_batch_size",
            format!("Expected more than 1 value per channel when training, got input size [{}]", list.join(", ")),
        ));
    }
    let (w, b) = (m.tensor_attr("weight")?, m.tensor_attr("bias")?);
    ok_tensor(x.tensor().f_group_norm(groups, t(&w), t(&b), m.attr_f64("eps")?, true)?)
}

/// `nn.RMSNorm(normalized_shape, eps=None, elementwise_affine=True)`.
pub fn rms_norm(normalized_shape: &[i64], eps: Option<f64>, elementwise_affine: bool) -> Result<Module> {
    let m = new_builtin("RMSNorm", NORMALIZATION, rms_norm_forward, |m| {
        format!(
            "{}, eps={}, elementwise_affine={}",
            setting_str(m, "normalized_shape"),
            setting_str(m, "eps"),
            setting_str(m, "elementwise_affine")
        )
    });
    m.set_setting("normalized_shape", ints_value(normalized_shape));
    m.set_setting("eps", eps.map(Value::Float).unwrap_or(Value::None));
    m.set_setting("elementwise_affine", Value::Bool(elementwise_affine));
    let w = if elementwise_affine { Some(filled_parameter(normalized_shape, 1.0)?) } else { None };
    m.register_parameter("weight", w)?;
    Ok(m)
}

/// `F.rms_norm(x, self.normalized_shape, self.weight, self.eps)`.
fn rms_norm_forward(m: &Module, args: &[Value], kwargs: &Kwargs) -> Result<Value> {
    let x = input_arg(m, args, kwargs)?;
    let shape = attr_ints(m, "normalized_shape")?;
    let eps = match m.getattr("eps")? {
        Value::None => None,
        _ => Some(m.attr_f64("eps")?),
    };
    let w = m.tensor_attr("weight")?;
    ok_tensor(x.tensor().f_rms_norm(shape.as_slice(), t(&w), eps)?)
}
