//! `nn.Module` itself: the three registries (`_parameters`, `_buffers`, `_modules`), the instance
//! `__dict__`, class-level properties, and attribute access with exactly `Module.__getattr__`,
//! `__setattr__` and `__delattr__`'s rules and error messages. Registration by assignment,
//! ties (one tensor object under two names) and train/eval live here too.
use indexmap::{IndexMap, IndexSet};
use std::cell::{Cell, Ref, RefCell, RefMut};
use std::rc::Rc;

use crate::error::{Error, ExcType, Result};
use crate::tensor::TensorRef;
use crate::value::{Kwargs, Value};

thread_local! {
    static STRUCTURE_GEN: Cell<u64> = const { Cell::new(1) };
}

/// A counter that rises on every change to any `_parameters`/`_buffers`/`_modules` registry or
/// class property, anywhere. Caches of module structure are valid while it stays the same.
pub fn structure_generation() -> u64 {
    STRUCTURE_GEN.with(|g| g.get())
}

pub(crate) fn bump_structure() {
    STRUCTURE_GEN.with(|g| g.set(g.get() + 1));
}

/// What a module class does: its forward, its `extra_repr`, and for parametrizations an optional
/// `right_inverse`. Built-in layers and user classes (Rust closures, later the language) implement it.
pub trait ModuleImpl {
    /// The Python module of the class, for `<class '...'>` and `torch.typename`.
    fn type_path(&self) -> &str {
        "__main__"
    }
    fn forward(&self, m: &Module, args: &[Value], kwargs: &Kwargs) -> Result<Value>;
    fn extra_repr(&self, _m: &Module) -> String {
        String::new()
    }
    /// `right_inverse`, if the class defines it (parametrizations).
    fn right_inverse(&self, _m: &Module, _value: &Value) -> Option<Result<Value>> {
        None
    }
    /// A method of the class other than forward (user classes), bound to `m`.
    fn method(&self, _m: &Module, _name: &str) -> Option<Value> {
        None
    }
    /// The class object of a user `nn.Module` subclass (`type(m)`, `super()`, dunder methods).
    fn user_class(&self) -> Option<Rc<crate::object::Class>> {
        None
    }
}

pub type ForwardFn = dyn Fn(&Module, &[Value], &Kwargs) -> Result<Value>;
pub type PropertyGetter = dyn Fn(&Module) -> Result<Value>;
pub type PropertySetter = dyn Fn(&Module, Value) -> Result<()>;
pub type PreHook = dyn Fn(&Module, &[Value]) -> Result<Option<Vec<Value>>>;
pub type Hook = dyn Fn(&Module, &[Value], &Value) -> Result<Option<Value>>;

/// A class-level data descriptor (a Python `property`).
#[derive(Clone)]
pub enum Property {
    /// Installed by `register_parametrization`: the getter computes the parametrized tensor,
    /// the setter runs `right_inverse` and writes `original` in place.
    Parametrization,
    Custom { getter: Rc<PropertyGetter>, setter: Option<Rc<PropertySetter>> },
}

/// A module object. Cloning is Python's `b = a`: the same object.
#[derive(Clone)]
pub struct Module(pub(crate) Rc<ModuleInner>);

pub(crate) struct ModuleInner {
    id: u64,
    imp: Rc<dyn ModuleImpl>,
    data: RefCell<ModuleData>,
}

pub struct ModuleData {
    pub class_name: String,
    pub class_module: String,
    pub parameters: IndexMap<String, Option<TensorRef>>,
    pub buffers: IndexMap<String, Option<TensorRef>>,
    pub non_persistent_buffers: IndexSet<String>,
    pub modules: IndexMap<String, Option<Module>>,
    /// The instance `__dict__` (non-tensor settings such as `eps`, plain tensor attributes, `training`).
    pub attrs: IndexMap<String, Value>,
    pub properties: IndexMap<String, Property>,
    /// `_forward_pre_hooks`, in call order, each with its handle id.
    pub forward_pre_hooks: Vec<(u64, Rc<PreHook>)>,
    /// `_forward_hooks`, in call order, each with its handle id.
    pub forward_hooks: Vec<(u64, Rc<Hook>)>,
    /// The functional call's cached view of the structure below this module.
    pub(crate) fc_cache: Option<Rc<crate::func::Registry>>,
    /// The functional call's cached swap plan for the last dict it was called with.
    pub(crate) fc_plan: Option<Rc<crate::func::plan::Plan>>,
    /// Whether `nn.Module.__init__` has run: a user subclass's `__init__` must call
    /// `super().__init__()` before it registers parameters, buffers or submodules.
    pub initialized: bool,
}

