//! `nn.Embedding`: weight `(num_embeddings, embedding_dim)` from `init.normal_`, the
//! `padding_idx` row zeroed, forward through `F.embedding` (with `max_norm` renormalisation).
use super::{input_arg, new_builtin, normal_parameter, ok_tensor, setting_str, slot};
use crate::error::{Error, Result};
use crate::nn::Module;
use crate::value::{Kwargs, Value};

const PATH: &str = "torch.nn.modules.sparse";

/// PyTorch raises `AssertionError` here; the engine has no such exception type, so it is a ValueError.
fn padding_idx_error() -> Error {
    Error::value("nn::embedding_padding_idx", "Padding_idx must be within num_embeddings")
}

/// `padding_idx` checked against `n` rows and made non-negative, as `Embedding.__init__` and
/// `F.embedding` both do.
fn normalize_padding_idx(padding_idx: i64, n: i64) -> Result<i64> {
    if padding_idx > 0 && padding_idx >= n {
        return Err(padding_idx_error());
    }
    if padding_idx < 0 {
        if padding_idx < -n {
            return Err(padding_idx_error());
        }
        return Ok(n + padding_idx);
    }
    Ok(padding_idx)
}

/// `nn.Embedding(num_embeddings, embedding_dim, padding_idx=None)`.
pub fn embedding(num_embeddings: i64, embedding_dim: i64, padding_idx: Option<i64>) -> Result<Module> {
    let padding_idx = padding_idx.map(|p| normalize_padding_idx(p, num_embeddings)).transpose()?;
    let m = new_builtin("Embedding", PATH, embedding_forward, embedding_repr);
    m.set_setting("num_embeddings", Value::Int(num_embeddings));
    m.set_setting("embedding_dim", Value::Int(embedding_dim));
    m.set_setting("padding_idx", padding_idx.map(Value::Int).unwrap_or(Value::None));
    m.set_setting("max_norm", Value::None);
    m.set_setting("norm_type", Value::Float(2.0));
    m.set_setting("scale_grad_by_freq", Value::Bool(false));
    let w = normal_parameter(&[num_embeddings, embedding_dim])?;
    if let Some(p) = padding_idx {
        // `with torch.no_grad(): self.weight[self.padding_idx].fill_(0)`
        let _ng = tch::no_grad_guard();
        let _ = w.tensor().f_select(0, p)?.f_fill_(0.0)?;
    }
    m.register_parameter("weight", Some(w))?;
    m.set_setting("sparse", Value::Bool(false));
    Ok(m)
}

fn opt_f64(m: &Module, name: &str) -> Result<Option<f64>> {
    match m.getattr(name)? {
        Value::None => Ok(None),
        _ => m.attr_f64(name).map(Some),
    }
}

/// `F.embedding(input, self.weight, self.padding_idx, self.max_norm, self.norm_type,
/// self.scale_grad_by_freq, self.sparse)`.
fn embedding_forward(m: &Module, args: &[Value], kwargs: &Kwargs) -> Result<Value> {
    let x = input_arg(m, args, kwargs)?;
    let w = slot(m, "weight")?;
    let rows = w.shape().first().copied().unwrap_or(0);
    let padding_idx = match m.getattr("padding_idx")? {
        Value::None => -1,
        _ => normalize_padding_idx(m.attr_i64("padding_idx")?, rows)?,
    };
    let mut input = x.tensor().shallow_clone();
    if let Some(max_norm) = opt_f64(m, "max_norm")? {
        // `input = input.contiguous()`; `_no_grad_embedding_renorm_(weight, input, max_norm, norm_type)`
        input = input.f_contiguous()?;
        let norm_type = m.attr_f64("norm_type")?;
        let _ng = tch::no_grad_guard();
        let _ = w.handle().f_embedding_renorm_(&input, max_norm, norm_type)?;
    }
    ok_tensor(tch::Tensor::f_embedding(
        w.tensor(),
        &input,
        padding_idx,
        m.attr_bool("scale_grad_by_freq")?,
        m.attr_bool("sparse")?,
    )?)
}

/// `Embedding.extra_repr`.
fn embedding_repr(m: &Module) -> String {
    let mut s = format!("{}, {}", setting_str(m, "num_embeddings"), setting_str(m, "embedding_dim"));
    if !matches!(m.getattr("padding_idx"), Ok(Value::None)) {
        s += &format!(", padding_idx={}", setting_str(m, "padding_idx"));
    }
    if !matches!(m.getattr("max_norm"), Ok(Value::None)) {
        s += &format!(", max_norm={}", setting_str(m, "max_norm"));
    }
    if !matches!(m.getattr("norm_type"), Ok(Value::Float(f)) if f == 2.0) && !matches!(m.getattr("norm_type"), Ok(Value::Int(2))) {
        s += &format!(", norm_type={}", setting_str(m, "norm_type"));
    }
    if !matches!(m.getattr("scale_grad_by_freq"), Ok(Value::Bool(false))) {
        s += &format!(", scale_grad_by_freq={}", setting_str(m, "scale_grad_by_freq"));
    }
    if !matches!(m.getattr("sparse"), Ok(Value::Bool(false))) {
        s += ", sparse=True";
    }
    s
}
