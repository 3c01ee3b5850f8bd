//! Diagrams from what was observed: a call's record (three panels, or one per stage for the
//! stepper) and a module's or dict's slots as they are now.
//!
//! A call's panels use only the record: the objects each slot held before the swap, what was
//! swapped in, what forward left in the slot, what the restore put back and what the write-back
//! stored, plus the values kept before the call ([`Then`]). A value neither kept nor unchanged
//! reads "not kept"; a dict key whose value the record never saw (the call stopped before the
//! swap) says so instead of pointing anywhere.
use std::collections::{HashMap, HashSet};

use super::{Collapsed, Diagram, Mark, MarkKind, Object, Owner, Panel, Shown, Slot, Target};
use crate::func::explain::narrate;
use crate::func::record::{CallRecord, PermanentChange, SlotValue, Source, Stage, SwapEntry};
use crate::nn::Module;
use crate::render::call_table::{grouped, Then, FULL_UP_TO};
use crate::render::summary::{summarize, SMALL};
use crate::render::Tone;
use crate::tensor::TensorRef;
use crate::value::Value;

/// The names shown for the called module and its dicts (`mod`, `a`), as written in the call.
#[derive(Clone, Debug, Default)]
pub struct Titles {
    pub module: String,
    pub dicts: Vec<String>,
}

/// Interns objects (one label per object in the whole diagram) and fills panels.
struct Builder {
    d: Diagram,
    by_id: HashMap<u64, usize>,
}

impl Builder {
    fn new(title: String, columns: usize) -> Builder {
        Builder { d: Diagram { title, columns, ..Diagram::default() }, by_id: HashMap::new() }
    }
    fn owner(&mut self, title: &str, dict: bool) -> usize {
        self.d.owners.push(Owner { title: title.to_string(), dict });
        self.d.owners.len() - 1
    }
    fn object(&mut self, t: &TensorRef) -> usize {
        if let Some(i) = self.by_id.get(&t.id()) {
            return *i;
        }
        let i = self.d.objects.len();
        self.d.objects.push(Object {
            label: format!("t{}", i + 1),
            id: t.id(),
            kind: t.type_name(),
            dtype: crate::tensor::dtype_name(t.kind()),
            shape: t.shape(),
        });
        self.by_id.insert(t.id(), i);
        i
    }
}

/// One panel being filled: slots in order, each object shown once with its value.
struct PanelB<'b> {
    b: &'b mut Builder,
    p: Panel,
    shown: HashMap<usize, usize>,
}

impl<'b> PanelB<'b> {
    fn new(b: &'b mut Builder, title: impl Into<String>) -> PanelB<'b> {
        PanelB { b, p: Panel { title: title.into(), ..Panel::default() }, shown: HashMap::new() }
    }
    /// A slot referring to `v`; the object's value at this moment comes from `value`.
    fn slot(&mut self, owner: usize, name: &str, v: &SlotValue, marks: Vec<Mark>, value: &dyn Fn(&TensorRef) -> Option<String>) {
        let target = match v {
            SlotValue::Missing => Target::Missing,
            SlotValue::Value(Value::Tensor(t)) => {
                let o = self.b.object(t);
                if !self.shown.contains_key(&o) {
                    self.shown.insert(o, self.p.objects.len());
                    self.p.objects.push(Shown { object: o, value: value(t), marks: Vec::new() });
                }
                Target::Object(o)
            }
            SlotValue::Value(other) => Target::Value(other.py_repr()),
        };
        self.p.slots.push(Slot { owner, name: name.to_string(), target, marks });
    }
    fn unseen(&mut self, owner: usize, name: &str, why: &str) {
        self.p.slots.push(Slot { owner, name: name.to_string(), target: Target::Unseen(why.to_string()), marks: Vec::new() });
    }
    /// Marks the object `t` (if this panel shows it).
    fn mark_object(&mut self, t: &TensorRef, m: Mark) {
        let Some(o) = self.b.by_id.get(&t.id()) else { return };
        if let Some(i) = self.shown.get(o) {
            let marks = &mut self.p.objects[*i].marks;
            if !marks.contains(&m) {
                marks.push(m);
            }
        }
    }
    fn done(self) {
        self.b.d.panels.push(self.p);
    }
}

fn small_value(t: &TensorRef) -> Option<String> {
    (t.numel() <= SMALL).then(|| summarize(t))
}

/// A moment of a call, in PyTorch's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Moment {
    Before,
    /// After the untie map was built (the stepper's untie and strict stages).
    Untied,
    /// Every key swapped in, forward not yet run.
    Swapped,
    /// Forward with its first `k` writes/rebindings (in the order forward made them) done;
    /// `usize::MAX`: forward finished (or raised).
    Forward(usize),
    Restored,
    After,
}

