//! The Python modules fcall provides (`sys.modules`): `torch`, `torch.nn`,
//! `torch.nn.functional`, `torch.func`, `torch.autograd`, `torch.nn.utils.parametrize` /
//! `parametrizations` / `stateless`, `math`, `copy`, `functools`, `collections`, `typing`, `dataclasses`, `inspect`,
//! `safetensors.torch`. Each holds the very function objects of the bare built-in names
//! (`torch.zeros is zeros`), plus what only has a PyTorch or Python home (`torch.manual_seed`,
//! the dtypes, `nn.Module`, `math.*`). Built once per session (and again on `reset`).
use indexmap::IndexMap;
use std::collections::HashMap;
use std::rc::Rc;

use super::args::Args;
use super::eval::call_value;
use crate::error::{Error, Result};
use crate::nn::{Module, ModuleImpl};
use crate::value::{Function, FunctionKind, Kwargs, Namespace, Value};

/// Every module by its dotted name, in the order they were made.
pub type Registry = IndexMap<String, Rc<Namespace>>;

/// (attribute, bare built-in name) of `torch`.
const TORCH: &[(&str, &str)] = &[
    ("tensor", "tensor"),
    ("vmap", "vmap"),
    ("save", "save"),
    ("load", "load"),
];

/// (attribute, bare built-in name) of `torch.nn`.
const NN: &[(&str, &str)] = &[
    ("Parameter", "param"),
    ("Buffer", "buffer"),
    ("Linear", "Linear"),
    ("Bilinear", "Bilinear"),
    ("Conv1d", "Conv1d"),
    ("Conv2d", "Conv2d"),
    ("BatchNorm1d", "BatchNorm1d"),
    ("BatchNorm2d", "BatchNorm2d"),
    ("LayerNorm", "LayerNorm"),
    ("Embedding", "Embedding"),
    ("Dropout", "Dropout"),
    ("RNN", "RNN"),
    ("LSTM", "LSTM"),
    ("GRU", "GRU"),
    ("MultiheadAttention", "MultiheadAttention"),
    ("TransformerEncoderLayer", "TransformerEncoderLayer"),
    ("TransformerEncoder", "TransformerEncoder"),
    ("ReLU", "ReLU"),
    ("Tanh", "Tanh"),
    ("Sigmoid", "Sigmoid"),
    ("GELU", "GELU"),
    ("Flatten", "Flatten"),
    ("Identity", "Identity"),
    ("Conv3d", "Conv3d"),
    ("ConvTranspose1d", "ConvTranspose1d"),
    ("ConvTranspose2d", "ConvTranspose2d"),
    ("BatchNorm3d", "BatchNorm3d"),
    ("InstanceNorm1d", "InstanceNorm1d"),
    ("InstanceNorm2d", "InstanceNorm2d"),
    ("GroupNorm", "GroupNorm"),
    ("RMSNorm", "RMSNorm"),
    ("MaxPool1d", "MaxPool1d"),
    ("MaxPool2d", "MaxPool2d"),
    ("AvgPool1d", "AvgPool1d"),
    ("AvgPool2d", "AvgPool2d"),
    ("AdaptiveAvgPool1d", "AdaptiveAvgPool1d"),
    ("AdaptiveAvgPool2d", "AdaptiveAvgPool2d"),
    ("AdaptiveMaxPool1d", "AdaptiveMaxPool1d"),
    ("AdaptiveMaxPool2d", "AdaptiveMaxPool2d"),
    ("ReLU6", "ReLU6"),
    ("SiLU", "SiLU"),
    ("Mish", "Mish"),
    ("Hardswish", "Hardswish"),
    ("Hardsigmoid", "Hardsigmoid"),
    ("LeakyReLU", "LeakyReLU"),
    ("ELU", "ELU"),
    ("Softplus", "Softplus"),
    ("Hardtanh", "Hardtanh"),
    ("Softsign", "Softsign"),
    ("Tanhshrink", "Tanhshrink"),
    ("Softmax", "Softmax"),
    ("LogSoftmax", "LogSoftmax"),
    ("GLU", "GLU"),
    ("PReLU", "PReLU"),
    ("Unflatten", "Unflatten"),
    ("Upsample", "Upsample"),
    ("Sequential", "Sequential"),
    ("ModuleDict", "ModuleDict"),
    ("ModuleList", "ModuleList"),
    ("ParameterList", "ParameterList"),
    ("ParameterDict", "ParameterDict"),
];

