//! Python's `dataclasses` module: `@dataclass` (bare or with options) reads the class's
//! annotated names (`block_size: int = 1024`, base dataclasses' fields first) and adds the
//! generated `__init__` (defaults, `field(default_factory=...)`, then `__post_init__`),
//! `__repr__` (`GPTConfig(block_size=1024, ...)`) and `__eq__` unless the class defines them;
//! `field`, `fields`, `asdict`, `MISSING`, with CPython 3.11's errors.
use std::cell::RefCell;
use std::rc::Rc;

use indexmap::IndexMap;

use super::args::{Args, Signature};
use super::eval::call_value;
use crate::error::{Error, ExcType, Result};
use crate::object::{builtin_class, Class, Object, Special};
use crate::value::{DictRef, Function, FunctionKind, Kwargs, Namespace, Value};

thread_local! {
    /// `dataclasses.Field` and `dataclasses._MISSING_TYPE`, one class object each.
    static CLASSES: RefCell<Option<(Rc<Class>, Rc<Class>, Value)>> = const { RefCell::new(None) };
}

fn classes() -> (Rc<Class>, Rc<Class>, Value) {
    CLASSES.with(|c| {
        c.borrow_mut()
            .get_or_insert_with(|| {
                let make = |name: &str| {
                    let mut cls = Class::new_user(name, Value::Class(builtin_class(Special::Object)));
                    cls.module = "dataclasses".into();
                    Rc::new(cls)
                };
                let (field, missing) = (make("Field"), make("_MISSING_TYPE"));
                let sentinel = Value::Object(Rc::new(Object::new(missing.clone())));
                (field, missing, sentinel)
            })
            .clone()
    })
}

/// `dataclasses.MISSING`.
fn missing() -> Value {
    classes().2
}

fn is_missing(v: &Value) -> bool {
    v.is(&missing())
}

/// A `dataclasses.Field` with its options.
fn new_field(default: Value, default_factory: Value, init: bool, repr: bool, compare: bool) -> Rc<Object> {
    let o = Object::new(classes().0);
    for (k, v) in [
        ("name", Value::None),
        ("type", Value::None),
        ("default", default),
        ("default_factory", default_factory),
        ("init", Value::Bool(init)),
        ("repr", Value::Bool(repr)),
        ("compare", Value::Bool(compare)),
    ] {
        o.dict.borrow_mut().insert(k.into(), v);
    }
    Rc::new(o)
}

fn as_field(v: &Value) -> Option<Rc<Object>> {
    match v {
        Value::Object(o) if Rc::ptr_eq(&o.class, &classes().0) => Some(o.clone()),
        _ => None,
    }
}

fn flag(o: &Object, name: &str) -> bool {
    matches!(o.get(name), Some(Value::Bool(true)))
}

fn attr(o: &Object, name: &str) -> Value {
    o.get(name).unwrap_or(Value::None)
}

/// The fields of a dataclass, in `__init__`'s order.
fn fields_of(cls: &Rc<Class>) -> Vec<Rc<Object>> {
    match cls.dict.borrow().get("__dataclass_fields__") {
        Some(Value::Dict(d)) => d.borrow().values().filter_map(as_field).collect(),
        _ => Vec::new(),
    }
}

/// The value of field `name` of an instance.
fn get(this: &Value, name: &str) -> Result<Value> {
    let v = match this {
        Value::Object(o) => o.get(name),
        Value::Module(m) => m.getattr(name).ok(),
        _ => None,
    };
    v.ok_or_else(|| Error::attribute("eval::no_attribute", format!("'{}' object has no attribute '{name}'", this.type_name())))
}

fn method(name: String, f: impl Fn(&Value, &[Value], &Kwargs) -> Result<Value> + 'static) -> Value {
    Function::new(name, FunctionKind::User, move |pos, kw| match pos.split_first() {
        Some((this, rest)) => f(this, rest, kw),
        None => Err(Error::type_error("call::missing_argument", "missing 1 required positional argument: 'self'")),
    })
}

