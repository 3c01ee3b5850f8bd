//! The record of one functional call, stage by stage, for the display and `explain`: the
//! inputs, the untie map, every swap, what forward did to each swapped tensor (read, in-place
//! write seen through the version counter or reported by the layer that made it, rebinding), the
//! restore, the write-back, and any permanent change to the module. No tensor of the model is
//! copied: objects are referenced, versions compared; only the value before a write the version
//! counter misses is copied, when small ([`super::watch`]).
use std::rc::Rc;

use super::watch::Writes;
use crate::error::{Error, KnownBug};
use crate::tensor::TensorRef;
use crate::value::Value;

/// The stages of `functional_call`, in PyTorch's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Stage 1: one dict or several (merge, duplicate check).
    Merge,
    /// Stage 3a: the untie map (tie_weights=True).
    Untie,
    /// Stage 3b: the strict key check.
    Strict,
    /// Stage 3c: swapping the tensors in.
    Swap,
    /// Stage 3d: the module's forward.
    Forward,
    /// Stage 3e: swapping the originals back.
    Restore,
}

impl Stage {
    pub fn name(self) -> &'static str {
        match self {
            Stage::Merge => "merge",
            Stage::Untie => "untie",
            Stage::Strict => "strict",
            Stage::Swap => "swap",
            Stage::Forward => "forward",
            Stage::Restore => "restore",
        }
    }
}

/// What a slot held: Python's `_MISSING` sentinel (no such attribute) or a value.
#[derive(Clone)]
pub enum SlotValue {
    Missing,
    Value(Value),
}

impl SlotValue {
    pub fn tensor(&self) -> Option<&TensorRef> {
        match self {
            SlotValue::Value(Value::Tensor(t)) => Some(t),
            _ => None,
        }
    }
    /// Python's `is` between two slot contents.
    pub fn is(&self, other: &SlotValue) -> bool {
        match (self, other) {
            (SlotValue::Missing, SlotValue::Missing) => true,
            (SlotValue::Value(a), SlotValue::Value(b)) => a.is(b),
            _ => false,
        }
    }
}

/// Where the slot that a key names lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SwapSlot {
    /// `name in sub._parameters`: raw registry write (no Parameter conversion).
    Parameter,
    /// `name in sub._buffers`: raw registry write (persistence untouched).
    Buffer,
    /// An existing attribute (plain tensor, None or a property): set with `setattr`.
    Attribute,
    /// No such attribute: set with `setattr` for the call, deleted afterwards.
    NewAttribute,
}

impl SwapSlot {
    pub fn name(self) -> &'static str {
        match self {
            SwapSlot::Parameter => "parameter",
            SwapSlot::Buffer => "buffer",
            SwapSlot::Attribute => "attribute",
            SwapSlot::NewAttribute => "new attribute",
        }
    }
}

/// Where a swapped-in value came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// The caller's dict number `dict` (0-based; always 0 for a single dict), key `key`.
    Dict { dict: usize, key: Rc<str> },
    /// Added by the untie map: the value given for `key`, which this name is tied to.
    TiedTo { key: Rc<str> },
}

/// One key of the untied map, swapped in (stage 3c) and what happened to it up to the restore.
#[derive(Clone)]
pub struct SwapEntry {
    pub name: Rc<str>,
    pub slot: SwapSlot,
    /// Index into `CallRecord::tie_groups`, if the module ties this name to others.
    pub tie_group: Option<usize>,
    /// What the module held before the swap.
    pub old: SlotValue,
    /// What was swapped in.
    pub new: SlotValue,
    pub source: Source,
    /// Forward read the swapped-in tensor through a module attribute.
    pub read: bool,
    /// Version counter of the swapped-in tensor before and after forward, if it changed.
    pub in_place: Option<(i64, i64)>,
    /// Written in place without a version bump (by whom: BatchNorm's running statistics).
    pub unversioned: Option<&'static str>,
    /// What the slot held at the end of forward (found by the restore); None if not restored.
    pub end: Option<SlotValue>,
    /// The restore ran for this key.
    pub restored: bool,
    /// Forward left another object in the slot than the one swapped in (`self.foo = self.foo + 1`).
    /// Judged on the slot's state at the end of forward, before any restore.
    pub rebound: bool,
    /// When forward first wrote or rebound it, as a number that orders the events of one call
    /// ([`super::order`]); None where that was not seen (a call that is not shown).
    pub first_event: Option<u64>,
}

