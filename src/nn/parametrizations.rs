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

/// `_Orthogonal(weight, orthogonal_map, use_trivialization)`: an orthogonal matrix (batch) from
/// an unconstrained one by `matrix_exp`, `cayley` or `householder`, times the buffer `base`
/// when trivialized; `right_inverse` as PyTorch's (a new `base`, `-I` returned).
struct Orthogonal;

fn t(v: Tensor) -> Value {
    Value::Tensor(TensorRef::new(v))
}

fn mt(x: &Tensor) -> Result<Tensor> {
    Ok(x.f_transpose(-2, -1)?)
}

/// `_make_orthogonal(A)`: Q of A's QR with R's diagonal made positive.
fn make_orthogonal(a: &Tensor) -> Result<Tensor> {
    let (x, tau) = a.f_geqrf()?;
    let q = x.f_linalg_householder_product(&tau)?;
    Ok(q.f_mul(&x.f_diagonal(0, -2, -1)?.f_sgn()?.f_unsqueeze(-2)?)?)
}

/// `_is_orthogonal(Q)`: `Q.mH @ Q` is the identity within `10 * n * eps` of its dtype.
fn is_orthogonal(q: &Tensor) -> Result<bool> {
    let (n, k) = (q.size()[q.dim() - 2], q.size()[q.dim() - 1]);
    let id = Tensor::f_eye(k, (q.kind(), q.device()))?;
    let eps = match q.kind() {
        tch::Kind::Double | tch::Kind::ComplexDouble => f64::EPSILON,
        tch::Kind::Half => 0.0009765625,
        tch::Kind::BFloat16 => 0.0078125,
        _ => f32::EPSILON as f64,
    };
    Ok(mt(q)?.f_conj()?.f_matmul(q)?.f_allclose(&id, 1e-5, 10.0 * n as f64 * eps, false)?)
}

impl ModuleImpl for Orthogonal {
    fn type_path(&self) -> &str {
        PATH
    }
    fn forward(&self, m: &Module, args: &[Value], _kwargs: &Kwargs) -> Result<Value> {
        let x = arg(m, args, 0, "X")?;
        let mut x = x.tensor().shallow_clone();
        let d = x.dim();
        let (mut n, mut k) = (x.size()[d - 2], x.size()[d - 1]);
        let transposed = n < k;
        if transposed {
            x = mt(&x)?;
            std::mem::swap(&mut n, &mut k);
        }
        let map = m.getattr("orthogonal_map")?.py_str();
        let mut q = if map == "householder" {
            let a = x.f_tril(-1)?;
            let tau = a.f_mul(&a)?.f_sum_dim_intlist([-2i64].as_slice(), false, None::<tch::Kind>)?.f_add_scalar(1.0)?.f_reciprocal()?.f_mul_scalar(2.0)?;
            let q = a.f_linalg_householder_product(&tau)?;
            q.f_mul(&x.f_diagonal(0, -2, -1)?.f_to_kind(tch::Kind::Int)?.f_unsqueeze(-2)?)?
        } else {
            let mut x = x.f_tril(0)?;
            if n != k {
                let mut shape: Vec<i64> = x.size()[..d - 2].to_vec();
                shape.extend([-1, -1]);
                let z = Tensor::f_zeros([n, n - k], (x.kind(), x.device()))?.f_expand(shape.as_slice(), false)?;
                x = Tensor::f_cat(&[x, z], -1)?;
            }
            let a = x.f_sub(&mt(&x)?.f_conj()?)?;
            let q = if map == "matrix_exp" {
                a.f_matrix_exp()?
            } else {
                let id = Tensor::f_eye(n, (a.kind(), a.device()))?;
                let half = a.f_mul_scalar(0.5)?;
                Tensor::f_linalg_solve(&id.f_sub(&half)?, &id.f_add(&half)?, true)?
            };
            if n != k {
                q.f_narrow(-1, 0, k)?
            } else {
                q
            }
        };
        if m.data().buffers.contains_key("base") {
            let base = m.tensor_attr("base")?.ok_or_else(|| Error::type_error("parametrize::orthogonal_base", "unsupported operand type(s) for @: 'NoneType' and 'Tensor'"))?;
            q = base.tensor().f_matmul(&q)?;
        }
        if transposed {
            q = mt(&q)?;
        }
        Ok(t(q))
    }
    fn right_inverse(&self, m: &Module, value: &Value) -> Option<Result<Value>> {
        Some((|| {
            let _ng = tch::no_grad_guard();
            let Value::Tensor(qv) = value else {
                return Err(Error::type_error("call::argument_type", "right_inverse expects a Tensor"));
            };
            let q_init = qv.tensor();
            let shape = m.getattr("shape")?;
            if Value::size(&q_init.size()).py_repr() != shape.py_repr() {
                return Err(Error::value(
                    "parametrize::orthogonal_shape",
                    format!("Expected a matrix or batch of matrices of shape {}. Got a tensor of shape {}.", shape.py_str(), Value::size(&q_init.size()).py_str()),
                ));
            }
            let d = q_init.dim();
            let (mut n, mut k) = (q_init.size()[d - 2], q_init.size()[d - 1]);
            let transpose = n < k;
            let mut q = if transpose { mt(q_init)? } else { q_init.shallow_clone() };
            if transpose {
                std::mem::swap(&mut n, &mut k);
            }
            let map = m.getattr("orthogonal_map")?.py_str();
            if !m.data().buffers.contains_key("base") {
                if map != "householder" {
                    return Err(Error::new(
                        ExcType::NotImplementedError,
                        "parametrize::orthogonal_assign",
                        "It is not possible to assign to the matrix exponential or the Cayley parametrizations when use_trivialization=False.",
                    ));
                }
                let (a, tau) = q.f_geqrf()?;
                let diag = a.f_diagonal(0, -2, -1)?;
                let _ = diag.shallow_clone().f_sign_()?;
                let flip = tau.f_eq(0.0)?.f_to_kind(a.kind())?.f_mul_scalar(-2.0)?.f_add_scalar(1.0)?;
                let _ = diag.shallow_clone().f_mul_(&flip)?;
                return Ok(t(if transpose { mt(&a)? } else { a }));
            }
            q = if n == k {
                if !is_orthogonal(&q)? {
                    make_orthogonal(&q)?
                } else {
                    q.copy()
                }
            } else {
                let mut shape: Vec<i64> = q.size()[..d - 2].to_vec();
                shape.extend([n, n - k]);
                let noise = Tensor::f_randn(shape.as_slice(), (q.kind(), q.device()))?;
                make_orthogonal(&Tensor::f_cat(&[q, noise], -1)?)?
            };
            m.setattr("base", t(q))?;
            let neg_id = q_init.f_zeros_like()?;
            let _ = neg_id.f_diagonal(0, -2, -1)?.f_fill_(-1.0)?;
            Ok(t(neg_id))
        })())
    }
}

