//! Writes the version counter does not count. libtorch's `batch_norm` updates `running_mean` and
//! `running_var` in place without bumping their `_version` (in PyTorch too), so a call's record
//! cannot find them by versions. fcall's own layers know when they make such a write and report
//! it here, just before making it; every functional call in progress (the innermost and the
//! ones around it) keeps the tensor written and, for a small one, a copy of its value before.
//! Outside a functional call a report costs one thread-local read. `_version` stays PyTorch's.
//!
//! Other writes escape the counter too: through `t.data` (its own version counter, in PyTorch as
//! here: `self.w.data.mul_(0.9)`, momentum encoders), through a tensor on the same memory that
//! has another counter (a dict's `m.w.data` swapped in), or `t.data = new` (the same object on
//! new memory, its version unchanged). Without copying the model, at any size:
//! - `t.data` made during forward is reported here ([`data_alias`]); when its version moved, it
//!   wrote its memory, and the tensors of the call on that memory whose own version did not
//!   move were written ([`BY_DATA`]); likewise a swapped-in or module tensor whose version moved
//!   and that shares memory with one whose version did not ([`BY_SHARED`]). In a shown call a
//!   `.data` of a large tensor keeps a fingerprint of its bytes (read in place, no copy), so that
//!   a write that left the values as they were (`mul_(1.0)`) is not reported, as PyTorch's values
//!   say; elsewhere such a write counts as a change.
//! - `t.data = new` is reported before it happens ([`data_replaced`]), keeping the old memory
//!   alive (a reference, not a copy): the values before, compared with the new ones.
//! - A call that is shown ([`compare_by_value`]) also copies, before forward, each tensor it can
//!   touch where that is cheap (at most [`CHEAP_NUMEL`] elements each, [`CHEAP_TOTAL`] in all,
//!   plain storage only) and compares it after forward when its version did not move: a
//!   difference is a write the counter missed ([`BY_VALUE`]), and the copy is the value before.
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

/// The bytes a tensor's elements span (from its first element to its last, by its strides);
/// empty (never overlapping) where it has no plain storage or no element.
fn byte_range(t: &TensorRef) -> (usize, usize) {
    let x = t.tensor();
    match crate::tensor::shim::data_ptr(x) {
        Some(start) if t.numel() > 0 => {
            let last: i64 = x.size().iter().zip(x.stride()).map(|(n, s)| (n - 1) * s.max(0)).sum();
            (start, start + (last as usize + 1) * t.kind().elt_size_in_bytes())
        }
        _ => (0, 0),
    }
}

fn overlap(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// A fingerprint of the bytes a CPU tensor spans, read in place (no copy); None elsewhere.
fn fingerprint(t: &TensorRef) -> Option<u64> {
    if t.device().ty != crate::tensor::device::CPU {
        return None;
    }
    let (start, end) = byte_range(t);
    if end <= start {
        return None;
    }
    // SAFETY: [start, end) lies inside the tensor's storage (its first to last element), which
    // `t` keeps alive for the duration of the read; nothing writes it meanwhile (one thread).
    let bytes = unsafe { std::slice::from_raw_parts(start as *const u8, end - start) };
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        h = (h ^ u64::from_le_bytes(w.try_into().unwrap_or([0; 8]))).wrapping_mul(0x0100_0000_01b3).rotate_left(29);
    }
    for b in words.remainder() {
        h = (h ^ *b as u64).wrapping_mul(0x0100_0000_01b3);
    }
    Some(h)
}

/// A `t.data` made during forward: its own version counter at birth, and in a shown call the
/// fingerprint of a large one's bytes.
struct DataAlias {
    tensor: TensorRef,
    version: i64,
    print: Option<u64>,
}

#[derive(Default)]
struct LogData {
    writes: Vec<UnversionedWrite>,
    aliases: Vec<DataAlias>,
}

type Log = Rc<RefCell<LogData>>;

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
        if log.borrow().writes.iter().any(|w| w.tensor.is(t)) {
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
        log.borrow_mut().writes.push(UnversionedWrite { tensor: t.clone(), by, before });
    }
}

