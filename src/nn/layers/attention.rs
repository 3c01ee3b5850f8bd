//! `nn.MultiheadAttention`: `in_proj_weight` / `in_proj_bias` (or `q_proj_weight`,
//! `k_proj_weight`, `v_proj_weight` when `kdim`/`vdim` differ from `embed_dim`), the `out_proj`
//! submodule (a `NonDynamicallyQuantizableLinear`), optional `bias_k`/`bias_v`; initialised as
//! `_reset_parameters` does (out_proj's own Linear init first, then xavier_uniform_, zero biases,
//! xavier_normal_ for bias_k/bias_v). Forward is `F.multi_head_attention_forward`'s composite
//! path step for step (PyTorch's eval fast path, taken only without grad, gives the same values
//! within float tolerance).
use tch::{Kind, Tensor};

use super::bind::{bind_forward, flag, opt_tensor, tensor_of};
use super::{linear, new_builtin, no_extra, slot};
use crate::error::{Error, ExcType, Result};
use crate::nn::Module;
use crate::tensor::TensorRef;
use crate::value::{Kwargs, Value};

const PATH: &str = "torch.nn.modules.activation";

/// `nn.MultiheadAttention`'s keyword arguments after `embed_dim, num_heads`.
#[derive(Clone, Debug, PartialEq)]
pub struct MhaOptions {
    pub dropout: f64,
    pub bias: bool,
    pub add_bias_kv: bool,
    pub add_zero_attn: bool,
    pub kdim: Option<i64>,
    pub vdim: Option<i64>,
    pub batch_first: bool,
}

impl Default for MhaOptions {
    fn default() -> MhaOptions {
        MhaOptions { dropout: 0.0, bias: true, add_bias_kv: false, add_zero_attn: false, kdim: None, vdim: None, batch_first: false }
    }
}

fn assertion(code: &'static str, msg: impl Into<String>) -> Error {
    Error::new(ExcType::AssertionError, code, msg)
}

/// `init.xavier_uniform_` on a 2-D `(fan_out, fan_in)` parameter.
fn xavier_uniform(shape: &[i64]) -> Result<TensorRef> {
    let (fan_out, fan_in) = (shape[0], shape[1]);
    let std = (2.0 / (fan_in + fan_out) as f64).sqrt();
    super::uniform_parameter(shape, 3f64.sqrt() * std)
}

/// `init.xavier_normal_` on a `(1, 1, E)` parameter: fan_in = fan_out = E.
fn xavier_normal_bias(e: i64) -> Result<TensorRef> {
    let mut t = Tensor::f_empty([1, 1, e], (Kind::Float, tch::Device::Cpu))?;
    {
        let _ng = tch::no_grad_guard();
        let _ = t.f_normal_(0.0, (2.0 / (2 * e) as f64).sqrt())?;
    }
    TensorRef::parameter(&t, true)
}