impl Module {
    /// A new module of a class, in training mode, with empty registries.
    pub fn new(class_name: &str, imp: Rc<dyn ModuleImpl>) -> Module {
        let mut attrs = IndexMap::new();
        attrs.insert("training".to_string(), Value::Bool(true));
        let class_module = imp.type_path().to_string();
        Module(Rc::new(ModuleInner {
            id: crate::tensor::next_object_id(),
            imp,
            data: RefCell::new(ModuleData {
                class_name: class_name.to_string(),
                class_module,
                parameters: IndexMap::new(),
                buffers: IndexMap::new(),
                non_persistent_buffers: IndexSet::new(),
                modules: IndexMap::new(),
                attrs,
                properties: IndexMap::new(),
                forward_pre_hooks: Vec::new(),
                forward_hooks: Vec::new(),
                fc_cache: None,
                fc_plan: None,
                initialized: true,
            }),
        }))
    }

    /// A new object of this module's class (the same implementation) with the given registries
    /// and `__dict__`: `copy.deepcopy(m)` fills `data` with copies, interp/pycopy.rs.
    pub fn new_like(&self, data: ModuleData) -> Module {
        Module(Rc::new(ModuleInner { id: crate::tensor::next_object_id(), imp: self.0.imp.clone(), data: RefCell::new(data) }))
    }

    /// A user-defined module whose forward is a Rust closure (the language compiles classes to this).
    pub fn user(class_name: &str, forward: impl Fn(&Module, &[Value], &Kwargs) -> Result<Value> + 'static) -> Module {
        Module::new(class_name, Rc::new(UserClass { forward: Rc::new(forward), right_inverse: None }))
    }

    /// A user-defined parametrization: `forward(X)` and optionally `right_inverse(A)`.
    pub fn user_parametrization(
        class_name: &str,
        forward: impl Fn(&Module, &[Value], &Kwargs) -> Result<Value> + 'static,
        right_inverse: Option<Rc<dyn Fn(&Module, &Value) -> Result<Value>>>,
    ) -> Module {
        Module::new(class_name, Rc::new(UserClass { forward: Rc::new(forward), right_inverse }))
    }