/// (attribute, bare built-in name) of `torch.nn.functional`.
const FUNCTIONAL: &[(&str, &str)] = &[
    ("sigmoid", "sigmoid"),
    ("tanh", "tanh"),
    ("linear", "linear"),
    ("cross_entropy", "cross_entropy"),
];

/// `torch.nn.functional`'s names that are torch's generated bindings themselves
/// (`F.gelu = torch._C._nn.gelu`, `F.conv2d = torch.conv2d`): (name, namespace, binding).
const FUNCTIONAL_BINDINGS: &[(&str, crate::aten::Namespace, &str)] = {
    use crate::aten::Namespace::{Nn, Torch};
    &[
        ("gelu", Nn, "gelu"),
        ("softplus", Nn, "softplus"),
        ("pad", Nn, "pad"),
        ("one_hot", Nn, "one_hot"),
        ("avg_pool2d", Nn, "avg_pool2d"),
        ("avg_pool3d", Nn, "avg_pool3d"),
        ("scaled_dot_product_attention", Nn, "scaled_dot_product_attention"),
        ("logsigmoid", Nn, "log_sigmoid"),
        ("softshrink", Nn, "softshrink"),
        ("conv1d", Torch, "conv1d"),
        ("conv2d", Torch, "conv2d"),
        ("conv3d", Torch, "conv3d"),
        ("conv_transpose1d", Torch, "conv_transpose1d"),
        ("conv_transpose2d", Torch, "conv_transpose2d"),
        ("conv_transpose3d", Torch, "conv_transpose3d"),
        ("avg_pool1d", Torch, "avg_pool1d"),
        ("adaptive_avg_pool1d", Torch, "adaptive_avg_pool1d"),
        ("threshold_", Torch, "threshold_"),
        ("rrelu_", Torch, "rrelu_"),
        ("celu_", Torch, "celu_"),
        ("selu_", Torch, "selu_"),
        ("pixel_shuffle", Torch, "pixel_shuffle"),
        ("pixel_unshuffle", Torch, "pixel_unshuffle"),
        ("cosine_similarity", Torch, "cosine_similarity"),
        ("pairwise_distance", Torch, "pairwise_distance"),
        ("pdist", Torch, "pdist"),
        ("bilinear", Torch, "bilinear"),
        ("hardshrink", Torch, "hardshrink"),
        ("prelu", Torch, "prelu"),
        ("channel_shuffle", Torch, "channel_shuffle"),
        ("layer_norm", Torch, "layer_norm"),
        ("relu_", Torch, "relu_"),
        ("elu_", Nn, "elu_"),
        ("leaky_relu_", Nn, "leaky_relu_"),
        ("hardtanh_", Nn, "hardtanh_"),
        ("group_norm", Torch, "group_norm"),
        // F.max_poolNd without return_indices (a Python wrapper in functional.rs takes precedence).
        ("max_pool1d", Torch, "max_pool1d"),
        ("max_pool2d", Torch, "max_pool2d"),
        ("max_pool3d", Torch, "max_pool3d"),
    ]
};

/// (attribute, bare built-in name) of `torch.func`.
const FUNC: &[(&str, &str)] = &[
    ("functional_call", "functional_call"),
    ("grad", "grad"),
    ("grad_and_value", "grad_and_value"),
    ("vmap", "vmap"),
    ("stack_module_state", "stack_module_state"),
    ("jacrev", "jacrev"),
    ("jacfwd", "jacfwd"),
    ("hessian", "hessian"),
    ("vjp", "vjp"),
    ("jvp", "jvp"),
];