/// `nn.MultiheadAttention(embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False,
/// add_zero_attn=False, kdim=None, vdim=None, batch_first=False)`.
pub fn multihead_attention(embed_dim: i64, num_heads: i64, o: MhaOptions) -> Result<Module> {
    if embed_dim <= 0 || num_heads <= 0 {
        return Err(Error::value(
            "nn::mha_dims",
            format!("embed_dim and num_heads must be greater than 0, got embed_dim={embed_dim} and num_heads={num_heads} instead"),
        ));
    }
    let m = new_builtin("MultiheadAttention", PATH, mha_forward, no_extra);
    let kdim = o.kdim.unwrap_or(embed_dim);
    let vdim = o.vdim.unwrap_or(embed_dim);
    let same = kdim == embed_dim && vdim == embed_dim;
    m.set_setting("embed_dim", Value::Int(embed_dim));
    m.set_setting("kdim", Value::Int(kdim));
    m.set_setting("vdim", Value::Int(vdim));
    m.set_setting("_qkv_same_embed_dim", Value::Bool(same));
    m.set_setting("num_heads", Value::Int(num_heads));
    m.set_setting("dropout", Value::Float(o.dropout));
    m.set_setting("batch_first", Value::Bool(o.batch_first));
    let head_dim = embed_dim / num_heads;
    m.set_setting("head_dim", Value::Int(head_dim));
    if head_dim * num_heads != embed_dim {
        return Err(assertion("nn::mha_divisible", "embed_dim must be divisible by num_heads"));
    }
    // The parameters are made empty here and filled by `_reset_parameters` below, after
    // out_proj's own initialisation has drawn from the generator.
    let empty = |shape: &[i64]| -> Result<TensorRef> { TensorRef::parameter(&Tensor::f_zeros(shape, (Kind::Float, tch::Device::Cpu))?, true) };
    if same {
        m.register_parameter("in_proj_weight", Some(empty(&[3 * embed_dim, embed_dim])?))?;
        for n in ["q_proj_weight", "k_proj_weight", "v_proj_weight"] {
            m.register_parameter(n, None)?;
        }
    } else {
        m.register_parameter("q_proj_weight", Some(empty(&[embed_dim, embed_dim])?))?;
        m.register_parameter("k_proj_weight", Some(empty(&[embed_dim, kdim])?))?;
        m.register_parameter("v_proj_weight", Some(empty(&[embed_dim, vdim])?))?;
        m.register_parameter("in_proj_weight", None)?;
    }
    m.register_parameter("in_proj_bias", if o.bias { Some(empty(&[3 * embed_dim])?) } else { None })?;
    let out_proj = linear(embed_dim, embed_dim, o.bias)?;
    out_proj.data_mut().class_name = "NonDynamicallyQuantizableLinear".into();
    m.add_module("out_proj", Some(out_proj.clone()))?;
    // `_reset_parameters`, in its order.
    let fill = |name: &str, t: TensorRef| -> Result<()> {
        let dst = slot(&m, name)?;
        let _ng = tch::no_grad_guard();
        let _ = dst.handle().f_copy_(t.tensor())?;
        Ok(())
    };
    if same {
        fill("in_proj_weight", xavier_uniform(&[3 * embed_dim, embed_dim])?)?;
    } else {
        fill("q_proj_weight", xavier_uniform(&[embed_dim, embed_dim])?)?;
        fill("k_proj_weight", xavier_uniform(&[embed_dim, kdim])?)?;
        fill("v_proj_weight", xavier_uniform(&[embed_dim, vdim])?)?;
    }
    if o.bias {
        if let Some(b) = out_proj.tensor_attr("bias")? {
            let _ng = tch::no_grad_guard();
            let _ = b.handle().f_zero_()?;
        }
    }
    if o.add_bias_kv {
        m.register_parameter("bias_k", Some(xavier_normal_bias(embed_dim)?))?;
        m.register_parameter("bias_v", Some(xavier_normal_bias(embed_dim)?))?;
    } else {
        m.set_setting("bias_k", Value::None);
        m.set_setting("bias_v", Value::None);
    }
    m.set_setting("add_zero_attn", Value::Bool(o.add_zero_attn));
    Ok(m)
}

fn size_str(t: &Tensor) -> String {
    super::torch_size(&t.size())
}

/// `F._canonical_mask`: a bool mask becomes a float mask of `-inf` where True.
fn canonical_mask(mask: Option<Tensor>, name: &str, target: Kind) -> Result<Option<Tensor>> {
    let Some(mask) = mask else { return Ok(None) };
    let k = mask.kind();
    let is_float = matches!(k, Kind::Float | Kind::Double | Kind::Half | Kind::BFloat16);
    if k != Kind::Bool && !is_float {
        return Err(assertion("nn::mha_mask_type", format!("only bool and floating types of {name} are supported")));
    }
    if is_float {
        return Ok(Some(mask));
    }
    let mut z = mask.f_zeros_like()?.f_to_kind(target)?;
    let _ = z.f_masked_fill_(&mask, f64::NEG_INFINITY)?;
    Ok(Some(z))
}

