//! `torch.nn.functional`'s Python wrappers (torch/nn/functional.py) over torch's generated
//! bindings: each with its own Python signature and defaults (`dropout(input, p=0.5,
//! training=True, inplace=False)`), then either a call of one binding ([`Body::Call`]: renamed
//! arguments, `inplace=True` choosing the in-place form `silu_` that returns the input object,
//! a loss's `size_average`/`reduce`/`reduction` becoming the reduction enum as `_Reduction`
//! computes it) or functional.py's own few lines ([`Body::Code`]: checks with its errors,
//! `padding_idx`, `return_indices`, `batchmean`, ...).
use std::rc::Rc;

use indexmap::IndexMap;

use super::parse;
use super::signature::{Ns, Signature};
use crate::error::{Error, ExcType, Result};
use crate::tensor::TensorRef;
use crate::value::{Function, FunctionKind, Kwargs, Value};

/// The wrapper's parameters by name, each as given or its default.
type Params = IndexMap<String, Value>;

/// What a wrapper does with its parameters.
enum Body {
    /// Calls one binding: (namespace, binding, renamed parameters; a rename to "" drops it).
    Call(Ns, &'static str, &'static [(&'static str, &'static str)]),
    /// functional.py's own code.
    Code(fn(&Params) -> Result<Value>),
}

use Body::{Call, Code};

const RED: &str = "bool? size_average=None, bool? reduce=None, c10::string_view reduction=\"mean\"";

