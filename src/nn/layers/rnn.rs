//! `nn.RNN`, `nn.LSTM`, `nn.GRU` (`RNNBase`): per layer and direction the parameters
//! `weight_ih_l{k}`, `weight_hh_l{k}`, `bias_ih_l{k}`, `bias_hh_l{k}` (and `weight_hr_l{k}` with
//! `proj_size`), `_reverse` for the second direction, all `uniform_(-1/sqrt(hidden), ...)` in
//! registration order as `reset_parameters` does. Forward calls `aten::rnn_tanh` / `rnn_relu` /
//! `lstm` / `gru` with the flat weight list read from the module's current attributes by name
//! (so `functional_call`'s swapped tensors are the ones used), as `_update_flat_weights` does.
use tch::Tensor;

use super::bind::{bind_forward, opt, tensor_of};
use super::{new_builtin, py_bool, setting_str, slot, uniform_parameter};
use crate::error::{Error, Result};
use crate::nn::Module;
use crate::tensor::{dtype_name, TensorRef};
use crate::value::{Kwargs, Value};

const PATH: &str = "torch.nn.modules.rnn";

/// Which recurrence: `RNNBase.mode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RnnMode {
    RnnTanh,
    RnnRelu,
    Lstm,
    Gru,
}

impl RnnMode {
    fn name(self) -> &'static str {
        match self {
            RnnMode::RnnTanh => "RNN_TANH",
            RnnMode::RnnRelu => "RNN_RELU",
            RnnMode::Lstm => "LSTM",
            RnnMode::Gru => "GRU",
        }
    }
    fn class(self) -> &'static str {
        match self {
            RnnMode::RnnTanh | RnnMode::RnnRelu => "RNN",
            RnnMode::Lstm => "LSTM",
            RnnMode::Gru => "GRU",
        }
    }
    fn gates(self) -> i64 {
        match self {
            RnnMode::RnnTanh | RnnMode::RnnRelu => 1,
            RnnMode::Lstm => 4,
            RnnMode::Gru => 3,
        }
    }
    fn of(name: &str) -> Option<RnnMode> {
        [RnnMode::RnnTanh, RnnMode::RnnRelu, RnnMode::Lstm, RnnMode::Gru].into_iter().find(|m| m.name() == name)
    }
}

/// `RNNBase`'s keyword arguments after `input_size, hidden_size`.
#[derive(Clone, Debug, PartialEq)]
pub struct RnnOptions {
    pub num_layers: i64,
    pub bias: bool,
    pub batch_first: bool,
    pub dropout: f64,
    pub bidirectional: bool,
    /// LSTM only; 0 disables projections.
    pub proj_size: i64,
}

impl Default for RnnOptions {
    fn default() -> RnnOptions {
        RnnOptions { num_layers: 1, bias: true, batch_first: false, dropout: 0.0, bidirectional: false, proj_size: 0 }
    }
}

/// `RNN.__init__` / `GRU.__init__`: `proj_size` is LSTM's alone.
fn no_proj(opts: &RnnOptions) -> Result<()> {
    if opts.proj_size != 0 {
        return Err(Error::value("nn::rnn_proj_size", "proj_size argument is only supported for LSTM, not RNN or GRU"));
    }
    Ok(())
}

/// `nn.RNN(input_size, hidden_size, num_layers=1, nonlinearity='tanh', ...)`.
pub fn rnn(input_size: i64, hidden_size: i64, nonlinearity: &str, opts: RnnOptions) -> Result<Module> {
    no_proj(&opts)?;
    let mode = match nonlinearity {
        "tanh" => RnnMode::RnnTanh,
        "relu" => RnnMode::RnnRelu,
        other => {
            return Err(Error::value(
                "nn::rnn_nonlinearity",
                format!("Unknown nonlinearity '{other}'. Select from 'tanh' or 'relu'."),
            ))
        }
    };
    rnn_base(mode, input_size, hidden_size, opts, Some(nonlinearity))
}

/// `nn.LSTM(input_size, hidden_size, ...)`.
pub fn lstm(input_size: i64, hidden_size: i64, opts: RnnOptions) -> Result<Module> {
    rnn_base(RnnMode::Lstm, input_size, hidden_size, opts, None)
}