/// `_mha_shape_check`: whether the query is batched.
fn shape_check(q: &Tensor, k: &Tensor, v: &Tensor, kpm: Option<&Tensor>, am: Option<&Tensor>, heads: i64) -> Result<bool> {
    let (kd, vd) = (k.dim(), v.dim());
    match q.dim() {
        3 => {
            if kd != 3 || vd != 3 {
                return Err(assertion(
                    "nn::mha_shape",
                    format!("For batched (3-D) `query`, expected `key` and `value` to be 3-D but found {kd}-D and {vd}-D tensors respectively"),
                ));
            }
            if let Some(m) = kpm.filter(|m| m.dim() != 2) {
                return Err(assertion(
                    "nn::mha_shape",
                    format!("For batched (3-D) `query`, expected `key_padding_mask` to be `None` or 2-D but found {}-D tensor instead", m.dim()),
                ));
            }
            if let Some(m) = am.filter(|m| !matches!(m.dim(), 2 | 3)) {
                return Err(assertion(
                    "nn::mha_shape",
                    format!("For batched (3-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but found {}-D tensor instead", m.dim()),
                ));
            }
            Ok(true)
        }
        2 => {
            if kd != 2 || vd != 2 {
                return Err(assertion(
                    "nn::mha_shape",
                    format!("For unbatched (2-D) `query`, expected `key` and `value` to be 2-D but found {kd}-D and {vd}-D tensors respectively"),
                ));
            }
            if let Some(m) = kpm.filter(|m| m.dim() != 1) {
                return Err(assertion(
                    "nn::mha_shape",
                    format!("For unbatched (2-D) `query`, expected `key_padding_mask` to be `None` or 1-D but found {}-D tensor instead", m.dim()),
                ));
            }
            if let Some(m) = am {
                if !matches!(m.dim(), 2 | 3) {
                    return Err(assertion(
                        "nn::mha_shape",
                        format!("For unbatched (2-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but found {}-D tensor instead", m.dim()),
                    ));
                }
                let want = [heads, q.size()[0], k.size()[0]];
                if m.dim() == 3 && m.size() != want {
                    return Err(assertion(
                        "nn::mha_shape",
                        format!("Expected `attn_mask` shape to be {} but got {}", super::py_tuple(&want), size_str(m)),
                    ));
                }
            }
            Ok(false)
        }
        d => Err(assertion("nn::mha_shape", format!("query should be unbatched 2D or batched 3D tensor but received {d}-D query tensor"))),
    }
}

/// `(x.unflatten(-1, (n, E)).unsqueeze(0).transpose(0, -2).squeeze(-2).contiguous())[i]`.
fn unpack(x: &Tensor, n: i64, e: i64) -> Result<Vec<Tensor>> {
    let p = x.f_unflatten(-1, [n, e])?.f_unsqueeze(0)?.f_transpose(0, -2)?.f_squeeze_dim(-2)?.f_contiguous()?;
    (0..n).map(|i| Ok(p.f_select(0, i)?)).collect()
}

fn lin(x: &Tensor, w: &Tensor, b: Option<&Tensor>) -> Result<Tensor> {
    Ok(x.f_linear(w, b)?)
}

/// `_in_projection_packed`, with its `q is k` / `k is v` shortcuts.
fn in_projection_packed(q: &Tensor, k: &Tensor, v: &Tensor, same_qk: bool, same_kv: bool, w: &Tensor, b: Option<&Tensor>) -> Result<Vec<Tensor>> {
    let e = *q.size().last().unwrap_or(&0);
    if same_kv {
        if same_qk {
            return unpack(&lin(q, w, b)?, 3, e);
        }
        let ws = w.f_split_with_sizes([e, 2 * e], 0)?;
        let bs = b.map(|b| b.f_split_with_sizes([e, 2 * e], 0)).transpose()?;
        let qp = lin(q, &ws[0], bs.as_ref().map(|b| &b[0]))?;
        let kv = unpack(&lin(k, &ws[1], bs.as_ref().map(|b| &b[1]))?, 2, e)?;
        return Ok(vec![qp, kv[0].shallow_clone(), kv[1].shallow_clone()]);
    }
    let ws = w.f_chunk(3, 0)?;
    let bs = b.map(|b| b.f_chunk(3, 0)).transpose()?;
    let bi = |i: usize| bs.as_ref().map(|b| &b[i]);
    Ok(vec![lin(q, &ws[0], bi(0))?, lin(k, &ws[1], bi(1))?, lin(v, &ws[2], bi(2))?])
}

