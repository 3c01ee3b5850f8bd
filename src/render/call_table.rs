//! The `call` display: one row per name the call touched (and per module tensor that changed
//! without being passed, and per tied alias that kept the module's tensor), built once from the
//! [`CallRecord`] as [`CallRow`]s and rendered as the neutral table (text/HTML) and as the
//! `"call"` JSON record.
//!
//! Values "before" and "swapped in" are the values at that moment, never read later: small
//! tensors were copied before the call, a write the version counter missed kept its value
//! before, and a tensor the call did not write shows its value now (it is the same). Anything
//! else says "not kept". A module with many names gets the rows where something happened and
//! one line for the rest; `rows=all` lists every name.
use std::collections::{HashMap, HashSet};

use serde_json::{json, Value as Json};

use super::summary::{summarize, summarize_value};
use super::{Cell, Table, Tone};
use crate::func::record::{CallRecord, PermanentChange, SlotValue, Source, SwapSlot};
use crate::tensor::TensorRef;
use crate::value::Value;

/// Up to this many rows a table lists every name; above, the names where nothing happened are
/// one line (unless all rows are asked for).
pub const FULL_UP_TO: usize = 12;

/// What the table knows of values at the start of the call.
#[derive(Clone, Default)]
pub struct Then {
    /// Copies of values from before the call (small tensors), by object id; summarised only
    /// for the rows shown.
    pub kept: HashMap<u64, TensorRef>,
    /// Tensors the call did not write, by object id, with their version after the call: while
    /// the version is the same, their value now is their value then.
    pub unchanged: HashMap<u64, i64>,
}

impl Then {
    /// After a call: `kept` (copies taken before) and the record's own copies of values written
    /// without a version bump; every other tensor the record names that the call did not write
    /// is unchanged.
    pub fn settle(r: &CallRecord, mut kept: HashMap<u64, TensorRef>) -> Then {
        for w in &r.unversioned.0 {
            if let Some(b) = &w.before {
                kept.insert(w.tensor.id(), b.clone());
            }
        }
        let mut written: HashSet<u64> = r.permanent_changes.iter().filter_map(|c| c.written().map(|t| t.id())).collect();
        for s in &r.swaps {
            if let Some(t) = s.new.tensor().filter(|_| s.in_place.is_some() || s.unversioned.is_some()) {
                written.insert(t.id());
            }
        }
        let mut unchanged = HashMap::new();
        let mut consider = |t: &TensorRef| {
            if !written.contains(&t.id()) && r.unversioned.reaching(t).is_none() {
                unchanged.insert(t.id(), t.version());
            }
        };
        for s in &r.swaps {
            s.old.tensor().into_iter().chain(s.new.tensor()).for_each(&mut consider);
        }
        r.kept_aliases.iter().filter_map(|a| a.tensor.as_ref()).for_each(&mut consider);
        Then { kept, unchanged }
    }

    /// The text of `t`'s value at the start of the call, if known.
    pub fn value(&self, t: &TensorRef) -> Option<String> {
        if let Some(c) = self.kept.get(&t.id()) {
            return Some(summarize(c));
        }
        (self.unchanged.get(&t.id()) == Some(&t.version())).then(|| summarize(t))
    }
}

/// What happened to one name, in words and objects.
pub struct CallRow {
    pub name: String,
    pub kind: String,
    pub tie: Option<String>,
    pub before: SlotValue,
    pub swapped_in: Option<SlotValue>,
    pub source: String,
    pub events: Vec<String>,
    pub dict_after: Option<(Value, bool)>,
    pub dict_note: String,
    pub module_after: String,
    pub permanent: bool,
    /// Something happened beyond "swapped from the dict, read and restored".
    pub noteworthy: bool,
}

/// A value at the start of the call: its text then, or "not kept" (never its value now).
fn then_text(v: &SlotValue, then: &Then) -> String {
    match v {
        SlotValue::Missing => "(no attribute)".into(),
        SlotValue::Value(Value::Tensor(t)) => match then.value(t) {
            Some(s) => format!("{s} #{}", t.id()),
            None => format!("{}{:?} not kept #{}", crate::tensor::dtype_name(t.kind()), t.shape(), t.id()),
        },
        SlotValue::Value(v) => summarize_value(v),
    }
}

fn now_text(v: &SlotValue) -> String {
    match v {
        SlotValue::Missing => "(no attribute)".into(),
        SlotValue::Value(v) => summarize_value(v),
    }
}

