//! Python's object model for user classes: a class object ([`Class`]: `class Foo:` or
//! `class Foo(nn.Module):`) with its own `__dict__` and single base, and instances of plain
//! classes ([`Object`]). Attribute lookup follows `object.__getattribute__`: a property of the
//! class first, then the instance's own attributes, then the class chain, where a function is
//! bound to the instance (a bound method), a `staticmethod` gives its function and a
//! `classmethod` binds the class. Instances of an `nn.Module` subclass are [`Value::Module`]s
//! whose class is reached through [`crate::nn::ModuleImpl::user_class`].
//!
//! `property`, `staticmethod`, `classmethod`, `super` and `object` are classes here too (built
//! in, `builtins`), and their instances [`Object`]s, so `type(Foo.__dict__["p"])` is `property`.
//!
//! `repr`/`str` of a value cannot fail in the engine's signatures, but a user `__repr__` can
//! raise: the error is kept aside ([`try_repr`], [`try_str`] return it).
use indexmap::IndexMap;
use std::cell::RefCell;
use std::rc::Rc;

use crate::error::{Error, Result};
use crate::value::{Function, FunctionKind, Value};

/// The built-in classes that are [`Class`] objects; `User` for `class` statements.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Special {
    User,
    /// `object`: the root of every class.
    Object,
    /// `property(fget, fset)`: attributes `fget`, `fset`.
    Property,
    /// `staticmethod(f)`: attribute `__func__`.
    StaticMethod,
    /// `classmethod(f)`: attribute `__func__`.
    ClassMethod,
    /// `super(type, obj)`: attributes `__thisclass__`, `__self__`.
    Super,
}

/// A class object.
pub struct Class {
    /// `__name__`.
    pub name: String,
    /// `__module__` (`__main__` for user classes, `builtins` for the built-in ones).
    pub module: String,
    /// The single base: a user class ([`Value::Class`]) or `nn.Module` (a class
    /// [`Value::Function`]); `None` only for `object`.
    pub base: Option<Value>,
    /// The class `__dict__`: methods (functions), descriptors, class attributes, in order.
    pub dict: RefCell<IndexMap<String, Value>>,
    pub special: Special,
    /// Whether instances are `nn.Module`s (a base is `nn.Module` or such a class).
    pub is_module: bool,
    pub id: u64,
}

/// An instance of a plain class.
pub struct Object {
    pub class: Rc<Class>,
    /// The instance `__dict__`.
    pub dict: RefCell<IndexMap<String, Value>>,
    pub id: u64,
}

thread_local! {
    static BUILTIN: RefCell<Vec<Rc<Class>>> = const { RefCell::new(Vec::new()) };
    /// The error a user `__repr__` / `__str__` raised while a value was being shown.
    static REPR_ERROR: RefCell<Option<Error>> = const { RefCell::new(None) };
}

/// The built-in class of a kind (one object per thread: `type(p) is property`).
pub fn builtin_class(special: Special) -> Rc<Class> {
    BUILTIN.with(|b| {
        if let Some(c) = b.borrow().iter().find(|c| c.special == special) {
            return c.clone();
        }
        let name = match special {
            Special::Object | Special::User => "object",
            Special::Property => "property",
            Special::StaticMethod => "staticmethod",
            Special::ClassMethod => "classmethod",
            Special::Super => "super",
        };
        let base = if special == Special::Object { None } else { Some(Value::Class(builtin_class(Special::Object))) };
        let c = Rc::new(Class {
            name: name.into(),
            module: "builtins".into(),
            base,
            dict: RefCell::new(IndexMap::new()),
            special,
            is_module: false,
            id: crate::tensor::next_object_id(),
        });
        b.borrow_mut().push(c.clone());
        c
    })
}

/// `nn.Module` itself (the class value `torch.nn.Module`).
pub fn is_nn_module_class(v: &Value) -> bool {
    matches!(v, Value::Function(f) if f.kind == FunctionKind::Class && f.name == "torch.nn.modules.module.Module")
}

impl Class {
    /// A class fcall defines in Rust for a Python library's type (`torch.device`,
    /// `functools.partial`): `module.name`, deriving from `object`, with these attributes.
    pub fn library(name: &str, module: &str, dict: IndexMap<String, Value>) -> Rc<Class> {
        Rc::new(Class {
            name: name.into(),
            module: module.into(),
            base: Some(Value::Class(builtin_class(Special::Object))),
            dict: RefCell::new(dict),
            special: Special::User,
            is_module: false,
            id: crate::tensor::next_object_id(),
        })
    }

