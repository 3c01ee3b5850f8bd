//! Python's exception classes as class objects (`ValueError`, `KeyError`, ..., with CPython's
//! hierarchy: `except LookupError` catches a KeyError, `except Exception` does not catch
//! KeyboardInterrupt), their instances (`.args`, `str(e)`, `repr(e)`), and the link between an
//! engine [`Error`] and its exception object: `raise` makes an error from an object, `except E
//! as e` makes (once) the object of an error, and raising that object again raises the same
//! error (its hint and location kept).
use indexmap::IndexMap;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use crate::error::{Error, ExcObject, ExcType, Result};
use crate::object::{builtin_class, Class, Object, Special};
use crate::value::{Function, FunctionKind, Kwargs, Value};

/// Every built-in exception class fcall has, with its base, in CPython's hierarchy.
const HIERARCHY: &[(&str, &str)] = &[
    ("BaseException", ""),
    ("Exception", "BaseException"),
    ("KeyboardInterrupt", "BaseException"),
    ("SystemExit", "BaseException"),
    ("GeneratorExit", "BaseException"),
    ("ArithmeticError", "Exception"),
    ("ZeroDivisionError", "ArithmeticError"),
    ("OverflowError", "ArithmeticError"),
    ("FloatingPointError", "ArithmeticError"),
    ("LookupError", "Exception"),
    ("KeyError", "LookupError"),
    ("IndexError", "LookupError"),
    ("ValueError", "Exception"),
    ("TypeError", "Exception"),
    ("RuntimeError", "Exception"),
    ("NotImplementedError", "RuntimeError"),
    ("RecursionError", "RuntimeError"),
    ("AttributeError", "Exception"),
    ("NameError", "Exception"),
    ("UnboundLocalError", "NameError"),
    ("AssertionError", "Exception"),
    ("StopIteration", "Exception"),
    ("ImportError", "Exception"),
    ("ModuleNotFoundError", "ImportError"),
    ("SyntaxError", "Exception"),
    ("IndentationError", "SyntaxError"),
    ("OSError", "Exception"),
    ("FileNotFoundError", "OSError"),
    ("IsADirectoryError", "OSError"),
    ("UnpicklingError", "Exception"),
    ("SafetensorError", "Exception"),
    ("EOFError", "Exception"),
    ("MemoryError", "Exception"),
];

/// The [`ExcType`] of a built-in class name, where it has one.
fn exc_type_named(name: &str) -> Option<ExcType> {
    Some(match name {
        "BaseException" => ExcType::BaseException,
        "Exception" => ExcType::Exception,
        "KeyboardInterrupt" => ExcType::KeyboardInterrupt,
        "ArithmeticError" => ExcType::ArithmeticError,
        "ZeroDivisionError" => ExcType::ZeroDivisionError,
        "OverflowError" => ExcType::OverflowError,
        "MemoryError" => ExcType::MemoryError,
        "LookupError" => ExcType::LookupError,
        "KeyError" => ExcType::KeyError,
        "IndexError" => ExcType::IndexError,
        "ValueError" => ExcType::ValueError,
        "TypeError" => ExcType::TypeError,
        "RuntimeError" => ExcType::RuntimeError,
        "NotImplementedError" => ExcType::NotImplementedError,
        "RecursionError" => ExcType::RecursionError,
        "AttributeError" => ExcType::AttributeError,
        "NameError" => ExcType::NameError,
        "UnboundLocalError" => ExcType::UnboundLocalError,
        "AssertionError" => ExcType::AssertionError,
        "StopIteration" => ExcType::StopIteration,
        "ImportError" => ExcType::ImportError,
        "ModuleNotFoundError" => ExcType::ModuleNotFoundError,
        "SyntaxError" => ExcType::SyntaxError,
        "OSError" => ExcType::OSError,
        "FileNotFoundError" => ExcType::FileNotFoundError,
        "IsADirectoryError" => ExcType::IsADirectoryError,
        "EOFError" => ExcType::EOFError,
        "UnpicklingError" => ExcType::UnpicklingError,
        "SafetensorError" => ExcType::SafetensorError,
        _ => return None,
    })
}