/// `nn.GRU(input_size, hidden_size, ...)`.
pub fn gru(input_size: i64, hidden_size: i64, opts: RnnOptions) -> Result<Module> {
    no_proj(&opts)?;
    rnn_base(RnnMode::Gru, input_size, hidden_size, opts, None)
}

/// `RNNBase.__init__`: its checks in order, the parameters, then `reset_parameters`.
fn rnn_base(mode: RnnMode, input_size: i64, hidden_size: i64, o: RnnOptions, nonlinearity: Option<&str>) -> Result<Module> {
    let bad = |msg: &str| Err(Error::value("nn::rnn_argument", msg.to_string()));
    if !(0.0..=1.0).contains(&o.dropout) {
        return bad("dropout should be a number in range [0, 1] representing the probability of an element being zeroed");
    }
    if input_size <= 0 {
        return bad("input_size must be greater than zero");
    }
    if hidden_size <= 0 {
        return bad("hidden_size must be greater than zero");
    }
    if o.num_layers <= 0 {
        return bad("num_layers must be greater than zero");
    }
    if o.proj_size < 0 {
        return bad("proj_size should be a positive integer or zero to disable projections");
    }
    if o.proj_size >= hidden_size {
        return bad("proj_size has to be smaller than hidden_size");
    }
    let m = new_builtin(mode.class(), PATH, rnn_forward, rnn_repr);
    if let Some(n) = nonlinearity {
        m.set_setting("nonlinearity", Value::str(n));
    }
    m.set_setting("mode", Value::str(mode.name()));
    m.set_setting("input_size", Value::Int(input_size));
    m.set_setting("hidden_size", Value::Int(hidden_size));
    m.set_setting("num_layers", Value::Int(o.num_layers));
    m.set_setting("bias", Value::Bool(o.bias));
    m.set_setting("batch_first", Value::Bool(o.batch_first));
    m.set_setting("dropout", Value::Float(o.dropout));
    m.set_setting("bidirectional", Value::Bool(o.bidirectional));
    m.set_setting("proj_size", Value::Int(o.proj_size));
    let gate = mode.gates() * hidden_size;
    let real_hidden = if o.proj_size > 0 { o.proj_size } else { hidden_size };
    let dirs = if o.bidirectional { 2 } else { 1 };
    let stdv = 1.0 / (hidden_size as f64).sqrt();
    let mut flat = Vec::new();
    let mut all = Vec::new();
    for layer in 0..o.num_layers {
        for dir in 0..dirs {
            let layer_in = if layer == 0 { input_size } else { real_hidden * dirs };
            let suffix = if dir == 1 { "_reverse" } else { "" };
            let mut shapes: Vec<(&str, Vec<i64>)> = vec![("weight_ih", vec![gate, layer_in]), ("weight_hh", vec![gate, real_hidden])];
            if o.bias {
                shapes.push(("bias_ih", vec![gate]));
                shapes.push(("bias_hh", vec![gate]));
            }
            if o.proj_size > 0 {
                shapes.push(("weight_hr", vec![o.proj_size, hidden_size]));
            }
            let mut names = Vec::new();
            for (base, shape) in shapes {
                let name = format!("{base}_l{layer}{suffix}");
                // `reset_parameters` draws over `self.parameters()`, which is this order.
                m.register_parameter(&name, Some(uniform_parameter(&shape, stdv)?))?;
                names.push(Value::str(&name));
            }
            flat.extend(names.iter().cloned());
            all.push(Value::list(names));
        }
    }
    m.set_setting("_flat_weights_names", Value::list(flat));
    m.set_setting("_all_weights", Value::list(all));
    Ok(m)
}

