//! User classes, Python's way: `class Foo:` / `class Foo(Base):` make a plain class whose
//! instances are [`Object`]s; `class Foo(nn.Module):` (or a subclass of such a class) makes an
//! `nn.Module` subclass whose instances are modules. Both are [`Value::Class`] objects with a
//! `__dict__` (methods, class attributes, properties, static and class methods) and one base.
//!
//! The class body runs top to bottom in its own namespace; each `def` becomes a function whose
//! first parameter is the instance (Python's explicit `self`) and whose decorators apply bottom
//! up (`@property`, `@x.setter`, `@staticmethod`, `@classmethod`, or any callable). Methods see
//! `__class__` (for zero-argument `super()`) in a scope between them and the defining one.
//!
//! Calling a class builds the instance and runs `__init__` found through the class chain; for a
//! module, `nn.Module.__init__` (reached by `super().__init__()`) makes the registries: before
//! it, assigning a parameter or submodule raises PyTorch's AttributeError. Dunder methods of
//! instances are used by `repr`/`str`/`print`, calls, `len`, indexing, `in`, iteration,
//! operators and truthiness (the `*_dunder` hooks below, called from the evaluator).

use std::collections::HashMap;
use std::rc::Rc;

use fcall_lang::ast::{BinOp, ClassDef, CmpOp, FunctionDef, Stmt};

use super::eval::{call_value, Ctx};
use super::frame::Frame;
use super::functions::Callable;
use crate::error::{Error, ExcType, Result};
use crate::nn::module::{missing_forward, Property};
use crate::nn::{Module, ModuleImpl};
use crate::object::{bind, builtin_class, class_get, is_nn_module_class, user_class_of, Class, Object, Special};
use crate::value::{DictRef, Function, FunctionKind, Kwargs, Value};

// ------------------------------------------------------------------ modules of user classes

/// The `ModuleImpl` of a user `nn.Module` subclass: everything comes from its class object.
pub struct InterpClass {
    pub class: Rc<Class>,
}

impl InterpClass {
    /// Calls the method `name` found through the class chain, bound to `m`.
    fn call(&self, m: &Module, name: &str, pos: &[Value], kw: &Kwargs) -> Option<Result<Value>> {
        let (attr, _) = self.class.find(name)?;
        let this = Value::Module(m.clone());
        Some(bind(attr, &this, &self.class).and_then(|f| call_value(&f, pos, kw)))
    }
}

impl ModuleImpl for InterpClass {
    fn forward(&self, m: &Module, args: &[Value], kwargs: &Kwargs) -> Result<Value> {
        // `__call__` runs `self.forward`: an instance attribute wins over the class's method.
        let own = m.data().attrs.get("forward").cloned();
        if let Some(f) = own {
            return call_value(&f, args, kwargs);
        }
        self.call(m, "forward", args, kwargs).unwrap_or_else(|| Err(missing_forward(m)))
    }
    fn extra_repr(&self, m: &Module) -> String {
        match self.call(m, "extra_repr", &[], &Vec::new()) {
            None => String::new(),
            Some(Ok(v)) => crate::object::try_str(&v).unwrap_or_else(|e| {
                crate::object::note_error(e);
                String::new()
            }),
            Some(Err(e)) => {
                crate::object::note_error(e);
                String::new()
            }
        }
    }
    fn right_inverse(&self, m: &Module, value: &Value) -> Option<Result<Value>> {
        self.call(m, "right_inverse", std::slice::from_ref(value), &Vec::new())
    }
    fn method(&self, m: &Module, name: &str) -> Option<Value> {
        let (attr, _) = self.class.find(name)?;
        // A getter's error surfaces when the property is read (installed on the module).
        bind(attr, &Value::Module(m.clone()), &self.class).ok()
    }
    fn user_class(&self) -> Option<Rc<Class>> {
        Some(self.class.clone())
    }
}

// ------------------------------------------------------------------ the class statement

fn check_base(base: &Value) -> Result<()> {
    match base {
        Value::Class(c) if matches!(c.special, Special::User | Special::Object) => Ok(()),
        Value::Class(c) => Err(Error::new(
            ExcType::NotImplementedError,
            "class::base",
            format!("fcall does not subclass the built-in class '{}'", c.name),
        )),
        v if is_nn_module_class(v) => Ok(()),
        Value::Function(f) if f.kind == FunctionKind::Class || f.kind == FunctionKind::Builtin => Err(Error::new(
            ExcType::NotImplementedError,
            "class::base",
            format!("fcall does not subclass {} yet", f.name),
        )
        .with_hint("subclass nn.Module (or a class of your own) and hold the layer as a submodule")),
        other => Err(Error::type_error("class::base", format!("a class base must be a class, not '{}'", other.type_name()))),
    }
}

/// A function defined in a class body: called with the instance as its first argument.
fn method_value(c: Callable, qual: String) -> Value {
    let params = c.params();
    Function::with_params(qual.clone(), params, move |pos, kw| c.invoke(None, &qual, pos, kw))
}

/// Applies a function's decorators as Python does: the decorator expressions are evaluated
/// top to bottom, then applied innermost (last written) first: `@d1 @d2 def f` is `d1(d2(f))`.
pub fn decorate(ctx: &Ctx, def: &FunctionDef, f: Value, frame: &Rc<Frame>) -> Result<Value> {
    let decos = def.decorators.iter().map(|d| ctx.eval(d, frame)).collect::<Result<Vec<_>>>()?;
    let mut v = f;
    for (d, deco) in def.decorators.iter().zip(decos).rev() {
        v = call_value(&deco, &[v], &Vec::new()).map_err(|e| {
            // The decorator itself is not callable (not an error raised inside it).
            let e = if e.code == "eval::not_callable" && e.location.is_none() {
                e.with_hint(format!("a decorator is called with the function: `@{}` must be callable", d.dotted_name().unwrap_or_else(|| "...".into())))
            } else {
                e
            };
            e.at(ctx.loc(d.span))
        })?;
    }
    Ok(v)
}

/// `def name(...): ...` at any level but a class body: the function, decorated.
pub fn define_function(ctx: &Ctx, def: &FunctionDef, frame: &Rc<Frame>) -> Result<Value> {
    let f = super::functions::user_function(ctx, def, frame)?;
    decorate(ctx, def, f, frame)
}