fn tie_label(i: usize) -> String {
    format!("T{}", i + 1)
}

/// Rows for a record, in the order the call met the names.
pub fn rows(r: &CallRecord) -> Vec<CallRow> {
    let mut rows = Vec::new();
    let write_backs: HashMap<&str, &crate::func::WriteBack> = r.write_backs.iter().map(|w| (&*w.key, w)).collect();
    let permanent: HashMap<&str, &PermanentChange> = r.permanent_changes.iter().map(|c| (c.name(), c)).collect();
    for s in &r.swaps {
        let mut events = Vec::new();
        if s.read {
            events.push("read".to_string());
        }
        if let Some((a, b)) = s.in_place {
            events.push(format!("written in place (v{a}->v{b})"));
        }
        if let Some(by) = s.unversioned {
            events.push(crate::func::watch::describe(by));
        }
        if s.rebound {
            if let Some(end) = &s.end {
                events.push(format!("rebound to {}", now_text(end)));
            }
        }
        if events.is_empty() && r.forward_ran {
            events.push("not used".into());
        }
        let written = s.in_place.is_some() || s.unversioned.is_some();
        let source = match &s.source {
            Source::Dict { dict, key } if r.inputs.len() > 1 => format!("dict {} ['{key}']", dict + 1),
            Source::Dict { key, .. } => format!("['{key}']"),
            Source::TiedTo { key } => format!("tied to ['{key}']"),
        };
        let (dict_after, dict_note) = match (&s.source, write_backs.get(&*s.name)) {
            (Source::TiedTo { .. }, _) => (None, "alias: not added to the dict".to_string()),
            (_, Some(w)) => {
                let same = w.same_object();
                let note = if !same {
                    "NEW object written back".to_string()
                } else if written {
                    "same object, changed in place".to_string()
                } else {
                    "same object".to_string()
                };
                (Some((w.after.clone(), same)), note)
            }
            _ if !r.single_dict && r.forward_ran => (None, "merged dicts: no write-back".to_string()),
            _ => (None, "not written back".to_string()),
        };
        let perm = permanent.get(&*s.name);
        let module_after = match perm {
            Some(c) => permanent_text(c),
            None if s.restored => "restored".to_string(),
            None => "not restored".to_string(),
        };
        let plain = s.read
            && !written
            && !s.rebound
            && s.restored
            && perm.is_none()
            && s.tie_group.is_none()
            && matches!(s.source, Source::Dict { .. })
            && matches!(s.slot, SwapSlot::Parameter | SwapSlot::Buffer)
            && dict_after.as_ref().is_none_or(|(_, same)| *same);
        rows.push(CallRow {
            name: s.name.to_string(),
            kind: s.slot.name().to_string(),
            tie: s.tie_group.map(tie_label),
            before: s.old.clone(),
            swapped_in: Some(s.new.clone()),
            source,
            events,
            dict_after,
            dict_note,
            module_after,
            permanent: perm.is_some(),
            noteworthy: !plain,
        });
    }
    for a in &r.kept_aliases {
        let perm = permanent.get(&*a.name);
        rows.push(CallRow {
            name: a.name.to_string(),
            kind: "not swapped".into(),
            tie: Some(tie_label(a.tie_group)),
            before: SlotValue::Value(a.tensor.clone().map(Value::Tensor).unwrap_or(Value::None)),
            swapped_in: None,
            source: "tie_weights=False: kept the module's tensor".into(),
            events: vec![if a.read { "read (the module's tensor)".into() } else { "not used".into() }],
            dict_after: None,
            dict_note: "not in the dict".into(),
            module_after: perm.map(|c| permanent_text(c)).unwrap_or_else(|| "unchanged".into()),
            permanent: perm.is_some(),
            noteworthy: true,
        });
    }
    for c in &r.permanent_changes {
        if r.swaps.iter().any(|s| &*s.name == c.name()) || r.kept_aliases.iter().any(|a| &*a.name == c.name()) {
            continue;
        }
        let before = match c {
            PermanentChange::Replaced { before, .. } => before.clone(),
            PermanentChange::InPlace { tensor, .. } | PermanentChange::Unversioned { tensor, .. } => Some(tensor.clone()),
        };
        let events = match c {
            PermanentChange::InPlace { version_before, version_after, .. } => {
                vec![format!("written in place (v{version_before}->v{version_after})")]
            }
            PermanentChange::Unversioned { by, .. } => vec![crate::func::watch::describe(by)],
            PermanentChange::Replaced { .. } => vec!["replaced".into()],
        };
        rows.push(CallRow {
            name: c.name().to_string(),
            kind: "module tensor".into(),
            tie: None,
            before: SlotValue::Value(before.map(Value::Tensor).unwrap_or(Value::None)),
            swapped_in: None,
            source: "not passed".into(),
            events,
            dict_after: None,
            dict_note: "-".into(),
            module_after: permanent_text(c),
            permanent: true,
            noteworthy: true,
        });
    }
    rows
}

