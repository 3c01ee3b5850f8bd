//! `torch.nn.utils.parametrizations`: `weight_norm` (`_WeightNorm`: two originals, `g` and `v`)
//! and `spectral_norm` (`_SpectralNorm`: the power-iteration buffers `_u`, `_v`, drawn and
//! iterated as PyTorch does, updated in place in training mode). Registration goes through
//! [`super::parametrize::register_parametrization`].
use std::rc::Rc;

use tch::Tensor;

use super::module::ModuleImpl;
use super::parametrize::{register_parametrization, register_parametrization_with};
use super::Module;
use crate::error::{Error, ExcType, Result};
use crate::tensor::TensorRef;
use crate::value::{Kwargs, Value};

const PATH: &str = "torch.nn.utils.parametrizations";

fn arg(m: &Module, args: &[Value], i: usize, name: &str) -> Result<TensorRef> {
    match args.get(i) {
        Some(Value::Tensor(t)) => Ok(t.clone()),
        Some(other) => Err(Error::type_error("call::argument_type", format!("{}.forward(): {name} must be a Tensor, not {}", m.class_name(), other.type_name()))),
        None => Err(Error::type_error("call::missing_argument", format!("{}.forward() missing 1 required positional argument: '{name}'", m.class_name()))),
    }
}

/// `_WeightNorm(dim)`: `forward(weight_g, weight_v) = torch._weight_norm(weight_v, weight_g, dim)`,
/// `right_inverse(weight) = (norm_except_dim(weight, 2, dim), weight)`.
struct WeightNorm;

impl ModuleImpl for WeightNorm {
    fn type_path(&self) -> &str {
        PATH
    }
    fn forward(&self, m: &Module, args: &[Value], _kwargs: &Kwargs) -> Result<Value> {
        let (g, v) = (arg(m, args, 0, "weight_g")?, arg(m, args, 1, "weight_v")?);
        let dim = m.attr_i64("dim")?;
        Ok(Value::Tensor(TensorRef::new(Tensor::f_internal_weight_norm(v.tensor(), g.tensor(), dim)?)))
    }
    fn right_inverse(&self, m: &Module, value: &Value) -> Option<Result<Value>> {
        Some((|| {
            let Value::Tensor(w) = value else {
                return Err(Error::type_error("call::argument_type", "right_inverse expects a Tensor"));
            };
            let g = Tensor::f_norm_except_dim(w.tensor(), 2, m.attr_i64("dim")?)?;
            Ok(Value::tuple(vec![Value::Tensor(TensorRef::new(g)), Value::Tensor(w.clone())]))
        })())
    }
}

/// `weight_norm(module, name='weight', dim=0)`; `dim=None` is -1.
pub fn weight_norm(module: &Module, name: &str, dim: Option<i64>) -> Result<()> {
    let p = Module::new("_WeightNorm", Rc::new(WeightNorm));
    p.set_setting("dim", Value::Int(dim.unwrap_or(-1)));
    register_parametrization_with(module, name, &p, true)
}

/// `F.normalize(x, dim=0, eps=eps)`: `x / x.norm(2, 0, keepdim=True).clamp_min(eps)`.
fn normalize(x: &Tensor, eps: f64) -> Result<Tensor> {
    let n = x.f_norm_scalaropt_dim(2, [0i64], true)?.f_clamp_min(eps)?.f_expand_as(x)?;
    Ok(x.f_div(&n)?)
}

/// `_SpectralNorm`: `weight / sigma`, sigma from the power method's `_u`, `_v`.
struct SpectralNorm;

/// `_reshape_weight_to_matrix`: `dim` first, then flattened to 2-D.
fn weight_matrix(w: &Tensor, dim: i64) -> Result<Tensor> {
    let nd = w.dim() as i64;
    if nd <= 1 {
        return Err(Error::new(ExcType::AssertionError, "parametrize::spectral_ndim", format!("Expected weight to have more than 1 dimension, got {nd}")));
    }
    let w = if dim != 0 {
        let order: Vec<i64> = std::iter::once(dim).chain((0..nd).filter(|d| *d != dim)).collect();
        w.f_permute(order.as_slice())?
    } else {
        w.shallow_clone()
    };
    Ok(w.f_flatten(1, -1)?)
}