/// `_in_projection`, with its weight shape checks.
fn in_projection(q: &Tensor, k: &Tensor, v: &Tensor, w: [&Tensor; 3], b: Option<&Tensor>) -> Result<Vec<Tensor>> {
    let last = |t: &Tensor| *t.size().last().unwrap_or(&0);
    let (eq, ek, ev) = (last(q), last(k), last(v));
    for (name, wt, want) in [("query", w[0], [eq, eq]), ("key", w[1], [eq, ek]), ("value", w[2], [eq, ev])] {
        if wt.size() != want {
            return Err(assertion(
                "nn::mha_proj_shape",
                format!("expecting {name} weights shape of {}, but got {}", super::py_tuple(&want), size_str(wt)),
            ));
        }
    }
    let bs = b.map(|b| b.f_chunk(3, 0)).transpose()?;
    if let Some(bs) = &bs {
        for (name, bt) in ["query", "key", "value"].iter().zip(bs) {
            if bt.size() != [eq] {
                return Err(assertion(
                    "nn::mha_proj_shape",
                    format!("expecting {name} bias shape of {}, but got {}", super::py_tuple(&[eq]), size_str(bt)),
                ));
            }
        }
    }
    let bi = |i: usize| bs.as_ref().map(|b| &b[i]);
    Ok(vec![lin(q, w[0], bi(0))?, lin(k, w[1], bi(1))?, lin(v, w[2], bi(2))?])
}

/// `pad(x, (0, 1))`: one zero column at the end of the last dimension.
fn pad_last(x: &Tensor) -> Result<Tensor> {
    Ok(x.f_constant_pad_nd([0, 1])?)
}