/// `orthogonal(module, name='weight', orthogonal_map=None, *, use_trivialization=True)`.
pub fn orthogonal(module: &Module, name: &str, orthogonal_map: Option<&str>, use_trivialization: bool) -> Result<()> {
    let weight = match module.getattr(name) {
        Ok(Value::Tensor(t)) => t,
        _ => {
            return Err(Error::value(
                "parametrize::orthogonal_no_tensor",
                format!("Module '{}' has no parameter or buffer with name '{name}'", module.repr()),
            ))
        }
    };
    let w = weight.tensor();
    if w.dim() < 2 {
        return Err(Error::value("parametrize::orthogonal_ndim", format!("Expected a matrix or batch of matrices. Got a tensor of {} dimensions.", w.dim())));
    }
    let d = w.dim();
    let complex = matches!(w.kind(), tch::Kind::ComplexFloat | tch::Kind::ComplexDouble | tch::Kind::ComplexHalf);
    let map = match orthogonal_map {
        Some(m) => m.to_string(),
        None if w.size()[d - 2] == w.size()[d - 1] || complex => "matrix_exp".into(),
        None => "householder".into(),
    };
    if !matches!(map.as_str(), "matrix_exp" | "cayley" | "householder") {
        return Err(Error::value(
            "parametrize::orthogonal_map",
            format!("orthogonal_map has to be one of \"matrix_exp\", \"cayley\", \"householder\". Got: {map}"),
        ));
    }
    if complex && map == "householder" {
        return Err(Error::value("parametrize::orthogonal_complex", "The householder parametrization does not support complex tensors."));
    }
    let p = Module::new("_Orthogonal", Rc::new(Orthogonal));
    p.set_setting("shape", Value::size(&w.size()));
    p.set_setting("orthogonal_map", Value::str(&map));
    if use_trivialization {
        p.register_buffer("base", None, true)?;
    }
    register_parametrization_with(module, name, &p, true)
}