/// `_power_method(weight_mat, n)`: `_u` and `_v` rewritten in place (`out=`), without grad.
fn power_method(m: &Module, w: &Tensor, n: i64) -> Result<()> {
    let _ng = tch::no_grad_guard();
    let eps = m.attr_f64("eps")?;
    let w = w.f_detach()?;
    for _ in 0..n {
        let (u, v) = (buffer(m, "_u")?, buffer(m, "_v")?);
        let nu = normalize(&w.f_mv(v.tensor())?, eps)?;
        let _ = u.handle().f_copy_(&nu)?;
        let nv = normalize(&w.f_transpose(0, 1)?.f_mv(u.tensor())?, eps)?;
        let _ = v.handle().f_copy_(&nv)?;
    }
    Ok(())
}

/// `t.clone(memory_format=torch.contiguous_format)`.
fn contiguous_clone(t: &Tensor) -> Result<Tensor> {
    Ok(t.f_to_dtype(t.kind(), false, true)?.f_contiguous()?)
}

fn buffer(m: &Module, name: &str) -> Result<TensorRef> {
    m.tensor_attr(name)?.ok_or_else(|| Error::type_error("nn::slot_none", format!("{}.{name} is None", m.class_name())))
}

impl ModuleImpl for SpectralNorm {
    fn type_path(&self) -> &str {
        PATH
    }
    fn forward(&self, m: &Module, args: &[Value], _kwargs: &Kwargs) -> Result<Value> {
        let w = arg(m, args, 0, "weight")?;
        let eps = m.attr_f64("eps")?;
        let t = w.tensor();
        if t.dim() == 1 {
            return Ok(Value::Tensor(TensorRef::new(normalize(t, eps)?)));
        }
        let mat = weight_matrix(t, m.attr_i64("dim")?)?;
        if m.training() {
            power_method(m, &mat, m.attr_i64("n_power_iterations")?)?;
        }
        let u = contiguous_clone(buffer(m, "_u")?.tensor())?;
        let v = contiguous_clone(buffer(m, "_v")?.tensor())?;
        let sigma = u.f_vdot(&mat.f_mv(&v)?)?;
        Ok(Value::Tensor(TensorRef::new(t.f_div(&sigma)?)))
    }
    fn right_inverse(&self, _m: &Module, value: &Value) -> Option<Result<Value>> {
        Some(Ok(value.clone()))
    }
}

/// `spectral_norm(module, name='weight', n_power_iterations=1, eps=1e-12, dim=None)`.
pub fn spectral_norm(module: &Module, name: &str, n_power_iterations: i64, eps: f64, dim: Option<i64>) -> Result<()> {
    let weight = match module.getattr(name) {
        Ok(Value::Tensor(t)) => t,
        _ => {
            return Err(Error::value(
                "parametrize::spectral_no_tensor",
                format!("Module '{}' has no parameter or buffer with name '{name}'", module.repr()),
            ))
        }
    };
    let is_transpose = module.class_name().starts_with("ConvTranspose");
    let dim = dim.unwrap_or(if is_transpose { 1 } else { 0 });
    let nd = weight.tensor().dim() as i64;
    if dim >= nd || dim < -nd {
        return Err(Error::new(
            ExcType::IndexError,
            "parametrize::spectral_dim",
            format!("Dimension out of range (expected to be in range of [-{nd}, {}] but got {dim})", nd - 1),
        ));
    }
    if n_power_iterations <= 0 {
        return Err(Error::value(
            "parametrize::spectral_iterations",
            format!("Expected n_power_iterations to be positive, but got n_power_iterations={n_power_iterations}"),
        ));
    }
    let p = Module::new("_SpectralNorm", Rc::new(SpectralNorm));
    let dim = if dim >= 0 { dim } else { dim + nd };
    p.set_setting("dim", Value::Int(dim));
    p.set_setting("eps", Value::Float(eps));
    if nd > 1 {
        p.set_setting("n_power_iterations", Value::Int(n_power_iterations));
        let mat = weight_matrix(weight.tensor(), dim)?;
        let (h, w) = (mat.size()[0], mat.size()[1]);
        let opts = (mat.kind(), crate::tensor::tch_device(&mat)?);
        let mut u = Tensor::f_empty([h], opts)?;
        let mut v = Tensor::f_empty([w], opts)?;
        {
            let _ng = tch::no_grad_guard();
            let _ = u.f_normal_(0.0, 1.0)?;
            let _ = v.f_normal_(0.0, 1.0)?;
        }
        p.register_buffer("_u", Some(TensorRef::new(normalize(&u, eps)?)), true)?;
        p.register_buffer("_v", Some(TensorRef::new(normalize(&v, eps)?)), true)?;
        power_method(&p, &mat, 15)?;
    }
    register_parametrization(module, name, &p)
}