/// (Python signature of the F function, what it does). `{RED}` stands for the legacy
/// reduction parameters that most losses take in this order.
const WRAPPERS: &[(&str, Body)] = &[
    ("dropout(Tensor input, double p=0.5, bool training=True, bool inplace=False)", Code(dropout)),
    ("alpha_dropout(Tensor input, double p=0.5, bool training=False, bool inplace=False)", Code(dropout)),
    ("feature_alpha_dropout(Tensor input, double p=0.5, bool training=False, bool inplace=False)", Code(dropout)),
    ("dropout1d(Tensor input, double p=0.5, bool training=True, bool inplace=False)", Code(dropout)),
    ("dropout2d(Tensor input, double p=0.5, bool training=True, bool inplace=False)", Code(dropout)),
    ("dropout3d(Tensor input, double p=0.5, bool training=True, bool inplace=False)", Code(dropout)),
    ("relu(Tensor input, bool inplace=False)", Call(Ns::Torch, "relu", &[])),
    ("silu(Tensor input, bool inplace=False)", Call(Ns::Nn, "silu", &[])),
    ("mish(Tensor input, bool inplace=False)", Call(Ns::Nn, "mish", &[])),
    ("relu6(Tensor input, bool inplace=False)", Call(Ns::Nn, "relu6", &[])),
    ("hardswish(Tensor input, bool inplace=False)", Call(Ns::Nn, "hardswish", &[])),
    ("hardsigmoid(Tensor input, bool inplace=False)", Call(Ns::Nn, "hardsigmoid", &[])),
    ("elu(Tensor input, double alpha=1.0, bool inplace=False)", Call(Ns::Nn, "elu", &[])),
    ("selu(Tensor input, bool inplace=False)", Call(Ns::Torch, "selu", &[])),
    ("celu(Tensor input, double alpha=1.0, bool inplace=False)", Call(Ns::Torch, "celu", &[])),
    ("leaky_relu(Tensor input, double negative_slope=0.01, bool inplace=False)", Call(Ns::Nn, "leaky_relu", &[])),
    ("hardtanh(Tensor input, double min_val=-1.0, double max_val=1.0, bool inplace=False)", Call(Ns::Nn, "hardtanh", &[])),
    ("threshold(Tensor input, double threshold, double value, bool inplace=False)", Call(Ns::Torch, "threshold", &[])),
    ("rrelu(Tensor input, double lower=0.125, double upper=0.3333333333333333, bool training=False, bool inplace=False)", Call(Ns::Torch, "rrelu", &[])),
    ("glu(Tensor input, int64_t dim=-1)", Code(glu)),
    ("softsign(Tensor input)", Code(softsign)),
    ("tanhshrink(Tensor input)", Code(tanhshrink)),
    ("softmax(Tensor input, int64_t? dim=None, int64_t _stacklevel=3, ScalarType? dtype=None)", Code(softmax)),
    ("log_softmax(Tensor input, int64_t? dim=None, int64_t _stacklevel=3, ScalarType? dtype=None)", Code(softmax)),
    ("softmin(Tensor input, int64_t? dim=None, int64_t _stacklevel=3, ScalarType? dtype=None)", Code(softmax)),
    ("normalize(Tensor input, double p=2.0, int64_t dim=1, double eps=1e-12, Tensor? out=None)", Code(normalize)),
    ("embedding(Tensor input, Tensor weight, int64_t? padding_idx=None, double? max_norm=None, double norm_type=2.0, bool scale_grad_by_freq=False, bool sparse=False)", Code(embedding)),
    ("batch_norm(Tensor input, Tensor? running_mean, Tensor? running_var, Tensor? weight=None, Tensor? bias=None, bool training=False, double momentum=0.1, double eps=1e-05)", Code(batch_norm)),
    ("instance_norm(Tensor input, Tensor? running_mean=None, Tensor? running_var=None, Tensor? weight=None, Tensor? bias=None, bool use_input_stats=True, double momentum=0.1, double eps=1e-05)", Code(instance_norm)),
    ("rms_norm(Tensor input, IntArrayRef normalized_shape, Tensor? weight=None, double? eps=None)", Call(Ns::Torch, "rms_norm", &[])),
    ("max_pool1d(Tensor input, IntArrayRef[1] kernel_size, IntArrayRef[1]? stride=None, IntArrayRef[1] padding=0, IntArrayRef[1] dilation=1, bool ceil_mode=False, bool return_indices=False)", Code(max_pool)),
    ("max_pool2d(Tensor input, IntArrayRef[2] kernel_size, IntArrayRef[2]? stride=None, IntArrayRef[2] padding=0, IntArrayRef[2] dilation=1, bool ceil_mode=False, bool return_indices=False)", Code(max_pool)),
    ("max_pool3d(Tensor input, IntArrayRef[3] kernel_size, IntArrayRef[3]? stride=None, IntArrayRef[3] padding=0, IntArrayRef[3] dilation=1, bool ceil_mode=False, bool return_indices=False)", Code(max_pool)),
    ("adaptive_max_pool1d(Tensor input, IntArrayRef[1] output_size, bool return_indices=False)", Code(adaptive_max_pool)),
    ("adaptive_max_pool2d(Tensor input, IntArrayRef[2] output_size, bool return_indices=False)", Code(adaptive_max_pool)),
    ("adaptive_avg_pool2d(Tensor input, IntArrayRef[2] output_size)", Call(Ns::Nn, "adaptive_avg_pool2d", &[])),
    ("adaptive_avg_pool3d(Tensor input, IntArrayRef[3] output_size)", Call(Ns::Nn, "adaptive_avg_pool3d", &[])),
    ("interpolate(Tensor input, PyObject* size=None, PyObject* scale_factor=None, c10::string_view mode=\"nearest\", bool? align_corners=None, bool? recompute_scale_factor=None, bool antialias=False)", Code(interpolate)),
    // Losses.
    ("mse_loss(Tensor input, Tensor target, {RED}, Tensor? weight=None)", Code(mse_loss)),
    ("l1_loss(Tensor input, Tensor target, {RED}, Tensor? weight=None)", Code(l1_loss)),
    ("smooth_l1_loss(Tensor input, Tensor target, {RED}, double beta=1.0)", Code(smooth_l1_loss)),
    ("huber_loss(Tensor input, Tensor target, c10::string_view reduction=\"mean\", double delta=1.0, Tensor? weight=None)", Code(huber_loss)),
    ("nll_loss(Tensor input, Tensor target, Tensor? weight=None, bool? size_average=None, int64_t ignore_index=-100, bool? reduce=None, c10::string_view reduction=\"mean\")", Call(Ns::Nn, "nll_loss_nd", &[])),
    ("binary_cross_entropy(Tensor input, Tensor target, Tensor? weight=None, {RED})", Code(binary_cross_entropy)),
    ("binary_cross_entropy_with_logits(Tensor input, Tensor target, Tensor? weight=None, {RED}, Tensor? pos_weight=None)", Code(binary_cross_entropy_with_logits)),
    ("kl_div(Tensor input, Tensor target, {RED}, bool log_target=False)", Code(kl_div)),
    ("soft_margin_loss(Tensor input, Tensor target, {RED})", Call(Ns::Nn, "soft_margin_loss", &[])),
    ("hinge_embedding_loss(Tensor input, Tensor target, double margin=1.0, {RED})", Call(Ns::Torch, "hinge_embedding_loss", &[])),
    ("margin_ranking_loss(Tensor input1, Tensor input2, Tensor target, double margin=0, {RED})", Call(Ns::Torch, "margin_ranking_loss", &[])),
    ("cosine_embedding_loss(Tensor input1, Tensor input2, Tensor target, double margin=0, {RED})", Call(Ns::Torch, "cosine_embedding_loss", &[])),
    ("triplet_margin_loss(Tensor anchor, Tensor positive, Tensor negative, double margin=1.0, double p=2, double eps=1e-06, bool swap=False, {RED})", Call(Ns::Torch, "triplet_margin_loss", &[])),
    ("poisson_nll_loss(Tensor input, Tensor target, bool log_input=True, bool full=False, bool? size_average=None, double eps=1e-08, bool? reduce=None, c10::string_view reduction=\"mean\")", Call(Ns::Torch, "poisson_nll_loss", &[])),
    ("multi_margin_loss(Tensor input, Tensor target, int64_t p=1, double margin=1.0, Tensor? weight=None, {RED})", Call(Ns::Nn, "multi_margin_loss", &[])),
    ("multilabel_margin_loss(Tensor input, Tensor target, {RED})", Call(Ns::Nn, "multilabel_margin_loss", &[])),
];

