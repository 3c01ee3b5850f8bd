//! Writes the version counter does not count. libtorch's `batch_norm` updates `running_mean` and
//! `running_var` in place without bumping their `_version` (in PyTorch too), so a call's record
//! cannot find them by versions. fcall's own layers know when they make such a write and report
//! it here, just before making it; every functional call in progress (the innermost and the
//! ones around it) keeps the tensor written and, for a small one, a copy of its value before.
//! Outside a functional call a report costs one thread-local read. `_version` stays PyTorch's.
use std::cell::RefCell;
use std::rc::Rc;

use crate::tensor::TensorRef;

/// Tensors with at most this many elements are copied before the write (running statistics are
/// one number per channel); a larger one's value before is not kept.
pub const KEEP_MAX: usize = 4096;

/// One write the version counter missed.
#[derive(Clone)]
pub struct UnversionedWrite {
    pub tensor: TensorRef,
    /// Who wrote: "BatchNorm's running statistics update".
    pub by: &'static str,
    /// A detached copy of the value just before the first such write in this call.
    pub before: Option<TensorRef>,
}

impl UnversionedWrite {
    /// The written bytes, `[start, end)`, for finding other tensors on the same memory
    /// (`detach()`ed views of the module's buffers).
    fn range(&self) -> (usize, usize) {
        byte_range(&self.tensor)
    }
}

/// The bytes a tensor's elements span; empty (never overlapping) where it has no plain storage.
fn byte_range(t: &TensorRef) -> (usize, usize) {
    match crate::tensor::shim::data_ptr(t.tensor()) {
        Some(start) => (start, start + t.numel() * t.kind().elt_size_in_bytes()),
        None => (0, 0),
    }
}

type Log = Rc<RefCell<Vec<UnversionedWrite>>>;

thread_local! {
    static WATCHES: RefCell<Vec<Log>> = const { RefCell::new(Vec::new()) };
}

/// Reports that `t` is about to be written without a version bump. No-op outside a call.
pub fn unversioned_write(t: &TensorRef, by: &'static str) {
    let logs: Vec<Log> = WATCHES.with(|w| w.borrow().clone());
    if logs.is_empty() {
        return;
    }
    let mut copy: Option<Option<TensorRef>> = None;
    for log in logs {
        if log.borrow().iter().any(|w| w.tensor.is(t)) {
            continue;
        }
        let before = copy
            .get_or_insert_with(|| {
                if t.numel() > KEEP_MAX {
                    return None;
                }
                let _guard = tch::no_grad_guard();
                let d = t.tensor().f_detach().ok()?;
                d.f_clone(&d.f_empty_like().ok()?).ok().map(TensorRef::new)
            })
            .clone();
        log.borrow_mut().push(UnversionedWrite { tensor: t.clone(), by, before });
    }
}

/// The writes seen while it lives (one per functional call's forward).
pub(crate) struct Watch {
    log: Log,
}

impl Watch {
    pub(crate) fn start() -> Watch {
        let log: Log = Rc::default();
        WATCHES.with(|w| w.borrow_mut().push(log.clone()));
        Watch { log }
    }
    /// Stops watching; the writes seen.
    pub(crate) fn finish(self) -> Writes {
        Writes(self.log.borrow().clone())
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        WATCHES.with(|w| {
            let mut w = w.borrow_mut();
            if let Some(i) = w.iter().rposition(|l| Rc::ptr_eq(l, &self.log)) {
                w.remove(i);
            }
        });
    }
}

/// The unversioned writes of one forward.
#[derive(Clone, Default)]
pub struct Writes(pub Vec<UnversionedWrite>);

impl Writes {
    /// The write that reached `t`: to the object itself or to memory it shares.
    pub fn reaching(&self, t: &TensorRef) -> Option<&UnversionedWrite> {
        if self.0.is_empty() {
            return None;
        }
        if let Some(w) = self.0.iter().find(|w| w.tensor.is(t)) {
            return Some(w);
        }
        let (a0, a1) = byte_range(t);
        self.0.iter().find(|w| {
            let (b0, b1) = w.range();
            a0 < b1 && b0 < a1
        })
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