/// The bare built-ins that are classes in PyTorch, with the class's qualified name: they are
/// made class objects (`<class 'torch.nn.modules.linear.Linear'>`, `type(lin) is nn.Linear`).
pub const CLASSES: &[(&str, &str)] = &[
    ("param", "torch.nn.parameter.Parameter"),
    ("buffer", "torch.nn.parameter.Buffer"),
    ("Linear", "torch.nn.modules.linear.Linear"),
    ("Bilinear", "torch.nn.modules.linear.Bilinear"),
    ("Identity", "torch.nn.modules.linear.Identity"),
    ("Conv1d", "torch.nn.modules.conv.Conv1d"),
    ("Conv2d", "torch.nn.modules.conv.Conv2d"),
    ("BatchNorm1d", "torch.nn.modules.batchnorm.BatchNorm1d"),
    ("BatchNorm2d", "torch.nn.modules.batchnorm.BatchNorm2d"),
    ("LayerNorm", "torch.nn.modules.normalization.LayerNorm"),
    ("Embedding", "torch.nn.modules.sparse.Embedding"),
    ("Dropout", "torch.nn.modules.dropout.Dropout"),
    ("RNN", "torch.nn.modules.rnn.RNN"),
    ("LSTM", "torch.nn.modules.rnn.LSTM"),
    ("GRU", "torch.nn.modules.rnn.GRU"),
    ("MultiheadAttention", "torch.nn.modules.activation.MultiheadAttention"),
    ("TransformerEncoderLayer", "torch.nn.modules.transformer.TransformerEncoderLayer"),
    ("TransformerEncoder", "torch.nn.modules.transformer.TransformerEncoder"),
    ("ReLU", "torch.nn.modules.activation.ReLU"),
    ("Tanh", "torch.nn.modules.activation.Tanh"),
    ("Sigmoid", "torch.nn.modules.activation.Sigmoid"),
    ("GELU", "torch.nn.modules.activation.GELU"),
    ("Flatten", "torch.nn.modules.flatten.Flatten"),
    ("Conv3d", "torch.nn.modules.conv.Conv3d"),
    ("ConvTranspose1d", "torch.nn.modules.conv.ConvTranspose1d"),
    ("ConvTranspose2d", "torch.nn.modules.conv.ConvTranspose2d"),
    ("BatchNorm3d", "torch.nn.modules.batchnorm.BatchNorm3d"),
    ("InstanceNorm1d", "torch.nn.modules.instancenorm.InstanceNorm1d"),
    ("InstanceNorm2d", "torch.nn.modules.instancenorm.InstanceNorm2d"),
    ("GroupNorm", "torch.nn.modules.normalization.GroupNorm"),
    ("RMSNorm", "torch.nn.modules.normalization.RMSNorm"),
    ("MaxPool1d", "torch.nn.modules.pooling.MaxPool1d"),
    ("MaxPool2d", "torch.nn.modules.pooling.MaxPool2d"),
    ("AvgPool1d", "torch.nn.modules.pooling.AvgPool1d"),
    ("AvgPool2d", "torch.nn.modules.pooling.AvgPool2d"),
    ("AdaptiveAvgPool1d", "torch.nn.modules.pooling.AdaptiveAvgPool1d"),
    ("AdaptiveAvgPool2d", "torch.nn.modules.pooling.AdaptiveAvgPool2d"),
    ("AdaptiveMaxPool1d", "torch.nn.modules.pooling.AdaptiveMaxPool1d"),
    ("AdaptiveMaxPool2d", "torch.nn.modules.pooling.AdaptiveMaxPool2d"),
    ("ReLU6", "torch.nn.modules.activation.ReLU6"),
    ("SiLU", "torch.nn.modules.activation.SiLU"),
    ("Mish", "torch.nn.modules.activation.Mish"),
    ("Hardswish", "torch.nn.modules.activation.Hardswish"),
    ("Hardsigmoid", "torch.nn.modules.activation.Hardsigmoid"),
    ("LeakyReLU", "torch.nn.modules.activation.LeakyReLU"),
    ("ELU", "torch.nn.modules.activation.ELU"),
    ("Softplus", "torch.nn.modules.activation.Softplus"),
    ("Hardtanh", "torch.nn.modules.activation.Hardtanh"),
    ("Softsign", "torch.nn.modules.activation.Softsign"),
    ("Tanhshrink", "torch.nn.modules.activation.Tanhshrink"),
    ("Softmax", "torch.nn.modules.activation.Softmax"),
    ("LogSoftmax", "torch.nn.modules.activation.LogSoftmax"),
    ("GLU", "torch.nn.modules.activation.GLU"),
    ("PReLU", "torch.nn.modules.activation.PReLU"),
    ("Unflatten", "torch.nn.modules.flatten.Unflatten"),
    ("Upsample", "torch.nn.modules.upsampling.Upsample"),
    ("Sequential", "torch.nn.modules.container.Sequential"),
    ("ModuleDict", "torch.nn.modules.container.ModuleDict"),
    ("ModuleList", "torch.nn.modules.container.ModuleList"),
    ("ParameterList", "torch.nn.modules.container.ParameterList"),
    ("ParameterDict", "torch.nn.modules.container.ParameterDict"),
];