impl SwapEntry {
    /// Forward wrote it in place (seen by version or reported) or rebound its slot.
    pub fn forward_event(&self) -> bool {
        self.in_place.is_some() || self.unversioned.is_some() || self.rebound
    }
    /// A key just swapped in: what the slot held and what replaced it; the forward and restore
    /// fields are filled in later.
    pub fn swapped(name: Rc<str>, slot: SwapSlot, tie_group: Option<usize>, old: SlotValue, new: SlotValue, source: Source) -> SwapEntry {
        SwapEntry { name, slot, tie_group, old, new, source, read: false, in_place: None, unversioned: None, end: None, restored: false, rebound: false, first_event: None }
    }
}

/// A caller key re-assigned by the write-back (stage 3f).
#[derive(Clone)]
pub struct WriteBack {
    pub key: Rc<str>,
    pub before: Value,
    pub after: Value,
}

impl WriteBack {
    pub fn same_object(&self) -> bool {
        self.before.is(&self.after)
    }
}

/// A change to the module that outlives the call.
#[derive(Clone)]
pub enum PermanentChange {
    /// The slot holds another object than before the call.
    Replaced { name: Rc<str>, before: Option<TensorRef>, after: Option<TensorRef> },
    /// The module's own tensor was written in place (e.g. BatchNorm running stats that were not
    /// supplied, or a parametrization's `original` rewritten by `set_`).
    InPlace { name: Rc<str>, tensor: TensorRef, version_before: i64, version_after: i64 },
    /// The module's own tensor (or memory it shares, such as a `detach()`ed view passed in the
    /// dict) was written without a version bump: BatchNorm's running statistics.
    Unversioned { name: Rc<str>, tensor: TensorRef, by: &'static str },
}

impl PermanentChange {
    /// Compares what a slot held before the call (object and version) with what it holds now;
    /// the change, if any. `Replaced` means another object (or None) is in the slot.
    pub fn between(name: &Rc<str>, before: &Option<TensorRef>, version_before: i64, now: &Option<TensorRef>) -> Option<PermanentChange> {
        match (before, now) {
            (Some(a), Some(b)) if a.is(b) => {
                let v1 = b.version();
                (v1 != version_before).then(|| PermanentChange::InPlace { name: name.clone(), tensor: b.clone(), version_before, version_after: v1 })
            }
            (None, None) => None,
            _ => Some(PermanentChange::Replaced { name: name.clone(), before: before.clone(), after: now.clone() }),
        }
    }
    /// The change `between` found, else a write the version counter missed that reached the
    /// slot's tensor (which is the same object before and after).
    pub fn find(name: &Rc<str>, before: &Option<TensorRef>, version_before: i64, now: &Option<TensorRef>, writes: &Writes) -> Option<PermanentChange> {
        PermanentChange::between(name, before, version_before, now).or_else(|| {
            let t = now.as_ref()?;
            let w = writes.reaching(t)?;
            Some(PermanentChange::Unversioned { name: name.clone(), tensor: t.clone(), by: w.by })
        })
    }
    /// The module's tensor object that was written in place, if that is the change.
    pub fn written(&self) -> Option<&TensorRef> {
        match self {
            PermanentChange::InPlace { tensor, .. } | PermanentChange::Unversioned { tensor, .. } => Some(tensor),
            PermanentChange::Replaced { .. } => None,
        }
    }
    pub fn is_replacement(&self) -> bool {
        matches!(self, PermanentChange::Replaced { .. })
    }

