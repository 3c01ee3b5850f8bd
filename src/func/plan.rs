//! The fast path of `functional_call`: for a call with one dict whose keys (and the module's
//! structure) are the same as last time, every stage that depends only on keys (merge, untie,
//! strict, path resolution) is cached in a [`Plan`]; a call then checks what depends on values
//! (tensor-or-None, tied names given one object), swaps by slot index, runs forward, restores
//! by index and writes back by position. Anything the plan does not cover (non-tensor values,
//! a tie conflict, keys that are not registered slots, a call nested inside another call's
//! forward, a forward that changed the structure) takes the general path, which produces the
//! same results and PyTorch's errors.
use std::collections::HashMap;
use std::rc::{Rc, Weak};

use super::record::{CallOutcome, CallRecord, InputDict, PermanentChange, SlotValue, Source, SwapEntry, SwapSlot, Untie, WriteBack};
use super::registry::{registry, Registry, SlotKind};
use super::{normalize_args, swap, untie, CallOptions};
use crate::error::{Result, BUG_SHARED_SLOT_RESTORE};
use crate::nn::module::{bump_structure, ModuleInner};
use crate::nn::{structure_generation, Module};
use crate::tensor::{begin_read_epoch, end_read_epoch, TensorRef};
use crate::value::{DictRef, Kwargs, Value};

struct PlanEntry {
    name: Rc<str>,
    source: Source,
    /// Position in the caller's dict of the value swapped in.
    pos: usize,
    owner: Weak<ModuleInner>,
    attr: Rc<str>,
    kind: SlotKind,
    /// Index of the slot in its registry (valid while the structure generation holds).
    index: usize,
    tie_group: Option<usize>,
}

pub(crate) struct Plan {
    generation: u64,
    dict_id: u64,
    keys_version: u64,
    opts: (bool, bool),
    /// None: these keys take the general path (cached so the check is not repeated).
    body: Option<PlanBody>,
}

struct PlanBody {
    module_class: Rc<str>,
    n_caller: usize,
    inputs: Rc<Vec<InputDict>>,
    tie_groups: Rc<Vec<Vec<Rc<str>>>>,
    untie: Rc<Vec<Untie>>,
    entries: Vec<PlanEntry>,
    /// Caller positions that must hold one object (names of one tied group given together).
    conflict_groups: Vec<Vec<usize>>,
    /// Two entries reach the same slot (a submodule at two paths).
    shared_slot: bool,
    /// Registry slots this plan does not swap (checked for in-place writes by forward).
    others: Vec<usize>,
    registry: Rc<Registry>,
}

impl PlanEntry {
    fn owner(&self) -> Option<Module> {
        self.owner.upgrade().map(Module)
    }
}

/// Resolves `name` to a registered parameter/buffer slot through `_modules` only, as
/// `get_submodule` + `swap_tensor` would; None when any step would take another route.
fn resolve(root: &Module, name: &str) -> Option<(Module, Rc<str>, SlotKind, usize)> {
    let (prefix, attr) = match name.rfind('.') {
        Some(i) => (&name[..i], &name[i + 1..]),
        None => ("", name),
    };
    let mut m = root.clone();
    if !prefix.is_empty() {
        for seg in prefix.split('.') {
            let next = {
                let d = m.data();
                if d.properties.contains_key(seg) || d.attrs.contains_key(seg) || d.parameters.contains_key(seg) || d.buffers.contains_key(seg) {
                    return None;
                }
                d.modules.get(seg).cloned().flatten()?
            };
            m = next;
        }
    }
    if attr.is_empty() {
        return None;
    }
    let d = m.data();
    let (kind, index) = if let Some(i) = d.parameters.get_index_of(attr) {
        (SlotKind::Parameter, i)
    } else if let Some(i) = d.buffers.get_index_of(attr) {
        (SlotKind::Buffer, i)
    } else {
        return None;
    };
    drop(d);
    Some((m, Rc::from(attr), kind, index))
}

fn build(module: &Module, dict: &DictRef, opts: CallOptions, generation: u64) -> Plan {
    let mut plan = Plan { generation, dict_id: dict.id(), keys_version: dict.keys_version(), opts: (opts.tie_weights, opts.strict), body: None };
    plan.body = build_body(module, dict, opts);
    plan
}