/// A default's text as a Python value (`0.5`, `True`, `-1`, `None`, `"mean"`).
fn default_value(text: &str) -> Value {
    match text {
        "True" => Value::Bool(true),
        "False" => Value::Bool(false),
        "None" => Value::None,
        t if t.starts_with('"') => Value::str(t.trim_matches('"')),
        t => t.parse::<i64>().map(Value::Int).or_else(|_| t.parse::<f64>().map(Value::Float)).unwrap_or(Value::None),
    }
}

// ---------------------------------------------------------------- helpers

/// `torch.<ns>.<op>(**args)`.
fn op(ns: Ns, name: &str, args: &[(&str, Value)]) -> Result<Value> {
    let kw: Kwargs = args.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    super::call(ns, name, None, &[], &kw)
}

/// `t.<name>(*pos)`.
fn method(t: &Value, name: &str, pos: &[Value], kw: &[(&str, Value)]) -> Result<Value> {
    let kw: Kwargs = kw.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    super::call(Ns::Tensor, name, Some(t), pos, &kw)
}

fn get(p: &Params, name: &str) -> Value {
    p.get(name).cloned().unwrap_or(Value::None)
}

fn tensor(p: &Params, name: &str) -> Result<TensorRef> {
    match get(p, name) {
        Value::Tensor(t) => Ok(t),
        other => Err(Error::type_error("torch::arguments", format!("expected Tensor as argument '{name}', got {}", other.type_name()))),
    }
}

fn truth(p: &Params, name: &str) -> bool {
    matches!(get(p, name), Value::Bool(true))
}

fn float(p: &Params, name: &str) -> f64 {
    match get(p, name) {
        Value::Float(f) => f,
        Value::Int(i) => i as f64,
        Value::Bool(b) => b as i64 as f64,
        _ => 0.0,
    }
}

fn torch_size(t: &TensorRef) -> String {
    Value::size(&t.shape()).py_repr()
}

/// `_Reduction.get_enum(reduction)`.
fn get_enum(reduction: &str) -> Result<i64> {
    match reduction {
        "none" => Ok(0),
        "mean" | "elementwise_mean" => Ok(1),
        "sum" => Ok(2),
        other => Err(Error::value("nn::reduction", format!("{other} is not a valid value for reduction"))),
    }
}

