//! `torch.func.functional_call` with PyTorch 2.13's rules, stage by stage (SEMANTICS.md §2):
//! merge → untie → strict → swap → forward → restore → write-back, and a [`CallRecord`] of all
//! of it. Errors of an earlier stage mean later stages never run, exactly as in PyTorch.
pub mod autodiff;
pub mod explain;
mod merge;
pub mod order;
pub(crate) mod plan;
pub mod record;
pub mod registry;
mod swap;
pub mod transforms;
mod untie;
pub mod watch;

use std::collections::HashMap;
use std::rc::Rc;

pub use record::{CallOutcome, CallRecord, PermanentChange, SlotValue, Source, Stage, SwapEntry, SwapSlot, WriteBack};
pub use registry::Registry;

use crate::error::{Error, Result, BUG_SHARED_SLOT_RESTORE};
use crate::nn::module::bump_structure;
use crate::nn::Module;
use crate::tensor::{begin_read_epoch, end_read_epoch, TensorRef};
use crate::value::{DictRef, Kwargs, Value};
use swap::{Accessor, DepthGuard, RestoreGuard};

/// `tie_weights` and `strict`, with torch.func's defaults.
#[derive(Clone, Copy, Debug)]
pub struct CallOptions {
    pub tie_weights: bool,
    pub strict: bool,
}

impl Default for CallOptions {
    fn default() -> Self {
        CallOptions { tie_weights: true, strict: false }
    }
}

/// `torch.func.functional_call(module, dicts, args, kwargs, tie_weights=, strict=)`.
///
/// `dicts` is a dict, or a list/tuple of dicts (anything else raises PyTorch's ValueError);
/// `args` that is not a tuple is one positional argument, `none` is no argument.
pub fn functional_call(module: &Module, dicts: &Value, args: &Value, kwargs: &Kwargs, opts: CallOptions) -> CallOutcome {
    // A shown call compares small tensors by value: the general path does that.
    let shown = watch::by_value_requested() && swap::swap_depth() == 0;
    if let Some(out) = if shown { None } else { plan::try_fast(module, dicts, args, kwargs, opts) } {
        return out;
    }
    let mut record = CallRecord::new(Rc::from(module.class_name()), opts.tie_weights, opts.strict);
    let result = run(module, dicts, args, kwargs, opts, &mut record);
    CallOutcome { result, record }
}

/// Convenience for Rust callers: one dict, positional tensors, default options.
pub fn functional_call_t(module: &Module, dict: &DictRef, args: &[TensorRef]) -> Result<Value> {
    let args = Value::tuple(args.iter().cloned().map(Value::Tensor).collect());
    functional_call(module, &Value::Dict(dict.clone()), &args, &Vec::new(), CallOptions::default()).result
}

pub(super) fn normalize_args(args: &Value) -> Vec<Value> {
    match args {
        Value::None => Vec::new(),
        Value::Tuple(items) => items.to_vec(),
        other => vec![other.clone()],
    }
}

fn at(stage: Stage, record: &mut CallRecord) -> impl FnOnce(Error) -> Error + '_ {
    move |e| {
        record.failed_stage = Some(stage);
        e
    }
}