    pub fn new_user(name: &str, base: Value) -> Class {
        let is_module = match &base {
            Value::Class(c) => c.is_module,
            other => is_nn_module_class(other),
        };
        Class {
            name: name.to_string(),
            module: "__main__".into(),
            base: Some(base),
            dict: RefCell::new(IndexMap::new()),
            special: Special::User,
            is_module,
            id: crate::tensor::next_object_id(),
        }
    }

    /// `module.qualname` as `<class '...'>` shows it (`builtins` left out).
    pub fn qualified_name(&self) -> String {
        if self.module == "builtins" {
            self.name.clone()
        } else {
            format!("{}.{}", self.module, self.name)
        }
    }

    /// The base as a class object, if it is one.
    pub fn base_class(&self) -> Option<&Rc<Class>> {
        match &self.base {
            Some(Value::Class(c)) => Some(c),
            _ => None,
        }
    }

    /// `name` in this class or a base class object (nn.Module's own attributes are not here),
    /// with the class that defines it.
    pub fn find(self: &Rc<Class>, name: &str) -> Option<(Value, Rc<Class>)> {
        let mut c = self.clone();
        loop {
            if let Some(v) = c.dict.borrow().get(name) {
                return Some((v.clone(), c.clone()));
            }
            let next = c.base_class()?.clone();
            c = next;
        }
    }

    /// The classes from this one to `object`, as `__mro__` lists them (nn.Module included).
    pub fn mro(self: &Rc<Class>) -> Vec<Value> {
        let mut out = vec![Value::Class(self.clone())];
        let mut base = self.base.clone();
        while let Some(b) = base {
            base = match &b {
                Value::Class(c) => c.base.clone(),
                _ => Some(Value::Class(builtin_class(Special::Object))),
            };
            out.push(b);
        }
        out
    }

    /// `issubclass(self, other)` for two class objects.
    pub fn is_subclass(self: &Rc<Class>, other: &Rc<Class>) -> bool {
        if other.special == Special::Object {
            return true;
        }
        let mut c = Some(self.clone());
        while let Some(x) = c {
            if Rc::ptr_eq(&x, other) {
                return true;
            }
            c = x.base_class().cloned();
        }
        false
    }

    /// The address shown in reprs.
    pub fn addr(self: &Rc<Class>) -> usize {
        Rc::as_ptr(self) as *const u8 as usize
    }
}

impl Object {
    pub fn new(class: Rc<Class>) -> Object {
        Object { class, dict: RefCell::new(IndexMap::new()), id: crate::tensor::next_object_id() }
    }
    /// An instance of a built-in class with its attributes (`property(fget)`, ...).
    pub fn special(special: Special, attrs: &[(&str, Value)]) -> Value {
        let o = Object::new(builtin_class(special));
        for (k, v) in attrs {
            o.dict.borrow_mut().insert(k.to_string(), v.clone());
        }
        Value::Object(Rc::new(o))
    }
    pub fn get(&self, name: &str) -> Option<Value> {
        self.dict.borrow().get(name).cloned()
    }
    pub fn kind(&self) -> Special {
        self.class.special
    }
}

/// The user class of a value: a plain instance's class, or a user `nn.Module` subclass's.
pub fn user_class_of(v: &Value) -> Option<Rc<Class>> {
    match v {
        Value::Object(o) => Some(o.class.clone()),
        Value::Module(m) => m.imp().user_class(),
        _ => None,
    }
}

/// A function bound to `this`: calling it calls `f(this, *args)` (Python's bound method).
pub fn bound_method(f: Value, this: Value) -> Value {
    let name = match &f {
        Value::Function(func) => func.name.clone(),
        Value::Class(c) => c.name.clone(),
        other => other.type_name(),
    };
    let (receiver, func) = (this.clone(), f.clone());
    Function::bound(name, receiver, func, move |pos, kw| {
        let mut args = Vec::with_capacity(pos.len() + 1);
        args.push(this.clone());
        args.extend(pos.iter().cloned());
        crate::interp::eval::call_value(&f, &args, kw)
    })
}

/// Whether a class attribute is a function that binds to an instance (a `def`, a lambda, a
/// bound method of a decorator's making).
fn binds(v: &Value) -> bool {
    matches!(v, Value::Function(f) if f.kind == FunctionKind::User)
}

/// `attr.__get__(this, owner)`: a class attribute read through an instance.
pub fn bind(attr: Value, this: &Value, owner: &Rc<Class>) -> Result<Value> {
    match &attr {
        v if binds(v) => Ok(bound_method(attr, this.clone())),
        Value::Object(o) => match o.kind() {
            Special::StaticMethod => Ok(o.get("__func__").unwrap_or(Value::None)),
            Special::ClassMethod => Ok(bound_method(o.get("__func__").unwrap_or(Value::None), Value::Class(owner.clone()))),
            Special::Property => match o.get("fget") {
                Some(Value::None) | None => Err(Error::attribute("class::property_no_getter", "unreadable attribute")),
                Some(g) => crate::interp::eval::call_value(&g, std::slice::from_ref(this), &Vec::new()),
            },
            _ => Ok(attr),
        },
        _ => Ok(attr),
    }
}

