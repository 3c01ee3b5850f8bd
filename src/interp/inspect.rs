//! Python's `inspect.signature` and the objects it returns, for what functional code reads of
//! them: `Signature` (`parameters`, `return_annotation`, `str()`/`repr()`), `Parameter` (`name`,
//! `kind`, `default`, `annotation`, `str()`/`repr()`, the kind constants and `empty` on the
//! class) and the five `_ParameterKind`s (`name`, `value`, `description`). Signatures come from
//! user functions and lambdas (their parameters and defaults), bound methods (the first
//! parameter dropped), classes (`__init__` without `self`) and module instances (`nn.Module`'s
//! `__call__`: `(*args, **kwargs)`). fcall keeps no annotations, so `annotation` is always
//! `Parameter.empty`. `inspect.isclass` is here too.
use std::cell::RefCell;
use std::rc::Rc;

use super::args::Args;
use crate::error::{Error, Result};
use crate::object::{builtin_class, Class, Object, Special};
use crate::value::{DictRef, Function, FunctionKind, Kwargs, Namespace, ParamKind, Value};

/// The classes and singletons of the module, made once per thread.
struct Objects {
    signature: Rc<Class>,
    parameter: Rc<Class>,
    empty: Rc<Class>,
    /// POSITIONAL_ONLY, POSITIONAL_OR_KEYWORD, VAR_POSITIONAL, KEYWORD_ONLY, VAR_KEYWORD.
    kinds: Vec<Value>,
}

thread_local! {
    static OBJECTS: RefCell<Option<Rc<Objects>>> = const { RefCell::new(None) };
}

/// `(name, value, description)` of each `_ParameterKind`.
const KINDS: [(&str, i64, &str); 5] = [
    ("POSITIONAL_ONLY", 0, "positional-only"),
    ("POSITIONAL_OR_KEYWORD", 1, "positional or keyword"),
    ("VAR_POSITIONAL", 2, "variadic positional"),
    ("KEYWORD_ONLY", 3, "keyword-only"),
    ("VAR_KEYWORD", 4, "variadic keyword"),
];

fn class(name: &str) -> Rc<Class> {
    let mut cls = Class::new_user(name, Value::Class(builtin_class(Special::Object)));
    cls.module = "inspect".into();
    Rc::new(cls)
}

/// A method: `f(self, *args)` once bound to an instance.
fn method(name: &str, f: impl Fn(&Value) -> Result<Value> + 'static) -> Value {
    Function::new(name, FunctionKind::User, move |pos, _| match pos.first() {
        Some(this) => f(this),
        None => Err(Error::type_error("call::missing_argument", "missing 1 required positional argument: 'self'")),
    })
}

fn attr(this: &Value, name: &str) -> Value {
    match this {
        Value::Object(o) => o.dict.borrow().get(name).cloned().unwrap_or(Value::None),
        _ => Value::None,
    }
}

fn objects() -> Rc<Objects> {
    OBJECTS.with(|o| {
        o.borrow_mut()
            .get_or_insert_with(|| {
                let kind_class = class("_ParameterKind");
                kind_class.dict.borrow_mut().insert(
                    "__repr__".into(),
                    method("_ParameterKind.__repr__", |k| {
                        Ok(Value::str(&format!("<_ParameterKind.{}: {}>", attr(k, "name").py_str(), attr(k, "value").py_str())))
                    }),
                );
                kind_class.dict.borrow_mut().insert("__str__".into(), method("_ParameterKind.__str__", |k| Ok(attr(k, "name"))));
                let kinds: Vec<Value> = KINDS
                    .iter()
                    .map(|(name, value, description)| {
                        let o = Object::new(kind_class.clone());
                        o.dict.borrow_mut().insert("name".into(), Value::str(name));
                        o.dict.borrow_mut().insert("value".into(), Value::Int(*value));
                        o.dict.borrow_mut().insert("description".into(), Value::str(description));
                        Value::Object(Rc::new(o))
                    })
                    .collect();
                let empty = class("_empty");
                let parameter = class("Parameter");
                {
                    let mut d = parameter.dict.borrow_mut();
                    d.insert("empty".into(), Value::Class(empty.clone()));
                    for ((name, _, _), k) in KINDS.iter().zip(&kinds) {
                        d.insert((*name).into(), k.clone());
                    }
                    d.insert("__str__".into(), method("Parameter.__str__", |p| Ok(Value::str(&param_text(p)))));
                    d.insert("__repr__".into(), method("Parameter.__repr__", |p| Ok(Value::str(&format!("<Parameter \"{}\">", param_text(p))))));
                }
                let signature = class("Signature");
                {
                    let mut d = signature.dict.borrow_mut();
                    d.insert("empty".into(), Value::Class(empty.clone()));
                    d.insert("__str__".into(), method("Signature.__str__", |s| Ok(Value::str(&signature_text(s)?))));
                    d.insert("__repr__".into(), method("Signature.__repr__", |s| Ok(Value::str(&format!("<Signature {}>", signature_text(s)?)))));
                }
                Rc::new(Objects { signature, parameter, empty, kinds })
            })
            .clone()
    })
}