/// The reduction a loss was given: `_Reduction.legacy_get_string(size_average, reduce)` when
/// either legacy argument is given, else `reduction`.
fn reduction(p: &Params) -> String {
    let legacy = |n: &str| match get(p, n) {
        Value::None => None,
        v => Some(matches!(v, Value::Bool(true))),
    };
    let (size_average, reduce) = (legacy("size_average"), legacy("reduce"));
    if size_average.is_none() && reduce.is_none() {
        return match get(p, "reduction") {
            Value::Str(s) => s.to_string(),
            _ => "mean".into(),
        };
    }
    let (size_average, reduce) = (size_average.unwrap_or(true), reduce.unwrap_or(true));
    if size_average && reduce {
        "mean".into()
    } else if reduce {
        "sum".into()
    } else {
        "none".into()
    }
}

/// `torch.broadcast_tensors(input, target)`.
fn broadcast(p: &Params) -> Result<(Value, Value)> {
    let out = super::call(Ns::Torch, "broadcast_tensors", None, &[get(p, "input"), get(p, "target")], &Vec::new())?;
    let items = match out {
        Value::Tuple(s) | Value::List(s) => s.to_vec(),
        other => vec![other],
    };
    Ok((items.first().cloned().unwrap_or(Value::None), items.get(1).cloned().unwrap_or(Value::None)))
}

/// A weighted loss (`weight=` of mse_loss / l1_loss / huber_loss), reduced as functional.py does.
fn weighted(p: &Params, per_element: Value, reduction: &str, mean_over_weight: bool) -> Result<Value> {
    let input = tensor(p, "input")?;
    let weight = tensor(p, "weight")?;
    if weight.shape() != input.shape() {
        return Err(Error::value("nn::loss_weight", "Weights and input must have the same size."));
    }
    let w = method(&per_element, "mul", &[Value::Tensor(weight.clone())], &[])?;
    match reduction {
        "none" => Ok(w),
        "sum" => method(&w, "sum", &[], &[]),
        "mean" if mean_over_weight => method(&method(&w, "sum", &[], &[])?, "div", &[method(&Value::Tensor(weight), "sum", &[], &[])?], &[]),
        "mean" => method(&w, "mean", &[], &[]),
        other => Err(Error::value("nn::reduction", format!("Invalid reduction mode: {other}. Expected one of 'none', 'mean', 'sum'."))),
    }
}

// ---------------------------------------------------------------- functional.py's code

fn dropout_inner(p: &Params, name: &str) -> Result<Value> {
    let prob = float(p, "p");
    if !(0.0..=1.0).contains(&prob) {
        return Err(Error::value("nn::dropout_p", format!("dropout probability has to be between 0 and 1, but got {}", Value::Float(prob).py_repr())));
    }
    let op_name = match name {
        "dropout1d" | "dropout2d" | "dropout3d" => "feature_dropout",
        other => other,
    };
    let input = get(p, "input");
    if name == "dropout1d" {
        let dim = tensor(p, "input")?.shape().len();
        if dim != 2 && dim != 3 {
            return Err(Error::runtime(
                "nn::dropout1d",
                format!("dropout1d: Expected 2D or 3D input, but received a {dim}D input. Note that dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, a channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs)."),
            ));
        }
        if dim == 2 {
            let x = method(&input, "unsqueeze", &[Value::Int(0)], &[])?;
            let y = op(Ns::Torch, op_name, &[("input", x), ("p", Value::Float(prob)), ("train", get(p, "training"))])?;
            let y = method(&y, "squeeze", &[Value::Int(0)], &[])?;
            if truth(p, "inplace") {
                method(&input, "copy_", &[y], &[])?;
                return Ok(input);
            }
            return Ok(y);
        }
    }
    let op_name = if truth(p, "inplace") { format!("{op_name}_") } else { op_name.to_string() };
    op(Ns::Torch, &op_name, &[("input", input), ("p", Value::Float(prob)), ("train", get(p, "training"))])
}

fn dropout(p: &Params) -> Result<Value> {
    dropout_inner(p, &get(p, "__name__").py_str())
}

fn glu(p: &Params) -> Result<Value> {
    if tensor(p, "input")?.shape().is_empty() {
        return Err(Error::runtime("nn::glu", "glu does not support scalars because halving size must be even"));
    }
    op(Ns::Nn, "glu", &[("input", get(p, "input")), ("dim", get(p, "dim"))])
}