const FORWARD_DONE: Moment = Moment::Forward(usize::MAX);

/// The call's record seen at each moment.
struct CallView<'a> {
    r: &'a CallRecord,
    then: &'a Then,
    titles: Titles,
    /// Swaps in which forward wrote or rebound something, in the order forward did it.
    events: Vec<usize>,
    /// Names listed one per line (the others are collapsed).
    listed: HashSet<String>,
    collapsed_groups: Vec<String>,
}

fn source_text(r: &CallRecord, s: &SwapEntry, titles: &Titles) -> String {
    match &s.source {
        Source::Dict { dict, key } => format!("{}['{key}']", titles.dicts.get(*dict).map(|s| s.as_str()).unwrap_or("dict")),
        Source::TiedTo { key } => {
            let d = titles.dicts.first().map(|s| s.as_str()).unwrap_or("dict");
            let _ = r;
            format!("{d}['{key}'] through the tie")
        }
    }
}

impl<'a> CallView<'a> {
    fn new(r: &'a CallRecord, then: &'a Then, mut titles: Titles) -> CallView<'a> {
        if titles.module.is_empty() {
            titles.module = r.module_class.to_string();
        }
        if titles.dicts.len() != r.inputs.len() {
            // `ds = (a, b)` then `call mod with ds`: one name for several dicts names none of them.
            titles.dicts = vec![String::new(); r.inputs.len()];
        }
        let several = r.inputs.len() > 1;
        for (i, t) in titles.dicts.iter_mut().enumerate() {
            if t.is_empty() {
                *t = if several { format!("dict{}", i + 1) } else { "dict".to_string() };
            }
        }
        let events = r.forward_order().into_iter().filter(|i| r.swaps[*i].forward_event()).collect();
        let rows = crate::render::call_table::rows(r);
        let compact = rows.len() > FULL_UP_TO;
        let mut listed = HashSet::new();
        let mut rest = Vec::new();
        for row in &rows {
            if !compact || row.noteworthy {
                listed.insert(row.name.clone());
            } else {
                rest.push(row.name.clone());
            }
        }
        let names: Vec<&str> = rest.iter().map(|s| s.as_str()).collect();
        let collapsed_groups = if names.is_empty() { Vec::new() } else { vec![format!("{} ({} names)", grouped(&names), names.len())] };
        CallView { r, then, titles, events, listed, collapsed_groups }
    }

    /// The moment at which forward wrote or rebound swap `i`, if it did.
    fn event_moment(&self, i: usize) -> Option<Moment> {
        self.events.iter().position(|e| *e == i).map(|k| Moment::Forward(k + 1))
    }

    /// Whether `t`'s value at `m` is its value now: written at or before `m`, or never written.
    fn value_at(&self, t: &TensorRef, m: Moment) -> Option<String> {
        if t.numel() > SMALL {
            return None;
        }
        match self.written_at(t) {
            Some(w) if m >= w => Some(summarize(t)),
            // An object forward made (a rebinding's new tensor) has no value before the call.
            None if self.made_by_forward(t) => Some(summarize(t)),
            _ => Some(self.then.value(t).unwrap_or_else(|| "not kept".into())),
        }
    }

    /// When the call wrote `t` in place, if it did (a swapped-in tensor at its forward event;
    /// the module's own tensor when forward finished).
    fn written_at(&self, t: &TensorRef) -> Option<Moment> {
        for (i, s) in self.r.swaps.iter().enumerate() {
            if (s.in_place.is_some() || s.unversioned.is_some()) && s.new.tensor().is_some_and(|n| n.is(t)) {
                return self.event_moment(i);
            }
        }
        if self.r.permanent_changes.iter().any(|c| c.written().is_some_and(|w| w.is(t))) || self.r.unversioned.reaching(t).is_some() {
            return Some(FORWARD_DONE);
        }
        None
    }

    fn made_by_forward(&self, t: &TensorRef) -> bool {
        self.r.swaps.iter().any(|s| s.rebound && s.end.as_ref().and_then(|e| e.tensor()).is_some_and(|e| e.is(t)))
    }

    fn tie_mark(&self, group: Option<usize>) -> Option<Mark> {
        let g = group?;
        let names = self.r.tie_groups.get(g)?;
        Some(Mark::new(MarkKind::Tied, format!("tied T{} ({})", g + 1, names.join(", "))))
    }

    fn permanent(&self, name: &str) -> Option<&PermanentChange> {
        self.r.permanent_changes.iter().find(|c| c.name() == name)
    }

    /// The panel of moment `m`.
    fn panel(&self, b: &mut Builder, owners: &[usize], m: Moment, title: &str) -> Panel {
        let r = self.r;
        let module = owners[0];
        let value = |t: &TensorRef| self.value_at(t, m);
        let mut p = PanelB::new(b, title);
        // The module's slots.
        for (i, s) in r.swaps.iter().enumerate() {
            if !self.listed.contains(&*s.name) {
                continue;
            }
            let mut marks: Vec<Mark> = self.tie_mark(s.tie_group).into_iter().collect();
            let applied = self.event_moment(i).is_some_and(|e| m >= e);
            let target = match m {
                Moment::Before | Moment::Untied => s.old.clone(),
                Moment::Swapped | Moment::Forward(_) => {
                    if applied && s.rebound {
                        marks.push(Mark::new(MarkKind::Rebound, "rebound by forward"));
                        s.end.clone().unwrap_or_else(|| s.new.clone())
                    } else {
                        marks.push(Mark::new(MarkKind::Swapped, format!("swapped in from {}", source_text(r, s, &self.titles))));
                        s.new.clone()
                    }
                }
                Moment::Restored | Moment::After => match self.permanent(&s.name) {
                    Some(PermanentChange::Replaced { after, .. }) => {
                        marks.push(Mark::new(MarkKind::Permanent, "PERMANENT CHANGE: not the module's object any more"));
                        SlotValue::Value(after.clone().map(Value::Tensor).unwrap_or(Value::None))
                    }
                    _ if s.restored => {
                        marks.push(Mark::new(MarkKind::Restored, "restored"));
                        s.old.clone()
                    }
                    _ => {
                        marks.push(Mark::new(MarkKind::Raised, "not restored"));
                        s.end.clone().unwrap_or_else(|| s.new.clone())
                    }
                },
            };
            p.slot(module, &s.name, &target, marks, &value);
        }
        for a in &r.kept_aliases {
            let mut marks: Vec<Mark> = self.tie_mark(Some(a.tie_group)).into_iter().collect();
            if matches!(m, Moment::Swapped | Moment::Forward(_)) {
                marks.push(Mark::new(MarkKind::Swapped, "not swapped (tie_weights=False): the module's own tensor"));
            }
            let v = SlotValue::Value(a.tensor.clone().map(Value::Tensor).unwrap_or(Value::None));
            p.slot(module, &a.name, &v, marks, &value);
        }
        for c in &r.permanent_changes {
            if r.swaps.iter().any(|s| &*s.name == c.name()) || r.kept_aliases.iter().any(|a| &*a.name == c.name()) {
                continue;
            }
            let (target, marks) = match c {
                PermanentChange::Replaced { before, after, .. } if m >= Moment::Restored => (
                    after.clone(),
                    vec![Mark::new(MarkKind::Permanent, format!("PERMANENT CHANGE: was {}", before.as_ref().map(|t| format!("#{}", t.id())).unwrap_or_else(|| "None".into())))],
                ),
                PermanentChange::Replaced { before, .. } => (before.clone(), Vec::new()),
                PermanentChange::InPlace { tensor, .. } | PermanentChange::Unversioned { tensor, .. } => (Some(tensor.clone()), Vec::new()),
            };
            p.slot(module, c.name(), &SlotValue::Value(target.map(Value::Tensor).unwrap_or(Value::None)), marks, &value);
        }
        for g in &self.collapsed_groups {
            p.p.collapsed.push(Collapsed { owner: module, text: format!("{g}: swapped, read, restored; nothing else happened"), count: 0 });
        }
        let not_passed = r.not_passed();
        if !not_passed.is_empty() && r.registry.is_some() {
            let names: Vec<&str> = not_passed.iter().map(|n| &**n).collect();
            p.p.collapsed.push(Collapsed { owner: module, text: format!("not in the dict (the module's own, unchanged): {}", grouped(&names)), count: names.len() });
        }
        // The untied map: aliases the untie added, pointing at the given key's object.
        if m == Moment::Untied && r.untie.iter().any(|u| !u.added.is_empty()) {
            let owner = owners[owners.len() - 1];
            for u in r.untie.iter() {
                let given = r.swaps.iter().find(|s| matches!(&s.source, Source::Dict { key, .. } if *key == u.given)).map(|s| s.new.clone());
                for a in &u.added {
                    match &given {
                        Some(v) => p.slot(owner, a, v, vec![Mark::new(MarkKind::Tied, format!("added for '{}' (tied)", u.given))], &value),
                        None => p.unseen(owner, a, "the call stopped before the swap"),
                    }
                }
            }
        }
        // The dicts' keys.
        let write_backs: HashMap<&str, &crate::func::WriteBack> = r.write_backs.iter().map(|w| (&*w.key, w)).collect();
        for (di, input) in r.inputs.iter().enumerate() {
            let owner = owners[1 + di];
            for key in &input.keys {
                let swap = r.swaps.iter().find(|s| matches!(&s.source, Source::Dict { dict, key: k } if *dict == di && k == key));
                if let Some(s) = swap {
                    if !self.listed.contains(&*s.name) {
                        continue;
                    }
                }
                let Some(s) = swap else {
                    p.unseen(owner, key, "not seen: the call stopped before the swap");
                    continue;
                };
                match (m, write_backs.get(&**key)) {
                    (Moment::After, Some(w)) if r.single_dict => {
                        let marks = if w.same_object() { Vec::new() } else { vec![Mark::new(MarkKind::WrittenBack, "NEW object written back")] };
                        p.slot(owner, key, &SlotValue::Value(w.after.clone()), marks, &value);
                    }
                    _ => p.slot(owner, key, &s.new, Vec::new(), &value),
                }
            }
            if !self.collapsed_groups.is_empty() {
                p.p.collapsed.push(Collapsed { owner, text: "the other keys: the same objects throughout".into(), count: 0 });
            }
        }
        // What happened to objects.
        if m >= Moment::Swapped {
            for (i, s) in r.swaps.iter().enumerate() {
                let Some(t) = s.new.tensor() else { continue };
                if !self.event_moment(i).is_some_and(|e| m >= e) {
                    continue;
                }
                if let Some((a, b)) = s.in_place {
                    p.mark_object(t, Mark::new(MarkKind::WrittenInPlace, format!("written in place (v{a}->v{b})")));
                }
                if let Some(by) = s.unversioned {
                    p.mark_object(t, Mark::new(MarkKind::WrittenInPlace, format!("written in place by {by} (no version bump)")));
                }
            }
        }
        if m >= FORWARD_DONE {
            for c in &r.permanent_changes {
                let text = match c {
                    PermanentChange::InPlace { version_before, version_after, .. } => format!("written in place (v{version_before}->v{version_after})"),
                    PermanentChange::Unversioned { by, .. } => format!("written in place by {by} (no version bump)"),
                    PermanentChange::Replaced { .. } => continue,
                };
                let t = c.written().expect("an in-place change names its tensor").clone();
                p.mark_object(&t, Mark::new(MarkKind::WrittenInPlace, text));
                if m >= Moment::Restored {
                    p.mark_object(&t, Mark::new(MarkKind::Permanent, "PERMANENT CHANGE: the module's own tensor"));
                }
            }
        }
        if !r.single_dict && m == Moment::After && r.forward_ran {
            p.p.notes.push(("several dicts were merged into a new dict: no write-back reaches them".into(), Tone::Warn));
        }
        let panel = std::mem::take(&mut p.p);
        drop(p);
        panel
    }

    fn owners(&self, b: &mut Builder) -> Vec<usize> {
        let mut owners = vec![b.owner(&self.titles.module, false)];
        for t in &self.titles.dicts {
            owners.push(b.owner(t, true));
        }
        if self.r.untie.iter().any(|u| !u.added.is_empty()) {
            owners.push(b.owner("untied", true));
        }
        owners
    }
}