/// Reports `t.data` just made (a new tensor on `t`'s memory with a version counter of its own).
/// No-op outside a call.
pub fn data_alias(alias: &TensorRef) {
    let logs: Vec<Log> = WATCHES.with(|w| w.borrow().clone());
    if logs.is_empty() {
        return;
    }
    let print = if by_value_requested() && alias.numel() > CHEAP_NUMEL { fingerprint(alias) } else { None };
    for log in logs {
        log.borrow_mut().aliases.push(DataAlias { tensor: alias.clone(), version: alias.version(), print });
    }
}

/// Reports that `t.data = ...` is about to give `t` other memory (its version stays): the old
/// memory is kept alive by a reference as `t`'s value before. No-op outside a call.
pub fn data_replaced(t: &TensorRef) {
    let logs: Vec<Log> = WATCHES.with(|w| w.borrow().clone());
    if logs.is_empty() {
        return;
    }
    let old = t.tensor().f_data().ok().map(TensorRef::new);
    for log in logs {
        if log.borrow().writes.iter().any(|w| w.tensor.is(t)) {
            continue;
        }
        log.borrow_mut().writes.push(UnversionedWrite { tensor: t.clone(), by: BY_SET_DATA, before: old.clone() });
    }
}

/// Who wrote, for a change found by comparing values.
pub const BY_VALUE: &str = "a write the version counter missed";
/// Who wrote: a `t.data` made in forward, written in place.
pub const BY_DATA: &str = ".data";
/// Who wrote: another tensor of the call on the same memory (its own version counter moved).
pub const BY_SHARED: &str = "a tensor on the same memory";
/// Who wrote: `t.data = new` (other memory, the same object and version).
pub const BY_SET_DATA: &str = "t.data = ...";

