//! Writes the version counter does not count. libtorch's `batch_norm` updates `running_mean` and
//! `running_var` in place without bumping their `_version` (in PyTorch too), so a call's record
//! cannot find them by versions. fcall's own layers know when they make such a write and report
//! it here, just before making it; every functional call in progress (the innermost and the
//! ones around it) keeps the tensor written and, for a small one, a copy of its value before.
//! Outside a functional call a report costs one thread-local read. `_version` stays PyTorch's.
//!
//! Other writes escape the counter too: through `t.data` (its own version counter, in PyTorch as
//! here: `self.w.data.mul_(0.9)`, momentum encoders), or through a tensor on the same memory
//! that has another counter. A call that is shown ([`compare_by_value`]) therefore also copies,
//! before forward, each tensor it can touch where that is cheap (at most [`CHEAP_NUMEL`]
//! elements each, [`CHEAP_TOTAL`] in all, plain storage only) and compares it after forward when
//! its version did not move: a difference is a write the counter missed ([`BY_VALUE`]).
use std::cell::{Cell, RefCell};
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
    super::order::about_to_write(t);
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
                copy_of(t)
            })
            .clone();
        log.borrow_mut().push(UnversionedWrite { tensor: t.clone(), by, before });
    }
}

/// Who wrote, for a change found by comparing values.
pub const BY_VALUE: &str = "a write the version counter missed";

/// The event text for a write without a version bump.
pub fn describe(by: &str) -> String {
    if by == BY_VALUE {
        "changed in place without a version bump (found by comparing values)".to_string()
    } else {
        format!("written in place by {by} (no version bump)")
    }
}

/// A tensor with at most this many elements is compared by value (a bias, a norm's weight,
/// running statistics, a step counter); larger ones only by version.
pub const CHEAP_NUMEL: usize = 4096;
/// At most this many elements are copied for one call (16 MiB of float32).
pub const CHEAP_TOTAL: usize = 1 << 22;

thread_local! {
    static BY_VALUE_ON: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` with the outermost functional call in it comparing small tensors by value (a call
/// that is shown: its table must not miss a change).
pub fn compare_by_value<R>(f: impl FnOnce() -> R) -> R {
    let was = BY_VALUE_ON.with(|c| c.replace(true));
    let out = f();
    BY_VALUE_ON.with(|c| c.set(was));
    out
}

/// Whether the call starting now compares values (asked once, by the outermost call).
pub(crate) fn by_value_requested() -> bool {
    BY_VALUE_ON.with(|c| c.get())
}

/// Copies taken before forward, for finding the writes the version counter missed.
#[derive(Default)]
pub(crate) struct ValueCheck {
    /// Each tensor, its version before forward and a detached copy of its value.
    kept: Vec<(TensorRef, i64, TensorRef)>,
}

impl ValueCheck {
    /// Copies the cheap ones among `tensors` (each object once).
    pub(crate) fn take<'a>(tensors: impl IntoIterator<Item = &'a TensorRef>) -> ValueCheck {
        let mut out = ValueCheck::default();
        let mut total = 0usize;
        let mut seen = std::collections::HashSet::new();
        let _guard = tch::no_grad_guard();
        for t in tensors {
            let n = t.numel();
            if n > CHEAP_NUMEL || total + n > CHEAP_TOTAL || !seen.insert(t.id()) || crate::tensor::shim::data_ptr(t.tensor()).is_none() {
                continue;
            }
            if let Some(c) = copy_of(t) {
                total += n;
                out.kept.push((t.clone(), t.version(), c));
            }
        }
        out
    }

    /// The tensors whose value changed while their version did not, and that no report in
    /// `known` reached already.
    pub(crate) fn found(&self, known: &Writes) -> Vec<UnversionedWrite> {
        let _guard = tch::no_grad_guard();
        self.kept
            .iter()
            .filter(|(t, v, before)| t.version() == *v && known.reaching(t).is_none() && differs(t, before))
            .map(|(t, _, before)| UnversionedWrite { tensor: t.clone(), by: BY_VALUE, before: Some(before.clone()) })
            .collect()
    }
}

fn copy_of(t: &TensorRef) -> Option<TensorRef> {
    let d = t.tensor().f_detach().ok()?;
    d.f_clone(&d.f_empty_like().ok()?).ok().map(TensorRef::new)
}

/// Not the same values: `torch.equal` first (NaN is unequal to itself there), then bytes.
fn differs(t: &TensorRef, before: &TensorRef) -> bool {
    let (a, b) = (t.tensor(), before.tensor());
    if a.size() != b.size() || a.kind() != b.kind() {
        return true;
    }
    if a.f_equal(b).unwrap_or(false) {
        return false;
    }
    let bytes = |x: &tch::Tensor| -> Option<Vec<u8>> {
        let x = x.f_contiguous().ok()?.f_to_device(tch::Device::Cpu).ok()?;
        let n = x.numel() * x.kind().elt_size_in_bytes();
        let mut v = vec![0u8; n];
        x.f_copy_data_u8(&mut v, x.numel()).ok()?;
        Some(v)
    };
    match (bytes(a), bytes(b)) {
        (Some(x), Some(y)) => x != y,
        _ => true,
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