/// Three panels: before the call, during forward (after the swap; what forward wrote and
/// rebound), after the call (restored, and what the dicts hold). A call that raised shows the
/// panels up to the stage that raised, that one marked.
pub fn call(r: &CallRecord, then: &Then, titles: Titles) -> Diagram {
    let v = CallView::new(r, then, titles);
    let mut b = Builder::new(format!("functional_call on {}: names and objects", r.module_class), 3);
    let owners = v.owners(&mut b);
    let mut panels = vec![v.panel(&mut b, &owners, Moment::Before, "before the call")];
    match r.failed_stage {
        Some(stage @ (Stage::Merge | Stage::Untie | Stage::Strict | Stage::Swap)) => {
            let mut p = v.panel(&mut b, &owners, Moment::Before, &format!("raised at {}", stage.name()));
            p.notes.push((format!("{} raised: the module holds its own tensors, nothing was written back", stage.name()), Tone::Alarm));
            panels.push(p);
        }
        failed => {
            let mut during = v.panel(&mut b, &owners, FORWARD_DONE, "during forward (after the swap)");
            if failed == Some(Stage::Forward) {
                during.title = "forward raised here".into();
                during.notes.push(("forward raised; the restore and the write-back still ran (finally)".into(), Tone::Alarm));
            }
            panels.push(during);
            if failed == Some(Stage::Restore) {
                let mut p = v.panel(&mut b, &owners, Moment::Restored, "restore raised");
                p.notes.push(("the restore raised: nothing was written back".into(), Tone::Alarm));
                panels.push(p);
            } else {
                panels.push(v.panel(&mut b, &owners, Moment::After, "after the call"));
            }
        }
    }
    for b in &r.known_bugs {
        if let Some(p) = panels.last_mut() {
            p.notes.push((format!("known bug: {}{}", b.summary, b.upstream.map(|u| format!(" ({u})")).unwrap_or_default()), Tone::Alarm));
        }
    }
    b.d.panels = panels;
    b.d
}

