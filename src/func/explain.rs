//! The record of a functional call narrated stage by stage, in PyTorch's order (merge, untie,
//! strict, swap, forward, restore, write-back), with object ids (`#N`) and known bugs named.
use super::record::{CallRecord, PermanentChange, SlotValue, Source, Stage};
use crate::value::Value;

fn slot_text(v: &SlotValue) -> String {
    match v {
        SlotValue::Missing => "(no attribute)".into(),
        SlotValue::Value(Value::Tensor(t)) => format!("{} #{}", t.type_name(), t.id()),
        SlotValue::Value(Value::None) => "None".into(),
        SlotValue::Value(other) => other.py_repr(),
    }
}

fn value_text(v: &Value) -> String {
    slot_text(&SlotValue::Value(v.clone()))
}

/// One line per event, in the order PyTorch performs them.
pub fn narrate(r: &CallRecord) -> Vec<String> {
    let mut out = Vec::new();
    let failed = |s: Stage| r.failed_stage == Some(s);
    // 1. merge
    if r.single_dict {
        let n = r.inputs.first().map(|d| d.keys.len()).unwrap_or(0);
        out.push(format!("1. merge: one dict with {n} key(s) is used as it is; it will receive the write-back"));
    } else if !r.inputs.is_empty() || !failed(Stage::Merge) {
        out.push(format!(
            "1. merge: {} dict(s) merged into a new dict (a rebinding inside forward will not reach any of them)",
            r.inputs.len()
        ));
    }
    if failed(Stage::Merge) {
        out.push("   raised here: nothing was swapped, nothing written back".into());
        return out;
    }
    // 2. untie
    if !r.tie_weights {
        out.push("2. untie: skipped (tie_weights=False): each name is swapped on its own".into());
        for a in &r.kept_aliases {
            let group = r.tie_groups.get(a.tie_group).map(|g| g.join(", ")).unwrap_or_default();
            out.push(format!(
                "2. untie: '{}' is tied ({group}) but not given: it keeps the module's {} during forward",
                a.name,
                a.tensor.as_ref().map(|t| format!("{} #{}", t.type_name(), t.id())).unwrap_or_else(|| "None".into())
            ));
        }
    } else if r.untie.is_empty() && !failed(Stage::Untie) {
        out.push("2. untie: no given key names a tied tensor".into());
    } else {
        for u in r.untie.iter() {
            let group = r.tie_groups.get(u.group).map(|g| g.join(", ")).unwrap_or_default();
            if u.added.is_empty() {
                out.push(format!("2. untie: '{}' is tied ({group}); every alias was given", u.given));
            } else {
                let added: Vec<&str> = u.added.iter().map(|s| &**s).collect();
                out.push(format!("2. untie: '{}' is tied ({group}); its value is also used for {}", u.given, added.join(", ")));
            }
        }
    }
    if failed(Stage::Untie) {
        out.push("   raised here: nothing was swapped, nothing written back".into());
        return out;
    }
    // 3. strict
    if r.strict {
        out.push(if failed(Stage::Strict) {
            "3. strict: the keys do not match the module's parameters and buffers; raised before any swap".into()
        } else {
            "3. strict: the keys match the module's parameters and buffers exactly".into()
        });
        if failed(Stage::Strict) {
            return out;
        }
    } else {
        out.push("3. strict: skipped (strict=False): missing and unexpected keys are allowed".into());
    }
    // 4. swap
    if failed(Stage::Swap) {
        out.push("4. swap: a key could not be swapped in; the keys already swapped were swapped back; nothing written back".into());
        return out;
    }
    if r.swaps.is_empty() {
        out.push("4. swap: no name to swap (the dict is empty)".into());
    }
    for s in &r.swaps {
        let src = match &s.source {
            Source::Dict { dict, key } if r.inputs.len() > 1 => format!("dict {} key '{key}'", dict + 1),
            Source::Dict { key, .. } => format!("key '{key}'"),
            Source::TiedTo { key } => format!("key '{key}' (through the tie)"),
        };
        out.push(format!(
            "4. swap {} ({}): module's {} -> {} from {src}",
            s.name,
            s.slot.name(),
            slot_text(&s.old),
            slot_text(&s.new)
        ));
    }
    // 5. forward
    if r.forward_ran {
        let mut any = false;
        // Writes and rebindings in the order forward made them.
        for s in r.forward_order().into_iter().map(|i| &r.swaps[i]) {
            let mut what = Vec::new();
            if s.read {
                what.push("read".to_string());
            }
            if let Some((a, b)) = s.in_place {
                what.push(format!("written in place (version {a} -> {b})"));
            }
            if let Some(by) = s.unversioned {
                what.push(super::watch::describe(by));
            }
            if s.rebound {
                what.push(format!("rebound to {}", s.end.as_ref().map(slot_text).unwrap_or_default()));
            }
            if !what.is_empty() {
                any = true;
                out.push(format!("5. forward: {} {}", s.name, what.join(", ")));
            }
        }
        for a in r.kept_aliases.iter().filter(|a| a.read) {
            any = true;
            let t = a.tensor.as_ref().map(|t| format!("{} #{}", t.type_name(), t.id())).unwrap_or_else(|| "None".into());
            out.push(format!("5. forward: {} (not swapped) read the module's own {t}", a.name));
        }
        if !any {
            out.push("5. forward: touched none of the swapped tensors".into());
        }
        if failed(Stage::Forward) {
            out.push("   forward raised; the restore and write-back below still ran (finally)".into());
        }
    }
    // 6. restore
    for s in r.swaps.iter().filter(|s| s.restored) {
        out.push(format!("6. restore {}: {} put back", s.name, slot_text(&s.old)));
    }
    if r.swaps.iter().all(|s| !s.restored) && r.forward_ran && !failed(Stage::Restore) {
        out.push("6. restore: nothing to restore (no name was swapped)".into());
    }
    if failed(Stage::Restore) {
        out.push("6. restore raised: nothing was written back".into());
    }
    // 7. write-back
    if r.single_dict {
        for w in &r.write_backs {
            if w.same_object() {
                out.push(format!("7. write-back '{}': same object {}", w.key, value_text(&w.after)));
            } else {
                out.push(format!("7. write-back '{}': {} replaced by {}", w.key, value_text(&w.before), value_text(&w.after)));
            }
        }
    } else if r.forward_ran {
        out.push("7. write-back: none (the dicts were merged into a new dict)".into());
    }
    if r.single_dict && r.write_backs.is_empty() && r.forward_ran {
        out.push("7. write-back: none (no key of the dict was swapped)".into());
    }
    for c in &r.permanent_changes {
        out.push(match c {
            PermanentChange::Replaced { name, before, after } => format!(
                "PERMANENT CHANGE {name}: the module now holds {} instead of {}",
                after.as_ref().map(|t| format!("{} #{}", t.type_name(), t.id())).unwrap_or_else(|| "None".into()),
                before.as_ref().map(|t| format!("{} #{}", t.type_name(), t.id())).unwrap_or_else(|| "None".into()),
            ),
            PermanentChange::InPlace { name, tensor, version_before, version_after } => format!(
                "PERMANENT CHANGE {name}: the module's own tensor #{} was written in place (version {version_before} -> {version_after})",
                tensor.id()
            ),
            PermanentChange::Unversioned { name, tensor, by } => format!(
                "PERMANENT CHANGE {name}: the module's own tensor #{} was {}",
                tensor.id(),
                super::watch::describe(by)
            ),
        });
    }
    for b in &r.known_bugs {
        out.push(format!("known bug: {}{}", b.summary, b.upstream.map(|u| format!(" ({u})")).unwrap_or_default()));
    }
    out
}
