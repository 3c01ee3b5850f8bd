//! User classes: `class Foo { def init(...) {...} def forward(x) {...} }` is an `nn.Module`
//! subclass. Calling `Foo(...)` builds a module (registries ready, as after
//! `super().__init__()`) and runs `init` with `self`; `forward`, `right_inverse` and other
//! methods run with `self` bound to the module. A method marked `@property` is a read-only
//! property of the class (Python's `property(getter)`: evaluated on every read, no setter).
use std::collections::HashMap;
use std::rc::Rc;

use fcall_lang::ast::ClassDef;

use super::eval::Ctx;
use super::frame::Frame;
use super::functions::Callable;
use crate::error::{Error, Result};
use crate::nn::module::missing_forward;
use crate::nn::module::Property;
use crate::nn::{Module, ModuleImpl};
use crate::value::{Function, FunctionKind, Kwargs, Value};

pub struct InterpClass {
    pub name: String,
    methods: HashMap<String, Rc<Callable>>,
}

impl InterpClass {
    fn run(&self, m: &Module, method: &str, pos: &[Value], kw: &Kwargs) -> Option<Result<Value>> {
        let c = self.methods.get(method).or_else(|| if method == "init" { self.methods.get("__init__") } else { None })?;
        // Python names the constructor `__init__` in its errors (`Foo.__init__() missing ...`).
        let py_name = if method == "init" { "__init__" } else { method };
        Some(c.invoke(Some(Value::Module(m.clone())), &format!("{}.{py_name}", self.name), pos, kw))
    }
}

impl ModuleImpl for InterpClass {
    fn forward(&self, m: &Module, args: &[Value], kwargs: &Kwargs) -> Result<Value> {
        self.run(m, "forward", args, kwargs).unwrap_or_else(|| Err(missing_forward(m)))
    }
    fn right_inverse(&self, m: &Module, value: &Value) -> Option<Result<Value>> {
        self.run(m, "right_inverse", std::slice::from_ref(value), &Vec::new())
    }
    fn method(&self, m: &Module, name: &str) -> Option<Value> {
        let c = self.methods.get(name)?.clone();
        let m = m.clone();
        let qual = format!("{}.{name}", self.name);
        Some(Function::new(qual.clone(), FunctionKind::Method, move |pos, kw| c.invoke(Some(Value::Module(m.clone())), &qual, pos, kw)))
    }
}

/// The class value: calling it constructs a module of the class.
pub fn user_class(ctx: &Ctx, class: &ClassDef, frame: &Rc<Frame>) -> Result<Value> {
    let mut methods = HashMap::new();
    let mut properties = Vec::new();
    for def in &class.methods {
        let c = Rc::new(Callable::new(ctx, def, frame)?);
        if def.has_decorator("property") {
            properties.retain(|(n, _): &(String, Rc<Callable>)| *n != def.name.name);
            properties.push((def.name.name.clone(), c));
            methods.remove(&def.name.name);
        } else {
            properties.retain(|(n, _)| *n != def.name.name);
            methods.insert(def.name.name.clone(), c);
        }
    }
    let name = class.name.name.clone();
    let imp = Rc::new(InterpClass { name: name.clone(), methods });
    let class_name = name.clone();
    Ok(Function::new(name, FunctionKind::Class, move |pos, kw| {
        let m = Module::new(&class_name, imp.clone());
        // `@property` methods are class-level data descriptors: there before `__init__` runs.
        for (pname, getter) in &properties {
            let (getter, qual) = (getter.clone(), format!("{class_name}.{pname}"));
            let get = move |m: &Module| getter.invoke(Some(Value::Module(m.clone())), &qual, &[], &Vec::new());
            m.add_property(pname, Property::Custom { getter: Rc::new(get), setter: None });
        }
        match imp.run(&m, "init", pos, kw) {
            Some(r) => {
                r?;
            }
            None if !pos.is_empty() || !kw.is_empty() => {
                return Err(Error::type_error("call::too_many_arguments", format!("{class_name}() takes no arguments")))
            }
            None => {}
        }
        Ok(Value::Module(m))
    }))
}