/// The stepper: one panel per stage of `explain`'s narration (merge, untie, strict, swap, each
/// write or rebinding of forward, restore, write-back), with its sentences; forward's reads join
/// the step before them (the first step of forward when they come first). A call that raised
/// ends at the stage that raised, marked, with the state at that moment.
pub fn steps(r: &CallRecord, then: &Then, titles: Titles) -> Diagram {
    let v = CallView::new(r, then, titles);
    let mut b = Builder::new(format!("functional_call on {}, stage by stage", r.module_class), 1);
    let owners = v.owners(&mut b);
    // Narration lines grouped by stage; forward's lines one step each.
    let mut groups: Vec<(Moment, String, Vec<String>)> = Vec::new();
    let mut forward_k = 0usize;
    for line in narrate(r) {
        let stage = line.chars().next().and_then(|c| c.to_digit(10));
        let moment = match stage {
            Some(1) => Some((Moment::Before, "1. merge")),
            Some(2) => Some((Moment::Untied, "2. untie")),
            Some(3) => Some((Moment::Untied, "3. strict")),
            Some(4) => Some((Moment::Swapped, "4. swap")),
            Some(5) => {
                // A write or rebinding is a step of its own; lines that change nothing (reads)
                // join the forward step before them.
                let name = line.strip_prefix("5. forward: ").and_then(|s| s.split(' ').next()).unwrap_or("");
                if r.swaps.iter().any(|s| &*s.name == name && s.forward_event()) {
                    forward_k += 1;
                } else if let Some(last) = groups.last_mut().filter(|g| matches!(g.0, Moment::Forward(_))) {
                    last.2.push(line);
                    continue;
                }
                groups.push((Moment::Forward(forward_k), "5. forward".into(), vec![line]));
                continue;
            }
            Some(6) => Some((Moment::Restored, "6. restore")),
            Some(7) => Some((Moment::After, "7. write-back")),
            _ if line.starts_with("PERMANENT") || line.starts_with("known bug") => Some((Moment::After, "after the call")),
            _ => None,
        };
        let joins = |g: &(Moment, String, Vec<String>), title: &str| g.1 == title || (title == "after the call" && g.0 == Moment::After);
        match moment {
            Some((_, title)) if groups.last().is_some_and(|g| joins(g, title)) => groups.last_mut().expect("checked").2.push(line),
            Some((m, title)) => groups.push((m, title.into(), vec![line])),
            None => {
                if let Some(last) = groups.last_mut() {
                    last.2.push(line.trim().to_string());
                }
            }
        }
    }
    let last = groups.len().saturating_sub(1);
    let forward_steps = groups.iter().filter(|g| matches!(g.0, Moment::Forward(_))).count();
    let mut k_seen = 0;
    for (i, (m, title, mut lines)) in groups.into_iter().enumerate() {
        // The last forward step shows forward finished (module-own writes included).
        let m = match m {
            Moment::Forward(_) => {
                k_seen += 1;
                if k_seen == forward_steps {
                    FORWARD_DONE
                } else {
                    m
                }
            }
            m => m,
        };
        if lines.len() > 8 {
            let more = lines.len() - 6;
            lines.truncate(6);
            lines.push(format!("... and {more} more"));
        }
        let mut p = v.panel(&mut b, &owners, m, &format!("step {} of {}: {title}", i + 1, last + 1));
        let raised = lines.iter().any(|l| l.contains("raised"));
        if raised || (i == last && r.failed_stage.is_some()) {
            p.notes.push((format!("the call stopped here ({})", r.failed_stage.map(|s| s.name()).unwrap_or("raised")), Tone::Alarm));
        }
        p.narration = lines;
        b.d.panels.push(p);
    }
    b.d
}

