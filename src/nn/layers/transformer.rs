//! `nn.TransformerEncoderLayer` and `nn.TransformerEncoder`: the submodules in PyTorch's order
//! (`self_attn`, `linear1`, `dropout`, `linear2`, `norm1`, `norm2`, `dropout1`, `dropout2`),
//! `norm_first`, `activation_relu_or_gelu` and `activation` in `__dict__` (a module activation
//! is a submodule), and the composite forward (`_sa_block`, `_ff_block`) through the children's
//! own calls, so hooks and `functional_call` see them. PyTorch's eval fast path (taken only
//! without grad) gives the same values within float tolerance.
use tch::Kind;

use super::attention::{multihead_attention, MhaOptions};
use super::bind::{bind_forward, flag, opt, tensor_of};
use super::{dropout, layer_norm, linear, new_builtin, no_extra};
use crate::error::{Error, Result};
use crate::nn::Module;
use crate::tensor::TensorRef;
use crate::value::{Function, FunctionKind, Kwargs, Value};

const PATH: &str = "torch.nn.modules.transformer";

/// `activation=`: `"relu"`/`"gelu"` (PyTorch stores `F.relu`/`F.gelu`), a module, or another
/// callable (called as it is).
#[derive(Clone)]
pub enum Activation {
    /// The name, with the function object to keep as `self.activation` (`F.relu`), if the
    /// caller has one.
    Named(String, Option<Value>),
    Module(Module),
    Callable(Value),
}

/// `nn.TransformerEncoderLayer`'s keyword arguments after `d_model, nhead`.
#[derive(Clone)]
pub struct EncoderLayerOptions {
    pub dim_feedforward: i64,
    pub dropout: f64,
    pub activation: Activation,
    pub layer_norm_eps: f64,
    pub batch_first: bool,
    pub norm_first: bool,
    pub bias: bool,
}

impl Default for EncoderLayerOptions {
    fn default() -> EncoderLayerOptions {
        EncoderLayerOptions {
            dim_feedforward: 2048,
            dropout: 0.1,
            activation: Activation::Named("relu".into(), None),
            layer_norm_eps: 1e-5,
            batch_first: false,
            norm_first: false,
            bias: true,
        }
    }
}

/// A stand-in for `F.relu` / `F.gelu` when the caller gave no function object.
fn named_fn(name: &str) -> Value {
    let gelu = name == "gelu";
    Function::new(name, FunctionKind::Builtin, move |pos, _kw| match pos.first() {
        Some(Value::Tensor(t)) => {
            let y = if gelu { t.tensor().f_gelu("none")? } else { t.tensor().f_relu()? };
            Ok(Value::Tensor(TensorRef::new(y)))
        }
        _ => Err(Error::type_error("call::argument_type", "expected a Tensor")),
    })
}

/// `nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=2048, dropout=0.1,
/// activation=F.relu, layer_norm_eps=1e-5, batch_first=False, norm_first=False, bias=True)`.
pub fn transformer_encoder_layer(d_model: i64, nhead: i64, o: EncoderLayerOptions) -> Result<Module> {
    let m = new_builtin("TransformerEncoderLayer", PATH, encoder_layer_forward, no_extra);
    let mha = MhaOptions { dropout: o.dropout, bias: o.bias, batch_first: o.batch_first, ..Default::default() };
    m.add_module("self_attn", Some(multihead_attention(d_model, nhead, mha)?))?;
    m.add_module("linear1", Some(linear(d_model, o.dim_feedforward, o.bias)?))?;
    m.add_module("dropout", Some(dropout(o.dropout)?))?;
    m.add_module("linear2", Some(linear(o.dim_feedforward, d_model, o.bias)?))?;
    m.set_setting("norm_first", Value::Bool(o.norm_first));
    m.add_module("norm1", Some(layer_norm(&[d_model], o.layer_norm_eps, true, o.bias)?))?;
    m.add_module("norm2", Some(layer_norm(&[d_model], o.layer_norm_eps, true, o.bias)?))?;
    m.add_module("dropout1", Some(dropout(o.dropout)?))?;
    m.add_module("dropout2", Some(dropout(o.dropout)?))?;
    let (code, act) = match o.activation {
        Activation::Named(name, f) => {
            let code = match name.as_str() {
                "relu" => 1,
                "gelu" => 2,
                other => return Err(Error::runtime("nn::transformer_activation", format!("activation should be relu/gelu, not {other}"))),
            };
            (code, f.unwrap_or_else(|| named_fn(&name)))
        }
        Activation::Module(a) => {
            let code = match (a.qualified_class_name().as_str(), a.class_name().as_str()) {
                ("torch.nn.modules.activation.ReLU", _) => 1,
                ("torch.nn.modules.activation.GELU", _) => 2,
                _ => 0,
            };
            (code, Value::Module(a))
        }
        Activation::Callable(f) => (0, f),
    };
    m.set_setting("activation_relu_or_gelu", Value::Int(code));
    m.setattr("activation", act)?;
    Ok(m)
}