fn kind_index(k: ParamKind) -> usize {
    match k {
        ParamKind::PositionalOnly => 0,
        ParamKind::PositionalOrKeyword => 1,
        ParamKind::VarPositional => 2,
        ParamKind::KeywordOnly => 3,
        ParamKind::VarKeyword => 4,
    }
}

fn is_empty(v: &Value) -> bool {
    matches!(v, Value::Class(c) if Rc::ptr_eq(c, &objects().empty))
}

/// `str(Parameter)`: `a`, `b=1`, `*args`, `**kwargs`.
fn param_text(p: &Value) -> String {
    let name = attr(p, "name").py_str();
    let kind = attr(p, "kind");
    let o = objects();
    let mut s = if kind.is(&o.kinds[2]) {
        format!("*{name}")
    } else if kind.is(&o.kinds[4]) {
        format!("**{name}")
    } else {
        name
    };
    let default = attr(p, "default");
    if !is_empty(&default) {
        s.push_str(&format!("={}", crate::object::try_repr(&default).unwrap_or_default()));
    }
    s
}

/// `str(Signature)`: `(a, /, b=1, *args, c, **kwargs)`: a `/` after positional-only
/// parameters, a bare `*` before keyword-only ones that follow no `*args`. fcall keeps no
/// annotations: the text of an annotated function's signature is refused, not shown without them.
fn signature_text(s: &Value) -> Result<String> {
    let o = objects();
    let Value::Dict(params) = attr(s, "parameters") else { return Ok("()".into()) };
    let params: Vec<Value> = params.borrow().values().cloned().collect();
    let annotated = matches!(s, Value::Object(o) if !o.dict.borrow().contains_key("return_annotation"));
    if annotated {
        return Err(Error::new(
            crate::error::ExcType::NotImplementedError,
            "inspect::annotations",
            "fcall keeps no annotations: the text of an annotated function's signature cannot be shown",
        )
        .with_hint("its parameters (names, kinds, defaults) can be read"));
    }
    let mut parts = Vec::new();
    let mut star = false;
    for (i, p) in params.iter().enumerate() {
        let kind = attr(p, "kind");
        if kind.is(&o.kinds[2]) {
            star = true;
        } else if kind.is(&o.kinds[3]) && !star {
            parts.push("*".to_string());
            star = true;
        }
        parts.push(param_text(p));
        if kind.is(&o.kinds[0]) && !params.get(i + 1).is_some_and(|n| attr(n, "kind").is(&o.kinds[0])) {
            parts.push("/".to_string());
        }
    }
    Ok(format!("({})", parts.join(", ")))
}

/// A `Signature` over `(name, kind, default)` triples; an annotated function's parameters have
/// no `annotation` (nor the signature a `return_annotation`): fcall does not keep them.
fn make_signature((params, annotated): Params) -> Value {
    let o = objects();
    let dict = DictRef::new();
    for (name, kind, default) in params {
        let p = Object::new(o.parameter.clone());
        {
            let mut d = p.dict.borrow_mut();
            d.insert("name".into(), Value::str(&name));
            d.insert("kind".into(), o.kinds[kind_index(kind)].clone());
            d.insert("default".into(), default.unwrap_or_else(|| Value::Class(o.empty.clone())));
            if !annotated {
                d.insert("annotation".into(), Value::Class(o.empty.clone()));
            }
        }
        dict.insert(name.as_str(), Value::Object(Rc::new(p)));
    }
    let s = Object::new(o.signature.clone());
    s.dict.borrow_mut().insert("parameters".into(), Value::Dict(dict));
    if !annotated {
        s.dict.borrow_mut().insert("return_annotation".into(), Value::Class(o.empty.clone()));
    }
    Value::Object(Rc::new(s))
}