thread_local! {
    static CLASSES: RefCell<IndexMap<&'static str, Rc<Class>>> = RefCell::new(IndexMap::new());
    /// The errors being handled (`except` bodies, innermost last): bare `raise` re-raises the last.
    static HANDLING: RefCell<Vec<Error>> = const { RefCell::new(Vec::new()) };
    /// Errors whose object a script holds (`except E as e`): raising that object again raises
    /// the error itself. The most recent few.
    static ORIGINS: RefCell<Vec<(u64, Error)>> = const { RefCell::new(Vec::new()) };
}

/// A method of a built-in exception class: a function taking `self` first (so it binds).
fn method(name: &str, f: impl Fn(&Value, &[Value], &Kwargs) -> Result<Value> + 'static) -> Value {
    let qual = name.to_string();
    Function::new(name, FunctionKind::User, move |pos, kw| match pos.split_first() {
        Some((this, rest)) => f(this, rest, kw),
        None => Err(Error::type_error("call::missing_argument", format!("descriptor '{}' of 'BaseException' object needs an argument", qual.rsplit('.').next().unwrap_or(&qual)))),
    })
}

fn set_args(this: &Value, args: Vec<Value>) {
    if let Value::Object(o) = this {
        o.dict.borrow_mut().insert("args".into(), Value::tuple(args));
    }
}