    pub fn id(&self) -> u64 {
        self.0.id
    }
    pub fn is(&self, other: &Module) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
    pub fn imp(&self) -> &Rc<dyn ModuleImpl> {
        &self.0.imp
    }
    pub fn data(&self) -> Ref<'_, ModuleData> {
        self.0.data.borrow()
    }
    pub(crate) fn data_mut(&self) -> RefMut<'_, ModuleData> {
        self.0.data.borrow_mut()
    }
    /// `type(self).__name__` (`_get_name()`).
    pub fn class_name(&self) -> String {
        self.data().class_name.clone()
    }
    pub fn qualified_class_name(&self) -> String {
        let d = self.data();
        format!("{}.{}", d.class_module, d.class_name)
    }
    /// A module whose `nn.Module.__init__` has not run yet (a user subclass before its
    /// `super().__init__()`): no registries and no `training` in its `__dict__`.
    pub fn set_uninitialized(&self) {
        let mut d = self.data_mut();
        d.initialized = false;
        d.attrs.shift_remove("training");
    }
    pub fn initialized(&self) -> bool {
        self.data().initialized
    }
    /// `nn.Module.__init__(self)`: fresh registries and hooks, `training = True`.
    pub fn init_module(&self) {
        let mut d = self.data_mut();
        d.initialized = true;
        d.parameters.clear();
        d.buffers.clear();
        d.non_persistent_buffers.clear();
        d.modules.clear();
        d.forward_pre_hooks.clear();
        d.forward_hooks.clear();
        d.attrs.insert("training".to_string(), Value::Bool(true));
        drop(d);
        bump_structure();
    }
    /// The AttributeError PyTorch raises when a method of a module whose `__init__` has not run
    /// reads one of its registries (`'G' object has no attribute '_modules'`).
    pub fn missing_registry(&self, registry: &str) -> Error {
        Error::attribute("nn::before_init", format!("'{}' object has no attribute '{registry}'", self.class_name()))
    }
    fn before_init(what: &str) -> Error {
        Error::attribute("nn::before_init", format!("cannot assign {what} before Module.__init__() call"))
            .with_hint("call super().__init__() first in __init__")
    }

    pub fn training(&self) -> bool {
        matches!(self.data().attrs.get("training"), Some(Value::Bool(true)))
    }

    // ---- attribute access: Module.__getattr__ / __setattr__ / __delattr__ ----

    /// `getattr(self, name)`: properties, then `__dict__`, then parameters, buffers, submodules.
    pub fn getattr(&self, name: &str) -> Result<Value> {
        let prop = {
            let d = self.data();
            if let Some(p) = d.properties.get(name) {
                Some(p.clone())
            } else if let Some(v) = d.attrs.get(name) {
                return Ok(v.clone());
            } else {
                None
            }
        };
        if prop.is_none() {
            // The class's own attributes (a user class's methods and class attributes) come
            // before `Module.__getattr__`'s registries, as in Python.
            if let Some(v) = self.0.imp.method(self, name) {
                return Ok(v);
            }
            let d = self.data();
            if let Some(slot) = d.parameters.get(name).or_else(|| d.buffers.get(name)) {
                return Ok(match slot {
                    Some(t) => {
                        t.mark_read();
                        Value::Tensor(t.clone())
                    }
                    None => Value::None,
                });
            } else if let Some(m) = d.modules.get(name) {
                return Ok(m.clone().map(Value::Module).unwrap_or(Value::None));
            }
        }
        let got = match prop {
            Some(Property::Parametrization) => crate::nn::parametrize::get_parametrized(self, name),
            Some(Property::Custom { getter, .. }) => getter(self),
            None => return Err(self.no_attribute(name)),
        };
        match got {
            // Python: an AttributeError out of a property's getter makes the lookup fall back
            // to `Module.__getattr__`, whose own error replaces it.
            Err(e) if e.exc == ExcType::AttributeError => self.getattr_fallback(name),
            other => other,
        }
    }

    /// `Module.__getattr__`: `_parameters`, `_buffers`, `_modules`, else AttributeError.
    fn getattr_fallback(&self, name: &str) -> Result<Value> {
        let d = self.data();
        if let Some(slot) = d.parameters.get(name).or_else(|| d.buffers.get(name)) {
            return Ok(slot.clone().map(Value::Tensor).unwrap_or(Value::None));
        }
        if let Some(m) = d.modules.get(name) {
            return Ok(m.clone().map(Value::Module).unwrap_or(Value::None));
        }
        drop(d);
        Err(self.no_attribute(name))
    }

    /// `hasattr(self, name)` (evaluates properties, as Python does).
    pub fn hasattr(&self, name: &str) -> bool {
        self.getattr(name).is_ok()
    }

    pub(crate) fn no_attribute(&self, name: &str) -> Error {
        Error::attribute("nn::no_attribute", format!("'{}' object has no attribute '{name}'", self.class_name()))
    }

    /// The tensor in a slot, for built-in forwards: `self.weight` that may be None.
    pub fn tensor_attr(&self, name: &str) -> Result<Option<TensorRef>> {
        match self.getattr(name)? {
            Value::Tensor(t) => Ok(Some(t)),
            Value::None => Ok(None),
            other => Err(Error::type_error(
                "nn::not_a_tensor",
                format!("attribute '{name}' of {} is {} (a Tensor was expected)", self.class_name(), other.type_name()),
            )),
        }
    }

    /// `self.name = value` with `Module.__setattr__`'s rules. A shown call's forward looks at
    /// its swapped names just before and after (the order of its events: `func::order`).
    pub fn setattr(&self, name: &str, value: Value) -> Result<()> {
        crate::func::order::tick();
        let r = self.setattr_rules(name, value);
        crate::func::order::tick();
        r
    }

    fn setattr_rules(&self, name: &str, value: Value) -> Result<()> {
        if !self.initialized() {
            return match &value {
                Value::Tensor(t) if t.is_parameter() => Err(Module::before_init("parameters")),
                Value::Module(_) => Err(Module::before_init("module")),
                Value::Tensor(t) if t.buffer_mark().is_some() => Err(Module::before_init("buffer")),
                _ => self.object_setattr(name, value),
            };
        }
        if let Value::Tensor(t) = &value {
            if t.is_parameter() {
                {
                    let mut d = self.data_mut();
                    d.attrs.shift_remove(name);
                    d.buffers.shift_remove(name);
                    d.modules.shift_remove(name);
                    d.non_persistent_buffers.shift_remove(name);
                }
                bump_structure();
                return self.register_parameter(name, Some(t.clone()));
            }
        }
        if self.data().parameters.contains_key(name) {
            if !value.is_none() {
                return Err(Error::type_error(
                    "nn::assign_parameter",
                    format!(
                        "cannot assign '{}' as parameter '{name}' (torch.nn.Parameter or None expected)",
                        value.torch_typename()
                    ),
                )
                .with_hint("a parameter slot takes param(t) or none; assign to a buffer or a plain attribute instead"));
            }
            return self.register_parameter(name, None);
        }
        if let Value::Module(m) = &value {
            let mut d = self.data_mut();
            d.attrs.shift_remove(name);
            d.parameters.shift_remove(name);
            d.buffers.shift_remove(name);
            d.non_persistent_buffers.shift_remove(name);
            d.modules.insert(name.to_string(), Some(m.clone()));
            drop(d);
            bump_structure();
            return Ok(());
        }
        if self.data().modules.contains_key(name) {
            if !value.is_none() {
                return Err(Error::type_error(
                    "nn::assign_module",
                    format!(
                        "cannot assign '{}' as child module '{name}' (torch.nn.Module or None expected)",
                        value.torch_typename()
                    ),
                ));
            }
            self.data_mut().modules.insert(name.to_string(), None);
            bump_structure();
            return Ok(());
        }
        let buffer_mark = value.as_tensor().and_then(|t| t.buffer_mark());
        if buffer_mark.is_some() || self.data().buffers.contains_key(name) {
            if !matches!(value, Value::None | Value::Tensor(_)) {
                return Err(Error::type_error(
                    "nn::assign_buffer",
                    format!("cannot assign '{}' as buffer '{name}' (torch.nn.Buffer, torch.Tensor or None expected)", value.torch_typename()),
                ));
            }
            let persistent = buffer_mark.unwrap_or_else(|| !self.data().non_persistent_buffers.contains(name));
            return self.register_buffer(name, value.as_tensor().cloned(), persistent);
        }
        self.object_setattr(name, value)
    }

    /// `object.__setattr__`: a property's setter, or the instance `__dict__`.
    fn object_setattr(&self, name: &str, value: Value) -> Result<()> {
        let prop = self.data().properties.get(name).cloned();
        match prop {
            Some(Property::Parametrization) => crate::nn::parametrize::set_parametrized(self, name, value),
            Some(Property::Custom { setter: Some(set), .. }) => set(self, value),
            Some(Property::Custom { setter: None, .. }) => Err(Error::attribute(
                "nn::property_no_setter",
                format!("property '{name}' of '{}' object has no setter", self.class_name()),
            )),
            None => {
                self.data_mut().attrs.insert(name.to_string(), value);
                Ok(())
            }
        }
    }

    /// `delattr(self, name)` with `Module.__delattr__`'s rules.
    pub fn delattr(&self, name: &str) -> Result<()> {
        let mut d = self.data_mut();
        if d.parameters.shift_remove(name).is_some() {
        } else if d.buffers.shift_remove(name).is_some() {
            d.non_persistent_buffers.shift_remove(name);
        } else if d.modules.shift_remove(name).is_some() {
        } else if d.attrs.shift_remove(name).is_some() {
            return Ok(());
        } else if d.properties.contains_key(name) {
            return Err(Error::attribute(
                "nn::property_no_deleter",
                format!("property '{name}' of '{}' object has no deleter", d.class_name),
            ));
        } else {
            drop(d);
            return Err(Error::attribute("nn::no_attribute", format!("'{}' object has no attribute '{name}'", self.class_name())));
        }
        drop(d);
        bump_structure();
        Ok(())
    }

    fn check_member_name(&self, what: &str, name: &str, registry_has: bool) -> Result<()> {
        if name.contains('.') {
            return Err(Error::key("nn::dotted_name", format!("{what} name can't contain \".\"")));
        }
        if name.is_empty() {
            return Err(Error::key("nn::empty_name", format!("{what} name can't be empty string \"\"")));
        }
        if !registry_has && self.hasattr(name) {
            return Err(Error::key("nn::attribute_exists", format!("attribute '{name}' already exists")));
        }
        Ok(())
    }

    /// `register_parameter(name, param)`.
    pub fn register_parameter(&self, name: &str, param: Option<TensorRef>) -> Result<()> {
        if !self.initialized() {
            return Err(Module::before_init("parameter"));
        }
        let has = self.data().parameters.contains_key(name);
        self.check_member_name("parameter", name, has)?;
        if let Some(p) = &param {
            if !p.is_parameter() {
                return Err(Error::type_error(
                    "nn::register_parameter_type",
                    format!(
                        "cannot assign '{}' object to parameter '{name}' (torch.nn.Parameter or None required)",
                        crate::tensor::torch_typename(p)
                    ),
                ));
            }
            if p.grad_fn_name().is_some() {
                return Err(Error::value(
                    "nn::non_leaf_parameter",
                    format!(
                        "Cannot assign non-leaf Tensor to parameter '{name}'. Model parameters must be created explicitly. \
                         To express '{name}' as a function of another Tensor, compute the value in the forward() method."
                    ),
                ));
            }
        }
        self.data_mut().parameters.insert(name.to_string(), param);
        bump_structure();
        Ok(())
    }

    /// `register_buffer(name, tensor, persistent)`.
    pub fn register_buffer(&self, name: &str, tensor: Option<TensorRef>, persistent: bool) -> Result<()> {
        if !self.initialized() {
            return Err(Module::before_init("buffer"));
        }
        let has = self.data().buffers.contains_key(name);
        self.check_member_name("buffer", name, has)?;
        let mut d = self.data_mut();
        d.buffers.insert(name.to_string(), tensor);
        if persistent {
            d.non_persistent_buffers.shift_remove(name);
        } else {
            d.non_persistent_buffers.insert(name.to_string());
        }
        drop(d);
        bump_structure();
        Ok(())
    }

    /// `add_module(name, module)` / `register_module`.
    pub fn add_module(&self, name: &str, module: Option<Module>) -> Result<()> {
        if !self.initialized() {
            return Err(self.missing_registry("_modules"));
        }
        if name.contains('.') {
            return Err(Error::key("nn::dotted_name", format!("module name can't contain \".\", got: {name}")));
        }
        if name.is_empty() {
            return Err(Error::key("nn::empty_name", "module name can't be empty string \"\""));
        }
        if !self.data().modules.contains_key(name) && self.hasattr(name) {
            return Err(Error::key("nn::attribute_exists", format!("attribute '{name}' already exists")));
        }
        self.data_mut().modules.insert(name.to_string(), module);
        bump_structure();
        Ok(())
    }

    /// Installs a class-level property (a Python `property` on the module's class).
    pub fn add_property(&self, name: &str, prop: Property) {
        self.data_mut().properties.insert(name.to_string(), prop);
        bump_structure();
    }

    /// `register_forward_pre_hook(hook)`: runs before forward with the positional arguments;
    /// `Some(args)` replaces them. Returns the handle id ([`Module::remove_hook`]).
    pub fn register_forward_pre_hook(&self, hook: impl Fn(&Module, &[Value]) -> Result<Option<Vec<Value>>> + 'static) -> u64 {
        self.register_forward_pre_hook_at(Rc::new(hook), false)
    }
    /// As [`Module::register_forward_pre_hook`]; `prepend` puts it first.
    pub fn register_forward_pre_hook_at(&self, hook: Rc<PreHook>, prepend: bool) -> u64 {
        add_hook(&mut self.data_mut().forward_pre_hooks, hook, prepend)
    }
    /// `register_forward_hook(hook)`: runs after forward with the arguments and the output;
    /// `Some(v)` replaces the output. Returns the handle id.
    pub fn register_forward_hook(&self, hook: impl Fn(&Module, &[Value], &Value) -> Result<Option<Value>> + 'static) -> u64 {
        self.register_forward_hook_at(Rc::new(hook), false)
    }
    /// As [`Module::register_forward_hook`]; `prepend` puts it first.
    pub fn register_forward_hook_at(&self, hook: Rc<Hook>, prepend: bool) -> u64 {
        add_hook(&mut self.data_mut().forward_hooks, hook, prepend)
    }
    /// `RemovableHandle.remove()`: the hook with this id is gone (a second remove does nothing).
    pub fn remove_hook(&self, id: u64) {
        let mut d = self.data_mut();
        d.forward_pre_hooks.retain(|(i, _)| *i != id);
        d.forward_hooks.retain(|(i, _)| *i != id);
    }

    /// `get_submodule(target)`.
    pub fn get_submodule(&self, target: &str) -> Result<Module> {
        if target.is_empty() {
            return Ok(self.clone());
        }
        let mut m = self.clone();
        for item in target.split('.') {
            let next = m.data().modules.get(item).cloned();
            match next {
                Some(Some(sub)) => m = sub,
                _ => {
                    return Err(Error::attribute(
                        "nn::no_submodule",
                        format!("{} has no attribute `{item}`", m.class_name()),
                    ))
                }
            }
        }
        Ok(m)
    }

    /// `module(*args, **kwargs)`: forward pre-hooks, forward, forward hooks.
    pub fn call(&self, args: &[Value], kwargs: &Kwargs) -> Result<Value> {
        // PyTorch's `_wrapped_call_impl`, `_call_impl`, `forward` and the C call between them
        // count toward Python's recursion limit (about 250 nested modules).
        let _frames = crate::stack::enter(4, "")?;
        if !self.initialized() {
            return Err(self.missing_registry("_backward_hooks"));
        }
        let (pre, post) = {
            let d = self.data();
            (d.forward_pre_hooks.clone(), d.forward_hooks.clone())
        };
        let mut owned;
        let mut args = args;
        for (_, h) in &pre {
            if let Some(new_args) = h(self, args)? {
                owned = new_args;
                args = &owned[..];
                let _ = &owned;
            }
        }
        let mut out = self.0.imp.forward(self, args, kwargs)?;
        for (_, h) in &post {
            if let Some(v) = h(self, args, &out)? {
                out = v;
            }
        }
        Ok(out)
    }

    /// `module(x)` with one tensor in and one tensor out, for Rust callers.
    pub fn forward_t(&self, x: &TensorRef) -> Result<TensorRef> {
        match self.call(&[Value::Tensor(x.clone())], &Vec::new())? {
            Value::Tensor(t) => Ok(t),
            other => Err(Error::type_error("nn::forward_result", format!("forward returned {}, not a Tensor", other.type_name()))),
        }
    }

    /// `train(mode)`: sets `training` on this module and every child, recursively.
    pub fn train(&self, mode: bool) -> Result<()> {
        self.train_depth(mode, 0)
    }
    fn train_depth(&self, mode: bool, depth: usize) -> Result<()> {
        if depth > crate::nn::named::RECURSION_LIMIT {
            return Err(Error::recursion());
        }
        self.data_mut().attrs.insert("training".into(), Value::Bool(mode));
        let children: Vec<Module> = self.data().modules.values().flatten().cloned().collect();
        for c in children {
            c.train_depth(mode, depth + 1)?;
        }
        Ok(())
    }
    pub fn eval(&self) -> Result<()> {
        self.train(false)
    }

    /// `repr(module)` as `Module.__repr__` prints it.
    pub fn repr(&self) -> String {
        self.repr_depth(0, true)
    }
    /// `nn.Module.__repr__(self)`: the repr without the class's own `__repr__` (its children
    /// still show theirs).
    pub fn base_repr(&self) -> String {
        self.repr_depth(0, false)
    }
    fn repr_depth(&self, depth: usize, user: bool) -> String {
        if depth > 50 {
            return format!("{}(...)", self.class_name());
        }
        // `Module.__repr__` shows each child with `repr(child)`: a user `__repr__` wins.
        if user {
            if let Some(s) = crate::object::user_text(&Value::Module(self.clone()), "__repr__") {
                return s;
            }
        }
        if !self.initialized() {
            crate::object::note_error(self.missing_registry("_modules"));
            return String::new();
        }
        let children: Vec<(String, Option<Module>)> =
            self.data().modules.iter().map(|(k, m)| (k.clone(), m.clone())).collect();
        let child_reprs: Vec<(String, String)> = children
            .iter()
            .map(|(k, m)| (k.clone(), m.as_ref().map(|m| m.repr_depth(depth + 1, true)).unwrap_or_else(|| "None".into())))
            .collect();
        if self.is_module_list() {
            return module_list_repr(&self.class_name(), &child_reprs);
        }
        let extra = self.0.imp.extra_repr(self);
        let extra_lines: Vec<String> = if extra.is_empty() { vec![] } else { extra.lines().map(String::from).collect() };
        let child_lines: Vec<String> = child_reprs.iter().map(|(k, s)| format!("({k}): {}", s.replace('\n', "\n  "))).collect();
        let mut s = format!("{}(", self.class_name());
        if extra_lines.len() == 1 && child_lines.is_empty() {
            s.push_str(&extra_lines[0]);
        } else if !extra_lines.is_empty() || !child_lines.is_empty() {
            let lines: Vec<String> = extra_lines.into_iter().chain(child_lines).collect();
            s.push_str("\n  ");
            s.push_str(&lines.join("\n  "));
            s.push('\n');
        }
        s.push(')');
        s
    }

    /// `nn.ModuleList` or its subclass `ParametrizationList`, whose `__repr__` is ModuleList's.
    fn is_module_list(&self) -> bool {
        matches!(
            (self.class_name().as_str(), self.0.imp.type_path()),
            ("ModuleList", "torch.nn.modules.container") | ("ParametrizationList", "torch.nn.utils.parametrize")
        )
    }

    /// A setting in `__dict__` (e.g. `eps`) as f64.
    pub fn attr_f64(&self, name: &str) -> Result<f64> {
        match self.getattr(name)? {
            Value::Float(f) => Ok(f),
            Value::Int(i) => Ok(i as f64),
            other => Err(Error::type_error("nn::setting_type", format!("{name} is {}, a number was expected", other.type_name()))),
        }
    }
    pub fn attr_i64(&self, name: &str) -> Result<i64> {
        match self.getattr(name)? {
            Value::Int(i) => Ok(i),
            other => Err(Error::type_error("nn::setting_type", format!("{name} is {}, an int was expected", other.type_name()))),
        }
    }
    pub fn attr_bool(&self, name: &str) -> Result<bool> {
        match self.getattr(name)? {
            Value::Bool(b) => Ok(b),
            other => Err(Error::type_error("nn::setting_type", format!("{name} is {}, a bool was expected", other.type_name()))),
        }
    }
    /// Sets a non-tensor setting in `__dict__` (construction of built-ins).
    pub(crate) fn set_setting(&self, name: &str, v: Value) {
        self.data_mut().attrs.insert(name.to_string(), v);
    }
}