/// Turns the bare built-ins of [`CLASSES`] into class objects (same behaviour when called).
pub fn make_classes(builtins: &mut HashMap<String, Value>) {
    for (bare, path) in CLASSES {
        if let Some(f) = builtins.remove(*bare) {
            builtins.insert(bare.to_string(), Function::new(*path, FunctionKind::Class, move |pos, kw| call_value(&f, pos, kw)));
        }
    }
}

/// The names of the session's prelude, in its order, with the module path each one binds:
/// `import math`, `import torch`, `import torch.nn as nn`, `import torch.nn.functional as F`,
/// `from torch.func import functional_call, grad, grad_and_value, vmap, stack_module_state`.
pub const PRELUDE: &[(&str, &str, Option<&str>)] = &[
    ("math", "math", None),
    ("torch", "torch", None),
    ("nn", "torch.nn", None),
    ("F", "torch.nn.functional", None),
    ("functional_call", "torch.func", Some("functional_call")),
    ("grad", "torch.func", Some("grad")),
    ("grad_and_value", "torch.func", Some("grad_and_value")),
    ("vmap", "torch.func", Some("vmap")),
    ("stack_module_state", "torch.func", Some("stack_module_state")),
    ("plot", "fcall", Some("plot")),
    ("heatmap", "fcall", Some("heatmap")),
];

struct Builder<'a> {
    reg: Registry,
    builtins: &'a HashMap<String, Value>,
}

impl Builder<'_> {
    /// A new module; `attached` makes it an attribute of its parent now (a submodule that the
    /// parent's own import loads, as `import torch` loads `torch.nn`).
    fn module(&mut self, name: &str, package: bool, attached: bool) -> Rc<Namespace> {
        // CPython suggests from `dir(module)` only below 750 names: `torch` has about 1500.
        let ns = Rc::new(Namespace::new(name, package, name != "torch"));
        ns.set("__name__", Value::str(name));
        if attached {
            if let Some((parent, last)) = name.rsplit_once('.') {
                if let Some(p) = self.reg.get(parent) {
                    p.set(last, Value::Namespace(ns.clone()));
                }
            }
        }
        self.reg.insert(name.to_string(), ns.clone());
        ns
    }
    fn bare(&self, ns: &Namespace, table: &[(&str, &str)]) {
        for (attr, bare) in table {
            if let Some(v) = self.builtins.get(*bare) {
                ns.set(attr, v.clone());
            }
        }
    }
}