/// `draw mod` / `draw a`: the slots of modules and dicts as they are now (several: one panel,
/// so an object shared by a dict and a module has arrows from both). A module with many names
/// lists its tied names and collapses the rest by first path segment.
pub fn now(items: &[(String, Value)]) -> crate::error::Result<Diagram> {
    let mut b = Builder::new("names and objects now".into(), 1);
    let mut owners = Vec::new();
    for (title, v) in items {
        owners.push(b.owner(title, matches!(v, Value::Dict(_))));
    }
    let mut p = PanelB::new(&mut b, "now");
    for ((_, v), owner) in items.iter().zip(owners) {
        match v {
            Value::Module(m) => module_slots(&mut p, owner, m)?,
            Value::Dict(d) => {
                for (k, x) in d.borrow().iter() {
                    p.slot(owner, k, &SlotValue::Value(x.clone()), Vec::new(), &small_value);
                }
            }
            other => {
                return Err(crate::error::Error::type_error(
                    "draw::value",
                    format!("draw takes a module, a dict or a call, not {}", other.type_name()),
                )
                .with_hint("draw mod, draw a, draw mod, a, draw call mod with a (x)"))
            }
        }
    }
    // Objects several slots refer to.
    let mut refs: HashMap<usize, Vec<String>> = HashMap::new();
    for s in &p.p.slots {
        if let Target::Object(o) = s.target {
            refs.entry(o).or_default().push(p.b.d.slot_name(s));
        }
    }
    let slots = std::mem::take(&mut p.p.slots);
    p.p.slots = slots
        .into_iter()
        .map(|mut s| {
            if let Target::Object(o) = s.target {
                let others: Vec<&String> = refs[&o].iter().filter(|n| **n != p.b.d.slot_name(&s)).collect();
                if !others.is_empty() {
                    s.marks.push(Mark::new(MarkKind::Tied, format!("same object as {}", others.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "))));
                }
            }
            s
        })
        .collect();
    p.done();
    Ok(b.d)
}

fn module_slots(p: &mut PanelB, owner: usize, m: &Module) -> crate::error::Result<()> {
    let mut all = m.named_parameters_with("", true, false)?;
    all.extend(m.named_buffers_with("", true, false)?);
    let mut count: HashMap<u64, usize> = HashMap::new();
    for (_, t) in &all {
        *count.entry(t.id()).or_default() += 1;
    }
    let compact = all.len() > FULL_UP_TO;
    let mut rest: Vec<&str> = Vec::new();
    for (name, t) in &all {
        if compact && count[&t.id()] == 1 {
            rest.push(name);
            continue;
        }
        p.slot(owner, name, &SlotValue::Value(Value::Tensor(t.clone())), Vec::new(), &small_value);
    }
    if !rest.is_empty() {
        p.p.collapsed.push(Collapsed { owner, text: format!("{} ({} names, each its own object)", grouped(&rest), rest.len()), count: rest.len() });
    }
    Ok(())
}
