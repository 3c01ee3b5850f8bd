//! Stage 1: one dict is used as it is (it becomes the write-back target); a sequence of dicts
//! is checked and merged into a new dict. Exactly `torch.func.functional_call`'s checks.
use indexmap::IndexMap;
use std::rc::Rc;

use super::record::{InputDict, Source};
use crate::error::{Error, Result};
use crate::value::{py_str_repr, DictRef, Value};

pub(super) struct Merged {
    /// The merged map: the caller's own dict, or a new one.
    pub dict: DictRef,
    pub single: bool,
    /// key → where it came from.
    pub sources: IndexMap<Rc<str>, Source>,
    pub inputs: Vec<InputDict>,
}

pub(super) fn merge(dicts: &Value) -> Result<Merged> {
    match dicts {
        Value::Dict(d) => {
            let keys: Vec<Rc<str>> = d.borrow().keys().map(|k| Rc::from(k.as_str())).collect();
            let sources = keys.iter().map(|k| (k.clone(), Source::Dict { dict: 0, key: k.clone() })).collect();
            Ok(Merged { dict: d.clone(), single: true, sources, inputs: vec![InputDict { dict_id: d.id(), keys }] })
        }
        Value::List(items) | Value::Tuple(items) => merge_sequence(&items.borrow()),
        // A str is a collections.abc.Sequence: "" has no elements, "ab" fails the all-dicts check.
        Value::Str(s) if s.is_empty() => merge_sequence(&[]),
        Value::Str(_) => Err(not_all_dicts()),
        other => Err(Error::value(
            "call::dicts_type",
            format!(
                "Expected parameter_and_buffer_dicts to be a dict, or a list/tuple of dicts, but got {}",
                other.py_type_repr()
            ),
        )
        .with_hint("pass one dict, or a tuple of dicts such as (params, buffers)")),
    }
}

fn not_all_dicts() -> Error {
    Error::value("call::dicts_element", "Expected all elements of parameter_and_buffer_dicts to be dictionaries")
        .with_hint("every element of the tuple must be a dict")
}

fn merge_sequence(items: &[Value]) -> Result<Merged> {
    let mut dicts = Vec::with_capacity(items.len());
    for v in items {
        match v {
            Value::Dict(d) => dicts.push(d.clone()),
            _ => return Err(not_all_dicts()),
        }
    }
    let mut counter: IndexMap<String, usize> = IndexMap::new();
    for d in &dicts {
        for k in d.borrow().keys() {
            *counter.entry(k.clone()).or_insert(0) += 1;
        }
    }
    let repeated: Vec<String> = counter.iter().filter(|(_, n)| **n > 1).map(|(k, _)| py_str_repr(k)).collect();
    if !repeated.is_empty() {
        return Err(Error::value(
            "call::duplicate_keys",
            format!("[{}] appeared in multiple dictionaries; behavior of functional call is ambiguous", repeated.join(", ")),
        )
        .with_hint("each key may appear in only one of the dicts"));
    }
    let mut merged = IndexMap::new();
    let mut sources = IndexMap::new();
    let mut inputs = Vec::with_capacity(dicts.len());
    for (i, d) in dicts.iter().enumerate() {
        let mut keys = Vec::new();
        for (k, v) in d.borrow().iter() {
            let key: Rc<str> = Rc::from(k.as_str());
            merged.insert(k.clone(), v.clone());
            sources.insert(key.clone(), Source::Dict { dict: i, key: key.clone() });
            keys.push(key);
        }
        inputs.push(InputDict { dict_id: d.id(), keys });
    }
    Ok(Merged { dict: DictRef::from_entries(merged), single: false, sources, inputs })
}