fn run(module: &Module, dicts: &Value, args: &Value, kwargs: &Kwargs, opts: CallOptions, record: &mut CallRecord) -> Result<Value> {
    // Stage 1: one dict or several.
    let merged = merge::merge(dicts).map_err(at(Stage::Merge, record))?;
    record.inputs = Rc::new(merged.inputs.clone());
    record.single_dict = merged.single;
    let mut sources = merged.sources;
    // Stage 2: arguments.
    let args = normalize_args(args);

    // The structure walk is cached; inside another call's forward the slots are swapped, so walk anew.
    let nested = swap::swap_depth() > 0;
    let reg = registry::registry(module, !nested).map_err(at(Stage::Untie, record))?;
    record.registry = Some(reg.clone());

    // Stage 3a: untie.
    let entries: indexmap::IndexMap<String, Value> = merged.dict.borrow().clone();
    let mut untie_log = Vec::new();
    let untied = if opts.tie_weights {
        let ties = reg.ties.as_ref().map_err(|e| e.clone()).map_err(at(Stage::Untie, record))?;
        untie::untie(ties, &entries, &mut sources, &mut untie_log).map_err(at(Stage::Untie, record))?
    } else {
        entries
    };
    // Stage 3b: strict.
    if opts.strict {
        let ties = reg.ties.as_ref().map_err(|e| e.clone()).map_err(at(Stage::Strict, record))?;
        untie::check_strict(ties, &untied, &record.module_class).map_err(at(Stage::Strict, record))?;
    }
    let (tie_group_of, groups) = tie_groups_for(&reg, &untied, &mut untie_log);
    record.tie_groups = Rc::new(groups);
    record.untie = Rc::new(untie_log);

    // The module before: every distinct slot's object and version (no copy of any tensor).
    let before: Vec<(Option<TensorRef>, i64)> = reg
        .slots
        .iter()
        .map(|s| {
            let t = s.current();
            let v = t.as_ref().map(|t| t.version()).unwrap_or(0);
            (t, v)
        })
        .collect();

    // Stage 3c: swap in.
    let _depth = DepthGuard::enter();
    let accessor = Accessor::new(module);
    let items: Vec<(Rc<str>, record::SlotValue)> = untied
        .into_iter()
        .map(|(k, v)| {
            let name: Rc<str> = match sources.get_key_value(k.as_str()) {
                Some((n, _)) => n.clone(),
                None => Rc::from(k.as_str()),
            };
            (name, SlotValue::Value(v))
        })
        .collect();
    // A shown call (outermost only) copies what it can touch where that is cheap: the values to
    // swap in and the module's own tensors, before the swap (a parametrization's `original` is
    // written by it).
    let value_check = (!nested && watch::by_value_requested()).then(|| {
        let swapped_in = items.iter().filter_map(|(_, v)| v.tensor());
        watch::ValueCheck::take(swapped_in.chain(before.iter().filter_map(|(t, _)| t.as_ref())))
    });
    let swapped = accessor.swap_tensors_dict(&items).map_err(at(Stage::Swap, record))?;
    record.swaps = swapped
        .iter()
        .zip(&items)
        .map(|(s, (_, new))| {
            let source = sources.get(&*s.name).cloned().unwrap_or(Source::Dict { dict: 0, key: s.name.clone() });
            SwapEntry::swapped(s.name.clone(), s.slot, tie_group_of.get(&*s.name).copied(), s.old.clone(), new.clone(), source)
        })
        .collect();
    let versions_in: Vec<Option<i64>> = record.swaps.iter().map(|s| s.new.tensor().map(|t| t.version())).collect();

    // Stage 3d: forward, with the restore armed for every exit path.
    let guard = RestoreGuard::new(&accessor, &swapped);
    let watch = watch::Watch::start();
    let order = order::Order::start(value_check.is_some(), swapped.iter().zip(&record.swaps).map(|(s, e)| (s.owner.clone(), s.attr.clone(), e.new.clone())));
    let (epoch, outer_epoch) = begin_read_epoch();
    let forward = module.call(&args, kwargs);
    end_read_epoch(outer_epoch);
    for (s, first) in record.swaps.iter_mut().zip(order.finish()) {
        s.first_event = first;
    }
    let tensors: Vec<(TensorRef, i64)> = before
        .iter()
        .filter_map(|(t, v)| t.clone().map(|t| (t, *v)))
        .chain(record.swaps.iter().zip(&versions_in).filter_map(|(s, v)| Some((s.new.tensor()?.clone(), (*v)?))))
        .collect();
    record.unversioned = watch.finish(&tensors, value_check.as_ref());
    if let Some(check) = &value_check {
        let found = check.found(&record.unversioned);
        record.unversioned.0.extend(found);
        record.kept_before = check.written_copies(&record.unversioned);
    }
    record.forward_ran = true;
    for (s, v0) in record.swaps.iter_mut().zip(&versions_in) {
        if let (Some(t), Some(v0)) = (s.new.tensor(), v0) {
            s.read = t.was_read_in(epoch);
            let v1 = t.version();
            if v1 != *v0 {
                s.in_place = Some((*v0, v1));
            }
            // A write its own counter saw is reported by version (a `.data` view written in
            // place bumps only its own counter, and the module's tensor under it is found by value).
            s.unversioned = if s.in_place.is_none() { record.unversioned.reaching(t).map(|w| w.by) } else { None };
        }
    }
    record.kept_aliases = kept_aliases(&record, epoch);

    // Stage 3e: restore; 3f: write-back into the caller's single dict.
    let restored = guard.restore();
    let restore_result = match restored {
        Ok(ends) => {
            // Two keys can reach one slot (a submodule at two paths): the first restore of a slot
            // sees what forward left there; later ones see what the earlier restores put back.
            let mut at_forward_end: HashMap<(u64, &str), &SlotValue> = HashMap::new();
            for (s, end) in record.swaps.iter_mut().zip(&ends) {
                let left = *at_forward_end.entry((end.owner.id(), &*end.attr)).or_insert(&end.old);
                s.rebound = !left.is(&s.new);
                s.end = Some(end.old.clone());
                s.restored = true;
            }
            let new: HashMap<&str, &SlotValue> = ends.iter().map(|e| (&*e.name, &e.old)).collect();
            if merged.single {
                write_back(&merged.dict, &new, record);
            }
            Ok(())
        }
        Err(e) => Err(e),
    };
    detect_permanent_changes(&reg, &before, &swapped, record);

    match (forward, restore_result) {
        (_, Err(e)) => Err(at(Stage::Restore, record)(e)),
        (Err(e), Ok(())) => Err(at(Stage::Forward, record)(e)),
        (Ok(v), Ok(())) => Ok(v),
    }
}