/// `attr.__get__(None, cls)`: a class attribute read through the class.
pub fn class_get(attr: Value, cls: &Rc<Class>) -> Value {
    match &attr {
        Value::Object(o) => match o.kind() {
            Special::StaticMethod => o.get("__func__").unwrap_or(Value::None),
            Special::ClassMethod => bound_method(o.get("__func__").unwrap_or(Value::None), Value::Class(cls.clone())),
            _ => attr,
        },
        _ => attr,
    }
}

/// Calls the method `name` of a user class instance (`__repr__`, `__len__`, ...), if its class
/// defines one; `None` when it does not (or the value is not such an instance).
pub fn call_dunder(this: &Value, name: &str, args: &[Value]) -> Option<Result<Value>> {
    let cls = user_class_of(this)?;
    let (attr, _) = cls.find(name)?;
    Some(bind(attr, this, &cls).and_then(|f| crate::interp::eval::call_value(&f, args, &Vec::new())))
}

fn stash(e: Error) {
    REPR_ERROR.with(|r| {
        let mut r = r.borrow_mut();
        if r.is_none() {
            *r = Some(e);
        }
    });
}

/// A user `__repr__` / `__str__` as text; an error (or a result that is not a str) is kept
/// aside for [`try_repr`] / [`try_str`] and an empty text returned.
pub fn user_text(this: &Value, name: &str) -> Option<String> {
    user_text_as(this, name, name)
}

/// [`user_text`], naming `label` in the error for a result that is not a str (`str(x)` that
/// falls back to `__repr__` says "__str__ returned non-string", as CPython does).
fn user_text_as(this: &Value, name: &str, label: &str) -> Option<String> {
    let r = call_dunder(this, name, &[])?;
    Some(match r {
        Ok(Value::Str(s)) => s.to_string(),
        Ok(other) => {
            stash(Error::type_error("class::repr_type", format!("{label} returned non-string (type {})", other.type_name())));
            String::new()
        }
        Err(e) => {
            stash(e);
            String::new()
        }
    })
}

fn checked(f: impl FnOnce() -> String) -> Result<String> {
    let outer = REPR_ERROR.with(|r| r.borrow_mut().take());
    let s = f();
    let err = REPR_ERROR.with(|r| std::mem::replace(&mut *r.borrow_mut(), outer));
    match err {
        Some(e) => Err(e),
        None => Ok(s),
    }
}

/// `repr(v)`, with the error a user `__repr__` raised.
pub fn try_repr(v: &Value) -> Result<String> {
    checked(|| v.py_repr())
}

/// `str(v)`, with the error a user `__str__` / `__repr__` raised.
pub fn try_str(v: &Value) -> Result<String> {
    checked(|| v.py_str())
}

/// Notes an error raised while a value was shown (for code that cannot return it).
pub fn note_error(e: Error) {
    stash(e);
}

/// `repr(obj)` for a plain instance (its `__repr__`, or `<__main__.Foo object at 0x...>`).
pub fn object_repr(o: &Rc<Object>) -> String {
    if o.kind() == Special::User {
        if let Some(s) = user_text(&Value::Object(o.clone()), "__repr__") {
            return s;
        }
    }
    let addr = Rc::as_ptr(o) as *const u8 as usize;
    match o.kind() {
        Special::Super => {
            let this = o.get("__thisclass__").map(|c| c.py_repr()).unwrap_or_default();
            let who = o.get("__self__").map(|s| format!("<{} object>", s.type_name())).unwrap_or_else(|| "NULL".into());
            format!("<super: {this}, {who}>")
        }
        _ => format!("<{} object at {addr:#x}>", o.class.qualified_name()),
    }
}

/// `str(obj)` for a plain instance (its `__str__`, else its repr).
pub fn object_str(o: &Rc<Object>) -> String {
    if o.kind() == Special::User {
        let v = Value::Object(o.clone());
        if let Some(s) = user_text(&v, "__str__").or_else(|| user_text_as(&v, "__repr__", "__str__")) {
            return s;
        }
    }
    object_repr(o)
}

/// `str(m)` of a module whose class defines `__str__` (or `__repr__`).
pub fn module_str(v: &Value) -> Option<String> {
    user_text(v, "__str__").or_else(|| user_text_as(v, "__repr__", "__str__"))
}