fn child(m: &Module, name: &str) -> Result<Module> {
    match m.getattr(name)? {
        Value::Module(c) => Ok(c),
        other => Err(Error::type_error("eval::not_callable", format!("'{}' object is not callable", other.type_name()))),
    }
}

/// `self.<name>(x)` for a child module.
fn run(m: &Module, name: &str, x: Value) -> Result<Value> {
    child(m, name)?.call(&[x], &Vec::new())
}

fn add(a: &Value, b: &Value) -> Result<Value> {
    match (a, b) {
        (Value::Tensor(a), Value::Tensor(b)) => Ok(Value::Tensor(TensorRef::new(a.tensor().f_add(b.tensor())?))),
        _ => Err(Error::type_error("nn::transformer_add", "a sublayer returned a non-tensor")),
    }
}

/// `F._canonical_mask` as the encoder layer applies it (a bool mask becomes `-inf` floats).
fn canonical(v: Option<&Value>, m: &Module, name: &str, target: Kind) -> Result<Value> {
    let Some(v) = v else { return Ok(Value::None) };
    let t = tensor_of(m, v, name)?;
    let k = t.kind();
    let is_float = matches!(k, Kind::Float | Kind::Double | Kind::Half | Kind::BFloat16);
    if k != Kind::Bool && !is_float {
        return Err(Error::new(
            crate::error::ExcType::AssertionError,
            "nn::mask_type",
            format!("only bool and floating types of {name} are supported"),
        ));
    }
    if is_float {
        return Ok(v.clone());
    }
    let mut z = t.tensor().f_zeros_like()?.f_to_kind(target)?;
    let _ = z.f_masked_fill_(t.tensor(), f64::NEG_INFINITY)?;
    Ok(Value::Tensor(TensorRef::new(z)))
}

/// `TransformerEncoderLayer.forward(src, src_mask=None, src_key_padding_mask=None, is_causal=False)`.
fn encoder_layer_forward(m: &Module, args: &[Value], kwargs: &Kwargs) -> Result<Value> {
    let a = bind_forward(m, args, kwargs, &["src", "src_mask", "src_key_padding_mask", "is_causal"], 1)?;
    let src = tensor_of(m, a[0].as_ref().unwrap(), "src")?;
    let kpm = canonical(opt(&a[2]), m, "src_key_padding_mask", src.kind())?;
    let mask = canonical(opt(&a[1]), m, "src_mask", src.kind())?;
    let is_causal = flag(&a[3], false)?;
    let sa = |x: Value| -> Result<Value> {
        let kw: Kwargs = vec![
            ("attn_mask".into(), mask.clone()),
            ("key_padding_mask".into(), kpm.clone()),
            ("need_weights".into(), Value::Bool(false)),
            ("is_causal".into(), Value::Bool(is_causal)),
        ];
        let out = child(m, "self_attn")?.call(&[x.clone(), x.clone(), x], &kw)?;
        let first = match &out {
            Value::Tuple(items) => items.borrow().first().cloned().unwrap_or(Value::None),
            other => other.clone(),
        };
        run(m, "dropout1", first)
    };
    let ff = |x: Value| -> Result<Value> {
        let h = run(m, "linear1", x)?;
        let act = m.getattr("activation")?;
        let h = match &act {
            Value::Module(a) => a.call(&[h], &Vec::new())?,
            Value::Function(f) => (f.call)(&[h], &Vec::new())?,
            other => return Err(Error::type_error("eval::not_callable", format!("'{}' object is not callable", other.type_name()))),
        };
        let h = run(m, "dropout", h)?;
        let h = run(m, "linear2", h)?;
        run(m, "dropout2", h)
    };
    let x = Value::Tensor(src);
    let out = if m.attr_bool("norm_first")? {
        let x = add(&x, &sa(run(m, "norm1", x.clone())?)?)?;
        add(&x, &ff(run(m, "norm2", x.clone())?)?)?
    } else {
        let x = run(m, "norm1", add(&x, &sa(x.clone())?)?)?;
        run(m, "norm2", add(&x, &ff(x.clone())?)?)?
    };
    Ok(out)
}

