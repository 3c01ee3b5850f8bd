//! `import` and `from ... import ...` on the modules fcall provides (`modules.rs`), with
//! CPython 3.11's errors (`ModuleNotFoundError: No module named 'numpy'`, `ImportError: cannot
//! import name 'x' from 'torch' (unknown location)`) plus a hint naming what fcall has;
//! attribute reads on a module object (`module 'torch' has no attribute 'foo'`, with 3.11's
//! "Did you mean"); the session's prelude; NameError's suggestion.
use std::rc::Rc;

use fcall_lang::ast::Alias;

use super::eval::{Ctx, Shared};
use super::frame::Frame;
use super::modules::{self, PRELUDE};
use super::suggest;
use crate::error::{Error, ExcType, Result};
use crate::value::{Namespace, Value};

/// The modules a user can import, for hints.
fn provided(sh: &Shared) -> String {
    let reg = sh.modules.borrow();
    let names: Vec<&str> = reg.keys().map(String::as_str).filter(|n| *n != "safetensors").collect();
    names.join(", ")
}

fn not_found(sh: &Shared, name: &str, not_package: Option<&str>) -> Error {
    let message = match not_package {
        Some(parent) => format!("No module named '{name}'; '{parent}' is not a package"),
        None => format!("No module named '{name}'"),
    };
    Error::new(ExcType::ModuleNotFoundError, "import::not_found", message).with_hint(format!("fcall provides the modules {}", provided(sh)))
}

/// The module object of `dotted` (importlib.import_module): every package on the way is
/// imported too, and each submodule becomes an attribute of its parent, as in CPython.
pub fn import_module(sh: &Shared, dotted: &str) -> Result<Value> {
    if dotted.starts_with('.') {
        return Err(Error::new(ExcType::ImportError, "import::relative", "attempted relative import with no known parent package")
            .with_hint("fcall runs one file: import torch's modules by their absolute names"));
    }
    let mut path = String::new();
    let mut parent: Option<Rc<Namespace>> = None;
    for part in dotted.split('.') {
        if let Some(p) = &parent {
            if !p.package {
                return Err(not_found(sh, dotted, Some(&p.name)));
            }
            path.push('.');
        }
        path.push_str(part);
        let Some(ns) = sh.modules.borrow().get(&path).cloned() else {
            return Err(not_found(sh, &path, None));
        };
        if let Some(p) = &parent {
            p.set(part, Value::Namespace(ns.clone()));
        }
        if path == "inspect" {
            super::inspect::on_import(&ns);
        }
        parent = Some(ns);
    }
    parent.map(Value::Namespace).ok_or_else(|| not_found(sh, dotted, None))
}

/// `import dotted` binds the top-level package (`import torch.nn.functional` binds `torch`);
/// `import dotted as name` binds the module itself. Returns (the name bound without `as`, value).
pub fn import(sh: &Shared, dotted: &str, has_as: bool) -> Result<(String, Value)> {
    let leaf = import_module(sh, dotted)?;
    let top = dotted.split('.').next().unwrap_or(dotted).to_string();
    if has_as {
        return Ok((top, leaf));
    }
    let root = sh.modules.borrow().get(&top).cloned().map(Value::Namespace).unwrap_or(leaf);
    Ok((top, root))
}

/// `from module import name`: the attribute, or else a submodule of that name.
pub fn import_from(sh: &Shared, module: &str, name: &str) -> Result<Value> {
    let Value::Namespace(ns) = import_module(sh, module)? else {
        unreachable!("import_module returns modules")
    };
    if let Some(v) = ns.get(name) {
        return Ok(v);
    }
    let sub = format!("{module}.{name}");
    if sh.modules.borrow().contains_key(&sub) {
        return import_module(sh, &sub);
    }
    let mut e = Error::new(ExcType::ImportError, "import::cannot_import", format!("cannot import name '{name}' from '{module}' (unknown location)"));
    e = match suggest::suggestion(name, ns.dir().iter().map(String::as_str)) {
        Some(s) => e.with_hint(format!("did you mean '{s}'? (fcall's {module} has part of PyTorch's names)")),
        None => e.with_hint(format!("fcall's {module} has no '{name}'; `help builtins` lists what fcall provides")),
    };
    Err(e)
}

