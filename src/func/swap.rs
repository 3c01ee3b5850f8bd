//! Stage 3c and 3e: `NamedMemberAccessor.swap_tensor(s_dict)` with PyTorch's exact per-key order
//! of checks (submodule path, value type, empty name, slot dispatch, existing attribute type),
//! its forward-order rollback, and the RAII guard that swaps the originals back in `Drop`, so a
//! failing (or panicking) forward still leaves the module as it was.
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use super::record::{SlotValue, SwapSlot};
use crate::error::{Error, ExcType, Result};
use crate::nn::module::bump_structure;
use crate::nn::Module;
use crate::value::Value;

thread_local! {
    static SWAP_DEPTH: Cell<u32> = const { Cell::new(0) };
}

/// How many functional calls are between swap-in and restore right now (nested calls inside a
/// forward see swapped slots, so they must not trust structure caches built outside).
pub(crate) fn swap_depth() -> u32 {
    SWAP_DEPTH.with(|d| d.get())
}

pub(crate) struct DepthGuard;

impl DepthGuard {
    pub(crate) fn enter() -> DepthGuard {
        SWAP_DEPTH.with(|d| d.set(d.get() + 1));
        DepthGuard
    }
}

impl Drop for DepthGuard {
    fn drop(&mut self) {
        SWAP_DEPTH.with(|d| d.set(d.get() - 1));
    }
}

/// `NamedMemberAccessor`: resolves dotted paths with a per-call memo of submodules.
pub(super) struct Accessor {
    root: Module,
    memo: RefCell<HashMap<String, Module>>,
}

/// One swapped key: its name, the submodule and attribute it resolved to, what was there before.
pub(super) struct Swapped {
    pub name: Rc<str>,
    pub owner: Module,
    pub attr: Rc<str>,
    pub old: SlotValue,
    pub slot: SwapSlot,
}

impl Accessor {
    pub(super) fn new(root: &Module) -> Accessor {
        Accessor { root: root.clone(), memo: RefCell::new(HashMap::new()) }
    }

    /// `get_submodule(name)`: one `getattr` per segment, errors naming the failing segment.
    pub(super) fn get_submodule(&self, name: &str) -> Result<Module> {
        if name.is_empty() {
            return Ok(self.root.clone());
        }
        if let Some(m) = self.memo.borrow().get(name) {
            return Ok(m.clone());
        }
        let (prefix, attr) = match name.rfind('.') {
            Some(i) => (&name[..i], &name[i + 1..]),
            None => ("", name),
        };
        let parent = if name.contains('.') { self.get_submodule(prefix)? } else { self.root.clone() };
        let sub = match parent.getattr(attr) {
            Ok(v) => v,
            Err(e) if e.exc == ExcType::AttributeError => {
                return Err(Error::attribute("call::no_submodule", format!("{} has no attribute `{attr}`", parent.class_name()))
                    .with_hint("a key is a dotted path of submodule names ending in a tensor name, relative to the module called"))
            }
            Err(e) => return Err(e),
        };
        let Value::Module(m) = sub else {
            return Err(Error::type_error(
                "call::not_a_submodule",
                format!("submodule `{name}`: {} is not an instance of torch.nn.Module", sub.py_str()),
            )
            .with_hint("only the last segment of a key may name a tensor"));
        };
        self.memo.borrow_mut().insert(name.to_string(), m.clone());
        Ok(m)
    }

    /// `swap_tensor(name, value, allow_missing=True)`.
    pub(super) fn swap_tensor(&self, name: &Rc<str>, value: &SlotValue) -> Result<Swapped> {
        let (prefix, attr) = match name.rfind('.') {
            Some(i) => (&name[..i], &name[i + 1..]),
            None => ("", &name[..]),
        };
        let owner = self.get_submodule(prefix)?;
        let (old, slot) = swap_tensor(&owner, attr, value)?;
        Ok(Swapped { name: name.clone(), owner, attr: Rc::from(attr), old, slot })
    }

