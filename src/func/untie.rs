//! Stage 3a (`_untie_named_tensors_map`) and stage 3b (the strict key check), on the untied map.
//! Ties are compared by object identity; the KeyError for tied groups of three or more given in
//! part is PyTorch 2.13's and is reproduced and marked (SEMANTICS.md §2 3a).
use indexmap::IndexMap;
use std::collections::BTreeSet;
use std::rc::Rc;

use super::record::{Source, Untie};
use super::registry::TieInfo;
use crate::error::{Error, ExcType, Result, BUG_TIED_GROUP_KEYERROR};
use crate::value::{py_str_repr, Value};

/// `hash(v)` identity for the "multiple values" set: objects by identity, numbers by value.
#[derive(PartialEq, Eq, Hash, Clone, Debug)]
enum HashKey {
    Object(u64),
    None,
    Number(u64),
    Str(String),
    Tuple(Vec<HashKey>),
}

fn hash_key(v: &Value) -> Result<HashKey> {
    Ok(match v {
        Value::Tensor(t) => HashKey::Object(t.id()),
        Value::Module(m) => HashKey::Object(m.id()),
        Value::None => HashKey::None,
        Value::Bool(b) => HashKey::Number((*b as i64 as f64).to_bits()),
        Value::Int(i) => HashKey::Number((*i as f64).to_bits()),
        Value::BigInt(b) => HashKey::Str(format!("\u{0}int {b}")),
        Value::Float(f) => HashKey::Number(f.to_bits()),
        // A complex equals a real number where its imaginary part is 0.
        Value::Complex(r, i) if *i == 0.0 => HashKey::Number(r.to_bits()),
        Value::Complex(..) => HashKey::Str(format!("\u{0}complex {}", v.py_repr())),
        Value::Str(s) => HashKey::Str(s.to_string()),
        Value::Tuple(items) | Value::Size(items) => HashKey::Tuple(items.borrow().iter().map(hash_key).collect::<Result<_>>()?),
        Value::Function(f) => HashKey::Object(Rc::as_ptr(f) as *const u8 as u64),
        Value::Namespace(n) => HashKey::Object(Rc::as_ptr(n) as *const u8 as u64),
        Value::Class(c) => HashKey::Object(c.id),
        Value::Object(o) => HashKey::Object(o.id),
        // One object per dtype: hashed by the dtype.
        Value::DType(k) => HashKey::Str(format!("\u{0}dtype {k:?}")),
        Value::List(_) | Value::Dict(_) | Value::Set(_) => {
            return Err(Error::type_error("call::unhashable", format!("unhashable type: '{}'", v.type_name())))
        }
    })
}

/// The untied map: the caller's entries in order, then the aliases of every given tied name.
pub(super) fn untie(
    ties: &TieInfo,
    merged: &IndexMap<String, Value>,
    sources: &mut IndexMap<Rc<str>, Source>,
    untie_log: &mut Vec<Untie>,
) -> Result<IndexMap<String, Value>> {
    let given: Vec<(&String, usize)> =
        merged.keys().filter_map(|k| ties.tied.get(k.as_str()).map(|g| (k, *g))).collect();
    for (_, g) in &given {
        let group = &ties.groups[*g];
        let given_in_group = given.iter().filter(|(_, h)| h == g).count();
        if given_in_group <= 1 {
            continue;
        }
        let mut values = Vec::new();
        for n in group {
            let Some(v) = merged.get(&**n) else {
                return Err(Error::key("call::tied_group_keyerror", n.to_string())
                    .with_bug(BUG_TIED_GROUP_KEYERROR)
                    .with_hint("give every name of the tied group, or only one of them"));
            };
            let k = hash_key(v)?;
            if !values.contains(&k) {
                values.push(k);
            }
        }
        if values.len() != 1 {
            let sorted: BTreeSet<&str> = group.iter().map(|n| &**n).collect();
            let list: Vec<String> = sorted.iter().map(|n| py_str_repr(n)).collect();
            return Err(Error::new(
                ExcType::ValueError,
                "call::tied_conflict",
                format!(
                    "functional_call got multiple values for keys [{}], which are tied. Consider using tie_weights=False",
                    list.join(", ")
                ),
            )
            .with_hint("tied names share one tensor object: pass one object for all of them (equal values are not enough), or call with tie=false"));
        }
    }
    let mut untied = merged.clone();
    for (given_name, g) in &given {
        let value = &merged[*given_name];
        let mut added = Vec::new();
        for n in &ties.groups[*g] {
            if !untied.contains_key(&**n) {
                added.push(n.clone());
                sources.insert(n.clone(), Source::TiedTo { key: Rc::from(given_name.as_str()) });
            }
            untied.insert(n.to_string(), value.clone());
        }
        untie_log.push(Untie { given: Rc::from(given_name.as_str()), group: *g, added });
    }
    Ok(untied)
}

/// Stage 3b: `Error(s) in reparametrizing for {Class}:` with Unexpected, then Missing.
pub(super) fn check_strict(ties: &TieInfo, untied: &IndexMap<String, Value>, class_name: &str) -> Result<()> {
    let keys: BTreeSet<&str> = untied.keys().map(|k| k.as_str()).collect();
    let valid: BTreeSet<&str> = ties.all_names.iter().map(|n| &**n).collect();
    let missing: Vec<String> = valid.difference(&keys).map(|k| py_str_repr(k)).collect();
    let unexpected: Vec<String> = keys.difference(&valid).map(|k| py_str_repr(k)).collect();
    let mut msgs = Vec::new();
    if !unexpected.is_empty() {
        msgs.push(format!("Unexpected key(s): {}.", unexpected.join(", ")));
    }
    if !missing.is_empty() {
        msgs.push(format!("Missing key(s): {}.", missing.join(", ")));
    }
    if msgs.is_empty() {
        return Ok(());
    }
    Err(Error::runtime("call::strict", format!("Error(s) in reparametrizing for {class_name}:\n\t{}", msgs.join("\n\t")))
        .with_hint("strict=true needs exactly the module's parameter and buffer names (aliases included unless tie=true)"))
}