/// `class Name(Base): body` as a class object.
pub fn user_class(ctx: &Ctx, class: &ClassDef, frame: &Rc<Frame>) -> Result<Value> {
    // Decorator expressions are evaluated before the body runs, applied after (bottom up).
    let decos = class.decorators.iter().map(|d| ctx.eval(d, frame)).collect::<Result<Vec<_>>>()?;
    let mut v = class_object(ctx, class, frame)?;
    for (d, deco) in class.decorators.iter().zip(decos).rev() {
        v = call_value(&deco, &[v], &Vec::new()).map_err(|e| e.at(ctx.loc(d.span)))?;
    }
    Ok(v)
}

/// `class P(NamedTuple): x: int; y: int = 0`: a namedtuple of the annotated names, those with
/// a value defaulted (fields only: fcall does not add methods to a namedtuple class).
fn named_tuple_class(ctx: &Ctx, class: &ClassDef, frame: &Rc<Frame>) -> Result<Value> {
    if let Some(def) = class.methods.first() {
        return Err(Error::new(ExcType::NotImplementedError, "class::namedtuple_methods", format!("fcall's typing.NamedTuple classes have fields only; '{}' defines '{}'", class.name.name, def.name.name))
            .at(ctx.loc(def.span)));
    }
    let ns = Frame::child(frame);
    for s in &class.attrs {
        ctx.exec_stmt(s, &ns)?;
    }
    let body = ns.snapshot();
    let mut fields = Vec::new();
    let mut defaults = Vec::new();
    for (name, e) in &class.annotations {
        ctx.eval(e, &ns)?;
        let f = name.name.clone();
        match body.get(&f).cloned() {
            Some(d) => defaults.push(d),
            None if !defaults.is_empty() => {
                let prev = fields.last().cloned().unwrap_or_default();
                return Err(Error::type_error("class::namedtuple_default", format!("Non-default namedtuple field {f} cannot follow default field {prev}")).at(ctx.loc(class.name.span)));
            }
            None => {}
        }
        fields.push(f);
    }
    super::namedtuple::build(&class.name.name, fields, defaults).map_err(|e| e.at(ctx.loc(class.name.span)))
}