fn build_body(module: &Module, dict: &DictRef, opts: CallOptions) -> Option<PlanBody> {
    let reg = registry(module, true).ok()?;
    let entries: indexmap::IndexMap<String, Value> = dict.borrow().clone();
    if !entries.values().all(|v| matches!(v, Value::Tensor(_) | Value::None)) {
        return None;
    }
    let keys: Vec<Rc<str>> = entries.keys().map(|k| Rc::from(k.as_str())).collect();
    let mut sources: indexmap::IndexMap<Rc<str>, Source> = keys.iter().map(|k| (k.clone(), Source::Dict { dict: 0, key: k.clone() })).collect();
    let mut untie_log = Vec::new();
    let untied = if opts.tie_weights {
        let ties = reg.ties.as_ref().ok()?;
        untie::untie(ties, &entries, &mut sources, &mut untie_log).ok()?
    } else {
        entries.clone()
    };
    if opts.strict {
        let ties = reg.ties.as_ref().ok()?;
        untie::check_strict(ties, &untied, &module.class_name()).ok()?;
    }
    let (tie_group_of, groups) = super::tie_groups_for(&reg, &untied, &mut untie_log);
    let mut plan_entries = Vec::with_capacity(untied.len());
    let mut seen: HashMap<(u64, Rc<str>), ()> = HashMap::new();
    let mut shared_slot = false;
    let mut swapped_slots: HashMap<(u64, Rc<str>, bool), ()> = HashMap::new();
    for k in untied.keys() {
        let (owner, attr, kind, index) = resolve(module, k)?;
        let name: Rc<str> = sources.get_key_value(k.as_str()).map(|(n, _)| n.clone()).unwrap_or_else(|| Rc::from(k.as_str()));
        let source = sources.get(k.as_str()).cloned()?;
        let pos = match &source {
            Source::Dict { key, .. } => entries.get_index_of(&**key)?,
            Source::TiedTo { key } => entries.get_index_of(&**key)?,
        };
        if seen.insert((owner.id(), attr.clone()), ()).is_some() {
            shared_slot = true;
        }
        swapped_slots.insert((owner.id(), attr.clone(), kind == SlotKind::Parameter), ());
        plan_entries.push(PlanEntry {
            tie_group: tie_group_of.get(&name).copied(),
            name,
            source,
            pos,
            owner: Rc::downgrade(&owner.0),
            attr,
            kind,
            index,
        });
    }
    // Names of one tied group given together must be one object (checked on every call).
    let mut conflict_groups = Vec::new();
    if opts.tie_weights {
        if let Ok(ties) = &reg.ties {
            let mut by_group: HashMap<usize, Vec<usize>> = HashMap::new();
            for (i, k) in entries.keys().enumerate() {
                if let Some(g) = ties.tied.get(k.as_str()) {
                    by_group.entry(*g).or_default().push(i);
                }
            }
            conflict_groups = by_group.into_values().filter(|v| v.len() > 1).collect();
        }
    }
    let others = reg
        .slots
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            let owner_id = s.owner_id();
            !swapped_slots.contains_key(&(owner_id, s.attr.clone(), s.kind == SlotKind::Parameter))
        })
        .map(|(i, _)| i)
        .collect();
    Some(PlanBody {
        module_class: Rc::from(module.class_name()),
        n_caller: entries.len(),
        inputs: Rc::new(vec![InputDict { dict_id: dict.id(), keys }]),
        tie_groups: Rc::new(groups),
        untie: Rc::new(untie_log),
        entries: plan_entries,
        conflict_groups,
        shared_slot,
        others,
        registry: reg,
    })
}

/// Writes `v` into the slot an entry names, returning what was there (None if the slot is gone).
fn exchange(owner: &Module, e: &PlanEntry, v: Option<TensorRef>) -> Option<Option<TensorRef>> {
    let mut d = owner.data_mut();
    let reg = match e.kind {
        SlotKind::Parameter => &mut d.parameters,
        SlotKind::Buffer => &mut d.buffers,
    };
    let (k, slot) = reg.get_index_mut(e.index)?;
    debug_assert_eq!(k.as_str(), &*e.attr);
    Some(std::mem::replace(slot, v))
}

fn slot_value(t: &Option<TensorRef>) -> Value {
    t.clone().map(Value::Tensor).unwrap_or(Value::None)
}

/// Restores the originals on every exit path (also a panicking forward).
struct Restore<'a> {
    body: &'a PlanBody,
    owners: &'a [Module],
    olds: Vec<Option<TensorRef>>,
    generation: u64,
    armed: bool,
}

impl Restore<'_> {
    /// Puts every original back in swap order; returns what each slot held (PyTorch's `new`).
    fn run(&mut self) -> Result<Vec<SlotValue>> {
        self.armed = false;
        let olds = std::mem::take(&mut self.olds);
        let by_index = structure_generation() == self.generation;
        let mut ends = Vec::with_capacity(olds.len());
        let mut first_error = None;
        for ((e, owner), old) in self.body.entries.iter().zip(self.owners).zip(olds) {
            if by_index {
                if let Some(prev) = exchange(owner, e, old.clone()) {
                    ends.push(SlotValue::Value(slot_value(&prev)));
                    continue;
                }
            }
            // The structure changed during forward: PyTorch's per-name restore.
            match swap::swap_tensor(owner, &e.attr, &SlotValue::Value(slot_value(&old))) {
                Ok((prev, _)) => ends.push(prev),
                Err(err) => {
                    first_error.get_or_insert(err);
                    ends.push(SlotValue::Missing);
                }
            }
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(ends),
        }
    }
}