/// `(name, kind, default)` of each parameter, and whether the function was annotated.
type Params = (Vec<(String, ParamKind, Option<Value>)>, bool);

/// A user function's parameters, or `None` for a callable without them.
fn function_params(f: &Function) -> Option<Params> {
    f.params.as_ref().map(|ps| (ps.params.iter().map(|p| (p.name.clone(), p.kind, p.default.clone())).collect(), ps.annotated))
}

/// `_signature_bound_method`: the first parameter is the receiver (unless it is `*args`).
fn drop_first((mut params, annotated): Params) -> Result<Params> {
    match params.first().map(|p| p.1) {
        None | Some(ParamKind::KeywordOnly) | Some(ParamKind::VarKeyword) => {
            Err(Error::value("inspect::invalid_method", "invalid method signature"))
        }
        Some(ParamKind::VarPositional) => Ok((params, annotated)),
        Some(ParamKind::PositionalOnly | ParamKind::PositionalOrKeyword) => {
            params.remove(0);
            Ok((params, annotated))
        }
    }
}

/// `(*args, **kwargs)`.
fn var_args() -> Params {
    (vec![("args".into(), ParamKind::VarPositional, None), ("kwargs".into(), ParamKind::VarKeyword, None)], false)
}

fn params_of(v: &Value) -> Result<Params> {
    let no_signature = || Error::value("inspect::no_signature", format!("no signature found for builtin {}", v.py_repr()));
    match v {
        Value::Function(f) => {
            if let Some((_, func)) = &f.bound {
                return drop_first(params_of(func)?);
            }
            match f.kind {
                // `nn.Module.__init__(self, *args: Any, **kwargs: Any) -> None`.
                _ if crate::object::is_nn_module_class(v) => Ok((var_args().0, true)),
                FunctionKind::Class => Err(Error::new(
                    crate::error::ExcType::NotImplementedError,
                    "inspect::layer_class",
                    format!("fcall has no signature for the built-in class {}", v.py_repr()),
                )),
                _ => function_params(f).ok_or_else(no_signature),
            }
        }
        // `type(model).__call__`: nn.Module's `_wrapped_call_impl(self, *args, **kwargs)`.
        Value::Module(_) => Ok(var_args()),
        Value::Class(c) => match c.find("__init__") {
            Some((init, _)) => drop_first(params_of(&init)?),
            None if c.is_module => Ok((var_args().0, true)),
            None => Ok((Vec::new(), false)),
        },
        other => Err(Error::type_error("inspect::not_callable", format!("{} is not a callable object", other.py_repr()))),
    }
}

pub fn add(m: &Namespace) {
    m.set(
        "isclass",
        Function::new("isclass", FunctionKind::Builtin, |pos, kw| {
            let a = Args::bind("isclass", &["object"], 1, pos, kw)?;
            Ok(Value::Bool(matches!(a.value("object"), Value::Class(_)) || matches!(a.value("object"), Value::Function(f) if f.kind == FunctionKind::Class)))
        }),
    );
    m.set(
        "signature",
        Function::new("signature", FunctionKind::Builtin, |pos: &[Value], kw: &Kwargs| {
            let a = Args::bind("signature", &["obj"], 1, pos, kw)?;
            Ok(make_signature(params_of(&a.value("obj"))?))
        }),
    );
}

/// The module's classes, made when it is first imported (as CPython runs a module's body then):
/// a session that never imports inspect makes no objects (object ids stay as they were).
pub fn on_import(m: &Namespace) {
    if m.get("Signature").is_none() {
        let o = objects();
        m.set("Signature", Value::Class(o.signature.clone()));
        m.set("Parameter", Value::Class(o.parameter.clone()));
        m.set("_empty", Value::Class(o.empty.clone()));
    }
}