fn permanent_text(c: &PermanentChange) -> String {
    match c {
        PermanentChange::Replaced { after, .. } => format!(
            "PERMANENT CHANGE: now {}",
            after.as_ref().map(|t: &TensorRef| format!("{} #{}", summarize(t), t.id())).unwrap_or_else(|| "None".into())
        ),
        PermanentChange::InPlace { tensor, .. } | PermanentChange::Unversioned { tensor, .. } => {
            format!("PERMANENT CHANGE (in place): now {} #{}", summarize(tensor), tensor.id())
        }
    }
}

/// `a.b.c` → `a`; names at the top level are their own group.
fn group_of(name: &str) -> &str {
    name.split('.').next().unwrap_or(name)
}

/// "h.* (144), ln_f.* (2), wpe": names counted by their first path segment.
pub fn grouped(names: &[&str]) -> String {
    let mut groups: indexmap::IndexMap<&str, (usize, &str)> = indexmap::IndexMap::new();
    for n in names {
        groups.entry(group_of(n)).or_insert((0, n)).0 += 1;
    }
    let mut parts: Vec<String> = groups
        .iter()
        .map(|(g, (count, first))| if *count == 1 { first.to_string() } else { format!("{g}.* ({count})") })
        .collect();
    if parts.len() > 8 {
        let more = parts.len() - 6;
        parts.truncate(6);
        parts.push(format!("... {more} more groups"));
    }
    parts.join(", ")
}

/// How many rows to show: all of them, or the noteworthy ones of a module with many names.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Rows {
    #[default]
    Compact,
    All,
}

/// The neutral table for a call: `then` gives the values at the start of the call.
pub fn table(r: &CallRecord, then: &Then, mode: Rows) -> Table {
    let header = ["name", "kind", "module before", "swapped in", "forward", "dict after", "module after"];
    let all = rows(r);
    let compact = mode == Rows::Compact && all.len() > FULL_UP_TO;
    let title = format!("functional_call on {}", r.module_class);
    let mut t = Table { title, header: header.iter().map(|s| s.to_string()).collect(), ..Table::default() };
    let mut rest: Vec<&str> = Vec::new();
    for row in &all {
        if compact && !row.noteworthy {
            rest.push(&row.name);
            continue;
        }
        // The key is named only where it is not the row's own name (an alias, another dict).
        let swapped = match &row.swapped_in {
            Some(v) if row.source == format!("['{}']", row.name) => then_text(v, then),
            Some(v) => format!("{}: {}", row.source, then_text(v, then)),
            None => row.source.clone(),
        };
        let forward_tone = if row.events.iter().any(|e| e.starts_with("written") || e.starts_with("rebound")) { Tone::Changed } else { Tone::Plain };
        let dict_text = match &row.dict_after {
            Some((v, true)) if row.dict_note == "same object" => format!("same object #{}", id_of(v)),
            Some((v, _)) => format!("{}: {}", row.dict_note, summarize_value(v)),
            None => row.dict_note.clone(),
        };
        let dict_tone = match &row.dict_after {
            Some((_, false)) => Tone::Changed,
            Some((_, true)) if row.dict_note.contains("in place") => Tone::Changed,
            Some(_) => Tone::Good,
            None => Tone::Muted,
        };
        let kind = match &row.tie {
            Some(tie) => format!("{} {tie}", row.kind),
            None => row.kind.clone(),
        };
        t.rows.push(vec![
            Cell::plain(row.name.clone()),
            Cell::new(kind, if row.tie.is_some() { Tone::Warn } else { Tone::Muted }),
            Cell::plain(then_text(&row.before, then)),
            Cell::plain(swapped),
            Cell::new(row.events.join(", "), forward_tone),
            Cell::new(dict_text, dict_tone),
            Cell::new(row.module_after.clone(), if row.permanent { Tone::Alarm } else { Tone::Good }),
        ]);
    }
    if !rest.is_empty() {
        let how = if r.single_dict { "swapped from the dict, read, restored and written back as the same objects" } else { "swapped from the dicts, read and restored" };
        t.notes.push(Cell::new(
            format!("{} names {how}: {} (rows=all lists them)", rest.len(), grouped(&rest)),
            Tone::Good,
        ));
    }
    let not_passed = r.not_passed();
    if !not_passed.is_empty() && r.forward_ran {
        let names: Vec<&str> = not_passed.iter().map(|n| &**n).collect();
        let list = if names.len() <= 8 { names.join(", ") } else { grouped(&names) };
        t.notes.push(Cell::new(format!("not in the dict (the module's own tensors, unchanged): {list}"), Tone::Muted));
    }
    for (i, g) in r.tie_groups.iter().enumerate() {
        let names: Vec<&str> = g.iter().map(|s| &**s).collect();
        t.notes.push(Cell::new(format!("{}: {} are one tensor object in the module", tie_label(i), names.join(", ")), Tone::Warn));
    }
    if !r.single_dict && r.forward_ran {
        t.notes.push(Cell::new("several dicts were merged into a new dict: rebindings in forward do not reach them", Tone::Warn));
    }
    for b in &r.known_bugs {
        t.notes.push(Cell::new(format!("known bug: {}{}", b.summary, b.upstream.map(|u| format!(" ({u})")).unwrap_or_default()), Tone::Alarm));
    }
    t
}