/// The generated `__init__(self, a, b=default, ...)`.
fn init_method(cls: &Rc<Class>, fields: Vec<Rc<Object>>) -> Value {
    let qual = format!("{}.__init__", cls.name);
    let init: Vec<Rc<Object>> = fields.iter().filter(|f| flag(f, "init")).cloned().collect();
    let names: Vec<String> = init.iter().map(|f| attr(f, "name").py_str()).collect();
    let defaults = init.iter().filter(|f| !is_missing(&attr(f, "default")) || !is_missing(&attr(f, "default_factory"))).count();
    let cls = cls.clone();
    method(qual.clone(), move |this, pos, kw| {
        let positional: Vec<&str> = names.iter().map(String::as_str).collect();
        let sig = Signature { qualname: &qual, positional: &positional, defaults, vararg: false, kwonly: &[], kwarg: false, implicit: 1 };
        let b = sig.bind(pos, kw)?;
        for ((f, name), given) in init.iter().zip(&names).zip(b.positional) {
            let v = match given {
                Some(v) => v,
                None if !is_missing(&attr(f, "default_factory")) => call_value(&attr(f, "default_factory"), &[], &Vec::new())?,
                None => attr(f, "default"),
            };
            super::members::setattr(this, name, v)?;
        }
        // Fields outside __init__ with a factory are still set (dataclasses' `init=False`).
        for f in fields.iter().filter(|f| !flag(f, "init") && !is_missing(&attr(f, "default_factory"))) {
            let v = call_value(&attr(f, "default_factory"), &[], &Vec::new())?;
            super::members::setattr(this, &attr(f, "name").py_str(), v)?;
        }
        if let Some((post, _)) = cls.find("__post_init__") {
            let bound = crate::object::bind(post, this, &cls)?;
            call_value(&bound, &[], &Vec::new())?;
        }
        Ok(Value::None)
    })
}

/// The generated `__repr__`: `Name(a=1, b=2.0)` over the fields with `repr=True`.
fn repr_method(cls: &Rc<Class>, fields: Vec<Rc<Object>>) -> Value {
    let names: Vec<String> = fields.iter().filter(|f| flag(f, "repr")).map(|f| attr(f, "name").py_str()).collect();
    method(format!("{}.__repr__", cls.name), move |this, _, _| {
        let name = match crate::object::user_class_of(this) {
            Some(c) => c.name.clone(),
            None => this.type_name(),
        };
        let parts = names.iter().map(|n| Ok(format!("{n}={}", crate::object::try_repr(&get(this, n)?)?))).collect::<Result<Vec<_>>>()?;
        Ok(Value::str(&format!("{name}({})", parts.join(", "))))
    })
}

/// The generated `__eq__`: the compared fields as tuples, for two instances of one class.
fn eq_method(cls: &Rc<Class>, fields: Vec<Rc<Object>>) -> Value {
    let names: Vec<String> = fields.iter().filter(|f| flag(f, "compare")).map(|f| attr(f, "name").py_str()).collect();
    method(format!("{}.__eq__", cls.name), move |this, rest, _| {
        let other = rest.first().cloned().unwrap_or(Value::None);
        let same_class = match (crate::object::user_class_of(this), crate::object::user_class_of(&other)) {
            (Some(a), Some(b)) => Rc::ptr_eq(&a, &b),
            _ => false,
        };
        if !same_class {
            // NotImplemented both ways: Python falls back to identity.
            return Ok(Value::Bool(this.is(&other)));
        }
        let tuple = |v: &Value| names.iter().map(|n| get(v, n)).collect::<Result<Vec<_>>>().map(Value::tuple);
        super::ops::compare(fcall_lang::ast::CmpOp::Eq, &tuple(this)?, &tuple(&other)?)
    })
}

/// Options of `@dataclass(...)` fcall carries out.
struct Options {
    init: bool,
    repr: bool,
    eq: bool,
}

