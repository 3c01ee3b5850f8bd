//! Values before a shown functional call. The call table and its JSON record are rendered when
//! the statement finishes, after forward may have written tensors in place (a dict's buffer,
//! BatchNorm's counter, a parametrization's `original`); the "before" and "swapped in" columns
//! must still show the values the call started from. So before a top-level `call`, every tensor
//! it can touch (the dicts' values and every module slot, aliases included) that the table shows
//! by value ([`MAX_NUMEL`] elements or fewer) is copied, one of up to [`SUMMARY_MAX`] elements is
//! summarised (a few reductions); larger tensors are shown by shape and
//! statistics and are never copied, so a call on a large model copies nothing of it. After the
//! call, [`settle`] adds the record's own copies (values before a write the version counter
//! missed) and notes which tensors the call did not write: their value now is their value then.
//! A large tensor the call wrote shows "not kept", never its value after the call.
use std::collections::HashMap;

use crate::nn::Module;
use crate::render::call_table::Then;
use crate::render::summary::summarize;
use crate::tensor::TensorRef;
use crate::value::Value;

/// Tensors with more elements are not copied.
pub const MAX_NUMEL: usize = crate::render::summary::SMALL;
/// Tensors with more elements than a copy but at most this many are summarised before the call
/// (a few reductions: biases, norms' weights, running statistics); larger ones are not.
pub const SUMMARY_MAX: usize = 4096;

/// The tensors as they were before the call, by object id.
#[derive(Clone, Default)]
pub struct Before {
    /// Detached copies of the small ones.
    pub copies: HashMap<u64, TensorRef>,
    /// Summaries of the middle-sized ones.
    pub summaries: HashMap<u64, String>,
}

fn copy_into(out: &mut Before, t: &TensorRef) {
    let n = t.numel();
    if n > SUMMARY_MAX || out.copies.contains_key(&t.id()) || out.summaries.contains_key(&t.id()) {
        return;
    }
    let _guard = tch::no_grad_guard();
    if n > MAX_NUMEL {
        out.summaries.insert(t.id(), summarize(t));
    } else if let Ok(c) = super::copy::detached_copy(t.tensor()) {
        out.copies.insert(t.id(), TensorRef::new(c));
    }
}

fn module_tensors(m: &Module) -> Vec<TensorRef> {
    // Every path (aliases included); a module graph with a cycle falls back to one path each.
    let all = |dedupe: bool| -> crate::error::Result<Vec<TensorRef>> {
        let mut v: Vec<TensorRef> = m.named_parameters_with("", true, dedupe)?.into_iter().map(|(_, t)| t).collect();
        v.extend(m.named_buffers_with("", true, dedupe)?.into_iter().map(|(_, t)| t));
        Ok(v)
    };
    all(false).or_else(|_| all(true)).unwrap_or_default()
}

/// Copies of the tensors a call of `m` with `dicts` can touch.
pub fn take(m: &Module, dicts: &Value) -> Before {
    let mut out = Before::default();
    let mut visit = |d: &crate::value::DictRef| {
        for v in d.borrow().values() {
            if let Value::Tensor(t) = v {
                copy_into(&mut out, t);
            }
        }
    };
    match dicts {
        Value::Dict(d) => visit(d),
        Value::List(items) | Value::Tuple(items) => items.borrow().iter().for_each(|i| {
            if let Value::Dict(d) = i {
                visit(d)
            }
        }),
        _ => {}
    }
    for t in module_tensors(m) {
        copy_into(&mut out, &t);
    }
    out
}

/// After the call: the record's copies join `before`; what the table may show of values then.
pub fn settle(before: &mut Before, record: &crate::func::CallRecord) -> Then {
    for w in &record.unversioned.0 {
        if let Some(b) = &w.before {
            before.copies.entry(w.tensor.id()).or_insert_with(|| b.clone());
        }
    }
    let mut kept: HashMap<u64, String> = before.copies.iter().map(|(id, c)| (*id, summarize(c))).collect();
    for (id, s) in &before.summaries {
        kept.entry(*id).or_insert_with(|| s.clone());
    }
    Then::settle(record, kept)
}

/// In a `"call"` JSON record, the values of `before` and `swapped_in` become the values before
/// the call (type, id, requires_grad and grad_fn stay those of the object).
/// A value neither copied nor unchanged is `"value": "not kept"`.
pub fn patch_json(call: &mut serde_json::Value, before: &Before, then: &Then) {
    let Some(names) = call.get_mut("names").and_then(|n| n.as_array_mut()) else { return };
    for entry in names {
        for key in ["before", "swapped_in"] {
            let Some(obj) = entry.get_mut(key).and_then(|v| v.as_object_mut()) else { continue };
            let Some(id) = obj.get("id").and_then(|i| i.as_u64()) else { continue };
            match before.copies.get(&id) {
                Some(copy) => {
                    let enc = crate::render::json::tensor(copy);
                    for field in ["value", "shape", "dtype"] {
                        obj.insert(field.into(), enc[field].clone());
                    }
                }
                None if !then.unchanged.contains_key(&id) => {
                    obj.insert("value".into(), serde_json::json!("not kept"));
                }
                None => {}
            }
        }
    }
}