/// `MultiheadAttention.forward(query, key, value, key_padding_mask=None, need_weights=True,
/// attn_mask=None, average_attn_weights=True, is_causal=False)`.
fn mha_forward(m: &Module, args: &[Value], kwargs: &Kwargs) -> Result<Value> {
    let names = ["query", "key", "value", "key_padding_mask", "need_weights", "attn_mask", "average_attn_weights", "is_causal"];
    let a = bind_forward(m, args, kwargs, &names, 3)?;
    let (query, key, value) =
        (tensor_of(m, a[0].as_ref().unwrap(), "query")?, tensor_of(m, a[1].as_ref().unwrap(), "key")?, tensor_of(m, a[2].as_ref().unwrap(), "value")?);
    let kpm = opt_tensor(m, &a[3], "key_padding_mask")?;
    let need_weights = flag(&a[4], true)?;
    let attn_mask = opt_tensor(m, &a[5], "attn_mask")?;
    let average = flag(&a[6], true)?;
    let mut is_causal = flag(&a[7], false)?;
    let (same_qk, same_kv) = (query.is(&key), key.is(&value));

    let is_batched = query.tensor().dim() == 3;
    let qkind = query.kind();
    // The module's own `_canonical_mask` calls (before the shape checks of the functional).
    let kpm = canonical_mask(kpm.map(|t| t.tensor().shallow_clone()), "key_padding_mask", qkind)?;
    let attn_mask = canonical_mask(attn_mask.map(|t| t.tensor().shallow_clone()), "attn_mask", qkind)?;
    let batch_first = m.attr_bool("batch_first")?;
    let (mut q, mut k, mut v) = (query.tensor().shallow_clone(), key.tensor().shallow_clone(), value.tensor().shallow_clone());
    if batch_first && is_batched {
        q = q.f_transpose(1, 0)?;
        k = k.f_transpose(1, 0)?;
        v = v.f_transpose(1, 0)?;
    }

    // ---- F.multi_head_attention_forward ----
    let embed_dim_to_check = m.attr_i64("embed_dim")?;
    let heads = m.attr_i64("num_heads")?;
    let separate = !m.attr_bool("_qkv_same_embed_dim")?;
    let is_batched = shape_check(&q, &k, &v, kpm.as_ref(), attn_mask.as_ref(), heads)?;
    let mut kpm = kpm;
    if !is_batched {
        q = q.f_unsqueeze(1)?;
        k = k.f_unsqueeze(1)?;
        v = v.f_unsqueeze(1)?;
        kpm = kpm.map(|t| t.f_unsqueeze(0)).transpose()?;
    }
    let qs = q.size();
    let (tgt_len, bsz, embed_dim) = (qs[0], qs[1], qs[2]);
    let mut attn_mask = attn_mask;
    if is_causal && attn_mask.is_none() {
        return Err(Error::runtime(
            "nn::mha_is_causal",
            "Need attn_mask if specifying the is_causal hint. You may use the Transformer module method `generate_square_subsequent_mask` to create this mask.",
        ));
    }
    if is_causal && kpm.is_none() && !need_weights {
        attn_mask = None;
    } else if kpm.is_some() {
        is_causal = false;
    }
    if embed_dim != embed_dim_to_check {
        return Err(assertion("nn::mha_embed_dim", format!("was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim}")));
    }
    let head_dim = embed_dim / heads;
    let in_proj_bias = m.tensor_attr("in_proj_bias")?;
    let ipb = in_proj_bias.as_ref().map(|b| b.tensor());
    let proj = if separate {
        let (ks, vs) = (k.size(), v.size());
        if ks[..2] != vs[..2] {
            return Err(assertion(
                "nn::mha_kv_shape",
                format!("key's sequence and batch dims {} do not match value's {}", super::torch_size(&ks[..2]), super::torch_size(&vs[..2])),
            ));
        }
        let w: Vec<TensorRef> = ["q_proj_weight", "k_proj_weight", "v_proj_weight"]
            .iter()
            .map(|n| {
                m.tensor_attr(n)?.ok_or_else(|| assertion("nn::mha_proj_none", format!("use_separate_proj_weight is True but {n} is None")))
            })
            .collect::<Result<_>>()?;
        in_projection(&q, &k, &v, [w[0].tensor(), w[1].tensor(), w[2].tensor()], ipb)?
    } else {
        if k.size() != v.size() {
            return Err(assertion("nn::mha_kv_shape", format!("key shape {} does not match value shape {}", size_str(&k), size_str(&v))));
        }
        let w = m
            .tensor_attr("in_proj_weight")?
            .ok_or_else(|| assertion("nn::mha_proj_none", "use_separate_proj_weight is False but in_proj_weight is None"))?;
        in_projection_packed(&q, &k, &v, same_qk, same_kv, w.tensor(), ipb)?
    };
    let [pq, pk, pv]: [Tensor; 3] = proj.try_into().map_err(|_| Error::runtime("nn::mha", "in-projection"))?;
    let (mut pk, mut pv) = (pk, pv);
    let src_len0 = k.size()[0];
    if let Some(am) = attn_mask.take() {
        let am = match am.dim() {
            2 => {
                let want = [tgt_len, src_len0];
                if am.size() != want {
                    return Err(Error::runtime(
                        "nn::mha_attn_mask_shape",
                        format!("The shape of the 2D attn_mask is {}, but should be {}.", size_str(&am), super::py_tuple(&want)),
                    ));
                }
                am.f_unsqueeze(0)?
            }
            3 => {
                let want = [bsz * heads, tgt_len, src_len0];
                if am.size() != want {
                    return Err(Error::runtime(
                        "nn::mha_attn_mask_shape",
                        format!("The shape of the 3D attn_mask is {}, but should be {}.", size_str(&am), super::py_tuple(&want)),
                    ));
                }
                am
            }
            d => return Err(Error::runtime("nn::mha_attn_mask_dim", format!("attn_mask's dimension {d} is not supported"))),
        };
        attn_mask = Some(am);
    }
    let bias_k = match m.getattr("bias_k")? {
        Value::Tensor(t) => Some(t),
        _ => None,
    };
    let bias_v = match m.getattr("bias_v")? {
        Value::Tensor(t) => Some(t),
        _ => None,
    };
    match (&bias_k, &bias_v) {
        (Some(bk), Some(bv)) => {
            pk = Tensor::f_cat(&[&pk, &bk.tensor().f_repeat([1, bsz, 1])?], 0)?;
            pv = Tensor::f_cat(&[&pv, &bv.tensor().f_repeat([1, bsz, 1])?], 0)?;
            attn_mask = attn_mask.map(|t| pad_last(&t)).transpose()?;
            kpm = kpm.map(|t| pad_last(&t)).transpose()?;
        }
        (Some(_), None) => return Err(assertion("nn::mha_bias_kv", "bias_k is set but bias_v is None")),
        (None, Some(_)) => return Err(assertion("nn::mha_bias_kv", "bias_v is set but bias_k is None")),
        (None, None) => {}
    }
    let pq = pq.f_view([tgt_len, bsz * heads, head_dim])?.f_transpose(0, 1)?;
    let mut pk = pk.f_view([pk.size()[0], bsz * heads, head_dim])?.f_transpose(0, 1)?;
    let mut pv = pv.f_view([pv.size()[0], bsz * heads, head_dim])?.f_transpose(0, 1)?;
    if m.attr_bool("add_zero_attn")? {
        let z = Tensor::f_zeros([bsz * heads, 1, head_dim], (pk.kind(), crate::tensor::tch_device(&pk)?))?;
        pk = Tensor::f_cat(&[&pk, &z], 1)?;
        pv = Tensor::f_cat(&[&pv, &z.f_to_kind(pv.kind())?], 1)?;
        attn_mask = attn_mask.map(|t| pad_last(&t)).transpose()?;
        kpm = kpm.map(|t| pad_last(&t)).transpose()?;
    }
    let src_len = pk.size()[1];
    if let Some(p) = kpm {
        let ps = p.size();
        if ps[0] != bsz {
            return Err(assertion("nn::mha_kpm_shape", format!("Expected key_padded_mask.shape[0] to be {bsz}, but got {}", ps[0])));
        }
        if ps[1] != src_len {
            return Err(assertion("nn::mha_kpm_shape", format!("Expected key_padded_mask.shape[1] to be {src_len}, but got {}", ps[1])));
        }
        let p = p.f_view([bsz, 1, 1, src_len])?.f_expand([-1, heads, -1, -1], false)?.f_reshape([bsz * heads, 1, src_len])?;
        attn_mask = Some(match attn_mask {
            None => p,
            Some(am) => am.f_add(&p)?,
        });
    }
    let dropout_p = if m.training() { m.attr_f64("dropout")? } else { 0.0 };
    let out_proj = m.getattr("out_proj")?;
    let out_proj = out_proj.as_module().ok_or_else(|| Error::attribute("nn::mha_out_proj", "'NoneType' object has no attribute 'weight'"))?;
    let opw = slot(out_proj, "weight")?;
    let opb = out_proj.tensor_attr("bias")?;
    let opb = opb.as_ref().map(|b| b.tensor());
    let finish = |o: Tensor| -> Result<Tensor> {
        let o = lin(&o, opw.tensor(), opb)?;
        let o = o.f_view([tgt_len, bsz, o.size()[1]])?;
        let o = if is_batched { o } else { o.f_squeeze_dim(1)? };
        Ok(if batch_first && is_batched { o.f_transpose(1, 0)? } else { o })
    };
    let tv = |t: Tensor| Value::Tensor(TensorRef::new(t));
    if need_weights {
        let e = *pq.size().last().unwrap_or(&1);
        let q_scaled = pq.f_mul_scalar((1.0 / e as f64).sqrt())?;
        let kt = pk.f_transpose(-2, -1)?;
        let w = match &attn_mask {
            Some(am) => am.f_baddbmm(&q_scaled, &kt, 1, 1)?,
            None => q_scaled.f_bmm(&kt)?,
        };
        let mut w = w.f_softmax(-1, None::<Kind>)?;
        if dropout_p > 0.0 {
            w = w.f_dropout(dropout_p, true)?;
        }
        let o = w.f_bmm(&pv)?.f_transpose(0, 1)?.f_reshape([tgt_len * bsz, embed_dim])?;
        let o = finish(o)?;
        let mut w = w.f_view([bsz, heads, tgt_len, src_len])?;
        if average {
            w = w.f_mean_dim(&[1i64][..], false, None::<Kind>)?;
        }
        if !is_batched {
            w = w.f_squeeze_dim(0)?;
        }
        return Ok(Value::tuple(vec![tv(o), tv(w)]));
    }
    let attn_mask = match attn_mask {
        Some(am) if am.size()[0] == 1 && am.dim() == 3 => Some(am.f_unsqueeze(0)?),
        Some(am) => Some(am.f_view([bsz, heads, -1, src_len])?),
        None => None,
    };
    let pq = pq.f_view([bsz, heads, tgt_len, head_dim])?;
    let pk = pk.f_view([bsz, heads, src_len, head_dim])?;
    let pv = pv.f_view([bsz, heads, src_len, head_dim])?;
    let o = Tensor::f_scaled_dot_product_attention(&pq, &pk, &pv, attn_mask.as_ref(), dropout_p, is_causal, None, false)?;
    let o = o.f_permute([2, 0, 1, 3])?.f_reshape([bsz * tgt_len, embed_dim])?;
    Ok(Value::tuple(vec![tv(finish(o)?), Value::None]))
}