/// Makes `cls` a dataclass (dataclasses' `_process_class`).
fn process(cls: &Value, opts: &Options) -> Result<Value> {
    let Value::Class(c) = cls else {
        return Err(Error::type_error("dataclasses::not_class", format!("fcall's dataclass() decorates a class, not '{}'", cls.type_name())));
    };
    // Base dataclasses' fields first, a redefined field keeping its place.
    let mut fields: IndexMap<String, Rc<Object>> = IndexMap::new();
    let mut chain = Vec::new();
    let mut b = c.base_class().cloned();
    while let Some(x) = b {
        b = x.base_class().cloned();
        chain.push(x);
    }
    for base in chain.iter().rev() {
        for f in fields_of(base) {
            fields.insert(attr(&f, "name").py_str(), f);
        }
    }
    let annotations = match c.dict.borrow().get("__annotations__") {
        Some(Value::Dict(d)) => d.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect::<Vec<_>>(),
        _ => Vec::new(),
    };
    for (name, ty) in annotations {
        if let Value::Function(f) = &ty {
            if f.name.starts_with("typing.ClassVar") {
                continue;
            }
        }
        let default = c.dict.borrow().get(&name).cloned();
        let f = match default.as_ref().and_then(as_field) {
            Some(f) => f,
            None => new_field(default.clone().unwrap_or_else(missing), missing(), true, true, true),
        };
        let d = attr(&f, "default");
        if matches!(d, Value::List(_) | Value::Dict(_) | Value::Set(_)) {
            return Err(Error::value(
                "dataclasses::mutable_default",
                format!("mutable default {} for field {name} is not allowed: use default_factory", d.py_type_repr()),
            ));
        }
        if !is_missing(&d) && !is_missing(&attr(&f, "default_factory")) {
            return Err(Error::value("dataclasses::both_defaults", "cannot specify both default and default_factory"));
        }
        f.dict.borrow_mut().insert("name".into(), Value::str(&name));
        f.dict.borrow_mut().insert("type".into(), ty);
        // A `field()` class attribute becomes its default, or goes.
        if default.as_ref().and_then(as_field).is_some() {
            let mut dict = c.dict.borrow_mut();
            if is_missing(&d) {
                dict.shift_remove(&name);
            } else {
                dict.insert(name.clone(), d.clone());
            }
        }
        fields.insert(name, f);
    }
    let fields: Vec<Rc<Object>> = fields.into_values().collect();
    let has = |f: &Rc<Object>| !is_missing(&attr(f, "default")) || !is_missing(&attr(f, "default_factory"));
    let mut seen_default = false;
    for f in fields.iter().filter(|f| flag(f, "init")) {
        if has(f) {
            seen_default = true;
        } else if seen_default {
            return Err(Error::type_error(
                "dataclasses::field_order",
                format!("non-default argument {} follows default argument", attr(f, "name").py_repr()),
            ));
        }
    }
    let table = DictRef::new();
    for f in &fields {
        table.insert(attr(f, "name").py_str(), Value::Object(f.clone()));
    }
    let mut dict = c.dict.borrow_mut();
    dict.insert("__dataclass_fields__".into(), Value::Dict(table));
    let mut add = |name: &str, v: Value| {
        if !dict.contains_key(name) {
            dict.insert(name.into(), v);
        }
    };
    if opts.init {
        add("__init__", init_method(c, fields.clone()));
    }
    if opts.repr {
        add("__repr__", repr_method(c, fields.clone()));
    }
    if opts.eq {
        add("__eq__", eq_method(c, fields));
    }
    Ok(cls.clone())
}

/// Keyword options of `dataclass` and their defaults; the others fcall refuses when set.
const OPTIONS: &[(&str, bool)] = &[
    ("init", true),
    ("repr", true),
    ("eq", true),
    ("order", false),
    ("unsafe_hash", false),
    ("frozen", false),
    ("match_args", true),
    ("kw_only", false),
    ("slots", false),
    ("weakref_slot", false),
];

/// `dataclass(cls=None, /, *, init=True, repr=True, eq=True, ...)`.
fn dataclass() -> Value {
    Function::new("dataclass", FunctionKind::Builtin, |pos, kw| {
        if pos.len() > 1 {
            return Err(Error::type_error("call::too_many_arguments", format!("dataclass() takes from 0 to 1 positional arguments but {} were given", pos.len())));
        }
        let mut opts = Options { init: true, repr: true, eq: true };
        for (k, v) in kw {
            let Some((_, default)) = OPTIONS.iter().find(|(n, _)| *n == k.as_str()) else {
                return Err(Error::type_error("call::unexpected_keyword", format!("dataclass() got an unexpected keyword argument '{k}'")));
            };
            let b = super::ops::truthy(v)?;
            match k.as_str() {
                "init" => opts.init = b,
                "repr" => opts.repr = b,
                "eq" => opts.eq = b,
                "match_args" => {}
                _ if b != *default => {
                    return Err(Error::new(ExcType::NotImplementedError, "dataclasses::option", format!("fcall's dataclass() does not support {k}={}", if b { "True" } else { "False" }))
                        .with_hint("write the method the option would generate in the class"))
                }
                _ => {}
            }
        }
        match pos.first() {
            Some(cls) if !cls.is_none() => process(cls, &opts),
            _ => Ok(Function::new("dataclass.<locals>.wrap", FunctionKind::Builtin, move |pos, kw| {
                let a = Args::bind("wrap", &["cls"], 1, pos, kw)?;
                process(&a.value("cls"), &opts)
            })),
        }
    })
}