    pub fn name(&self) -> &str {
        match self {
            PermanentChange::Replaced { name, .. } | PermanentChange::InPlace { name, .. } | PermanentChange::Unversioned { name, .. } => name,
        }
    }
}

/// With tie_weights=False, a name the module ties to a swapped name that was not swapped
/// itself: it kept the module's own tensor through the call.
#[derive(Clone)]
pub struct KeptAlias {
    pub name: Rc<str>,
    /// Index into `CallRecord::tie_groups`.
    pub tie_group: usize,
    /// The module's tensor that the alias held during forward.
    pub tensor: Option<TensorRef>,
    /// Forward read it through a module attribute.
    pub read: bool,
}

/// One input dict as the caller passed it.
#[derive(Clone)]
pub struct InputDict {
    pub dict_id: u64,
    pub keys: Vec<Rc<str>>,
}

/// A tied name given by the caller and the aliases the untie map added for it.
#[derive(Clone)]
pub struct Untie {
    pub given: Rc<str>,
    pub group: usize,
    pub added: Vec<Rc<str>>,
}

/// Everything one `functional_call` did.
#[derive(Clone)]
pub struct CallRecord {
    pub module_class: Rc<str>,
    pub tie_weights: bool,
    pub strict: bool,
    pub inputs: Rc<Vec<InputDict>>,
    /// One dict was passed (not a sequence): it is the write-back target.
    pub single_dict: bool,
    /// Tie groups of the module that the call touched (names in registry order).
    pub tie_groups: Rc<Vec<Vec<Rc<str>>>>,
    pub untie: Rc<Vec<Untie>>,
    pub swaps: Vec<SwapEntry>,
    pub forward_ran: bool,
    pub write_backs: Vec<WriteBack>,
    pub permanent_changes: Vec<PermanentChange>,
    /// tie_weights=False: tied names not swapped, which kept the module's tensor.
    pub kept_aliases: Vec<KeptAlias>,
    /// The writes forward made without a version bump (with small copies of the values before).
    pub unversioned: Writes,
    /// A shown call: copies, taken before forward, of the small tensors forward wrote (by
    /// object id), so that the display shows their values before.
    pub kept_before: std::collections::HashMap<u64, TensorRef>,
    /// The module's names (for the names the call did not swap); None before the tree walk.
    pub registry: Option<Rc<super::Registry>>,
    pub known_bugs: Vec<KnownBug>,
    /// The stage that raised, if any.
    pub failed_stage: Option<Stage>,
}

impl CallRecord {
    pub fn new(module_class: Rc<str>, tie_weights: bool, strict: bool) -> CallRecord {
        CallRecord {
            module_class,
            tie_weights,
            strict,
            inputs: Rc::default(),
            single_dict: false,
            tie_groups: Rc::default(),
            untie: Rc::default(),
            swaps: Vec::new(),
            forward_ran: false,
            write_backs: Vec::new(),
            permanent_changes: Vec::new(),
            kept_aliases: Vec::new(),
            unversioned: Writes::default(),
            kept_before: Default::default(),
            registry: None,
            known_bugs: Vec::new(),
            failed_stage: None,
        }
    }

    /// The swaps in the order forward's events are told: the names forward wrote or rebound
    /// take the places such names hold in the module's order, in the order the writes happened
    /// (an event whose time was not seen comes after the others); the other names keep theirs.
    pub fn forward_order(&self) -> Vec<usize> {
        let eventful: Vec<usize> = (0..self.swaps.len()).filter(|i| self.swaps[*i].forward_event()).collect();
        let mut by_time = eventful.clone();
        by_time.sort_by_key(|i| (self.swaps[*i].first_event.unwrap_or(u64::MAX), *i));
        let mut order: Vec<usize> = (0..self.swaps.len()).collect();
        for (place, i) in eventful.iter().zip(by_time) {
            order[*place] = i;
        }
        order
    }

    pub fn swap(&self, name: &str) -> Option<&SwapEntry> {
        self.swaps.iter().find(|s| &*s.name == name)
    }

    /// The module's names that the call neither swapped nor reports otherwise (not passed,
    /// used as they were), in the module's order.
    pub fn not_passed(&self) -> Vec<Rc<str>> {
        let Some(Ok(ties)) = self.registry.as_ref().map(|r| &r.ties) else { return Vec::new() };
        let known: std::collections::HashSet<&str> = self
            .swaps
            .iter()
            .map(|s| &*s.name)
            .chain(self.kept_aliases.iter().map(|a| &*a.name))
            .chain(self.permanent_changes.iter().map(|c| c.name()))
            .collect();
        ties.all_names.iter().filter(|n| !known.contains(&***n)).cloned().collect()
    }
}

/// The result of a functional call and its record (the record exists also when it failed).
pub struct CallOutcome {
    pub result: Result<Value, Error>,
    pub record: CallRecord,
}