fn builtin(name: &str, f: impl Fn(&[Value], &Kwargs) -> Result<Value> + 'static) -> Value {
    Function::new(name, FunctionKind::Builtin, f)
}

/// Builds every module for a session whose bare built-ins are `builtins`.
pub fn build(builtins: &HashMap<String, Value>) -> Registry {
    let mut b = Builder { reg: Registry::new(), builtins };

    let torch = b.module("torch", true, false);
    b.bare(&torch, TORCH);
    torch.set("manual_seed", manual_seed());
    for (name, kind) in super::dtypes::DTYPES {
        torch.set(name, Value::DType(*kind));
    }
    torch.set("dtype", Value::DType(tch::Kind::Float).type_object());
    torch.set("device", Value::Class(super::device::class()));
    torch.set("Size", Value::size(&[]).type_object());
    torch.set("Tensor", type_object("torch.Tensor"));
    for (name, v) in [("pi", std::f64::consts::PI), ("e", std::f64::consts::E), ("inf", f64::INFINITY), ("nan", f64::NAN)] {
        torch.set(name, Value::Float(v));
    }

    bind_aten(&torch, crate::aten::Namespace::Torch);
    // torch.__future__: fcall runs with its flags at their defaults (nn.Module._apply's rules).
    let future = b.module("torch.__future__", false, true);
    for flag in ["overwrite_module_params_on_conversion", "swap_module_params_on_conversion"] {
        future.set(&format!("get_{flag}"), builtin(&format!("get_{flag}"), |pos, kw| {
            Args::bind("get_flag", &[], 0, pos, kw)?;
            Ok(Value::Bool(false))
        }));
    }
    for (sub, ns) in [("linalg", crate::aten::Namespace::Linalg), ("special", crate::aten::Namespace::Special), ("fft", crate::aten::Namespace::Fft)] {
        let m = b.module(&format!("torch.{sub}"), false, true);
        bind_aten(&m, ns);
    }

    let nn = b.module("torch.nn", true, true);
    b.bare(&nn, NN);
    nn.set("Module", base_module_class());
    let functional = b.module("torch.nn.functional", false, true);
    b.bare(&functional, FUNCTIONAL);
    for (name, f) in crate::aten::functional::wrappers() {
        if functional.get(&name).is_none() {
            functional.set(&name, f);
        }
    }
    for (name, ns, op) in FUNCTIONAL_BINDINGS {
        if functional.get(name).is_none() {
            if let Some(f) = crate::aten::function(*ns, op) {
                functional.set(name, f);
            }
        }
    }
    let init = b.module("torch.nn.init", false, true);
    super::nninit::add(&init);
    let utils = b.module("torch.nn.utils", true, true);
    let parametrize = b.module("torch.nn.utils.parametrize", false, true);
    parametrize.set("register_parametrization", register_parametrization());
    parametrize.set("is_parametrized", is_parametrized());
    parametrize.set("remove_parametrizations", remove_parametrizations());
    let _ = b.module("torch.nn.utils.parametrizations", false, true);
    let stateless = b.module("torch.nn.utils.stateless", false, true);
    // torch.nn.utils.stateless.functional_call is a function of its own (the deprecated one).
    if let Some(fc) = builtins.get("functional_call").cloned() {
        stateless.set("functional_call", builtin("functional_call", move |pos, kw| call_value(&fc, pos, kw)));
    }
    let _ = utils;

    let func = b.module("torch.func", false, true);
    b.bare(&func, FUNC);
    let autograd = b.module("torch.autograd", true, true);
    b.bare(&autograd, &[("grad", "autograd.grad")]);

    let math = b.module("math", false, false);
    super::pymath::add(&math);

    let copy = b.module("copy", false, false);
    super::pycopy::add(&copy);

    let functools = b.module("functools", false, false);
    super::functools::add(&functools);

    let collections = b.module("collections", true, false);
    if let Some(dict @ Value::Function(_)) = builtins.get("dict") {
        // `OrderedDict(...)`: what `dict(...)` makes, marked as an OrderedDict (a dict subclass).
        let dict = dict.clone();
        collections.set(
            "OrderedDict",
            Function::new("collections.OrderedDict", FunctionKind::Class, move |pos, kw| {
                if pos.len() > 1 {
                    return Err(Error::type_error("call::argument_count", format!("expected at most 1 argument, got {}", pos.len())));
                }
                let v = call_value(&dict, pos, kw)?;
                if let Value::Dict(d) = &v {
                    d.set_ordered();
                }
                Ok(v)
            }),
        );
    }
    collections.set("namedtuple", super::namedtuple::factory());
    let dataclasses = b.module("dataclasses", false, false);
    super::dataclasses::add(&dataclasses);
    let inspect = b.module("inspect", false, false);
    super::inspect::add(&inspect);
    let typing = b.module("typing", false, false);
    for name in TYPING {
        typing.set(name, typing_placeholder(&format!("typing.{name}")));
    }
    typing.set("NamedTuple", super::namedtuple::typing_named_tuple());

    // fcall's own functions (interp/watch.rs): `plot`, `heatmap`.
    let fcall = b.module("fcall", false, false);
    b.bare(&fcall, &[("plot", "fcall.plot"), ("heatmap", "fcall.heatmap")]);
    let _ = b.module("safetensors", true, false);
    // `import safetensors` alone does not load safetensors.torch: it is attached when imported.
    let st = b.module("safetensors.torch", false, false);
    b.bare(&st, &[("save_file", "save"), ("load_file", "load")]);
    super::gradmode::add(&b.reg);
    super::parametrizations::add(&b.reg);
    b.reg
}