/// `from module import *`: the public names, in order.
pub fn import_star(sh: &Shared, module: &str) -> Result<Vec<(String, Value)>> {
    let Value::Namespace(ns) = import_module(sh, module)? else {
        unreachable!("import_module returns modules")
    };
    let items = ns.attrs.borrow().iter().filter(|(k, _)| !k.starts_with('_')).map(|(k, v)| (k.clone(), v.clone())).collect();
    Ok(items)
}

/// `module.name`.
pub fn module_attr(ns: &Namespace, name: &str) -> Result<Value> {
    if let Some(v) = ns.get(name) {
        return Ok(v);
    }
    let e = Error::attribute("eval::no_attribute", format!("module '{}' has no attribute '{name}'", ns.name));
    let dir = ns.dir();
    let close = if ns.suggests { suggest::suggestion(name, dir.iter().map(String::as_str)) } else { suggest::closest(name, dir.iter().map(String::as_str)) };
    Err(match close {
        // CPython 3.11 shows it after the message (not for `torch`: too many names to compare).
        Some(s) if ns.suggests => e.with_suggestion(Some(s)),
        Some(s) => e.with_hint(format!("did you mean {}.{s}?", ns.name)),
        None => e.with_hint(format!("fcall's {} has part of PyTorch's names; `help builtins` lists them", ns.name)),
    })
}

/// Makes the session's modules and binds the prelude's names in the workspace: the state after
/// `import math, torch`, `import torch.nn as nn`, `import torch.nn.functional as F`,
/// `from torch.func import functional_call, grad, grad_and_value, vmap, stack_module_state`.
pub fn start(sh: &Shared) {
    *sh.modules.borrow_mut() = modules::build(&sh.builtins.borrow());
    for (name, module, attr) in PRELUDE {
        let v = match attr {
            Some(a) => import_from(sh, module, a),
            None => import_module(sh, module),
        };
        if let Ok(v) = v {
            sh.globals.set(name, v);
        }
    }
}

impl Ctx {
    /// `import a.b.c, torch.nn as nn`: binds `a` (the top package) or the `as` name.
    pub fn exec_import(&self, aliases: &[Alias], frame: &Rc<Frame>) -> Result<()> {
        for a in aliases {
            let (top, v) = import(&self.sh, &a.name, a.asname.is_some()).map_err(|e| e.at(self.loc(a.span)))?;
            frame.set(a.asname.as_ref().map_or(&top, |n| &n.name), v);
        }
        Ok(())
    }

    /// `from module import a, b as c` / `from module import *`.
    pub fn exec_import_from(&self, module: &str, names: &[Alias], frame: &Rc<Frame>) -> Result<()> {
        for a in names {
            if a.name == "*" {
                for (k, v) in import_star(&self.sh, module).map_err(|e| e.at(self.loc(a.span)))? {
                    frame.set(&k, v);
                }
                continue;
            }
            let v = import_from(&self.sh, module, &a.name).map_err(|e| e.at(self.loc(a.span)))?;
            frame.set(a.asname.as_ref().map_or(&a.name, |n| &n.name), v);
        }
        Ok(())
    }

    /// NameError for `n`, with CPython 3.11's "Did you mean" from the scopes `frame` sees.
    pub fn name_error(&self, n: &str, frame: &Rc<Frame>) -> Error {
        let mut scopes: Vec<Vec<String>> = Vec::new();
        let mut f = Some(frame.clone());
        while let Some(cur) = f {
            scopes.push(cur.names());
            f = cur.parent().cloned();
        }
        let mut builtins: Vec<String> = self.sh.builtins.borrow().keys().filter(|k| super::builtins::is_python_builtin(k)).cloned().collect();
        builtins.sort();
        scopes.push(builtins);
        super::eval::name_error(n).with_suggestion(suggest::for_name(n, &scopes))
    }
}
