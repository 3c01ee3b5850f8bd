//! Variable scopes: the session's globals and one frame per function call, chained lexically
//! (a name is looked up in the frame, then its parents; assignment binds in the current frame,
//! as Python's locals do).
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use crate::value::Value;

pub struct Frame {
    vars: RefCell<HashMap<String, Value>>,
    parent: Option<Rc<Frame>>,
    /// Names this scope declared `global` or `nonlocal`: reads and writes of them go there.
    decls: RefCell<HashMap<String, Decl>>,
    /// A function's local names (those its body binds): read before they are bound, they are
    /// unbound here (UnboundLocalError), never the enclosing scope's.
    locals: Option<Rc<HashSet<String>>>,
}

/// A `global` / `nonlocal` declaration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decl {
    Global,
    Nonlocal,
}

impl Frame {
    pub fn root() -> Rc<Frame> {
        Rc::new(Frame { vars: RefCell::new(HashMap::new()), parent: None, decls: RefCell::new(HashMap::new()), locals: None })
    }
    pub fn child(parent: &Rc<Frame>) -> Rc<Frame> {
        Rc::new(Frame { vars: RefCell::new(HashMap::new()), parent: Some(parent.clone()), decls: RefCell::new(HashMap::new()), locals: None })
    }
    /// A function call's scope, with the function's local names.
    pub fn function(parent: &Rc<Frame>, locals: Rc<HashSet<String>>) -> Rc<Frame> {
        Rc::new(Frame { vars: RefCell::new(HashMap::new()), parent: Some(parent.clone()), decls: RefCell::new(HashMap::new()), locals: Some(locals) })
    }
    /// Whether `name` is a local of this function scope that is not bound now.
    pub fn is_unbound_local(&self, name: &str) -> bool {
        self.locals.as_ref().is_some_and(|l| l.contains(name)) && self.decl(name).is_none() && !self.vars.borrow().contains_key(name)
    }
    pub fn get(&self, name: &str) -> Option<Value> {
        if let Some(d) = self.decl(name) {
            return self.owner(name, d).vars.borrow().get(name).cloned();
        }
        if let Some(v) = self.vars.borrow().get(name) {
            return Some(v.clone());
        }
        if self.locals.as_ref().is_some_and(|l| l.contains(name)) {
            return None;
        }
        self.parent.as_ref().and_then(|p| p.get(name))
    }
    pub fn set(&self, name: &str, v: Value) {
        match self.decl(name) {
            Some(d) => self.owner(name, d).vars.borrow_mut().insert(name.to_string(), v),
            None => self.vars.borrow_mut().insert(name.to_string(), v),
        };
    }
    /// `global name` / `nonlocal name` in this scope.
    pub fn declare(&self, name: &str, d: Decl) {
        self.decls.borrow_mut().insert(name.to_string(), d);
    }
    pub fn decl(&self, name: &str) -> Option<Decl> {
        self.decls.borrow().get(name).copied()
    }
    /// The session's globals.
    pub fn globals(&self) -> &Frame {
        let mut f = self;
        while let Some(p) = &f.parent {
            f = p;
        }
        f
    }
    /// Whether this is the session's globals.
    pub fn is_root(&self) -> bool {
        self.parent.is_none()
    }
    /// The nearest enclosing scope (not the globals) that binds `name`, for `nonlocal`.
    pub fn enclosing_binding(&self, name: &str) -> Option<&Frame> {
        let mut f = self.parent.as_deref();
        while let Some(cur) = f {
            if cur.is_root() {
                return None;
            }
            if cur.vars.borrow().contains_key(name) || cur.decl(name).is_some() {
                return Some(cur);
            }
            f = cur.parent.as_deref();
        }
        None
    }
    /// The scope a declared name lives in.
    fn owner(&self, name: &str, d: Decl) -> &Frame {
        match d {
            Decl::Global => self.globals(),
            Decl::Nonlocal => match self.enclosing_binding(name) {
                // A nonlocal name that is itself declared there: follow it.
                Some(f) if f.decl(name).is_some() && !f.vars.borrow().contains_key(name) => f.owner(name, f.decl(name).unwrap_or(Decl::Global)),
                Some(f) => f,
                None => self.parent.as_deref().unwrap_or(self),
            },
        }
    }
    /// Whether `name` is bound in this scope itself (or where its declaration points).
    pub fn has_own(&self, name: &str) -> bool {
        match self.decl(name) {
            Some(d) => self.owner(name, d).vars.borrow().contains_key(name),
            None => self.vars.borrow().contains_key(name),
        }
    }
    /// The enclosing scope (None for the session's globals).
    pub fn parent(&self) -> Option<&Rc<Frame>> {
        self.parent.as_ref()
    }
    pub fn remove(&self, name: &str) -> Option<Value> {
        match self.decl(name) {
            Some(d) => self.owner(name, d).vars.borrow_mut().remove(name),
            None => self.vars.borrow_mut().remove(name),
        }
    }
    /// The bindings of this frame (not its parents).
    pub fn snapshot(&self) -> HashMap<String, Value> {
        self.vars.borrow().clone()
    }
    pub fn names(&self) -> Vec<String> {
        let mut v: Vec<String> = self.vars.borrow().keys().cloned().collect();
        v.sort();
        v
    }
    pub fn clear(&self) {
        self.vars.borrow_mut().clear();
    }
}