/// Every binding torch generates for namespace `ns` (src/aten/) that `module` does not
/// already hold by a hand-written one.
fn bind_aten(module: &Namespace, ns: crate::aten::Namespace) {
    for name in crate::aten::names(ns) {
        if module.get(name).is_none() {
            if let Some(f) = crate::aten::function(ns, name) {
                module.set(name, f);
            }
        }
    }
}

/// The names of `typing` fcall knows: usable in annotations only.
const TYPING: &[&str] = &["Any", "Callable", "Dict", "Iterable", "Iterator", "List", "Mapping", "Optional", "Sequence", "Set", "Tuple", "Type", "Union"];

/// A `typing` name (`typing.Optional`): shown as Python shows it, subscriptable
/// (`Optional[Tensor]`), not callable.
pub fn typing_placeholder(name: &str) -> Value {
    let shown = name.to_string();
    Function::new(name, FunctionKind::Typing, move |_, _| Err(Error::type_error("typing::call", format!("Cannot instantiate {shown}"))))
}

/// A type object fcall does not construct from (`torch.Tensor`), as `type(v)` makes them.
fn type_object(name: &'static str) -> Value {
    Function::new(name, FunctionKind::Class, move |_, _| {
        Err(Error::type_error("eval::call_type", format!("fcall does not construct values from the type object <class '{name}'>"))
            .with_hint("torch.tensor(data) makes a tensor"))
    })
}

/// `typing.Optional[Tensor]`: another annotation-only object, shown as Python shows it.
pub fn typing_subscript(name: &str, idx: &Value) -> Value {
    fn shown(v: &Value) -> String {
        match v {
            Value::Function(f) => match f.kind {
                FunctionKind::Class | FunctionKind::Builtin | FunctionKind::Typing => f.name.clone(),
                _ => v.py_repr(),
            },
            Value::None => "None".into(),
            Value::List(items) => format!("[{}]", items.borrow().iter().map(shown).collect::<Vec<_>>().join(", ")),
            other => other.py_repr(),
        }
    }
    let args = match idx {
        Value::Tuple(items) => items.borrow().iter().map(shown).collect::<Vec<_>>().join(", "),
        other => shown(other),
    };
    typing_placeholder(&format!("{name}[{args}]"))
}