/// `nn.TransformerEncoder(encoder_layer, num_layers, norm=None, enable_nested_tensor=True,
/// mask_check=True)` with `layers` made by the caller (`_get_clones`: deep copies).
pub fn transformer_encoder(layers: Vec<Module>, norm: Option<Module>, enable_nested_tensor: bool, mask_check: bool) -> Result<Module> {
    let m = new_builtin("TransformerEncoder", PATH, encoder_forward, no_extra);
    let n = layers.len() as i64;
    m.add_module("layers", Some(super::module_list(layers)?))?;
    m.set_setting("num_layers", Value::Int(n));
    m.setattr("norm", norm.map(Value::Module).unwrap_or(Value::None))?;
    m.set_setting("enable_nested_tensor", Value::Bool(enable_nested_tensor));
    // The nested-tensor fast path is never taken here (it needs no grad); PyTorch's flag
    // still reads as its constructor computed it.
    m.set_setting("use_nested_tensor", Value::Bool(enable_nested_tensor));
    m.set_setting("mask_check", Value::Bool(mask_check));
    Ok(m)
}

/// `_detect_is_causal_mask(mask, is_causal, size)`.
fn detect_causal(mask: &Value, is_causal: Option<bool>, size: Option<i64>) -> Result<bool> {
    if let Some(b) = is_causal {
        return Ok(b);
    }
    let Value::Tensor(t) = mask else { return Ok(false) };
    let t = t.tensor();
    let sz = match size {
        Some(s) => s,
        None => t.size().get(t.dim().wrapping_sub(2)).copied().unwrap_or(0),
    };
    if t.size() != [sz, sz] {
        return Ok(false);
    }
    // `_generate_square_subsequent_mask`: -inf above the diagonal, 0 elsewhere.
    let causal = tch::Tensor::f_full([sz, sz], f64::NEG_INFINITY, (t.kind(), crate::tensor::tch_device(&t)?))?.f_triu(1)?;
    Ok(t.f_eq_tensor(&causal)?.f_all()?.f_int64_value(&[])? != 0)
}

/// `TransformerEncoder.forward(src, mask=None, src_key_padding_mask=None, is_causal=None)`.
fn encoder_forward(m: &Module, args: &[Value], kwargs: &Kwargs) -> Result<Value> {
    let a = bind_forward(m, args, kwargs, &["src", "mask", "src_key_padding_mask", "is_causal"], 1)?;
    let src = tensor_of(m, a[0].as_ref().unwrap(), "src")?;
    let kpm = canonical(opt(&a[2]), m, "src_key_padding_mask", src.kind())?;
    let mask = canonical(opt(&a[1]), m, "mask", src.kind())?;
    let layers = child(m, "layers")?;
    let mods: Vec<Module> = layers.data().modules.values().flatten().cloned().collect();
    let batch_first = match mods.first() {
        Some(first) => child(first, "self_attn")?.attr_bool("batch_first")?,
        None => false,
    };
    let size = src.shape();
    let seq_len = if size.len() == 2 { size[0] } else { size[if batch_first { 1 } else { 0 }] };
    let is_causal = match opt(&a[3]) {
        None => None,
        Some(_) => Some(flag(&a[3], false)?),
    };
    let is_causal = detect_causal(&mask, is_causal, Some(seq_len))?;
    let mut out = Value::Tensor(src);
    for layer in mods {
        let kw: Kwargs = vec![
            ("src_mask".into(), mask.clone()),
            ("is_causal".into(), Value::Bool(is_causal)),
            ("src_key_padding_mask".into(), kpm.clone()),
        ];
        out = layer.call(&[out], &kw)?;
    }
    if let Value::Module(norm) = m.getattr("norm")? {
        out = norm.call(&[out], &Vec::new())?;
    }
    Ok(out)
}
