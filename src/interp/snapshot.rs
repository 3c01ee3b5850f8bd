//! Values before a shown functional call. The call table and its JSON record are rendered when
//! the statement finishes, after forward may have written tensors in place (a dict's buffer,
//! BatchNorm's counter, a parametrization's `original`); the "before" and "swapped in" columns
//! must still show the values the call started from, and never a value read after.
//!
//! Nothing of the model is read before the call beyond cheap facts (which object, its version):
//! the call itself ([`crate::func::watch`]) copies, before forward, the small tensors it can touch
//! and keeps the copies of those forward wrote ([`crate::func::CallRecord::kept_before`]), with
//! the layers' own copies of values written without a version bump. Here, before the call, only
//! the dicts' smallest values are copied (a key the call does not swap is not in the call's
//! copies). After the call, [`settle`] gathers the copies and notes which tensors the call did
//! not write: their value now is their value then, read only for the rows shown. A tensor the
//! call wrote with no copy shows "not kept", never its value after the call.
use std::collections::HashMap;

use crate::render::call_table::Then;
use crate::render::summary::SMALL;
use crate::tensor::TensorRef;
use crate::value::Value;

/// Copies of the dicts' tensors of at most [`SMALL`] elements, by object id.
#[derive(Clone, Default)]
pub struct Before {
    pub copies: HashMap<u64, TensorRef>,
}

/// Copies of the dicts' small tensors, before a call with `dicts`.
pub fn take(dicts: &Value) -> Before {
    let mut out = Before::default();
    let mut visit = |d: &crate::value::DictRef| {
        for v in d.borrow().values() {
            if let Value::Tensor(t) = v {
                if t.numel() <= SMALL && !out.copies.contains_key(&t.id()) {
                    let _guard = tch::no_grad_guard();
                    if let Ok(c) = super::copy::detached_copy(t.tensor()) {
                        out.copies.insert(t.id(), TensorRef::new(c));
                    }
                }
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
    out
}

/// After the call: what the table may show of values then (the copies taken before the call,
/// the call's own copies, and the tensors it did not write).
pub fn settle(before: Before, record: &crate::func::CallRecord) -> Then {
    let mut kept = before.copies;
    for (id, c) in &record.kept_before {
        kept.insert(*id, c.clone());
    }
    Then::settle(record, kept)
}

/// In a `"call"` JSON record, the values of `before` and `swapped_in` become the values before
/// the call (type, id, requires_grad and grad_fn stay those of the object). A value neither
/// copied nor unchanged is `"value": "not kept"`; one of more elements than PyTorch prints
/// stays `"not encoded"`.
pub fn patch_json(call: &mut serde_json::Value, then: &Then) {
    let Some(names) = call.get_mut("names").and_then(|n| n.as_array_mut()) else { return };
    for entry in names {
        for key in ["before", "swapped_in"] {
            let Some(obj) = entry.get_mut(key).and_then(|v| v.as_object_mut()) else { continue };
            let Some(id) = obj.get("id").and_then(|i| i.as_u64()) else { continue };
            match then.kept.get(&id) {
                Some(copy) if copy.numel() <= crate::tensor::format::THRESHOLD => {
                    let enc = crate::render::json::tensor(copy);
                    for field in ["value", "shape", "dtype"] {
                        obj.insert(field.into(), enc[field].clone());
                    }
                }
                Some(_) => {}
                None if !then.unchanged.contains_key(&id) => {
                    obj.insert("value".into(), serde_json::json!("not kept"));
                }
                None => {}
            }
        }
    }
}