/// `torch.manual_seed(seed)`: seeds libtorch; returns the default generator (one object).
fn manual_seed() -> Value {
    static GENERATOR: u8 = 0;
    let generator = Function::new("torch._C.Generator", FunctionKind::Node(&GENERATOR as *const u8 as usize), |_, _| {
        Err(Error::type_error("eval::not_callable", "'torch._C.Generator' object is not callable"))
    });
    builtin("manual_seed", move |pos, kw| {
        let a = Args::bind("manual_seed", &["seed"], 1, pos, kw)?;
        tch::manual_seed(a.int("seed", 0)?);
        Ok(generator.clone())
    })
}

/// `nn.Module`'s own instances (`nn.Module()`): no parameters, and no forward.
struct BaseModule;

impl ModuleImpl for BaseModule {
    fn type_path(&self) -> &str {
        "torch.nn.modules.module"
    }
    fn forward(&self, m: &Module, _args: &[Value], _kwargs: &Kwargs) -> Result<Value> {
        Err(crate::nn::module::missing_forward(m))
    }
}

/// `nn.Module`: the class (a `class Foo(nn.Module)` base); calling it makes a bare module.
fn base_module_class() -> Value {
    Function::new("torch.nn.modules.module.Module", FunctionKind::Class, |pos, kw| {
        if !pos.is_empty() || !kw.is_empty() {
            return Err(Error::type_error(
                "call::too_many_arguments",
                format!("Module.__init__() takes 1 positional argument but {} were given", pos.len() + 1),
            ));
        }
        Ok(Value::Module(Module::new("Module", Rc::new(BaseModule))))
    })
}

/// `torch.nn.utils.parametrize.register_parametrization(module, tensor_name, parametrization,
/// *, unsafe=False)`: returns the module.
fn register_parametrization() -> Value {
    builtin("register_parametrization", |pos, kw| {
        let a = Args::bind("register_parametrization", &["module", "tensor_name", "parametrization", "unsafe"], 3, pos, kw)?;
        let module = |name: &str| match a.value(name) {
            Value::Module(m) => Ok(m),
            other => Err(Error::type_error("call::argument_type", format!("register_parametrization(): argument '{name}' must be a Module, not {}", other.type_name()))),
        };
        let (m, p) = (module("module")?, module("parametrization")?);
        let unsafe_ = a.boolean("unsafe", false)?;
        crate::nn::parametrize::register_parametrization_with(&m, &a.string("tensor_name", "")?, &p, unsafe_)?;
        Ok(Value::Module(m))
    })
}

/// `torch.nn.utils.parametrize.remove_parametrizations(module, tensor_name,
/// leave_parametrized=True)`: returns the module.
fn remove_parametrizations() -> Value {
    builtin("remove_parametrizations", |pos, kw| {
        let a = Args::bind("remove_parametrizations", &["module", "tensor_name", "leave_parametrized"], 2, pos, kw)?;
        let Value::Module(m) = a.value("module") else {
            return Err(Error::type_error("call::argument_type", format!("remove_parametrizations(): argument 'module' must be a Module, not {}", a.value("module").type_name())));
        };
        crate::nn::parametrize::remove_parametrizations(&m, &a.string("tensor_name", "")?, a.boolean("leave_parametrized", true)?)?;
        Ok(Value::Module(m))
    })
}

/// `torch.nn.utils.parametrize.is_parametrized(module, tensor_name=None)`.
fn is_parametrized() -> Value {
    builtin("is_parametrized", |pos, kw| {
        let a = Args::bind("is_parametrized", &["module", "tensor_name"], 1, pos, kw)?;
        let Value::Module(m) = a.value("module") else {
            return Ok(Value::Bool(false));
        };
        let name = match a.get("tensor_name") {
            None | Some(Value::None) => None,
            Some(_) => Some(a.string("tensor_name", "")?),
        };
        Ok(Value::Bool(crate::nn::parametrize::is_parametrized(&m, name.as_deref())))
    })
}
