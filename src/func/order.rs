//! The order of forward's events: when, during a shown call's forward, each swapped name was
//! first written in place or rebound, so `explain` and the stepper show them as they happened
//! rather than in the module's order of names.
//!
//! A write is not announced (libtorch bumps a version counter; `self.foo = ...` sets a slot),
//! so the call looks at its swapped names at points that come between events: after each
//! statement forward runs, just before and after each module attribute assignment, and when a
//! layer reports a write the counter misses ([`super::watch::unversioned_write`]). A name whose
//! tensor's version moved, or whose slot holds another object, since the last look gets the next
//! number. Two events in one statement with no assignment between them share a number (the
//! record's order then decides). Only the outermost shown call looks, and only while no nested
//! call has its own tensors swapped in; outside a call a look costs one thread-local read.
use std::cell::{Cell, RefCell};
use std::rc::Rc;

use super::record::SlotValue;
use crate::nn::Module;
use crate::tensor::TensorRef;
use crate::value::Value;

/// One swapped name being looked at.
struct Watched {
    owner: Module,
    attr: Rc<str>,
    /// The tensor swapped in and its version then.
    tensor: Option<(TensorRef, i64)>,
    new: SlotValue,
    /// The look at which its first event was seen.
    first: Option<u64>,
}

struct Looks {
    names: Vec<Watched>,
    /// The swap depth of the call that looks (nested calls' swaps are not events of it).
    depth: u32,
    clock: u64,
}

thread_local! {
    static ON: Cell<bool> = const { Cell::new(false) };
    static LOOKS: RefCell<Option<Looks>> = const { RefCell::new(None) };
}

/// Looks at the swapped names now (a no-op outside a shown call's forward).
#[inline]
pub fn tick() {
    if ON.with(|o| o.get()) {
        look();
    }
}

/// The next look, if a call is looking at this depth: `mark` gets its number and the names not
/// yet seen.
fn next_look(mark: impl FnOnce(u64, &mut [Watched])) {
    LOOKS.with(|l| {
        let mut l = l.borrow_mut();
        let Some(l) = l.as_mut() else { return };
        if super::swap::swap_depth() != l.depth {
            return;
        }
        l.clock += 1;
        mark(l.clock, &mut l.names);
    });
}

fn look() {
    next_look(|now, names| {
        for w in names.iter_mut().filter(|w| w.first.is_none()) {
            let written = w.tensor.as_ref().is_some_and(|(t, v)| t.version() != *v);
            if written || rebound(w) {
                w.first = Some(now);
            }
        }
    });
}

/// Whether the slot holds another object than the one swapped in (a slot that cannot be read
/// plainly, such as a property, is left to the record's check at the end of forward).
fn rebound(w: &Watched) -> bool {
    let d = w.owner.data();
    let attr = &*w.attr;
    let now = match d.parameters.get(attr).or_else(|| d.buffers.get(attr)) {
        Some(slot) => SlotValue::Value(slot.clone().map(Value::Tensor).unwrap_or(Value::None)),
        None => match d.attrs.get(attr) {
            Some(v) => SlotValue::Value(v.clone()),
            None if d.properties.contains_key(attr) || d.modules.contains_key(attr) => return false,
            None => SlotValue::Missing,
        },
    };
    !now.is(&w.new)
}

/// Looks while it lives: started just before forward, [`Order::finish`]ed just after.
pub(crate) struct Order {
    active: bool,
}

impl Order {
    /// Starts looking at `names` (owner, attribute, what was swapped in), unless a call is looking
    /// already or `on` is false.
    pub(crate) fn start(on: bool, names: impl Iterator<Item = (Module, Rc<str>, SlotValue)>) -> Order {
        if !on || ON.with(|o| o.get()) {
            return Order { active: false };
        }
        let names = names
            .map(|(owner, attr, new)| {
                let tensor = new.tensor().map(|t| (t.clone(), t.version()));
                Watched { owner, attr, tensor, new, first: None }
            })
            .collect();
        LOOKS.with(|l| *l.borrow_mut() = Some(Looks { names, depth: super::swap::swap_depth(), clock: 0 }));
        ON.with(|o| o.set(true));
        Order { active: true }
    }

    /// A last look, then stops: per name (in the order given), the number of the look that first
    /// saw an event; None where none was seen (or nothing looked).
    pub(crate) fn finish(mut self) -> Vec<Option<u64>> {
        if !self.active {
            return Vec::new();
        }
        look();
        self.active = false;
        ON.with(|o| o.set(false));
        LOOKS.with(|l| l.borrow_mut().take()).map(|l| l.names.into_iter().map(|w| w.first).collect()).unwrap_or_default()
    }
}

impl Drop for Order {
    fn drop(&mut self) {
        if self.active {
            ON.with(|o| o.set(false));
            LOOKS.with(|l| l.borrow_mut().take());
        }
    }
}

/// A layer is about to write `t` without a version bump: the events before it get their look,
/// then the name holding `t` its own.
pub fn about_to_write(t: &TensorRef) {
    if !ON.with(|o| o.get()) {
        return;
    }
    look();
    next_look(|now, names| {
        for w in names.iter_mut().filter(|w| w.first.is_none() && w.tensor.as_ref().is_some_and(|(x, _)| x.is(t))) {
            w.first = Some(now);
        }
    });
}