fn softsign(p: &Params) -> Result<Value> {
    let x = get(p, "input");
    let denom = method(&method(&x, "abs", &[], &[])?, "add", &[Value::Int(1)], &[])?;
    method(&x, "div", &[denom], &[])
}

fn tanhshrink(p: &Params) -> Result<Value> {
    let x = get(p, "input");
    method(&x, "sub", &[method(&x, "tanh", &[], &[])?], &[])
}

/// softmax / log_softmax / softmin with `_get_softmax_dim` for `dim=None`.
fn softmax(p: &Params) -> Result<Value> {
    let name = get(p, "__name__").py_str();
    let x = get(p, "input");
    let dim = match get(p, "dim") {
        Value::None => {
            // (PyTorch also warns that the implicit choice is deprecated.)
            let nd = tensor(p, "input")?.shape().len();
            Value::Int(if matches!(nd, 0 | 1 | 3) { 0 } else { 1 })
        }
        d => d,
    };
    let (x, op_name) = match name.as_str() {
        "softmin" => (method(&x, "neg", &[], &[])?, "softmax"),
        other => (x, if other == "log_softmax" { "log_softmax" } else { "softmax" }),
    };
    let kw: Vec<(&str, Value)> = match get(p, "dtype") {
        Value::None => vec![],
        d => vec![("dtype", d)],
    };
    method(&x, op_name, &[dim], &kw)
}

fn normalize(p: &Params) -> Result<Value> {
    if !get(p, "out").is_none() {
        return Err(Error::new(ExcType::NotImplementedError, "torch::out", "normalize(): fcall does not support out=")
            .with_hint("assign the result instead: y = F.normalize(x)"));
    }
    let x = get(p, "input");
    let norm = method(&x, "norm", &[get(p, "p"), get(p, "dim")], &[("keepdim", Value::Bool(true))])?;
    let denom = method(&method(&norm, "clamp_min", &[get(p, "eps")], &[])?, "expand_as", &[x.clone()], &[])?;
    method(&x, "div", &[denom], &[])
}

fn embedding(p: &Params) -> Result<Value> {
    let weight = tensor(p, "weight")?;
    let n = weight.shape().first().copied().unwrap_or(0);
    let padding_idx = match get(p, "padding_idx") {
        Value::Int(i) if i > 0 && i >= n => return Err(Error::new(ExcType::AssertionError, "nn::padding_idx", "Padding_idx must be within num_embeddings")),
        Value::Int(i) if i < 0 && i < -n => return Err(Error::new(ExcType::AssertionError, "nn::padding_idx", "Padding_idx must be within num_embeddings")),
        Value::Int(i) if i < 0 => n + i,
        Value::Int(i) => i,
        _ => -1,
    };
    let mut input = get(p, "input");
    if !get(p, "max_norm").is_none() {
        if let Value::Tensor(t) = &input {
            input = Value::Tensor(TensorRef::new(t.tensor().f_contiguous()?));
        }
        let _guard = tch::no_grad_guard();
        op(Ns::Torch, "embedding_renorm_", &[("input", Value::Tensor(weight.clone())), ("indices", input.clone()), ("max_norm", get(p, "max_norm")), ("norm_type", get(p, "norm_type"))])?;
    }
    op(
        Ns::Torch,
        "embedding",
        &[
            ("weight", Value::Tensor(weight)),
            ("indices", input),
            ("padding_idx", Value::Int(padding_idx)),
            ("scale_grad_by_freq", get(p, "scale_grad_by_freq")),
            ("sparse", get(p, "sparse")),
        ],
    )
}

fn norm_args(p: &Params, stats: &str) -> Vec<(&'static str, Value)> {
    vec![
        ("input", get(p, "input")),
        ("weight", get(p, "weight")),
        ("bias", get(p, "bias")),
        ("running_mean", get(p, "running_mean")),
        ("running_var", get(p, "running_var")),
        (if stats == "training" { "training" } else { "use_input_stats" }, get(p, stats)),
        ("momentum", get(p, "momentum")),
        ("eps", get(p, "eps")),
        ("cudnn_enabled", Value::Bool(true)),
    ]
}