/// The event text for a write without a version bump.
pub fn describe(by: &str) -> String {
    match by {
        BY_VALUE => "changed in place without a version bump (found by comparing values)".to_string(),
        BY_DATA => "written in place through .data (no version bump)".to_string(),
        BY_SHARED => "written in place through a tensor on the same memory (no version bump)".to_string(),
        BY_SET_DATA => "data replaced (t.data = ...; no version bump)".to_string(),
        _ => format!("written in place by {by} (no version bump)"),
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

/// Whether the call starting now compares values (asked once, by the outermost call); also
/// whether a shown call is in progress (a large `.data` keeps a fingerprint).
pub(crate) fn by_value_requested() -> bool {
    BY_VALUE_ON.with(|c| c.get())
}

/// Copies taken before forward, for finding the writes the version counter missed.
#[derive(Default)]
pub(crate) struct ValueCheck {
    /// Each tensor, its version before forward and its value then.
    kept: Vec<(TensorRef, i64, Kept)>,
}

/// A value kept before forward: the bytes of a contiguous CPU tensor, copied in Rust (no
/// libtorch call: a shown call keeps dozens of biases and norms), else a detached copy.
enum Kept {
    Bytes { bytes: Vec<u8>, shape: Vec<i64>, kind: tch::Kind },
    Copy(TensorRef),
}

/// The bytes of a contiguous CPU tensor, read in place.
fn raw_bytes(t: &TensorRef) -> Option<&[u8]> {
    if t.device().ty != crate::tensor::device::CPU || !t.tensor().is_contiguous() {
        return None;
    }
    let start = crate::tensor::shim::data_ptr(t.tensor())?;
    let n = t.numel() * t.kind().elt_size_in_bytes();
    // SAFETY: a contiguous tensor's elements are the n bytes from its data pointer, inside its
    // storage, which `t` keeps alive while the slice is used (one thread writes tensors).
    Some(unsafe { std::slice::from_raw_parts(start as *const u8, n) })
}

impl Kept {
    /// As a tensor (of the shape and dtype it had).
    fn tensor(&self) -> Option<TensorRef> {
        match self {
            Kept::Copy(c) => Some(c.clone()),
            Kept::Bytes { bytes, shape, kind } => tch::Tensor::f_from_data_size(bytes, shape, *kind).ok().map(TensorRef::new),
        }
    }
    /// Whether `t`'s values now are not these: the bytes first, then (where they differ)
    /// `torch.equal` (0.0 and -0.0 are equal values).
    fn differs(&self, t: &TensorRef) -> bool {
        match self {
            Kept::Bytes { bytes, shape, kind } if t.kind() == *kind && t.shape() == *shape && raw_bytes(t) == Some(bytes.as_slice()) => false,
            _ => self.tensor().is_none_or(|c| differs(t, &c)),
        }
    }
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
            let kept = match raw_bytes(t) {
                Some(b) => Kept::Bytes { bytes: b.to_vec(), shape: t.shape(), kind: t.kind() },
                None => match copy_of(t) {
                    Some(c) => Kept::Copy(c),
                    None => continue,
                },
            };
            total += n;
            out.kept.push((t.clone(), t.version(), kept));
        }
        out
    }

    /// The copies of the tensors forward wrote (their version moved, or a write in `writes`
    /// reached them), by object id: their values before forward, for the display. The others
    /// are dropped: their value now is their value then.
    pub(crate) fn written_copies(&self, writes: &Writes) -> std::collections::HashMap<u64, TensorRef> {
        self.kept
            .iter()
            .filter(|(t, v, _)| t.version() != *v || writes.reaching(t).is_some())
            .filter_map(|(t, _, before)| Some((t.id(), before.tensor()?)))
            .collect()
    }

    /// Whether `t` has a copy here (its writes are found by value).
    fn has(&self, t: &TensorRef) -> bool {
        self.kept.iter().any(|(k, _, _)| k.is(t))
    }

    /// The tensors whose value changed while their version did not, and that no report in
    /// `known` reached already.
    pub(crate) fn found(&self, known: &Writes) -> Vec<UnversionedWrite> {
        let _guard = tch::no_grad_guard();
        self.kept
            .iter()
            .filter(|(t, v, before)| t.version() == *v && known.reaching(t).is_none() && before.differs(t))
            .map(|(t, _, before)| UnversionedWrite { tensor: t.clone(), by: BY_VALUE, before: before.tensor() })
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
    /// Stops watching; the writes seen. `tensors` are the call's (the module's slots before the
    /// swap and the swapped-in values) with their versions before forward: one whose version did
    /// not move but whose memory a tensor with a moved counter shares (a `.data` made in forward,
    /// or another of `tensors`) was written without a bump. Where `check` has a copy of it, the
    /// comparison by value decides instead ([`ValueCheck::found`]).
    pub(crate) fn finish(self, tensors: &[(TensorRef, i64)], check: Option<&ValueCheck>) -> Writes {
        let data = std::mem::take(&mut *self.log.borrow_mut());
        let _guard = tch::no_grad_guard();
        // `t.data = ...` that left the same values (shape, dtype and elements) is no change.
        let mut writes: Vec<UnversionedWrite> = data
            .writes
            .into_iter()
            .filter(|w| w.by != BY_SET_DATA || w.before.as_ref().is_none_or(|b| differs(&w.tensor, b)))
            .collect();
        let moved_aliases: Vec<(usize, usize)> = data.aliases.iter().filter(|a| a.tensor.version() != a.version).map(|a| byte_range(&a.tensor)).collect();
        let moved: Vec<(&TensorRef, (usize, usize))> = tensors.iter().filter(|(t, v)| t.version() != *v).map(|(t, _)| (t, byte_range(t))).collect();
        if moved_aliases.is_empty() && moved.is_empty() {
            return Writes(writes);
        }
        let mut seen = std::collections::HashSet::new();
        for (t, v) in tensors {
            if t.version() != *v || !seen.insert(t.id()) || writes.iter().any(|w| w.tensor.is(t)) || check.is_some_and(|c| c.has(t)) {
                continue;
            }
            let range = byte_range(t);
            let by_data = moved_aliases.iter().any(|a| overlap(*a, range)) && {
                // The first `.data` made on exactly these bytes kept their fingerprint then (a
                // shown call, a large tensor): every write through a `.data` came after it, so
                // the bytes decide. Without one, the write counts as a change.
                let first = data.aliases.iter().find(|a| a.print.is_some() && byte_range(&a.tensor) == range);
                first.is_none_or(|a| fingerprint(&a.tensor) != a.print)
            };
            let by = if by_data {
                BY_DATA
            } else if moved.iter().any(|(m, r)| !m.is(t) && overlap(*r, range)) {
                BY_SHARED
            } else {
                continue;
            };
            writes.push(UnversionedWrite { tensor: t.clone(), by, before: None });
        }
        Writes(writes)
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
