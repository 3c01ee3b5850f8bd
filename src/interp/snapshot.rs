//! Values before a shown functional call. The call table and its JSON record are rendered when
//! the statement finishes, after forward may have written tensors in place (a dict's buffer,
//! BatchNorm's counter, a parametrization's `original`); the "before" and "swapped in" columns
//! must still show the values the call started from. So before a top-level `call`, every tensor
//! it can touch (the dicts' values and every module slot, aliases included) that the table shows
//! by value ([`MAX_NUMEL`] elements or fewer) is copied; larger tensors are shown by shape and
//! statistics and are never copied, so a call on a large model copies nothing of it.
use std::collections::HashMap;

use crate::nn::Module;
use crate::render::summary::summarize;
use crate::tensor::TensorRef;
use crate::value::Value;

/// Tensors with more elements are not copied (their "before" shows the value at render time).
pub const MAX_NUMEL: usize = crate::render::summary::SMALL;

/// Object id → a detached copy of the tensor as it was before the call.
pub type Before = HashMap<u64, TensorRef>;

fn copy_into(out: &mut Before, t: &TensorRef) {
    if t.numel() > MAX_NUMEL || out.contains_key(&t.id()) {
        return;
    }
    let _guard = tch::no_grad_guard();
    if let Ok(c) = super::copy::detached_copy(t.tensor()) {
        out.insert(t.id(), TensorRef::new(c));
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
    let mut out = Before::new();
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

/// Text summaries of the copies, for the table (`pre`): keeps summaries already there.
pub fn summaries(before: &Before, pre: &mut HashMap<u64, String>) {
    for (id, c) in before {
        pre.entry(*id).or_insert_with(|| summarize(c));
    }
}

/// In a `"call"` JSON record, the values of `before` and `swapped_in` become the values before
/// the call (type, id, requires_grad and grad_fn stay those of the object).
pub fn patch_json(call: &mut serde_json::Value, before: &Before) {
    let Some(names) = call.get_mut("names").and_then(|n| n.as_array_mut()) else { return };
    for entry in names {
        for key in ["before", "swapped_in"] {
            let Some(obj) = entry.get_mut(key).and_then(|v| v.as_object_mut()) else { continue };
            let Some(copy) = obj.get("id").and_then(|i| i.as_u64()).and_then(|id| before.get(&id)) else { continue };
            let enc = crate::render::json::tensor(copy);
            for field in ["value", "shape", "dtype"] {
                obj.insert(field.into(), enc[field].clone());
            }
        }
    }
}