/// `field(*, default=MISSING, default_factory=MISSING, init=True, repr=True, hash=None,
/// compare=True, metadata=None, kw_only=MISSING)`.
fn field() -> Value {
    Function::new("field", FunctionKind::Builtin, |pos, kw| {
        if !pos.is_empty() {
            return Err(Error::type_error("call::too_many_arguments", format!("field() takes 0 positional arguments but {} were given", pos.len())));
        }
        let names = ["default", "default_factory", "init", "repr", "hash", "compare", "metadata", "kw_only"];
        let mut given: IndexMap<&str, Value> = IndexMap::new();
        for (k, v) in kw {
            let Some(n) = names.iter().find(|n| **n == k.as_str()) else {
                return Err(Error::type_error("call::unexpected_keyword", format!("field() got an unexpected keyword argument '{k}'")));
            };
            given.insert(*n, v.clone());
        }
        let truth = |n: &str| given.get(n).map(super::ops::truthy).transpose().map(|b| b.unwrap_or(true));
        let default = given.get("default").cloned().unwrap_or_else(missing);
        let factory = given.get("default_factory").cloned().unwrap_or_else(missing);
        if !is_missing(&default) && !is_missing(&factory) {
            return Err(Error::value("dataclasses::both_defaults", "cannot specify both default and default_factory"));
        }
        Ok(Value::Object(new_field(default, factory, truth("init")?, truth("repr")?, truth("compare")?)))
    })
}

/// `fields(class_or_instance)`: the fields as a tuple.
fn fields() -> Value {
    Function::new("fields", FunctionKind::Builtin, |pos, kw| {
        let a = Args::bind("fields", &["class_or_instance"], 1, pos, kw)?;
        let v = a.value("class_or_instance");
        let cls = match &v {
            Value::Class(c) => Some(c.clone()),
            other => crate::object::user_class_of(other),
        };
        match cls.filter(|c| c.find("__dataclass_fields__").is_some()) {
            Some(c) => Ok(Value::tuple(fields_of(&c).into_iter().map(Value::Object).collect())),
            None => Err(Error::type_error("dataclasses::not_dataclass", "must be called with a dataclass type or instance")),
        }
    })
}

/// `asdict(obj)`: the fields as a dict (nested dataclasses as dicts).
fn asdict() -> Value {
    fn convert(v: &Value) -> Result<Value> {
        let Some(c) = crate::object::user_class_of(v).filter(|c| c.find("__dataclass_fields__").is_some()) else {
            return Ok(v.clone());
        };
        let d = DictRef::new();
        for f in fields_of(&c) {
            let name = attr(&f, "name").py_str();
            d.insert(name.clone(), convert(&get(v, &name)?)?);
        }
        Ok(Value::Dict(d))
    }
    Function::new("asdict", FunctionKind::Builtin, |pos, kw| {
        let a = Args::bind("asdict", &["obj"], 1, pos, kw)?;
        let v = a.value("obj");
        if crate::object::user_class_of(&v).is_none_or(|c| c.find("__dataclass_fields__").is_none()) {
            return Err(Error::type_error("dataclasses::not_dataclass", "asdict() should be called on dataclass instances"));
        }
        convert(&v)
    })
}

/// Fills the `dataclasses` module.
pub fn add(m: &Namespace) {
    m.set("dataclass", dataclass());
    m.set("field", field());
    m.set("fields", fields());
    m.set("asdict", asdict());
    m.set("MISSING", missing());
    m.set("Field", Value::Class(classes().0));
}