/// `RNNBase.extra_repr`.
fn rnn_repr(m: &Module) -> String {
    let mut s = format!("{}, {}", setting_str(m, "input_size"), setting_str(m, "hidden_size"));
    let int = |k: &str| m.attr_i64(k).unwrap_or(0);
    let flag = |k: &str| m.attr_bool(k).unwrap_or(false);
    if int("proj_size") != 0 {
        s += &format!(", proj_size={}", setting_str(m, "proj_size"));
    }
    if int("num_layers") != 1 {
        s += &format!(", num_layers={}", setting_str(m, "num_layers"));
    }
    if !flag("bias") {
        s += &format!(", bias={}", setting_str(m, "bias"));
    }
    if flag("batch_first") {
        s += &format!(", batch_first={}", setting_str(m, "batch_first"));
    }
    if m.attr_f64("dropout").unwrap_or(0.0) != 0.0 {
        s += &format!(", dropout={}", setting_str(m, "dropout"));
    }
    if flag("bidirectional") {
        s += &format!(", bidirectional={}", py_bool(true));
    }
    s
}

fn runtime(msg: String) -> Error {
    Error::runtime("nn::rnn_input", msg)
}

/// `check_hidden_size`.
fn check_hidden(hx: &Tensor, expected: &[i64], what: &str) -> Result<()> {
    let got = hx.size();
    if got != expected {
        let shown: Vec<String> = got.iter().map(i64::to_string).collect();
        return Err(runtime(format!("Expected {what} size {}, got [{}]", super::py_tuple(expected), shown.join(", "))));
    }
    Ok(())
}

/// The tensors of an LSTM `hx=(h_0, c_0)`.
fn pair(m: &Module, v: &Value) -> Result<(TensorRef, TensorRef)> {
    let items = match v {
        Value::Tuple(s) | Value::List(s) => s.borrow().clone(),
        other => {
            return Err(Error::type_error(
                "nn::lstm_hx",
                format!("{}.forward(): hx must be a tuple (h_0, c_0), not {}", m.class_name(), other.type_name()),
            ))
        }
    };
    if items.len() < 2 {
        return Err(Error::new(crate::error::ExcType::IndexError, "nn::lstm_hx", "tuple index out of range"));
    }
    Ok((tensor_of(m, &items[0], "hx[0]")?, tensor_of(m, &items[1], "hx[1]")?))
}

fn zeros(shape: &[i64], like: &Tensor) -> Result<Tensor> {
    Ok(Tensor::f_zeros(shape, (like.kind(), crate::tensor::tch_device(like)?))?)
}