fn batch_norm(p: &Params) -> Result<Value> {
    let x = tensor(p, "input")?;
    let training = truth(p, "training");
    if training {
        let s = x.shape();
        let prod: i64 = s.first().copied().unwrap_or(1) * s.iter().skip(2).product::<i64>();
        if prod == 1 {
            return Err(Error::value("nn::batch_size", format!("Expected more than 1 value per channel when training, got input size {}", torch_size(&x))));
        }
    }
    let eps = float(p, "eps");
    if training && eps <= 0.0 {
        return Err(Error::value("nn::batch_norm_eps", format!("batch_norm eps must be positive during training, but got {}", get(p, "eps").py_repr())));
    } else if eps < 0.0 {
        return Err(Error::value("nn::batch_norm_eps", format!("batch_norm eps must be non-negative, but got {}", get(p, "eps").py_repr())));
    }
    op(Ns::Torch, "batch_norm", &norm_args(p, "training"))
}

fn instance_norm(p: &Params) -> Result<Value> {
    let x = tensor(p, "input")?;
    if truth(p, "use_input_stats") && x.shape().iter().skip(2).product::<i64>() == 1 {
        return Err(Error::value("nn::spatial_size", format!("Expected more than 1 spatial element when training, got input size {}", torch_size(&x))));
    }
    op(Ns::Torch, "instance_norm", &norm_args(p, "use_input_stats"))
}

fn max_pool(p: &Params) -> Result<Value> {
    let name = get(p, "__name__").py_str();
    let stride = match get(p, "stride") {
        Value::None => Value::list(vec![]),
        s => s,
    };
    let args = [
        ("input", get(p, "input")),
        ("kernel_size", get(p, "kernel_size")),
        ("stride", stride),
        ("padding", get(p, "padding")),
        ("dilation", get(p, "dilation")),
        ("ceil_mode", get(p, "ceil_mode")),
    ];
    if !truth(p, "return_indices") {
        return op(Ns::Torch, &name, &args);
    }
    let ns = if name == "max_pool1d" { Ns::Torch } else { Ns::Nn };
    op(ns, &format!("{name}_with_indices"), &args)
}

fn adaptive_max_pool(p: &Params) -> Result<Value> {
    let name = get(p, "__name__").py_str();
    let ns = if name == "adaptive_max_pool1d" { Ns::Torch } else { Ns::Nn };
    let out = op(ns, &name, &[("input", get(p, "input")), ("output_size", get(p, "output_size"))])?;
    if truth(p, "return_indices") {
        return Ok(out);
    }
    match out {
        Value::Tuple(items) => Ok(items.get(0).unwrap_or(Value::None)),
        other => Ok(other),
    }
}

fn interpolate(p: &Params) -> Result<Value> {
    let opt_bool = |n: &str| match get(p, n) {
        Value::None => None,
        v => Some(matches!(v, Value::Bool(true))),
    };
    if truth(p, "antialias") {
        return Err(Error::new(ExcType::NotImplementedError, "nn::interpolate_antialias", "fcall's interpolate does not support antialias=True"));
    }
    let x = tensor(p, "input")?;
    crate::nn::layers::interpolate(&x, &get(p, "size"), &get(p, "scale_factor"), &get(p, "mode").py_str(), opt_bool("align_corners"), opt_bool("recompute_scale_factor"))
}

/// The arguments must be tensors (PyTorch also warns when their sizes differ).
fn size_warning(p: &Params) -> Result<()> {
    tensor(p, "input")?;
    tensor(p, "target")?;
    Ok(())
}

/// mse_loss / l1_loss: broadcast, then the binding or the weighted loss.
fn pointwise_loss(p: &Params, name: &str) -> Result<Value> {
    size_warning(p)?;
    let red = reduction(p);
    let (x, t) = broadcast(p)?;
    if get(p, "weight").is_none() {
        return op(Ns::Nn, name, &[("input", x), ("target", t), ("reduction", Value::Int(get_enum(&red)?))]);
    }
    let diff = method(&x, "sub", &[t], &[])?;
    let per = if name == "mse_loss" { method(&diff, "pow", &[Value::Int(2)], &[])? } else { method(&diff, "abs", &[], &[])? };
    weighted(p, per, &red, true)
}

fn mse_loss(p: &Params) -> Result<Value> {
    pointwise_loss(p, "mse_loss")
}

fn l1_loss(p: &Params) -> Result<Value> {
    pointwise_loss(p, "l1_loss")
}