    /// `swap_tensors_dict(items, allow_missing=True)`: on a failure, keys already swapped are
    /// swapped back in the same (forward) order and the error propagates.
    pub(super) fn swap_tensors_dict(&self, items: &[(Rc<str>, SlotValue)]) -> Result<Vec<Swapped>> {
        let mut done: Vec<Swapped> = Vec::with_capacity(items.len());
        for (name, value) in items {
            match self.swap_tensor(name, value) {
                Ok(s) => done.push(s),
                Err(e) => {
                    for s in &done {
                        let _ = swap_tensor(&s.owner, &s.attr, &s.old);
                    }
                    return Err(e);
                }
            }
        }
        Ok(done)
    }
}

/// The module-level `swap_tensor(module, name, tensor, allow_missing=True)`.
pub(super) fn swap_tensor(m: &Module, attr: &str, value: &SlotValue) -> Result<(SlotValue, SwapSlot)> {
    if let SlotValue::Value(v) = value {
        if !matches!(v, Value::Tensor(_) | Value::None) {
            return Err(Error::type_error("call::not_a_tensor", format!("{} is not an instance of torch.Tensor", v.py_str()))
                .with_hint("dict values must be tensors (or none)"));
        }
    }
    if attr.contains('.') {
        return Err(Error::key("call::dotted_tensor_name", "tensor name can't contain \".\""));
    }
    if attr.is_empty() {
        return Err(Error::key("call::empty_tensor_name", "tensor name can't be empty string \"\"")
            .with_hint("a key may not be empty or end with a dot"));
    }
    {
        let mut guard = m.data_mut();
        let d = &mut *guard;
        let found = if d.parameters.contains_key(attr) {
            Some((SwapSlot::Parameter, &mut d.parameters))
        } else if d.buffers.contains_key(attr) {
            Some((SwapSlot::Buffer, &mut d.buffers))
        } else {
            None
        };
        if let Some((kind, reg)) = found {
            let slot = reg.get_mut(attr).expect("checked above");
            let old = SlotValue::Value(slot.clone().map(Value::Tensor).unwrap_or(Value::None));
            match value {
                SlotValue::Value(v) => *slot = v.as_tensor().cloned(),
                SlotValue::Missing => {
                    reg.shift_remove(attr);
                    drop(guard);
                    bump_structure();
                }
            }
            return Ok((old, kind));
        }
    }
    let old = match m.getattr(attr) {
        Ok(v) => SlotValue::Value(v),
        Err(e) if e.exc == ExcType::AttributeError => SlotValue::Missing,
        Err(e) => return Err(e),
    };
    if let SlotValue::Value(o) = &old {
        if !matches!(o, Value::Tensor(_) | Value::None) {
            return Err(Error::type_error(
                "call::attribute_not_tensor",
                format!("attribute `{attr}`: {} is not an instance of torch.Tensor", o.py_str()),
            )
            .with_hint("the key names an attribute that is not a tensor"));
        }
    }
    match value {
        SlotValue::Value(v) => m.setattr(attr, v.clone())?,
        SlotValue::Missing => {
            if m.hasattr(attr) {
                m.delattr(attr)?;
            }
        }
    }
    let slot = if matches!(old, SlotValue::Missing) { SwapSlot::NewAttribute } else { SwapSlot::Attribute };
    Ok((old, slot))
}

/// Swaps the originals back when dropped (stage 3e), unless [`RestoreGuard::restore`] ran.
pub(super) struct RestoreGuard<'a> {
    accessor: &'a Accessor,
    orig: Vec<(Rc<str>, SlotValue)>,
    armed: bool,
}

impl<'a> RestoreGuard<'a> {
    pub(super) fn new(accessor: &'a Accessor, swapped: &[Swapped]) -> RestoreGuard<'a> {
        let orig = swapped.iter().map(|s| (s.name.clone(), s.old.clone())).collect();
        RestoreGuard { accessor, orig, armed: true }
    }

    /// `swap_tensors_dict(orig)`: returns what each slot held at the end of forward.
    pub(super) fn restore(mut self) -> Result<Vec<Swapped>> {
        self.armed = false;
        self.accessor.swap_tensors_dict(&self.orig)
    }
}

impl Drop for RestoreGuard<'_> {
    fn drop(&mut self) {
        if self.armed {
            let _ = self.accessor.swap_tensors_dict(&self.orig);
        }
    }
}
