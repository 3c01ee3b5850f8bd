//! The `call` display: one row per name the call touched (and per module tensor that changed
//! without being passed), built once from the [`CallRecord`] as [`CallRow`]s and rendered as the
//! neutral table (text/HTML) and as the `"call"` JSON record.
use std::collections::HashMap;

use serde_json::{json, Value as Json};

use super::summary::{summarize, summarize_value};
use super::{Cell, Table, Tone};
use crate::func::record::{CallRecord, PermanentChange, SlotValue, Source};
use crate::tensor::TensorRef;
use crate::value::Value;

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
}

fn slot_text(v: &SlotValue, pre: &HashMap<u64, String>) -> String {
    match v {
        SlotValue::Missing => "(no attribute)".into(),
        SlotValue::Value(Value::Tensor(t)) => match pre.get(&t.id()) {
            Some(s) => format!("{s} #{}", t.id()),
            None => summarize_value(&Value::Tensor(t.clone())),
        },
        SlotValue::Value(v) => summarize_value(v),
    }
}

fn tie_label(i: usize) -> String {
    format!("T{}", i + 1)
}

/// Rows for a record. `pre` holds summaries taken before the call (for tensors a forward
/// wrote in place; only small tensors are summarised by value, nothing is copied).
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
        if s.rebound {
            if let Some(end) = &s.end {
                events.push(format!("rebound to {}", summarize_slot(end)));
            }
        }
        if events.is_empty() && r.forward_ran {
            events.push("not used".into());
        }
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
                } else if s.in_place.is_some() {
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
        });
    }
    for c in &r.permanent_changes {
        if r.swaps.iter().any(|s| &*s.name == c.name()) {
            continue;
        }
        let before = match c {
            PermanentChange::Replaced { before, .. } => before.clone(),
            PermanentChange::InPlace { tensor, .. } => Some(tensor.clone()),
        };
        let events = match c {
            PermanentChange::InPlace { version_before, version_after, .. } => {
                vec![format!("written in place (v{version_before}->v{version_after})")]
            }
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
        });
    }
    rows
}

fn summarize_slot(v: &SlotValue) -> String {
    slot_text(v, &HashMap::new())
}

fn permanent_text(c: &PermanentChange) -> String {
    match c {
        PermanentChange::Replaced { after, .. } => format!(
            "PERMANENT CHANGE: now {}",
            after.as_ref().map(|t: &TensorRef| format!("{} #{}", summarize(t), t.id())).unwrap_or_else(|| "None".into())
        ),
        PermanentChange::InPlace { .. } => "PERMANENT CHANGE: module's own tensor written in place".into(),
    }
}

/// The neutral table for a call. `pre` maps tensor ids to summaries taken before the call.
pub fn table(r: &CallRecord, pre: &HashMap<u64, String>) -> Table {
    let header = ["name", "kind", "tie", "module before", "swapped in", "forward", "dict after", "module after"];
    let mut t = Table { title: format!("functional_call on {}", r.module_class), header: header.iter().map(|s| s.to_string()).collect(), ..Table::default() };
    for row in rows(r) {
        let swapped = match &row.swapped_in {
            Some(v) => format!("{}\n{}", slot_text(v, pre), row.source),
            None => row.source.clone(),
        };
        let forward_tone = if row.events.iter().any(|e| e.starts_with("written") || e.starts_with("rebound")) { Tone::Changed } else { Tone::Plain };
        let dict_text = match &row.dict_after {
            Some((v, _)) => format!("{}\n{}", summarize_value(v), row.dict_note),
            None => row.dict_note.clone(),
        };
        let dict_tone = match &row.dict_after {
            Some((_, false)) => Tone::Changed,
            Some((_, true)) if row.dict_note.contains("in place") => Tone::Changed,
            Some(_) => Tone::Good,
            None => Tone::Muted,
        };
        t.rows.push(vec![
            Cell::plain(row.name.clone()),
            Cell::new(row.kind.clone(), Tone::Muted),
            Cell::new(row.tie.clone().unwrap_or_else(|| "-".into()), if row.tie.is_some() { Tone::Warn } else { Tone::Muted }),
            Cell::plain(slot_text(&row.before, pre)),
            Cell::plain(swapped),
            Cell::new(row.events.join(", "), forward_tone),
            Cell::new(dict_text, dict_tone),
            Cell::new(row.module_after.clone(), if row.permanent { Tone::Alarm } else { Tone::Good }),
        ]);
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
                "dict_after": row.dict_after.as_ref().map(|(v, same)| json!({"value": super::json::value(v), "same_object": same})),
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
        "failed_stage": r.failed_stage.map(|s| s.name()),
        "known_bugs": r.known_bugs.iter().map(|b| json!({"summary": b.summary, "upstream": b.upstream})).collect::<Vec<_>>(),
    })
}

fn slot_json(v: &SlotValue) -> Json {
    match v {
        SlotValue::Missing => json!("missing"),
        SlotValue::Value(v) => super::json::value(v),
    }
}