fn smooth_l1_loss(p: &Params) -> Result<Value> {
    size_warning(p)?;
    let red = get_enum(&reduction(p))?;
    let (x, t) = broadcast(p)?;
    if float(p, "beta") == 0.0 {
        return op(Ns::Nn, "l1_loss", &[("input", x), ("target", t), ("reduction", Value::Int(red))]);
    }
    op(Ns::Nn, "smooth_l1_loss", &[("input", x), ("target", t), ("reduction", Value::Int(red)), ("beta", get(p, "beta"))])
}

fn huber_loss(p: &Params) -> Result<Value> {
    size_warning(p)?;
    let red = reduction(p);
    let (x, t) = broadcast(p)?;
    if get(p, "weight").is_none() {
        return op(Ns::Nn, "huber_loss", &[("input", x), ("target", t), ("reduction", Value::Int(get_enum(&red)?)), ("delta", get(p, "delta"))]);
    }
    let per = op(Ns::Nn, "huber_loss", &[("input", x), ("target", t), ("reduction", Value::Int(0)), ("delta", get(p, "delta"))])?;
    weighted(p, per, &red, false)
}

fn binary_cross_entropy(p: &Params) -> Result<Value> {
    let red = get_enum(&reduction(p))?;
    let (input, target) = (tensor(p, "input")?, tensor(p, "target")?);
    if input.shape() != target.shape() {
        return Err(Error::value(
            "nn::bce_size",
            format!(
                "Using a target size ({}) that is different to the input size ({}) is deprecated. Please ensure they have the same size.",
                torch_size(&target),
                torch_size(&input)
            ),
        ));
    }
    let mut weight = get(p, "weight");
    if let Value::Tensor(w) = &weight {
        // torch.broadcast_shapes(target.size(), weight.size())
        let shape = super::call(Ns::Torch, "broadcast_tensors", None, &[get(p, "target"), Value::Tensor(w.clone())], &Vec::new())?;
        let shape = match shape {
            Value::Tuple(s) | Value::List(s) => s.get(0).and_then(|t| t.as_tensor().map(|t| Value::size(&t.shape()))).unwrap_or(Value::None),
            _ => Value::None,
        };
        weight = method(&weight, "expand", &[shape], &[])?;
    }
    op(Ns::Nn, "binary_cross_entropy", &[("input", get(p, "input")), ("target", get(p, "target")), ("weight", weight), ("reduction", Value::Int(red))])
}

fn binary_cross_entropy_with_logits(p: &Params) -> Result<Value> {
    let red = get_enum(&reduction(p))?;
    let (input, target) = (tensor(p, "input")?, tensor(p, "target")?);
    if input.shape() != target.shape() {
        return Err(Error::value("nn::bce_size", format!("Target size ({}) must be the same as input size ({})", torch_size(&target), torch_size(&input))));
    }
    op(
        Ns::Torch,
        "binary_cross_entropy_with_logits",
        &[("input", get(p, "input")), ("target", get(p, "target")), ("weight", get(p, "weight")), ("pos_weight", get(p, "pos_weight")), ("reduction", Value::Int(red))],
    )
}

fn kl_div(p: &Params) -> Result<Value> {
    let red = reduction(p);
    let legacy = !get(p, "size_average").is_none() || !get(p, "reduce").is_none();
    // (PyTorch warns that 'mean' will behave as 'batchmean' in a later release.)
    let batchmean = !legacy && red == "batchmean";
    let e = if batchmean { 2 } else { get_enum(&red)? };
    let reduced = op(Ns::Torch, "kl_div", &[("input", get(p, "input")), ("target", get(p, "target")), ("reduction", Value::Int(e)), ("log_target", get(p, "log_target"))])?;
    let x = tensor(p, "input")?;
    if batchmean && !x.shape().is_empty() {
        return method(&reduced, "div", &[Value::Int(x.shape()[0])], &[]);
    }
    Ok(reduced)
}

// ---------------------------------------------------------------- binding a wrapper

