//! The constructors of the sequence layers as Python calls them: `nn.RNN`, `nn.LSTM`,
//! `nn.GRU`, `nn.MultiheadAttention`, `nn.TransformerEncoderLayer`, `nn.TransformerEncoder`
//! (bound by the rows of `builtins::TABLE`; the layers are `nn::layers::{rnn, attention,
//! transformer}`).
use super::args::Args;
use crate::error::{Error, Result};
use crate::nn::layers::{self, Activation, EncoderLayerOptions, MhaOptions, RnnOptions};
use crate::nn::Module;
use crate::value::{FunctionKind, Value};

/// `RNNBase`'s checks of argument types (`bias should be of type bool, got: int`).
fn typed_bool(a: &Args, name: &str, default: bool) -> Result<bool> {
    match a.get(name) {
        None => Ok(default),
        Some(Value::Bool(b)) => Ok(*b),
        Some(v) => Err(Error::type_error("nn::rnn_argument", format!("{name} should be of type bool, got: {}", v.type_name()))),
    }
}

fn typed_int(a: &Args, name: &str) -> Result<i64> {
    match a.get(name) {
        Some(Value::Int(i)) => Ok(*i),
        Some(v) => Err(Error::type_error("nn::rnn_argument", format!("{name} should be of type int, got: {}", v.type_name()))),
        None => Ok(0),
    }
}

/// `RNNBase.__init__`'s dropout check: a number in [0, 1], not a bool.
fn rnn_dropout(a: &Args) -> Result<f64> {
    let bad = || Error::value("nn::rnn_argument", "dropout should be a number in range [0, 1] representing the probability of an element being zeroed");
    match a.get("dropout") {
        None => Ok(0.0),
        Some(Value::Int(i)) => Ok(*i as f64),
        Some(Value::Float(f)) => Ok(*f),
        Some(_) => Err(bad()),
    }
}

fn rnn_options(a: &Args) -> Result<RnnOptions> {
    let o = RnnOptions {
        num_layers: a.int("num_layers", 1)?,
        dropout: rnn_dropout(a)?,
        bias: typed_bool(a, "bias", true)?,
        batch_first: typed_bool(a, "batch_first", false)?,
        bidirectional: a.boolean("bidirectional", false)?,
        proj_size: 0,
    };
    Ok(o)
}

/// `nn.RNN(...)` / `nn.GRU(...)` (which refuse `proj_size`) and `nn.LSTM(...)`.
pub fn recurrent(a: &Args, mode: layers::RnnMode) -> Result<Value> {
    if mode != layers::RnnMode::Lstm && a.get("proj_size").is_some() {
        return Err(Error::value("nn::rnn_proj_size", "proj_size argument is only supported for LSTM, not RNN or GRU"));
    }
    let nonlinearity = if matches!(mode, layers::RnnMode::RnnTanh) { a.string("nonlinearity", "tanh")? } else { String::new() };
    let mut o = rnn_options(a)?;
    let (input_size, hidden_size) = (typed_int(a, "input_size")?, typed_int(a, "hidden_size")?);
    let m = match mode {
        layers::RnnMode::Lstm => {
            o.proj_size = a.int("proj_size", 0)?;
            layers::lstm(input_size, hidden_size, o)
        }
        layers::RnnMode::Gru => layers::gru(input_size, hidden_size, o),
        _ => layers::rnn(input_size, hidden_size, &nonlinearity, o),
    }?;
    Ok(Value::Module(m))
}

fn opt_int(a: &Args, name: &str) -> Result<Option<i64>> {
    match a.get(name) {
        None | Some(Value::None) => Ok(None),
        Some(_) => a.int(name, 0).map(Some),
    }
}

/// `nn.MultiheadAttention(embed_dim, num_heads, ...)`.
pub fn multihead_attention(a: &Args) -> Result<Value> {
    let o = MhaOptions {
        dropout: a.float("dropout", 0.0)?,
        bias: a.boolean("bias", true)?,
        add_bias_kv: a.boolean("add_bias_kv", false)?,
        add_zero_attn: a.boolean("add_zero_attn", false)?,
        kdim: opt_int(a, "kdim")?,
        vdim: opt_int(a, "vdim")?,
        batch_first: a.boolean("batch_first", false)?,
    };
    Ok(Value::Module(layers::multihead_attention(a.int("embed_dim", 0)?, a.int("num_heads", 0)?, o)?))
}

/// `activation=`: a name, a module, or a function (fcall's `F.relu` counts as "relu").
fn activation(v: Option<&Value>) -> Result<Activation> {
    Ok(match v {
        None => Activation::Named("relu".into(), None),
        Some(Value::Str(s)) => Activation::Named(s.to_string(), None),
        Some(Value::Module(m)) => Activation::Module(m.clone()),
        Some(Value::Function(f)) if matches!(f.kind, FunctionKind::Builtin) && matches!(f.name.as_str(), "relu" | "gelu") => {
            Activation::Named(f.name.clone(), Some(Value::Function(f.clone())))
        }
        Some(other) => Activation::Callable(other.clone()),
    })
}

/// `nn.TransformerEncoderLayer(d_model, nhead, ...)`.
pub fn transformer_encoder_layer(a: &Args) -> Result<Value> {
    let d = EncoderLayerOptions::default();
    let o = EncoderLayerOptions {
        dim_feedforward: a.int("dim_feedforward", d.dim_feedforward)?,
        dropout: a.float("dropout", d.dropout)?,
        activation: activation(a.get("activation"))?,
        layer_norm_eps: a.float("layer_norm_eps", d.layer_norm_eps)?,
        batch_first: a.boolean("batch_first", false)?,
        norm_first: a.boolean("norm_first", false)?,
        bias: a.boolean("bias", true)?,
    };
    Ok(Value::Module(layers::transformer_encoder_layer(a.int("d_model", 0)?, a.int("nhead", 0)?, o)?))
}

/// `nn.TransformerEncoder(encoder_layer, num_layers, norm=None, enable_nested_tensor=True,
/// mask_check=True)`: `layers` holds `copy.deepcopy(encoder_layer)` `num_layers` times.
pub fn transformer_encoder(a: &Args) -> Result<Value> {
    let layer = match a.get("encoder_layer") {
        Some(Value::Module(m)) => m.clone(),
        Some(v) => return Err(Error::type_error("call::argument_type", format!("TransformerEncoder(): argument 'encoder_layer' must be a Module, not {}", v.type_name()))),
        None => return Err(Error::type_error("call::argument_type", "TransformerEncoder(): argument 'encoder_layer' must be a Module")),
    };
    let n = a.int("num_layers", 0)?;
    let copies = (0..n.max(0))
        .map(|_| match super::pycopy::deepcopy(&Value::Module(layer.clone()))? {
            Value::Module(m) => Ok(m),
            _ => Err(Error::runtime("copy::module", "deepcopy of a module gave a non-module")),
        })
        .collect::<Result<Vec<Module>>>()?;
    let norm = match a.get("norm") {
        None | Some(Value::None) => None,
        Some(Value::Module(m)) => Some(m.clone()),
        Some(v) => return Err(Error::type_error("nn::assign_module", format!("cannot assign '{}' as child module 'norm' (torch.nn.Module or None expected)", v.torch_typename()))),
    };
    let m = layers::transformer_encoder(copies, norm, a.boolean("enable_nested_tensor", true)?, a.boolean("mask_check", true)?)?;
    Ok(Value::Module(m))
}
