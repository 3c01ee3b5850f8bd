//! Variable scopes: the session's globals and one frame per function call, chained lexically
//! (a name is looked up in the frame, then its parents; assignment binds in the current frame,
//! as Python's locals do).
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use crate::value::Value;

pub struct Frame {
    vars: RefCell<HashMap<String, Value>>,
    parent: Option<Rc<Frame>>,
}

impl Frame {
    pub fn root() -> Rc<Frame> {
        Rc::new(Frame { vars: RefCell::new(HashMap::new()), parent: None })
    }
    pub fn child(parent: &Rc<Frame>) -> Rc<Frame> {
        Rc::new(Frame { vars: RefCell::new(HashMap::new()), parent: Some(parent.clone()) })
    }
    pub fn get(&self, name: &str) -> Option<Value> {
        if let Some(v) = self.vars.borrow().get(name) {
            return Some(v.clone());
        }
        self.parent.as_ref().and_then(|p| p.get(name))
    }
    pub fn set(&self, name: &str, v: Value) {
        self.vars.borrow_mut().insert(name.to_string(), v);
    }
    /// The enclosing scope (None for the session's globals).
    pub fn parent(&self) -> Option<&Rc<Frame>> {
        self.parent.as_ref()
    }
    pub fn remove(&self, name: &str) -> Option<Value> {
        self.vars.borrow_mut().remove(name)
    }
    /// The bindings of this frame (not its parents).
    pub fn snapshot(&self) -> HashMap<String, Value> {
        self.vars.borrow().clone()
    }
    pub fn restore(&self, vars: HashMap<String, Value>) {
        *self.vars.borrow_mut() = vars;
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