fn call(sig: &Signature, loose: &[String], body: &Body, pos: &[Value], kw: &Kwargs) -> Result<Value> {
    // Untyped parameters reach the parser as None and go on as given.
    let is_loose = |name: &str| loose.iter().any(|l| l == name);
    let mut kept: Vec<(String, Value)> = Vec::new();
    let pos: Vec<Value> = pos
        .iter()
        .enumerate()
        .map(|(i, v)| match sig.params.get(i) {
            Some(p) if is_loose(&p.name) => {
                kept.push((p.name.clone(), v.clone()));
                Value::None
            }
            _ => v.clone(),
        })
        .collect();
    let kw: Kwargs = kw
        .iter()
        .map(|(k, v)| {
            if is_loose(k) {
                kept.push((k.clone(), v.clone()));
                (k.clone(), Value::None)
            } else {
                (k.clone(), v.clone())
            }
        })
        .collect();
    let b = parse::parse(sig, &pos, &kw, true)?.expect("raise mode returns a binding or an error");
    let mut params: Params = IndexMap::new();
    for (p, given) in sig.params.iter().zip(b.given) {
        let v = given.unwrap_or_else(|| p.default.as_deref().map(default_value).unwrap_or(Value::None));
        params.insert(p.name.clone(), v);
    }
    for (k, v) in kept {
        params.insert(k, v);
    }
    match body {
        Code(f) => {
            params.insert("__name__".into(), Value::str(&sig.name));
            f(&params)
        }
        Call(ns, op_name, renames) => {
            let mut inplace = false;
            let mut args: Kwargs = Vec::new();
            let is_loss = params.contains_key("reduction");
            for (name, v) in &params {
                match name.as_str() {
                    "inplace" => inplace = matches!(v, Value::Bool(true)),
                    "size_average" | "reduce" if is_loss => {}
                    "reduction" => args.push(("reduction".into(), Value::Int(get_enum(&reduction(&params))?))),
                    n if n.starts_with('_') => {}
                    n => {
                        let to = renames.iter().find(|(f, _)| *f == n).map_or(n, |(_, o)| *o);
                        if !to.is_empty() {
                            args.push((to.to_string(), v.clone()));
                        }
                    }
                }
            }
            let op_name = if inplace { format!("{op_name}_") } else { op_name.to_string() };
            super::call(*ns, &op_name, None, &[], &args)
        }
    }
}

/// A wrapper's Python signature as the parser reads it (`{RED}` spelled out, an untyped
/// `PyObject*` parameter as `Tensor?`), and the names of its untyped parameters.
fn python_signature(text: &str) -> (String, Vec<String>) {
    let text = text.replace("{RED}", RED);
    let loose = text
        .split("PyObject* ")
        .skip(1)
        .filter_map(|rest| rest.split(['=', ',', ')']).next())
        .map(str::to_string)
        .collect();
    (text.replace("PyObject* ", "Tensor? "), loose)
}

/// Every wrapper as (F name, function object).
pub fn wrappers() -> Vec<(String, Value)> {
    WRAPPERS
        .iter()
        .enumerate()
        .filter_map(|(i, (python, _))| {
            let (text, loose) = python_signature(python);
            let sig = Rc::new(Signature::new(&text, "wrapper() -> Tensor")?);
            let name = sig.name.clone();
            let f = Function::new(name.clone(), FunctionKind::Builtin, move |pos, kw| call(&sig, &loose, &WRAPPERS[i].1, pos, kw));
            Some((name, f))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_wrapper_parses_and_calls_a_binding() {
        assert_eq!(wrappers().len(), WRAPPERS.len(), "a wrapper's Python signature does not parse");
        for (python, body) in WRAPPERS {
            if let Call(ns, op, _) = body {
                assert!(super::super::lookup(*ns, op).is_some(), "{op}");
                if python.contains("bool inplace") {
                    assert!(super::super::lookup(*ns, &format!("{op}_")).is_some(), "{op}_");
                }
            }
        }
    }

    #[test]
    fn reductions_as_torch_computes_them() {
        assert_eq!(get_enum("sum").unwrap(), 2);
        assert_eq!(get_enum("bogus").unwrap_err().message, "bogus is not a valid value for reduction");
        let mut p = Params::new();
        p.insert("size_average".into(), Value::Bool(false));
        p.insert("reduce".into(), Value::None);
        p.insert("reduction".into(), Value::str("mean"));
        assert_eq!(reduction(&p), "sum");
    }
}