fn class_object(ctx: &Ctx, class: &ClassDef, frame: &Rc<Frame>) -> Result<Value> {
    if class.bases.len() > 1 {
        return Err(Error::new(
            ExcType::NotImplementedError,
            "class::multiple_bases",
            format!("fcall classes have one base class; '{}' lists {}", class.name.name, class.bases.len()),
        )
        .at(ctx.loc(class.bases[1].span)));
    }
    let base = match class.bases.first() {
        Some(b) => {
            let v = ctx.eval(b, frame)?;
            if super::namedtuple::is_typing_named_tuple(&v) {
                return named_tuple_class(ctx, class, frame);
            }
            check_base(&v).map_err(|e| e.at(ctx.loc(b.span)))?;
            v
        }
        None => Value::Class(builtin_class(Special::Object)),
    };
    let cls = Rc::new(Class::new_user(&class.name.name, base));
    // Methods see `__class__` (zero-argument `super()`), as CPython's cell gives it.
    let cell = Frame::child(frame);
    cell.set("__class__", Value::Class(cls.clone()));
    // The body runs in the class namespace, statements and `def`s in source order.
    let ns = Frame::child(frame);
    let mut order: Vec<String> = Vec::new();
    enum Item<'a> {
        Stmt(&'a Stmt),
        Def(&'a FunctionDef),
    }
    let mut items: Vec<(usize, Item)> = class.attrs.iter().map(|s| (s.span.start, Item::Stmt(s))).collect();
    items.extend(class.methods.iter().map(|d| (d.span.start, Item::Def(d))));
    items.sort_by_key(|(at, _)| *at);
    if let Some((_, Item::Stmt(s))) = items.first() {
        if let fcall_lang::ast::StmtKind::Expr(e) = &s.kind {
            if let fcall_lang::ast::ExprKind::Str(doc) = &e.kind {
                ns.set("__doc__", Value::str(doc));
            }
        }
    }
    for (_, item) in &items {
        match item {
            Item::Stmt(s) => {
                ctx.exec_stmt(s, &ns)?;
            }
            Item::Def(def) => {
                let mut c = Callable::new(ctx, def, &ns)?;
                c.closure = cell.clone();
                let f = method_value(c, format!("{}.{}", class.name.name, def.name.name));
                let v = decorate(ctx, def, f, &ns).map_err(|e| e.at(ctx.loc(def.span)))?;
                ns.set(&def.name.name, v);
            }
        }
        for n in ns.names() {
            if !order.contains(&n) {
                order.push(n);
            }
        }
    }
    if !class.annotations.is_empty() {
        let annotations = DictRef::new();
        for (name, e) in &class.annotations {
            annotations.insert(&name.name, ctx.eval(e, &ns)?);
        }
        ns.set("__annotations__", Value::Dict(annotations));
        if !order.iter().any(|n| n == "__annotations__") {
            order.push("__annotations__".into());
        }
    }
    let vars: HashMap<String, Value> = ns.snapshot();
    {
        let mut dict = cls.dict.borrow_mut();
        dict.insert("__module__".into(), Value::str("__main__"));
        for n in order {
            if let Some(v) = vars.get(&n) {
                dict.insert(n, v.clone());
            }
        }
    }
    Ok(Value::Class(cls))
}

// ------------------------------------------------------------------ calling a class

fn init_result(r: Value) -> Result<()> {
    if r.is_none() {
        Ok(())
    } else {
        Err(Error::type_error("class::init_return", format!("__init__() should return None, not '{}'", r.type_name())))
    }
}

/// `Foo(*args, **kwargs)`.
pub fn instantiate(cls: &Rc<Class>, pos: &[Value], kw: &Kwargs) -> Result<Value> {
    match cls.special {
        Special::User => {}
        Special::Object => {
            if !pos.is_empty() || !kw.is_empty() {
                return Err(Error::type_error("call::too_many_arguments", "object() takes no arguments"));
            }
            return Ok(Value::Object(Rc::new(Object::new(cls.clone()))));
        }
        Special::Property => {
            let a = super::args::Args::bind("property", &["fget", "fset", "fdel", "doc"], 0, pos, kw)?;
            return Ok(Object::special(Special::Property, &[("fget", a.value("fget")), ("fset", a.value("fset")), ("fdel", a.value("fdel"))]));
        }
        Special::StaticMethod | Special::ClassMethod => {
            let name = if cls.special == Special::StaticMethod { "staticmethod" } else { "classmethod" };
            if !kw.is_empty() {
                return Err(Error::type_error("call::unexpected_keyword", format!("{name}() takes no keyword arguments")));
            }
            if pos.len() != 1 {
                return Err(Error::type_error("call::argument_count", format!("{name} expected 1 argument, got {}", pos.len())));
            }
            return Ok(Object::special(cls.special, &[("__func__", pos[0].clone())]));
        }
        Special::Super => return make_super(pos, kw),
    }
    if cls.is_module {
        return instantiate_module(cls, pos, kw);
    }
    let this = Value::Object(Rc::new(Object::new(cls.clone())));
    match cls.find("__init__") {
        Some((init, _)) => init_result(bind(init, &this, cls).and_then(|f| call_value(&f, pos, kw))?)?,
        None if !pos.is_empty() || !kw.is_empty() => {
            return Err(Error::type_error("call::too_many_arguments", format!("{}() takes no arguments", cls.name)))
        }
        None => {}
    }
    Ok(this)
}

fn instantiate_module(cls: &Rc<Class>, pos: &[Value], kw: &Kwargs) -> Result<Value> {
    let m = Module::new(&cls.name, Rc::new(InterpClass { class: cls.clone() }));
    m.set_uninitialized();
    // Properties are class-level data descriptors: there before `__init__` runs (bases first,
    // so a subclass's property of the same name wins).
    let mut chain = Vec::new();
    let mut c = Some(cls.clone());
    while let Some(x) = c {
        c = x.base_class().cloned();
        chain.push(x);
    }
    for k in chain.iter().rev() {
        let props: Vec<(String, Rc<Object>)> = k
            .dict
            .borrow()
            .iter()
            .filter_map(|(n, v)| match v {
                Value::Object(o) if o.kind() == Special::Property => Some((n.clone(), o.clone())),
                _ => None,
            })
            .collect();
        for (name, p) in props {
            m.add_property(&name, module_property(&name, &p, &cls.name));
        }
    }
    let this = Value::Module(m.clone());
    let init = cls.find("__init__");
    match init {
        Some((init, _)) => init_result(bind(init, &this, cls).and_then(|f| call_value(&f, pos, kw))?)?,
        None => module_init(&m, pos, kw)?,
    }
    Ok(this)
}

/// A `property` of a module class as the module's class-level property.
fn module_property(name: &str, p: &Rc<Object>, class_name: &str) -> Property {
    let getter = p.get("fget").unwrap_or(Value::None);
    let setter = p.get("fset").unwrap_or(Value::None);
    let (pname, cname) = (name.to_string(), class_name.to_string());
    let get = move |m: &Module| -> Result<Value> {
        if getter.is_none() {
            return Err(Error::attribute("class::property_no_getter", format!("property '{pname}' of '{cname}' object has no getter")));
        }
        call_value(&getter, &[Value::Module(m.clone())], &Vec::new())
    };
    let set = if setter.is_none() {
        None
    } else {
        let s: Rc<crate::nn::module::PropertySetter> = Rc::new(move |m: &Module, v: Value| call_value(&setter, &[Value::Module(m.clone()), v], &Vec::new()).map(|_| ()));
        Some(s)
    };
    Property::Custom { getter: Rc::new(get), setter: set }
}

/// `nn.Module.__init__(self, *args, **kwargs)`.
fn module_init(m: &Module, pos: &[Value], kw: &Kwargs) -> Result<()> {
    if let Some((k, _)) = kw.first() {
        return Err(Error::type_error("call::unexpected_keyword", format!("{}.__init__() got an unexpected keyword argument '{k}'", m.class_name())));
    }
    if !pos.is_empty() {
        return Err(Error::type_error(
            "call::too_many_arguments",
            format!("{}.__init__() takes 1 positional argument but {} were given", m.class_name(), pos.len() + 1),
        ));
    }
    m.init_module();
    Ok(())
}

// ------------------------------------------------------------------ nn.Module's own attributes

/// `nn.Module`'s own attribute `name` bound to `m` (what `super().name` reaches past the user
/// classes).
fn module_base_attr(m: &Module, name: &str) -> Option<Value> {
    let mm = m.clone();
    let f = |n: &str, body: Box<crate::nn::module::ForwardFn>| -> Value {
        let mm = mm.clone();
        Function::new(format!("Module.{n}"), FunctionKind::Method, move |pos, kw| body(&mm, pos, kw))
    };
    Some(match name {
        "__init__" => f(name, Box::new(|m, pos, kw| module_init(m, pos, kw).map(|_| Value::None))),
        "forward" => f(name, Box::new(|m, _, _| Err(missing_forward(m)))),
        "__call__" => f(name, Box::new(|m, pos, kw| m.call(pos, kw))),
        "__repr__" => f(name, Box::new(|m, _, _| Ok(Value::str(&m.base_repr())))),
        "__str__" => f(name, Box::new(|m, _, _| Ok(Value::str(&m.base_repr())))),
        "extra_repr" => f(name, Box::new(|_, _, _| Ok(Value::str("")))),
        "_get_name" => f(name, Box::new(|m, _, _| Ok(Value::str(&m.class_name())))),
        "__setattr__" => f(name, Box::new(|m, pos, _| match pos {
            [Value::Str(n), v] => m.setattr(n, v.clone()).map(|_| Value::None),
            _ => Err(Error::type_error("call::argument_count", format!("expected 2 arguments, got {}", pos.len()))),
        })),
        "__getattr__" => f(name, Box::new(|m, pos, _| match pos {
            [Value::Str(n)] => m.getattr(n),
            _ => Err(Error::type_error("call::argument_count", format!("expected 1 argument, got {}", pos.len()))),
        })),
        n if super::members::MODULE_METHODS.contains(&n) => {
            if !m.initialized() {
                return uninitialized_method(m, n);
            }
            super::members::module_method(m.clone(), n)
        }
        _ => return None,
    })
}

/// A method of `nn.Module` on a module whose `nn.Module.__init__` has not run: calling it
/// raises the AttributeError PyTorch's version raises (it reads a registry that is not there).
pub fn uninitialized_method(m: &Module, name: &str) -> Option<Value> {
    let registry = match name {
        "parameters" | "named_parameters" | "zero_grad" | "requires_grad_" => "_parameters",
        "buffers" | "named_buffers" => "_buffers",
        "train" | "eval" | "named_modules" | "children" | "named_children" | "modules" | "add_module" | "append" | "apply" => "_modules",
        "state_dict" => "_state_dict_pre_hooks",
        "register_forward_pre_hook" => "_forward_pre_hooks",
        "register_forward_hook" => "_forward_hooks",
        "register_buffer" | "register_parameter" => {
            let what = if name == "register_buffer" { "buffer" } else { "parameter" };
            return Some(Function::new(format!("Module.{name}"), FunctionKind::Method, move |_, _| {
                Err(Error::attribute("nn::before_init", format!("cannot assign {what} before Module.__init__() call")))
            }));
        }
        _ => return None,
    };
    let m = m.clone();
    let train = match name {
        "train" => Some(true),
        "eval" => Some(false),
        _ => None,
    };
    Some(Function::new(format!("Module.{name}"), FunctionKind::Method, move |pos, _| {
        if let Some(mode) = train {
            // `train(mode)` sets `self.training` before it walks the children.
            let mode = match pos.first() {
                Some(v) => super::ops::truthy(v)?,
                None => mode,
            };
            m.data_mut().attrs.insert("training".into(), Value::Bool(mode));
        }
        Err(m.missing_registry(registry))
    }))
}

/// `nn.Module.name` read on the class `nn.Module` (`nn.Module.__init__(self)`): a function that
/// takes the module first.
pub fn nn_module_class_attr(name: &str) -> Option<Value> {
    if !(matches!(name, "__init__" | "forward" | "__call__" | "__repr__" | "extra_repr") || super::members::MODULE_METHODS.contains(&name)) {
        return None;
    }
    let n = name.to_string();
    Some(Function::new(format!("Module.{name}"), FunctionKind::User, move |pos, kw| {
        let Some((Value::Module(m), rest)) = pos.split_first() else {
            let got = pos.first().map(|v| v.type_name()).unwrap_or_else(|| "nothing".into());
            return Err(Error::type_error("call::argument_type", format!("descriptor '{n}' for 'Module' objects doesn't apply to a '{got}' object")));
        };
        let f = module_base_attr(m, &n).ok_or_else(|| m.no_attribute(&n))?;
        call_value(&f, rest, kw)
    }))
}

// ------------------------------------------------------------------ attributes

/// The names `dir(object())` lists (CPython 3.11), for "Did you mean".
const OBJECT_DIR: &[&str] = &[
    "__class__", "__delattr__", "__dir__", "__doc__", "__eq__", "__format__", "__ge__", "__getattribute__", "__getstate__", "__gt__",
    "__hash__", "__init__", "__init_subclass__", "__le__", "__lt__", "__ne__", "__new__", "__reduce__", "__reduce_ex__", "__repr__",
    "__setattr__", "__sizeof__", "__str__", "__subclasshook__",
];

fn class_names(cls: &Rc<Class>) -> Vec<String> {
    let mut out = Vec::new();
    let mut c = Some(cls.clone());
    while let Some(x) = c {
        out.extend(x.dict.borrow().keys().cloned());
        c = x.base_class().cloned();
    }
    out
}

/// `obj.name` for a plain instance (and the built-in `property`, `super`, ... objects).
pub fn object_attr(o: &Rc<Object>, name: &str) -> Result<Value> {
    let this = Value::Object(o.clone());
    match o.kind() {
        Special::User | Special::Object => {}
        Special::Super => return super_attr(o, name),
        Special::Property => return property_attr(o, name),
        Special::StaticMethod | Special::ClassMethod => {
            if let Some(v) = o.get(name) {
                return Ok(v);
            }
        }
    }
    if name == "__dict__" {
        return Ok(Value::Dict(DictRef::from_entries(o.dict.borrow().clone())));
    }
    let cls = o.class.clone();
    let found = cls.find(name);
    if let Some((Value::Object(p), _)) = &found {
        if p.kind() == Special::Property {
            return bind(found.clone().map(|(v, _)| v).unwrap_or(Value::None), &this, &cls);
        }
    }
    if let Some(v) = o.get(name) {
        return Ok(v);
    }
    if let Some((attr, _)) = found {
        return bind(attr, &this, &cls);
    }
    match name {
        "__module__" => return Ok(Value::str(&cls.module)),
        "__init__" | "__repr__" | "__str__" | "__setattr__" => return Ok(object_method(&this, name)),
        _ => {}
    }
    if let Some((ga, _)) = cls.find("__getattr__") {
        let f = bind(ga, &this, &cls)?;
        return call_value(&f, &[Value::str(name)], &Vec::new());
    }
    Err(no_attribute(o, name))
}

fn no_attribute(o: &Rc<Object>, name: &str) -> Error {
    let mut names: Vec<String> = o.dict.borrow().keys().cloned().collect();
    names.extend(class_names(&o.class));
    names.extend(OBJECT_DIR.iter().map(|s| s.to_string()));
    let suggestion = super::suggest::suggestion(name, names.iter().map(String::as_str));
    Error::attribute("eval::no_attribute", format!("'{}' object has no attribute '{name}'", o.class.name)).with_suggestion(suggestion)
}

/// `object.__init__` / `__repr__` / `__str__` bound to `this`.
fn object_method(this: &Value, name: &str) -> Value {
    let (this, n) = (this.clone(), name.to_string());
    Function::new(format!("object.{name}"), FunctionKind::Method, move |pos, kw| match n.as_str() {
        // object.__setattr__: a property's setter, else the instance __dict__.
        "__setattr__" => match (&this, pos) {
            (Value::Object(o), [Value::Str(k), v]) => set_object_attr_plain(o, k, v.clone()).map(|_| Value::None),
            (Value::Module(m), [Value::Str(k), v]) => m.setattr(k, v.clone()).map(|_| Value::None),
            _ => Err(Error::type_error("call::argument_count", format!("expected 2 arguments, got {}", pos.len()))),
        },
        "__init__" => {
            if !pos.is_empty() || !kw.is_empty() {
                return Err(Error::type_error("call::too_many_arguments", "object.__init__() takes exactly one argument (the instance to initialize)"));
            }
            Ok(Value::None)
        }
        _ => Ok(Value::str(&default_repr(&this))),
    })
}

/// `object.__repr__(v)`: the repr without a user `__repr__`.
fn default_repr(v: &Value) -> String {
    match v {
        Value::Object(o) => format!("<{} object at {:#x}>", o.class.qualified_name(), Rc::as_ptr(o) as *const u8 as usize),
        Value::Module(m) => m.base_repr(),
        other => other.py_repr(),
    }
}

/// The attributes of a `property` object.
fn property_attr(p: &Rc<Object>, name: &str) -> Result<Value> {
    let part = match name {
        "fget" | "fset" | "fdel" => return Ok(p.get(name).unwrap_or(Value::None)),
        "getter" => "fget",
        "setter" => "fset",
        "deleter" => "fdel",
        _ => return Err(Error::attribute("eval::no_attribute", format!("'property' object has no attribute '{name}'"))),
    };
    let p = p.clone();
    Ok(Function::new(format!("property.{name}"), FunctionKind::Builtin, move |pos, _| {
        let f = pos.first().cloned().unwrap_or(Value::None);
        let get = |k: &str| if k == part { f.clone() } else { p.get(k).unwrap_or(Value::None) };
        Ok(Object::special(Special::Property, &[("fget", get("fget")), ("fset", get("fset")), ("fdel", get("fdel"))]))
    }))
}

/// `Foo.name` for a class object.
pub fn class_attr(cls: &Rc<Class>, name: &str) -> Result<Value> {
    match name {
        "__name__" | "__qualname__" => return Ok(Value::str(&cls.name)),
        "__module__" => return Ok(Value::str(&cls.module)),
        "__bases__" => return Ok(Value::tuple(cls.base.iter().cloned().collect())),
        "__base__" => return Ok(cls.base.clone().unwrap_or(Value::None)),
        "__mro__" => return Ok(Value::tuple(cls.mro())),
        "__dict__" => return Ok(Value::Dict(DictRef::from_entries(cls.dict.borrow().clone()))),
        "__doc__" if cls.find("__doc__").is_none() => return Ok(Value::None),
        _ => {}
    }
    if let Some((attr, _)) = cls.find(name) {
        return Ok(class_get(attr, cls));
    }
    if cls.is_module {
        if let Some(f) = nn_module_class_attr(name) {
            return Ok(f);
        }
    }
    if matches!(name, "__init__" | "__repr__" | "__str__" | "__setattr__") && matches!(cls.special, Special::User | Special::Object) {
        // `object.__init__(self)`, `object.__setattr__(self, name, v)`, ...: unbound.
        let n = name.to_string();
        return Ok(Function::new(format!("object.{name}"), FunctionKind::User, move |pos, kw| match pos.split_first() {
            Some((this, rest)) => call_value(&object_method(this, &n), rest, kw),
            None => Err(Error::type_error("call::argument_count", format!("unbound method object.{n}() needs an argument"))),
        }));
    }
    let mut names = class_names(cls);
    names.extend(OBJECT_DIR.iter().map(|s| s.to_string()));
    let suggestion = super::suggest::suggestion(name, names.iter().map(String::as_str));
    Err(Error::attribute("eval::no_attribute", format!("type object '{}' has no attribute '{name}'", cls.name)).with_suggestion(suggestion))
}

/// `obj.name = v` where the class defines `__setattr__`.
pub fn setattr_dunder(obj: &Value, name: &str, v: &Value) -> Option<Result<()>> {
    let f = dunder(obj, "__setattr__")?;
    Some(call1(&f, &[Value::str(name), v.clone()]).map(|_| ()))
}

/// A module attribute that `nn.Module`'s lookup did not find: the class's own `__getattr__`,
/// if it defines one, else the error.
pub fn getattr_fallback(m: &Module, name: &str, err: Error) -> Result<Value> {
    if err.exc != ExcType::AttributeError {
        return Err(err);
    }
    match dunder(&Value::Module(m.clone()), "__getattr__") {
        Some(f) => call1(&f, &[Value::str(name)]),
        None => Err(err),
    }
}

/// `Foo.name = v`.
pub fn set_class_attr(cls: &Rc<Class>, name: &str, v: Value) -> Result<()> {
    if cls.special != Special::User {
        return Err(Error::type_error("class::builtin_setattr", format!("cannot set '{name}' attribute of immutable type '{}'", cls.name)));
    }
    cls.dict.borrow_mut().insert(name.to_string(), v);
    Ok(())
}

/// `obj.name = v` for a plain instance: a property's setter, else the instance `__dict__`.
pub fn set_object_attr(o: &Rc<Object>, name: &str, v: Value) -> Result<()> {
    set_object_attr_plain(o, name, v)
}

/// `object.__setattr__(o, name, v)` (no user `__setattr__`).
fn set_object_attr_plain(o: &Rc<Object>, name: &str, v: Value) -> Result<()> {
    if o.kind() != Special::User {
        return Err(Error::attribute("eval::readonly_attribute", format!("'{}' object attribute '{name}' is read-only", o.class.name)));
    }
    if let Some((Value::Object(p), _)) = o.class.find(name) {
        if p.kind() == Special::Property {
            return match p.get("fset") {
                Some(Value::None) | None => Err(Error::attribute(
                    "class::property_no_setter",
                    format!("property '{name}' of '{}' object has no setter", o.class.name),
                )),
                Some(set) => call_value(&set, &[Value::Object(o.clone()), v], &Vec::new()).map(|_| ()),
            };
        }
    }
    o.dict.borrow_mut().insert(name.to_string(), v);
    Ok(())
}

/// `del obj.name` for a plain instance.
pub fn del_object_attr(o: &Rc<Object>, name: &str) -> Result<()> {
    if let Some((Value::Object(p), _)) = o.class.find(name) {
        if p.kind() == Special::Property {
            return match p.get("fdel") {
                Some(Value::None) | None => Err(Error::attribute(
                    "class::property_no_deleter",
                    format!("property '{name}' of '{}' object has no deleter", o.class.name),
                )),
                Some(del) => call_value(&del, &[Value::Object(o.clone())], &Vec::new()).map(|_| ()),
            };
        }
    }
    match o.dict.borrow_mut().shift_remove(name) {
        Some(_) => Ok(()),
        None => Err(Error::attribute("eval::no_attribute", format!("'{}' object has no attribute '{name}'", o.class.name))),
    }
}

// ------------------------------------------------------------------ super()

/// `super()` / `super(Class, obj)`.
fn make_super(pos: &[Value], kw: &Kwargs) -> Result<Value> {
    if !kw.is_empty() {
        return Err(Error::type_error("call::unexpected_keyword", "super() takes no keyword arguments"));
    }
    let (this_class, obj) = match pos {
        [] => {
            let Some((def, frame)) = super::functions::current() else {
                return Err(Error::runtime("class::super_no_args", "super(): no arguments"));
            };
            // The first argument: Python's explicit `self` (or `cls`).
            let first = def.params.first().map(|p| p.name.name.clone());
            let Some(first) = first else {
                return Err(Error::runtime("class::super_no_args", "super(): no arguments"));
            };
            let class = match frame.get("__class__") {
                Some(c @ Value::Class(_)) => c,
                _ => return Err(Error::runtime("class::super_no_class", "super(): __class__ cell not found")),
            };
            let obj = frame.get(&first).ok_or_else(|| Error::runtime("class::super_no_args", "super(): arg[0] deleted"))?;
            (class, obj)
        }
        [c, obj] => (c.clone(), obj.clone()),
        [_] => return Err(Error::new(ExcType::NotImplementedError, "class::super_unbound", "fcall does not make unbound super objects (super(Class))")),
        _ => return Err(Error::type_error("call::too_many_arguments", format!("super() takes at most 2 arguments ({} given)", pos.len()))),
    };
    let Value::Class(tc) = &this_class else {
        return Err(Error::type_error("class::super_type", format!("super() argument 1 must be a type, not {}", this_class.type_name())));
    };
    let ok = match &obj {
        Value::Class(oc) => oc.is_subclass(tc),
        other => user_class_of(other).map(|oc| oc.is_subclass(tc)).unwrap_or(tc.special == Special::Object),
    };
    if !ok {
        return Err(Error::type_error("class::super_obj", "super(type, obj): obj must be an instance or subtype of type"));
    }
    Ok(Object::special(Special::Super, &[("__thisclass__", this_class), ("__self__", obj)]))
}

/// `super().name`: the attribute found after `__thisclass__` in the class chain, bound to the
/// instance.
fn super_attr(s: &Rc<Object>, name: &str) -> Result<Value> {
    let (Some(Value::Class(tc)), Some(obj)) = (s.get("__thisclass__"), s.get("__self__")) else {
        return Err(Error::attribute("eval::no_attribute", format!("'super' object has no attribute '{name}'")));
    };
    match name {
        "__thisclass__" | "__self__" => return Ok(s.get(name).unwrap_or(Value::None)),
        "__self_class__" => return Ok(obj.type_object()),
        _ => {}
    }
    let owner = match &obj {
        Value::Class(c) => c.clone(),
        other => user_class_of(other).unwrap_or_else(|| tc.clone()),
    };
    let missing = || Error::attribute("eval::no_attribute", format!("'super' object has no attribute '{name}'"));
    match &tc.base {
        Some(Value::Class(b)) => {
            if let Some((attr, _)) = b.find(name) {
                return match &obj {
                    Value::Class(c) => Ok(class_get(attr, c)),
                    _ => bind(attr, &obj, &owner),
                };
            }
        }
        Some(_) => {}
        None => return Err(missing()),
    }
    // Past the user classes: nn.Module's methods, or object's.
    if let Value::Module(m) = &obj {
        if owner.is_module {
            return module_base_attr(m, name).ok_or_else(missing);
        }
    }
    match name {
        "__init__" | "__repr__" | "__str__" | "__setattr__" if !matches!(obj, Value::Class(_)) => Ok(object_method(&obj, name)),
        _ => Err(missing()),
    }
}

// ------------------------------------------------------------------ dunder hooks

/// `obj(*args)` for a plain instance: its `__call__`.
pub fn call_object(o: &Rc<Object>, pos: &[Value], kw: &Kwargs) -> Result<Value> {
    let this = Value::Object(o.clone());
    match o.class.find("__call__") {
        Some((f, _)) if o.kind() == Special::User => call_value(&bind(f, &this, &o.class)?, pos, kw),
        _ => Err(Error::type_error("eval::not_callable", format!("'{}' object is not callable", o.class.name))),
    }
}

/// A user class instance's method `name`, bound, if its class defines one.
fn dunder(v: &Value, name: &str) -> Option<Value> {
    let cls = user_class_of(v)?;
    let (attr, _) = cls.find(name)?;
    bind(attr, v, &cls).ok()
}

fn call1(f: &Value, args: &[Value]) -> Result<Value> {
    call_value(f, args, &Vec::new())
}

/// `len(v)` for an instance of a user class: its `__len__`, else Python's TypeError.
pub fn len_dunder(v: &Value) -> Option<Result<i64>> {
    user_class_of(v)?;
    let Some(f) = dunder(v, "__len__") else {
        return Some(Err(Error::type_error("eval::len", format!("object of type '{}' has no len()", v.type_name()))));
    };
    Some(call1(&f, &[]).and_then(|r| match r {
        Value::Int(n) if n < 0 => Err(Error::value("class::len_negative", "__len__() should return >= 0")),
        Value::Int(n) => Ok(n),
        Value::Bool(b) => Ok(b as i64),
        other => Err(Error::type_error("class::len_type", format!("'{}' object cannot be interpreted as an integer", other.type_name()))),
    }))
}

/// `bool(v)` for a user class instance: `__bool__`, else `__len__`, else true.
pub fn truthy_dunder(v: &Value) -> Option<Result<bool>> {
    user_class_of(v)?;
    if let Some(f) = dunder(v, "__bool__") {
        return Some(call1(&f, &[]).and_then(|r| match r {
            Value::Bool(b) => Ok(b),
            other => Err(Error::type_error("class::bool_type", format!("__bool__ should return bool, returned {}", other.type_name()))),
        }));
    }
    if dunder(v, "__len__").is_some() {
        return len_dunder(v).map(|r| r.map(|n| n != 0));
    }
    Some(Ok(true))
}

/// `v[idx]` for a user class instance: `__getitem__`.
pub fn getitem_dunder(v: &Value, idx: &Value) -> Option<Result<Value>> {
    user_class_of(v)?;
    match dunder(v, "__getitem__") {
        Some(f) => Some(call1(&f, std::slice::from_ref(idx))),
        None if matches!(v, Value::Object(_)) => Some(Err(Error::type_error("eval::not_subscriptable", format!("'{}' object is not subscriptable", v.type_name())))),
        None => None,
    }
}

/// `v[idx] = x` for a user class instance: `__setitem__`.
pub fn setitem_dunder(v: &Value, idx: &Value, x: &Value) -> Option<Result<()>> {
    user_class_of(v)?;
    match dunder(v, "__setitem__") {
        Some(f) => Some(call1(&f, &[idx.clone(), x.clone()]).map(|_| ())),
        None if matches!(v, Value::Object(_)) => {
            Some(Err(Error::type_error("eval::item_assignment", format!("'{}' object does not support item assignment", v.type_name()))))
        }
        None => None,
    }
}

/// `for x in v` for a user class instance: `__iter__` (an iterator: `__next__` until
/// StopIteration), else `__getitem__` with 0, 1, ... until IndexError.
pub fn iterate_dunder(v: &Value) -> Option<Result<Vec<Value>>> {
    user_class_of(v)?;
    if let Some(f) = dunder(v, "__iter__") {
        return Some(call1(&f, &[]).and_then(|it| {
            if let Some(r) = super::pybuiltins::drain_iterator(&it) {
                return r;
            }
            let Some(next) = dunder(&it, "__next__") else {
                return Err(Error::type_error("eval::iter_type", format!("iter() returned non-iterator of type '{}'", it.type_name())));
            };
            let mut out = Vec::new();
            loop {
                match call1(&next, &[]) {
                    Ok(x) => out.push(x),
                    Err(e) if e.exc == ExcType::StopIteration => return Ok(out),
                    Err(e) => return Err(e),
                }
                if out.len() >= MAX_ITEMS {
                    return Err(Error::runtime("class::iterator_too_long", format!("fcall iterates eagerly and stops after {MAX_ITEMS} items"))
                        .with_hint("an iterator that never raises StopIteration runs forever; stop it with a count"));
                }
            }
        }));
    }
    if let Some(f) = dunder(v, "__getitem__") {
        let mut out = Vec::new();
        loop {
            match call1(&f, &[Value::Int(out.len() as i64)]) {
                Ok(x) => out.push(x),
                Err(e) if e.exc == ExcType::IndexError || e.exc == ExcType::StopIteration => break,
                Err(e) => return Some(Err(e)),
            }
            if out.len() >= MAX_ITEMS {
                return Some(Err(Error::runtime("class::iterator_too_long", format!("fcall iterates eagerly and stops after {MAX_ITEMS} items"))));
            }
        }
        return Some(Ok(out));
    }
    if matches!(v, Value::Object(_)) {
        return Some(Err(Error::type_error("eval::not_iterable", format!("'{}' object is not iterable", v.type_name()))));
    }
    None
}

/// The most items an iteration over a user iterator collects (fcall iterates eagerly).
const MAX_ITEMS: usize = 10_000_000;

fn binop_names(op: BinOp) -> (&'static str, &'static str) {
    match op {
        BinOp::Add => ("__add__", "__radd__"),
        BinOp::Sub => ("__sub__", "__rsub__"),
        BinOp::Mul => ("__mul__", "__rmul__"),
        BinOp::Div => ("__truediv__", "__rtruediv__"),
        BinOp::FloorDiv => ("__floordiv__", "__rfloordiv__"),
        BinOp::Mod => ("__mod__", "__rmod__"),
        BinOp::MatMul => ("__matmul__", "__rmatmul__"),
        BinOp::Pow => ("__pow__", "__rpow__"),
        BinOp::BitOr => ("__or__", "__ror__"),
        BinOp::BitAnd => ("__and__", "__rand__"),
        BinOp::BitXor => ("__xor__", "__rxor__"),
        BinOp::LShift => ("__lshift__", "__rlshift__"),
        BinOp::RShift => ("__rshift__", "__rrshift__"),
    }
}

/// `a op b` where an operand's class defines the operator (`__add__`, then `b.__radd__`).
pub fn binary_dunder(op: BinOp, a: &Value, b: &Value) -> Option<Result<Value>> {
    if user_class_of(a).is_none() && user_class_of(b).is_none() {
        return None;
    }
    let (fwd, rev) = binop_names(op);
    if let Some(f) = dunder(a, fwd) {
        return Some(call1(&f, std::slice::from_ref(b)));
    }
    if let Some(f) = dunder(b, rev) {
        return Some(call1(&f, std::slice::from_ref(a)));
    }
    None
}

/// `-v` / `~v` where the class defines `__neg__` / `__invert__`.
pub fn unary_dunder(name: &str, v: &Value) -> Option<Result<Value>> {
    dunder(v, name).map(|f| call1(&f, &[]))
}

/// A comparison where an operand's class defines it (`__eq__`, `__lt__`, ... with Python's
/// reflected fallbacks; `in` through `__contains__`, then iteration).
pub fn compare_dunder(op: CmpOp, a: &Value, b: &Value) -> Option<Result<Value>> {
    if user_class_of(a).is_none() && user_class_of(b).is_none() {
        return None;
    }
    let (fwd, rev) = match op {
        CmpOp::Eq => ("__eq__", "__eq__"),
        CmpOp::NotEq => ("__ne__", "__ne__"),
        CmpOp::Lt => ("__lt__", "__gt__"),
        CmpOp::Le => ("__le__", "__ge__"),
        CmpOp::Gt => ("__gt__", "__lt__"),
        CmpOp::Ge => ("__ge__", "__le__"),
        CmpOp::In | CmpOp::NotIn => {
            user_class_of(b)?;
            let found = match dunder(b, "__contains__") {
                Some(f) => call1(&f, std::slice::from_ref(a)).and_then(|r| super::ops::truthy(&r)),
                None => match iterate_dunder(b)? {
                    Ok(items) => items
                        .iter()
                        .try_fold(false, |acc, x| Ok::<bool, Error>(acc || a.is(x) || super::ops::truthy(&super::ops::compare(CmpOp::Eq, x, a)?)?)),
                    Err(e) if e.code == "eval::not_iterable" => {
                        Err(Error::type_error("eval::in_type", format!("argument of type '{}' is not iterable", b.type_name())))
                    }
                    Err(e) => Err(e),
                },
            };
            return Some(found.map(|f| Value::Bool(if op == CmpOp::In { f } else { !f })));
        }
        CmpOp::Is | CmpOp::IsNot => return None,
    };
    if let Some(f) = dunder(a, fwd) {
        return Some(call1(&f, std::slice::from_ref(b)));
    }
    if let Some(f) = dunder(b, rev) {
        return Some(call1(&f, std::slice::from_ref(a)));
    }
    if op == CmpOp::NotEq {
        // `object.__ne__` inverts `__eq__`.
        let eq = match (dunder(a, "__eq__"), dunder(b, "__eq__")) {
            (Some(f), _) => Some(call1(&f, std::slice::from_ref(b))),
            (None, Some(f)) => Some(call1(&f, std::slice::from_ref(a))),
            (None, None) => None,
        }?;
        return Some(eq.and_then(|r| super::ops::truthy(&r)).map(|t| Value::Bool(!t)));
    }
    None
}

// ------------------------------------------------------------------ built-ins

fn is_class_value(v: &Value) -> bool {
    matches!(v, Value::Class(_)) || matches!(v, Value::Function(f) if f.kind == FunctionKind::Class)
}

/// `isinstance(x, t)` where `t` is a user or object-model class (`None`: not such a class).
fn isinstance_class(x: &Value, t: &Value) -> Option<bool> {
    match t {
        Value::Class(c) => Some(match x {
            _ if c.special == Special::Object => true,
            Value::Object(o) => o.class.is_subclass(c),
            other => user_class_of(other).map(|xc| xc.is_subclass(c)).unwrap_or(false),
        }),
        t if is_nn_module_class(t) => Some(matches!(x, Value::Module(_))),
        Value::Function(f) if f.name == "type" && f.kind == FunctionKind::Class => Some(is_class_value(x)),
        _ => match x {
            Value::Object(_) | Value::Class(_) => Some(false),
            _ => None,
        },
    }
}

/// `isinstance` for built-in values and types (used when no other `isinstance` is installed).
fn isinstance_builtin(x: &Value, t: &Value) -> Result<bool> {
    let Value::Function(f) = t else {
        return Err(Error::type_error("call::argument_type", "isinstance() arg 2 must be a type, a tuple of types, or a union"));
    };
    if !matches!(f.kind, FunctionKind::Class | FunctionKind::Builtin) {
        return Err(Error::type_error("call::argument_type", "isinstance() arg 2 must be a type, a tuple of types, or a union"));
    }
    if f.name == "tuple" && matches!(x, Value::Tuple(s) if s.structseq().is_some_and(|t| t.namedtuple)) {
        return Ok(true);
    }
    let Value::Function(xt) = x.type_object() else { return Ok(false) };
    Ok(builtin_subclass(&xt.name, &f.name))
}

/// `issubclass(a, b)` for built-in classes, by their qualified names (`torch.Size` is a
/// `tuple`, `bool` an `int`, a Parameter a `torch.Tensor`, every layer an `nn.Module`).
fn builtin_subclass(a: &str, b: &str) -> bool {
    let short = |n: &str| n.rsplit('.').next().unwrap_or(n).to_string();
    a == b
        || (short(a) == short(b) && !(a.contains('.') && b.contains('.')))
        || matches!(
            (a, b),
            ("bool", "int")
                | ("torch.Size", "tuple")
                | ("collections.OrderedDict", "dict")
                | ("torch.nn.parameter.Parameter", "torch.Tensor")
                | ("torch.nn.parameter.Buffer", "torch.Tensor")
        )
        || (b == "torch.nn.modules.module.Module" && a.starts_with("torch.nn."))
        || (b == "tuple" && a.starts_with("torch.return_types."))
}

fn check_class_arg(fname: &str, arg: &str, t: &Value) -> Result<()> {
    let ok = match t {
        Value::Tuple(items) => items.borrow().iter().all(is_class_value),
        v => is_class_value(v) || matches!(v, Value::Function(f) if f.kind == FunctionKind::Builtin),
    };
    if ok {
        Ok(())
    } else if fname == "isinstance" {
        Err(Error::type_error("call::argument_type", "isinstance() arg 2 must be a type, a tuple of types, or a union"))
    } else {
        Err(Error::type_error("call::argument_type", format!("issubclass() {arg} must be a class")))
    }
}

/// `issubclass(a, b)` with class objects.
fn issubclass_class(a: &Value, b: &Value) -> Option<bool> {
    match (a, b) {
        (_, Value::Class(bc)) if bc.special == Special::Object => Some(true),
        (Value::Class(ac), Value::Class(bc)) => Some(ac.is_subclass(bc)),
        (Value::Class(ac), b) if is_nn_module_class(b) => Some(ac.is_module),
        (Value::Class(_), _) | (_, Value::Class(_)) => Some(false),
        _ => None,
    }
}

/// Adds the object-model built-ins: `object`, `property`, `staticmethod`, `classmethod`,
/// `super`, and `isinstance` / `issubclass` that know user classes (an `isinstance` already
/// installed is asked about everything else).
pub fn add_builtins(out: &mut HashMap<String, Value>) {
    for special in [Special::Object, Special::Property, Special::StaticMethod, Special::ClassMethod, Special::Super] {
        let c = builtin_class(special);
        out.insert(c.name.clone(), Value::Class(c));
    }
    let prev = out.get("isinstance").cloned();
    out.insert(
        "isinstance".into(),
        Function::new("isinstance", FunctionKind::Builtin, move |pos, kw| {
            let a = super::args::Args::bind("isinstance", &["obj", "class_or_tuple"], 2, pos, kw)?;
            let (x, t) = (a.value("obj"), a.value("class_or_tuple"));
            let types = match &t {
                Value::Tuple(items) => items.to_vec(),
                other => vec![other.clone()],
            };
            for ty in &types {
                let hit = match isinstance_class(&x, ty) {
                    Some(b) => b,
                    None => match &prev {
                        Some(p) => super::ops::truthy(&call_value(p, &[x.clone(), ty.clone()], &Vec::new())?)?,
                        None => {
                            check_class_arg("isinstance", "arg 2", ty)?;
                            isinstance_builtin(&x, ty)?
                        }
                    },
                };
                if hit {
                    return Ok(Value::Bool(true));
                }
            }
            if types.is_empty() {
                check_class_arg("isinstance", "arg 2", &t)?;
            }
            Ok(Value::Bool(false))
        }),
    );
    let prev = out.get("issubclass").cloned();
    out.insert(
        "issubclass".into(),
        Function::new("issubclass", FunctionKind::Builtin, move |pos, kw| {
            let a = super::args::Args::bind("issubclass", &["cls", "class_or_tuple"], 2, pos, kw)?;
            let (x, t) = (a.value("cls"), a.value("class_or_tuple"));
            if !is_class_value(&x) {
                return Err(Error::type_error("call::argument_type", "issubclass() arg 1 must be a class"));
            }
            let types = match &t {
                Value::Tuple(items) => items.to_vec(),
                other => vec![other.clone()],
            };
            for ty in &types {
                let hit = match issubclass_class(&x, ty) {
                    Some(b) => b,
                    None => match &prev {
                        Some(p) => super::ops::truthy(&call_value(p, &[x.clone(), ty.clone()], &Vec::new())?)?,
                        None => {
                            check_class_arg("issubclass", "arg 2", ty)?;
                            match (&x, ty) {
                                (Value::Function(a), Value::Function(b)) => builtin_subclass(&a.name, &b.name),
                                _ => x.is(ty),
                            }
                        }
                    },
                };
                if hit {
                    return Ok(Value::Bool(true));
                }
            }
            Ok(Value::Bool(false))
        }),
    );
}

/// The names [`add_builtins`] adds (for `help`).
pub const NAMES: &[&str] = &["classmethod", "isinstance", "issubclass", "object", "property", "staticmethod", "super"];
