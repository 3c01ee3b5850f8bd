//! `torch.nn.utils.parametrizations.weight_norm` / `spectral_norm` / `orthogonal` and
//! `torch.nn.utils.parametrize.cached()` (a context manager: `with parametrize.cached(): ...`
//! computes each parametrized tensor once inside the block), as Python calls them.
use indexmap::IndexMap;
use std::cell::RefCell;
use std::rc::Rc;

use super::args::Args;
use super::modules::Registry;
use crate::error::{Error, Result};
use crate::nn::Module;
use crate::object::{Class, Object};
use crate::value::{Function, FunctionKind, Kwargs, Value};

fn module_arg(a: &Args, fname: &str) -> Result<Module> {
    match a.value("module") {
        Value::Module(m) => Ok(m),
        other => Err(Error::attribute("eval::no_attribute", format!("'{}' object has no attribute '{}'", other.type_name(), if fname == "weight_norm" { "_parameters" } else { "weight" }))),
    }
}

fn opt_int(a: &Args, name: &str) -> Result<Option<i64>> {
    match a.get(name) {
        None | Some(Value::None) => Ok(None),
        Some(_) => a.int(name, 0).map(Some),
    }
}

fn weight_norm() -> Value {
    Function::new("weight_norm", FunctionKind::Builtin, |pos, kw| {
        let a = Args::bind("weight_norm", &["module", "name", "dim"], 1, pos, kw)?;
        let m = module_arg(&a, "weight_norm")?;
        let dim = match a.get("dim") {
            None => Some(0),
            Some(_) => opt_int(&a, "dim")?,
        };
        crate::nn::parametrizations::weight_norm(&m, &a.string("name", "weight")?, dim)?;
        Ok(Value::Module(m))
    })
}

fn spectral_norm() -> Value {
    Function::new("spectral_norm", FunctionKind::Builtin, |pos, kw| {
        let a = Args::bind("spectral_norm", &["module", "name", "n_power_iterations", "eps", "dim"], 1, pos, kw)?;
        let m = module_arg(&a, "spectral_norm")?;
        crate::nn::parametrizations::spectral_norm(&m, &a.string("name", "weight")?, a.int("n_power_iterations", 1)?, a.float("eps", 1e-12)?, opt_int(&a, "dim")?)?;
        Ok(Value::Module(m))
    })
}

fn orthogonal() -> Value {
    Function::new("orthogonal", FunctionKind::Builtin, |pos, kw| {
        let (pos_kw, kwonly): (Kwargs, Kwargs) = kw.iter().cloned().partition(|(k, _)| k != "use_trivialization");
        let a = Args::bind("orthogonal", &["module", "name", "orthogonal_map"], 1, pos, &pos_kw)?;
        let m = match a.value("module") {
            Value::Module(m) => m,
            other => return Err(Error::attribute("eval::no_attribute", format!("'{}' object has no attribute 'weight'", other.type_name()))),
        };
        let map = match a.get("orthogonal_map") {
            None | Some(Value::None) => None,
            Some(_) => Some(a.string("orthogonal_map", "")?),
        };
        let trivial = match kwonly.first() {
            Some((_, v)) => super::ops::truthy(v)?,
            None => true,
        };
        crate::nn::parametrizations::orthogonal(&m, &a.string("name", "weight")?, map.as_deref(), trivial)?;
        Ok(Value::Module(m))
    })
}

thread_local! {
    static CACHED_CLASS: RefCell<Option<Rc<Class>>> = const { RefCell::new(None) };
}

fn method(name: &str, f: impl Fn() + 'static) -> Value {
    Function::new(name, FunctionKind::User, move |_pos, _kw| {
        f();
        Ok(Value::None)
    })
}

/// `contextlib._GeneratorContextManager`, the object `cached()` returns.
fn cached_class() -> Rc<Class> {
    CACHED_CLASS.with(|c| {
        if let Some(k) = c.borrow().as_ref() {
            return k.clone();
        }
        let mut dict = IndexMap::new();
        dict.insert("__enter__".into(), method("_GeneratorContextManager.__enter__", crate::nn::parametrize::enter_cached));
        dict.insert("__exit__".into(), method("_GeneratorContextManager.__exit__", crate::nn::parametrize::exit_cached));
        let class = Class::library("_GeneratorContextManager", "contextlib", dict);
        *c.borrow_mut() = Some(class.clone());
        class
    })
}

fn cached() -> Value {
    Function::new("cached", FunctionKind::Builtin, |pos, kw| {
        Args::bind("cached", &[], 0, pos, kw)?;
        Ok(Value::Object(Rc::new(Object::new(cached_class()))))
    })
}

/// Adds the functions to `torch.nn.utils.parametrizations` and `torch.nn.utils.parametrize`.
pub fn add(reg: &Registry) {
    if let Some(ns) = reg.get("torch.nn.utils.parametrizations") {
        ns.set("weight_norm", weight_norm());
        ns.set("spectral_norm", spectral_norm());
        ns.set("orthogonal", orthogonal());
    }
    if let Some(ns) = reg.get("torch.nn.utils.parametrize") {
        ns.set("cached", cached());
    }
}