/// `RNN.forward` / `LSTM.forward` / `GRU.forward` on a Tensor input (not a PackedSequence).
fn rnn_forward(m: &Module, args: &[Value], kwargs: &Kwargs) -> Result<Value> {
    let a = bind_forward(m, args, kwargs, &["input", "hx"], 1)?;
    let input = tensor_of(m, a[0].as_ref().unwrap(), "input")?;
    let mode = match m.getattr("mode")? {
        Value::Str(s) => RnnMode::of(&s),
        _ => None,
    }
    .ok_or_else(|| Error::value("nn::rnn_mode", format!("Unrecognized RNN mode: {}", setting_str(m, "mode"))))?;
    let lstm = mode == RnnMode::Lstm;
    let (num_layers, hidden) = (m.attr_i64("num_layers")?, m.attr_i64("hidden_size")?);
    let (bias, batch_first, bidirectional) = (m.attr_bool("bias")?, m.attr_bool("batch_first")?, m.attr_bool("bidirectional")?);
    let proj = if lstm { m.attr_i64("proj_size")? } else { 0 };
    let dropout = m.attr_f64("dropout")?;
    let dirs = if bidirectional { 2 } else { 1 };
    let mut x = input.tensor().shallow_clone();
    let d = x.dim();
    if d != 2 && d != 3 {
        let tail = if mode == RnnMode::Gru || lstm { "instead" } else { "tensor instead" };
        return Err(Error::value("nn::rnn_input_dim", format!("{}: Expected input to be 2D or 3D, got {d}D {tail}", mode.class())));
    }
    let batched = d == 3;
    let batch_dim = if batch_first { 0 } else { 1 };
    if !batched {
        x = x.f_unsqueeze(batch_dim)?;
    }
    let batch = x.size()[batch_dim as usize];
    let real_hidden = if proj > 0 { proj } else { hidden };
    let h_shape = [num_layers * dirs, batch, real_hidden];
    let c_shape = [num_layers * dirs, batch, hidden];
    // The hidden state(s), unsqueezed for an unbatched input.
    let hx: Vec<Tensor> = match opt(&a[1]) {
        None => {
            let mut v = vec![zeros(&h_shape, &x)?];
            if lstm {
                v.push(zeros(&c_shape, &x)?);
            }
            v
        }
        Some(v) if lstm => {
            let (h, c) = pair(m, v)?;
            let (hd, cd) = (h.tensor().dim(), c.tensor().dim());
            let want = if batched { 3 } else { 2 };
            if hd != want || cd != want {
                let what = if batched { "batched 3-D" } else { "unbatched 2-D" };
                return Err(runtime(format!(
                    "For {what} input, hx and cx should also be {want}-D but got ({hd}-D, {cd}-D) tensors"
                )));
            }
            let mut v = vec![h.tensor().shallow_clone(), c.tensor().shallow_clone()];
            if !batched {
                v = v.iter().map(|t| t.f_unsqueeze(1)).collect::<std::result::Result<_, _>>()?;
            }
            v
        }
        Some(v) => {
            let h = tensor_of(m, v, "hx")?;
            let hd = h.tensor().dim();
            if !batched && hd != 2 {
                return Err(runtime(format!("For unbatched 2-D input, hx should also be 2-D but got {hd}-D tensor")));
            }
            if batched && hd != 3 {
                return Err(runtime(format!("For batched 3-D input, hx should also be 3-D but got {hd}-D tensor")));
            }
            vec![if batched { h.tensor().shallow_clone() } else { h.tensor().f_unsqueeze(1)? }]
        }
    };
    // `_update_flat_weights`: the module's current tensors under `_flat_weights_names`.
    let names: Vec<String> = match m.getattr("_flat_weights_names")? {
        Value::List(s) | Value::Tuple(s) => s.borrow().iter().map(|v| v.py_str()).collect(),
        _ => Vec::new(),
    };
    let weights = names.iter().map(|n| slot(m, n)).collect::<Result<Vec<_>>>()?;
    let flat: Vec<&Tensor> = weights.iter().map(|w| w.tensor()).collect();
    // check_forward_args: check_input, then the hidden sizes.
    if let Some(w0) = flat.first() {
        if x.kind() != w0.kind() {
            let (xi, wi) = (dtype_name(x.kind()), dtype_name(w0.kind()));
            return Err(Error::value(
                "nn::rnn_dtype",
                format!(
                    "RNN input dtype (torch.{xi}) does not match weight dtype (torch.{wi}). Convert input: input.to(torch.{wi}), or convert model: model.to(torch.{xi})"
                ),
            ));
        }
    }
    let input_size = m.attr_i64("input_size")?;
    let last = *x.size().last().unwrap_or(&0);
    if input_size != last {
        return Err(runtime(format!("input.size(-1) must be equal to input_size. Expected {input_size}, got {last}")));
    }
    if lstm {
        check_hidden(&hx[0], &h_shape, "hidden[0]")?;
        check_hidden(&hx[1], &c_shape, "hidden[1]")?;
    } else {
        check_hidden(&hx[0], &h_shape, "hidden")?;
    }
    let train = m.training();
    let squeeze = |t: Tensor, dim: i64| -> Result<Value> {
        let t = if batched { t } else { t.f_squeeze_dim(dim)? };
        Ok(Value::Tensor(TensorRef::new(t)))
    };
    if lstm {
        let (out, h, c) = x.f_lstm(&[&hx[0], &hx[1]], &flat, bias, num_layers, dropout, train, bidirectional, batch_first)?;
        return Ok(Value::tuple(vec![squeeze(out, batch_dim)?, Value::tuple(vec![squeeze(h, 1)?, squeeze(c, 1)?])]));
    }
    let (out, h) = match mode {
        RnnMode::RnnTanh => x.f_rnn_tanh(&hx[0], &flat, bias, num_layers, dropout, train, bidirectional, batch_first)?,
        RnnMode::RnnRelu => x.f_rnn_relu(&hx[0], &flat, bias, num_layers, dropout, train, bidirectional, batch_first)?,
        _ => x.f_gru(&hx[0], &flat, bias, num_layers, dropout, train, bidirectional, batch_first)?,
    };
    Ok(Value::tuple(vec![squeeze(out, batch_dim)?, squeeze(h, 1)?]))
}