fn id_of(v: &Value) -> String {
    match v {
        Value::Tensor(t) => t.id().to_string(),
        other => other.py_repr(),
    }
}

/// The `"call"` field of the JSON output: per name, what the table shows.
pub fn json(r: &CallRecord) -> Json {
    let names: Vec<Json> = rows(r)
        .into_iter()
        .map(|row| {
            json!({
                "name": row.name,
                "kind": row.kind,
                "tie_group": row.tie,
                "before": slot_json(&row.before),
                "swapped_in": row.swapped_in.as_ref().map(slot_json),
                "source": row.source,
                "events": row.events,
                "dict_after": row.dict_after.as_ref().map(|(v, same)| json!({"value": value_json(v), "same_object": same})),
                "dict_note": row.dict_note,
                "module_after": row.module_after,
                "permanent_change": row.permanent,
            })
        })
        .collect();
    json!({
        "module": r.module_class.to_string(),
        "tie_weights": r.tie_weights,
        "strict": r.strict,
        "dicts": r.inputs.len(),
        "single_dict": r.single_dict,
        "tie_groups": r.tie_groups.iter().map(|g| g.iter().map(|s| s.to_string()).collect::<Vec<_>>()).collect::<Vec<_>>(),
        "names": names,
        "not_passed": r.not_passed().iter().map(|n| n.to_string()).collect::<Vec<_>>(),
        "failed_stage": r.failed_stage.map(|s| s.name()),
        "known_bugs": r.known_bugs.iter().map(|b| json!({"summary": b.summary, "upstream": b.upstream})).collect::<Vec<_>>(),
    })
}

fn slot_json(v: &SlotValue) -> Json {
    match v {
        SlotValue::Missing => json!("missing"),
        SlotValue::Value(v) => value_json(v),
    }
}

/// A value in the record: as the JSON contract encodes it, except that a tensor PyTorch would
/// print summarised (more than 1000 elements) is not encoded element by element: `"value"` says
/// so (a string, like "not kept") and `"summarised": true`. The record of a call on a large
/// model neither copies nor reads its weights (statistics would read them all).
fn value_json(v: &Value) -> Json {
    match v {
        Value::Tensor(t) if t.numel() > crate::tensor::format::THRESHOLD => {
            let mut enc = json!({
                "type": t.type_name(),
                "value": format!("not encoded ({} elements)", t.numel()),
                "shape": t.shape(),
                "dtype": crate::tensor::dtype_name(t.kind()),
                "requires_grad": t.requires_grad(),
                "grad_fn": t.grad_fn_name(),
                "id": t.id(),
            });
            enc["summarised"] = json!(true);
            enc
        }
        other => super::json::value(other),
    }
}