/// `e.args` of an exception object.
pub fn args_of(v: &Value) -> Vec<Value> {
    match v {
        Value::Object(o) => match o.get("args") {
            Some(Value::Tuple(t)) => t.to_vec(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

fn class_name_of(v: &Value) -> String {
    match v {
        Value::Object(o) => o.class.name.clone(),
        other => other.type_name(),
    }
}

fn base_dict(name: &str) -> IndexMap<String, Value> {
    let mut d = IndexMap::new();
    match name {
        "BaseException" => {
            d.insert(
                "__init__".into(),
                method("BaseException.__init__", |this, pos, kw| {
                    if !kw.is_empty() {
                        return Err(Error::type_error("call::unexpected_keyword", format!("{}() takes no keyword arguments", class_name_of(this))));
                    }
                    set_args(this, pos.to_vec());
                    Ok(Value::None)
                }),
            );
            d.insert(
                "__str__".into(),
                method("BaseException.__str__", |this, _, _| {
                    let args = args_of(this);
                    Ok(Value::str(&match &args[..] {
                        [] => String::new(),
                        [one] => crate::object::try_str(one)?,
                        _ => crate::object::try_repr(&Value::tuple(args.clone()))?,
                    }))
                }),
            );
            d.insert(
                "__repr__".into(),
                method("BaseException.__repr__", |this, _, _| {
                    let args = args_of(this);
                    let name = class_name_of(this);
                    Ok(Value::str(&match &args[..] {
                        [one] => format!("{name}({})", crate::object::try_repr(one)?),
                        _ => format!("{name}{}", crate::object::try_repr(&Value::tuple(args.clone()))?),
                    }))
                }),
            );
            d.insert("with_traceback".into(), method("BaseException.with_traceback", |this, _, _| Ok(this.clone())));
            for attr in ["__cause__", "__context__", "__traceback__"] {
                d.insert(attr.into(), Value::None);
            }
            d.insert("__suppress_context__".into(), Value::Bool(false));
        }
        "KeyError" => {
            // `str(KeyError(k))` is `repr(k)`.
            d.insert(
                "__str__".into(),
                method("KeyError.__str__", |this, _, _| {
                    let args = args_of(this);
                    Ok(Value::str(&match &args[..] {
                        [] => String::new(),
                        [one] => crate::object::try_repr(one)?,
                        _ => crate::object::try_repr(&Value::tuple(args.clone()))?,
                    }))
                }),
            );
        }
        "StopIteration" => {
            d.insert("value".into(), Value::None);
        }
        _ => {}
    }
    d
}

fn with_classes<R>(f: impl FnOnce(&IndexMap<&'static str, Rc<Class>>) -> R) -> R {
    CLASSES.with(|c| {
        if c.borrow().is_empty() {
            let mut map: IndexMap<&'static str, Rc<Class>> = IndexMap::new();
            for (name, base) in HIERARCHY {
                let base = if base.is_empty() { Value::Class(builtin_class(Special::Object)) } else { Value::Class(map[base].clone()) };
                let class = Class {
                    name: name.to_string(),
                    module: "builtins".into(),
                    base: Some(base),
                    dict: RefCell::new(base_dict(name)),
                    special: Special::User,
                    is_module: false,
                            id: crate::tensor::next_object_id(),
                };
                map.insert(name, Rc::new(class));
            }
            *c.borrow_mut() = map;
        }
        f(&c.borrow())
    })
}

/// The built-in exception class called `name`.
pub fn class(name: &str) -> Option<Rc<Class>> {
    with_classes(|m| m.get(name).cloned())
}

/// The class an engine error of this type is an instance of.
pub fn class_for(exc: ExcType) -> Rc<Class> {
    class(exc.name()).unwrap_or_else(|| class("Exception").expect("Exception is built in"))
}

/// Whether `c` is `BaseException` or a subclass of it.
pub fn is_exception_class(c: &Rc<Class>) -> bool {
    class("BaseException").is_some_and(|b| c.is_subclass(&b))
}

/// The nearest built-in ancestor of an exception class that has an [`ExcType`].
pub fn exc_type_of(c: &Rc<Class>) -> ExcType {
    let mut cur = Some(c.clone());
    while let Some(k) = cur {
        if k.module == "builtins" {
            if let Some(t) = exc_type_named(&k.name) {
                return t;
            }
        }
        cur = k.base_class().cloned();
    }
    ExcType::Exception
}

/// Adds the exception classes to the built-ins.
pub fn add(out: &mut HashMap<String, Value>) {
    with_classes(|m| {
        for (name, c) in m {
            out.insert(name.to_string(), Value::Class(c.clone()));
        }
    });
}

/// `E(*args)` for an exception class `E` (built-in or a user subclass): `BaseException.__new__`
/// sets `args`, then `__init__` runs (a user `__init__` may set other attributes and need not
/// call `super().__init__`).
pub fn instantiate(cls: &Rc<Class>, pos: &[Value], kw: &Kwargs) -> Result<Value> {
    let obj = Value::Object(Rc::new(Object::new(cls.clone())));
    let (init, owner) = cls.find("__init__").expect("BaseException defines __init__");
    let builtin_init = owner.module == "builtins";
    if !kw.is_empty() && builtin_init {
        return Err(Error::type_error("call::unexpected_keyword", format!("{}() takes no keyword arguments", cls.name)));
    }
    set_args(&obj, pos.to_vec());
    if exc_type_of(cls) == ExcType::StopIteration {
        if let (Value::Object(o), Some(v)) = (&obj, pos.first()) {
            o.dict.borrow_mut().insert("value".into(), v.clone());
        }
    }
    if !builtin_init {
        let f = crate::object::bind(init, &obj, cls)?;
        let r = super::eval::call_value(&f, pos, kw)?;
        if !r.is_none() {
            return Err(Error::type_error("class::init_return", format!("__init__() should return None, not '{}'", r.type_name())));
        }
    }
    Ok(obj)
}

/// A new instance of the built-in exception class `name` (e.g. `StopIteration` from `next`).
pub fn new_error(exc: ExcType, args: Vec<Value>) -> Error {
    let cls = class_for(exc);
    let obj = Value::Object(Rc::new(Object::new(cls.clone())));
    set_args(&obj, args);
    error_of_object(obj, exc, &cls.name).unwrap_or_else(|e| e)
}

fn error_of_object(obj: Value, exc: ExcType, class_name: &str) -> Result<Error> {
    let message = crate::object::try_str(&obj)?;
    let mut e = Error::new(exc, "eval::raise", message);
    if exc == ExcType::KeyError {
        if let [Value::Str(k)] = &args_of(&obj)[..] {
            e.key_arg = Some(k.to_string());
        }
    }
    e.object = Some(ExcObject { value: obj, class_name: class_name.to_string() });
    Ok(e)
}

fn object_id(v: &Value) -> Option<u64> {
    match v {
        Value::Object(o) => Some(o.id),
        _ => None,
    }
}

/// The error `raise v` raises: `v` an exception instance or class.
pub fn error_from_value(v: Value) -> Result<Error> {
    let not_exception = || Error::type_error("eval::raise_type", "exceptions must derive from BaseException");
    let v = match &v {
        Value::Class(c) if is_exception_class(c) => instantiate(c, &[], &Vec::new())?,
        _ => v,
    };
    let Value::Object(o) = &v else {
        return Err(not_exception());
    };
    if !is_exception_class(&o.class) {
        return Err(not_exception());
    }
    let id = o.id;
    if let Some(e) = ORIGINS.with(|r| r.borrow().iter().rev().find(|(i, _)| *i == id).map(|(_, e)| e.clone())) {
        return Ok(e);
    }
    error_of_object(v.clone(), exc_type_of(&o.class), &o.class.name)
}

/// `raise ... from cause`: records `__cause__` on the exception object.
pub fn set_cause(e: &mut Error, cause: Value) -> Result<()> {
    let cause = match &cause {
        Value::None => Value::None,
        Value::Class(c) if is_exception_class(c) => instantiate(c, &[], &Vec::new())?,
        Value::Object(o) if is_exception_class(&o.class) => cause.clone(),
        _ => return Err(Error::type_error("eval::raise_cause", "exception causes must derive from BaseException")),
    };
    let obj = object_of(e);
    if let Value::Object(o) = obj {
        let mut d = o.dict.borrow_mut();
        d.insert("__cause__".into(), cause);
        d.insert("__suppress_context__".into(), Value::Bool(true));
    }
    Ok(())
}

/// The exception object of an error, made (once) for an engine error: its class is the error's
/// type and its `args` are `(message,)` (`(key,)` for a KeyError, `()` for no message).
pub fn object_of(e: &mut Error) -> Value {
    if let Some(o) = &e.object {
        return o.value.clone();
    }
    let cls = class_for(e.exc);
    let args = match (&e.key_arg, e.exc) {
        (Some(k), ExcType::KeyError) => vec![Value::str(k)],
        (None, ExcType::KeyError) if e.message.len() >= 2 && e.message.starts_with('\'') && e.message.ends_with('\'') => {
            vec![Value::str(&e.message[1..e.message.len() - 1])]
        }
        _ if e.message.is_empty() => vec![],
        _ => vec![Value::str(&e.message)],
    };
    let obj = Value::Object(Rc::new(Object::new(cls.clone())));
    set_args(&obj, args);
    e.object = Some(ExcObject { value: obj.clone(), class_name: cls.name.clone() });
    if let Some(id) = object_id(&obj) {
        ORIGINS.with(|r| {
            let mut r = r.borrow_mut();
            if r.len() >= 64 {
                r.remove(0);
            }
            r.push((id, e.clone()));
        });
    }
    obj
}

/// The class of the exception an error is.
fn class_of_error(e: &Error) -> Rc<Class> {
    match e.object.as_ref().map(|o| &o.value) {
        Some(Value::Object(o)) => o.class.clone(),
        _ => class_for(e.exc),
    }
}

/// Whether `except typ` catches `e`: `typ` an exception class or a tuple of them (nested
/// tuples too), else Python's TypeError.
pub fn matches(e: &Error, typ: &Value) -> Result<bool> {
    let c = class_of_error(e);
    fn check(c: &Rc<Class>, typ: &Value) -> Result<bool> {
        match typ {
            Value::Class(t) if is_exception_class(t) => Ok(c.is_subclass(t)),
            Value::Tuple(items) => {
                let mut hit = false;
                for t in items.to_vec() {
                    hit |= check(c, &t)?;
                }
                Ok(hit)
            }
            _ => Err(Error::type_error("eval::except_type", "catching classes that do not inherit from BaseException is not allowed")),
        }
    }
    check(&c, typ)
}

/// Runs `f` with `e` as the exception being handled (for a bare `raise` inside it).
pub fn handling<R>(e: &Error, f: impl FnOnce() -> R) -> R {
    HANDLING.with(|h| h.borrow_mut().push(e.clone()));
    let r = f();
    HANDLING.with(|h| h.borrow_mut().pop());
    r
}

/// Bare `raise`: the exception being handled.
pub fn reraise() -> Error {
    HANDLING
        .with(|h| h.borrow().last().cloned())
        .unwrap_or_else(|| Error::runtime("eval::reraise", "No active exception to reraise"))
}