impl Drop for Restore<'_> {
    fn drop(&mut self) {
        if self.armed {
            let _ = self.run();
        }
    }
}

/// The call through the plan, or None when the general path must run.
pub(super) fn try_fast(module: &Module, dicts: &Value, args: &Value, kwargs: &Kwargs, opts: CallOptions) -> Option<CallOutcome> {
    let Value::Dict(dict) = dicts else { return None };
    if swap::swap_depth() > 0 {
        return None;
    }
    let generation = structure_generation();
    let cached = module.data().fc_plan.clone();
    let plan = match cached {
        Some(p) if p.generation == generation && p.dict_id == dict.id() && p.keys_version == dict.keys_version() && p.opts == (opts.tie_weights, opts.strict) => p,
        _ => {
            let p = Rc::new(build(module, dict, opts, generation));
            // Building may walk the tree (a registry): keep the plan only if nothing moved.
            if structure_generation() != generation {
                return None;
            }
            module.data_mut().fc_plan = Some(p.clone());
            p
        }
    };
    let body = plan.body.as_ref()?;
    // What depends on values: tensors or None only, and tied names given one object.
    let vals: Vec<Value> = {
        let e = dict.borrow();
        if e.len() != body.n_caller {
            return None;
        }
        e.values().cloned().collect()
    };
    if !vals.iter().all(|v| matches!(v, Value::Tensor(_) | Value::None)) {
        return None;
    }
    for g in &body.conflict_groups {
        if !g.iter().all(|&i| vals[i].is(&vals[g[0]])) {
            return None;
        }
    }
    let owners: Vec<Module> = body.entries.iter().map(|e| e.owner()).collect::<Option<_>>()?;
    let mut record = CallRecord::new(body.module_class.clone(), opts.tie_weights, opts.strict);
    record.inputs = body.inputs.clone();
    record.single_dict = true;
    record.tie_groups = body.tie_groups.clone();
    record.untie = body.untie.clone();
    record.registry = Some(body.registry.clone());
    let args = normalize_args(args);

    // The module's other slots before forward (in-place writes to tensors not passed).
    let before: Vec<(Option<TensorRef>, i64)> = body
        .others
        .iter()
        .map(|&i| {
            let t = body.registry.slots[i].current();
            let v = t.as_ref().map(|t| t.version()).unwrap_or(0);
            (t, v)
        })
        .collect();

    // Swap in, by slot index.
    let _depth = swap::DepthGuard::enter();
    let mut olds = Vec::with_capacity(body.entries.len());
    for (e, owner) in body.entries.iter().zip(&owners) {
        match exchange(owner, e, vals[e.pos].as_tensor().cloned()) {
            Some(old) => olds.push(old),
            None => {
                // Inconsistent cache: undo and let the general path decide.
                for ((e2, o2), old) in body.entries.iter().zip(&owners).zip(olds).rev() {
                    exchange(o2, e2, old);
                }
                module.data_mut().fc_plan = None;
                return None;
            }
        }
    }
    let old_versions: Vec<i64> = olds.iter().map(|o| o.as_ref().map(|t| t.version()).unwrap_or(0)).collect();
    let versions_in: Vec<i64> = body.entries.iter().map(|e| vals[e.pos].as_tensor().map(|t| t.version()).unwrap_or(0)).collect();
    record.swaps = body
        .entries
        .iter()
        .zip(&olds)
        .map(|(e, old)| {
            let slot = match e.kind {
                SlotKind::Parameter => SwapSlot::Parameter,
                SlotKind::Buffer => SwapSlot::Buffer,
            };
            SwapEntry::swapped(e.name.clone(), slot, e.tie_group, SlotValue::Value(slot_value(old)), SlotValue::Value(vals[e.pos].clone()), e.source.clone())
        })
        .collect();

    // Forward, with the restore armed for every exit path.
    let mut restore = Restore { body, owners: &owners, olds, generation, armed: true };
    let watch = super::watch::Watch::start();
    let (epoch, outer_epoch) = begin_read_epoch();
    let forward = module.call(&args, kwargs);
    end_read_epoch(outer_epoch);
    let tensors: Vec<(TensorRef, i64)> = before
        .iter()
        .filter_map(|(t, v)| t.clone().map(|t| (t, *v)))
        .chain(restore.olds.iter().zip(&old_versions).filter_map(|(t, v)| Some((t.clone()?, *v))))
        .chain(body.entries.iter().zip(&versions_in).filter_map(|(e, v)| Some((vals[e.pos].as_tensor()?.clone(), *v))))
        .collect();
    record.unversioned = watch.finish(&tensors, None);
    record.forward_ran = true;
    for ((s, e), v0) in record.swaps.iter_mut().zip(&body.entries).zip(&versions_in) {
        if let Some(t) = vals[e.pos].as_tensor() {
            s.read = t.was_read_in(epoch);
            let v1 = t.version();
            if v1 != *v0 {
                s.in_place = Some((*v0, v1));
            }
            s.unversioned = record.unversioned.reaching(t).map(|w| w.by);
        }
    }
    record.kept_aliases = super::kept_aliases(&record, epoch);
    let restored = restore.run();
    drop(restore);

    let restore_result = match restored {
        Ok(ends) => {
            let mut forward_end: HashMap<(u64, &str), usize> = HashMap::new();
            for (i, (s, end)) in record.swaps.iter_mut().zip(&ends).enumerate() {
                let first = if body.shared_slot {
                    *forward_end.entry((owners[i].id(), &*body.entries[i].attr)).or_insert(i)
                } else {
                    i
                };
                s.rebound = !ends[first].is(&s.new);
                s.end = Some(end.clone());
                s.restored = true;
            }
            // Write-back by position when the caller's keys are unchanged, else by name.
            if dict.keys_version() == plan.keys_version && dict.len() == body.n_caller {
                for (i, end) in ends.iter().enumerate().take(body.n_caller) {
                    let SlotValue::Value(after) = end else { continue };
                    let before = dict.borrow().get_index(i).map(|(_, v)| v.clone()).unwrap_or(Value::None);
                    if !before.is(after) {
                        dict.set_value_at(i, after.clone());
                    }
                    record.write_backs.push(WriteBack { key: body.entries[i].name.clone(), before, after: after.clone() });
                }
            } else {
                let new: HashMap<&str, &SlotValue> = body.entries.iter().zip(&ends).map(|(e, v)| (&*e.name, v)).collect();
                super::write_back(dict, &new, &mut record);
            }
            Ok(())
        }
        Err(e) => Err(e),
    };

    // Permanent changes: the swapped slots hold their originals again, unchanged in place;
    // the other slots hold the same objects at the same versions.
    let mut replaced = false;
    let exact_restore = structure_generation() == generation && !body.shared_slot && restore_result.is_ok();
    for (((e, owner), s), v0) in body.entries.iter().zip(&owners).zip(&record.swaps).zip(&old_versions) {
        let old = match &s.old {
            SlotValue::Value(Value::Tensor(t)) => Some(t.clone()),
            _ => None,
        };
        // Restored by index with no slot reached twice: the slot holds `old` again; only an
        // in-place write to it (through a tie or a captured reference) can have changed it.
        let now = if exact_restore {
            old.clone()
        } else {
            let d = owner.data();
            let reg = match e.kind {
                SlotKind::Parameter => &d.parameters,
                SlotKind::Buffer => &d.buffers,
            };
            match reg.get_index(e.index) {
                Some((k, v)) if k.as_str() == &*e.attr => v.clone(),
                _ => d.parameters.get(&*e.attr).or_else(|| d.buffers.get(&*e.attr)).cloned().flatten(),
            }
        };
        if let Some(c) = PermanentChange::find(&e.name, &old, *v0, &now, &record.unversioned) {
            if !record.permanent_changes.iter().any(|p| p.name() == &*e.name) {
                replaced |= c.is_replacement();
                record.permanent_changes.push(c);
            }
        }
    }
    for (&i, (t0, v0)) in body.others.iter().zip(&before) {
        let slot = &body.registry.slots[i];
        if let Some(c) = PermanentChange::find(&slot.name, t0, *v0, &slot.current(), &record.unversioned) {
            replaced |= c.is_replacement();
            record.permanent_changes.push(c);
        }
    }
    if replaced {
        bump_structure();
        if body.shared_slot {
            record.known_bugs.push(BUG_SHARED_SLOT_RESTORE);
        }
    }
    let result = match (forward, restore_result) {
        (_, Err(e)) => {
            record.failed_stage = Some(super::Stage::Restore);
            Err(e)
        }
        (Err(e), Ok(())) => {
            record.failed_stage = Some(super::Stage::Forward);
            Err(e)
        }
        (Ok(v), Ok(())) => Ok(v),
    };
    Some(CallOutcome { result, record })
}