impl std::fmt::Debug for Module {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}#{}", self.class_name(), self.id())
    }
}

struct UserClass {
    forward: Rc<ForwardFn>,
    right_inverse: Option<Rc<dyn Fn(&Module, &Value) -> Result<Value>>>,
}

impl ModuleImpl for UserClass {
    fn forward(&self, m: &Module, args: &[Value], kwargs: &Kwargs) -> Result<Value> {
        (self.forward)(m, args, kwargs)
    }
    fn right_inverse(&self, m: &Module, value: &Value) -> Option<Result<Value>> {
        self.right_inverse.as_ref().map(|f| f(m, value))
    }
}

/// `Module.forward` when a class does not define one.
pub(crate) fn missing_forward(m: &Module) -> Error {
    Error::new(
        ExcType::NotImplementedError,
        "nn::missing_forward",
        format!("Module [{}] is missing the required \"forward\" function", m.class_name()),
    )
}

/// `ModuleList.__repr__`: runs of equal child reprs in a row print once, as
/// `(start-end): n x repr`; no extra_repr.
fn module_list_repr(class_name: &str, children: &[(String, String)]) -> String {
    if children.is_empty() {
        return format!("{class_name}()");
    }
    // (first index, last index, repr) of each run.
    let mut runs: Vec<(usize, usize, &str)> = Vec::new();
    for (i, (_, r)) in children.iter().enumerate() {
        match runs.last_mut() {
            Some((_, end, last)) if *last == r.as_str() => *end = i,
            _ => runs.push((i, i, r)),
        }
    }
    let lines: Vec<String> = runs
        .iter()
        .map(|&(start, end, r)| {
            let line = if start == end { format!("({start}): {r}") } else { format!("({start}-{end}): {} x {r}", end - start + 1) };
            line.replace('\n', "\n  ")
        })
        .collect();
    format!("{class_name}(\n  {}\n)", lines.join("\n  "))
}

/// Adds a hook under a new handle id, first (`prepend`) or last; returns the id.
fn add_hook<H>(hooks: &mut Vec<(u64, H)>, hook: H, prepend: bool) -> u64 {
    let id = crate::tensor::next_object_id();
    hooks.insert(if prepend { 0 } else { hooks.len() }, (id, hook));
    id
}