/// Tie group (as an index into the returned groups, the record's `tie_groups`) of every untied
/// name the module ties; the untie log's group numbers are renumbered to match.
pub(super) fn tie_groups_for(
    reg: &Registry,
    untied: &indexmap::IndexMap<String, Value>,
    untie_log: &mut [record::Untie],
) -> (HashMap<Rc<str>, usize>, Vec<Vec<Rc<str>>>) {
    let mut out = HashMap::new();
    let mut groups = Vec::new();
    let Ok(ties) = &reg.ties else { return (out, groups) };
    if ties.groups.is_empty() {
        return (out, groups);
    }
    let mut local: HashMap<usize, usize> = HashMap::new();
    for k in untied.keys() {
        if let Some(g) = ties.tied.get(k.as_str()) {
            let idx = *local.entry(*g).or_insert_with(|| {
                groups.push(ties.groups[*g].clone());
                groups.len() - 1
            });
            out.insert(Rc::from(k.as_str()), idx);
        }
    }
    for u in untie_log.iter_mut() {
        if let Some(idx) = local.get(&u.group) {
            u.group = *idx;
        }
    }
    (out, groups)
}

/// tie_weights=False: the names of a touched tie group that were not swapped kept the module's
/// tensor (the one the swapped names held before); whether forward read it.
pub(super) fn kept_aliases(record: &CallRecord, epoch: u64) -> Vec<record::KeptAlias> {
    if record.tie_weights {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (g, names) in record.tie_groups.iter().enumerate() {
        let members: Vec<&SwapEntry> = record.swaps.iter().filter(|s| s.tie_group == Some(g)).collect();
        let tensor = members.iter().find_map(|s| s.old.tensor().cloned());
        for n in names.iter().filter(|n| !members.iter().any(|s| s.name == **n)) {
            let read = tensor.as_ref().is_some_and(|t| t.was_read_in(epoch));
            out.push(record::KeptAlias { name: n.clone(), tie_group: g, tensor: tensor.clone(), read });
        }
    }
    out
}

pub(super) fn write_back(dict: &DictRef, new: &HashMap<&str, &SlotValue>, record: &mut CallRecord) {
    let keys = dict.keys();
    for (i, k) in keys.iter().enumerate() {
        let Some(SlotValue::Value(after)) = new.get(k.as_str()) else { continue };
        let before = dict.borrow().get_index(i).map(|(_, v)| v.clone()).unwrap_or(Value::None);
        dict.set_value_at(i, after.clone());
        record.write_backs.push(record::WriteBack { key: Rc::from(k.as_str()), before, after: after.clone() });
    }
}

fn detect_permanent_changes(reg: &Registry, before: &[(Option<TensorRef>, i64)], swapped: &[swap::Swapped], record: &mut CallRecord) {
    let mut replaced = false;
    for (slot, (t0, v0)) in reg.slots.iter().zip(before) {
        if let Some(c) = PermanentChange::find(&slot.name, t0, *v0, &slot.current(), &record.unversioned) {
            replaced |= c.is_replacement();
            record.permanent_changes.push(c);
        }
    }
    if replaced {
        // Identities changed without a registration: ties computed before are stale.
        bump_structure();
        let mut seen: HashMap<(u64, &str), usize> = HashMap::new();
        let shared = swapped.iter().any(|s| {
            let n = seen.entry((s.owner.id(), &*s.attr)).or_insert(0);
            *n += 1;
            *n > 1
        });
        if shared {
            record.known_bugs.push(BUG_SHARED_SLOT_RESTORE);
        }
    }
}
