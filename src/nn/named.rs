//! Walks of the module tree in PyTorch's order: `named_modules`, `named_parameters`,
//! `named_buffers` (with `prefix`, `recurse`, `remove_duplicate`) and `state_dict`. A cycle in the
//! module graph recurses as in PyTorch and ends in RecursionError instead of a stack overflow.
use indexmap::IndexMap;
use std::collections::HashSet;

use super::Module;
use crate::error::{Error, Result};
use crate::tensor::TensorRef;

/// Depth at which a walk gives up, like Python's recursion limit on a cyclic module graph.
pub const RECURSION_LIMIT: usize = 900;

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

impl Module {
    /// `named_modules(prefix=prefix, remove_duplicate=...)`.
    pub fn named_modules(&self, prefix: &str, remove_duplicate: bool) -> Result<Vec<(String, Module)>> {
        let mut out = Vec::new();
        let mut memo = HashSet::new();
        walk_modules(self, prefix, remove_duplicate, &mut memo, &mut out, 0)?;
        Ok(out)
    }

    /// `named_parameters(prefix, recurse, remove_duplicate)`.
    pub fn named_parameters_with(&self, prefix: &str, recurse: bool, remove_duplicate: bool) -> Result<Vec<(String, TensorRef)>> {
        self.named_members(prefix, recurse, remove_duplicate, |m| {
            m.data().parameters.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
        })
    }

    /// `named_buffers(prefix, recurse, remove_duplicate)`.
    pub fn named_buffers_with(&self, prefix: &str, recurse: bool, remove_duplicate: bool) -> Result<Vec<(String, TensorRef)>> {
        self.named_members(prefix, recurse, remove_duplicate, |m| {
            m.data().buffers.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
        })
    }

    /// `named_parameters()` with PyTorch's defaults.
    pub fn named_parameters(&self) -> Result<Vec<(String, TensorRef)>> {
        self.named_parameters_with("", true, true)
    }

    /// `named_buffers()` with PyTorch's defaults.
    pub fn named_buffers(&self) -> Result<Vec<(String, TensorRef)>> {
        self.named_buffers_with("", true, true)
    }

    /// `_named_members`: a tensor object is listed once (memo by identity) unless remove_duplicate is false.
    fn named_members(
        &self,
        prefix: &str,
        recurse: bool,
        remove_duplicate: bool,
        members: impl Fn(&Module) -> Vec<(String, Option<TensorRef>)>,
    ) -> Result<Vec<(String, TensorRef)>> {
        let modules = if recurse { self.named_modules(prefix, remove_duplicate)? } else { vec![(prefix.to_string(), self.clone())] };
        let mut memo: HashSet<u64> = HashSet::new();
        let mut out = Vec::new();
        for (module_prefix, m) in modules {
            for (k, v) in members(&m) {
                let Some(t) = v else { continue };
                if memo.contains(&t.id()) {
                    continue;
                }
                if remove_duplicate {
                    memo.insert(t.id());
                }
                out.push((join(&module_prefix, &k), t));
            }
        }
        Ok(out)
    }

    /// `state_dict(keep_vars=...)`: parameters then persistent buffers per module, depth first,
    /// every path of a shared submodule, each entry detached separately unless keep_vars.
    pub fn state_dict(&self, keep_vars: bool) -> Result<IndexMap<String, TensorRef>> {
        let mut out = IndexMap::new();
        save_to_state_dict(self, "", keep_vars, &mut out, 0)?;
        Ok(out)
    }
}

fn walk_modules(
    m: &Module,
    prefix: &str,
    remove_duplicate: bool,
    memo: &mut HashSet<u64>,
    out: &mut Vec<(String, Module)>,
    depth: usize,
) -> Result<()> {
    if depth > RECURSION_LIMIT {
        return Err(Error::recursion());
    }
    if memo.contains(&m.id()) {
        return Ok(());
    }
    if remove_duplicate {
        memo.insert(m.id());
    }
    out.push((prefix.to_string(), m.clone()));
    let children: Vec<(String, Module)> =
        m.data().modules.iter().filter_map(|(k, v)| v.clone().map(|v| (k.clone(), v))).collect();
    for (name, child) in children {
        walk_modules(&child, &join(prefix, &name), remove_duplicate, memo, out, depth + 1)?;
    }
    Ok(())
}

fn save_to_state_dict(m: &Module, prefix: &str, keep_vars: bool, out: &mut IndexMap<String, TensorRef>, depth: usize) -> Result<()> {
    if depth > RECURSION_LIMIT {
        return Err(Error::recursion());
    }
    let (params, buffers, children) = {
        let d = m.data();
        let params: Vec<(String, TensorRef)> =
            d.parameters.iter().filter_map(|(k, v)| v.clone().map(|v| (k.clone(), v))).collect();
        let buffers: Vec<(String, TensorRef)> = d
            .buffers
            .iter()
            .filter(|(k, _)| !d.non_persistent_buffers.contains(*k))
            .filter_map(|(k, v)| v.clone().map(|v| (k.clone(), v)))
            .collect();
        let children: Vec<(String, Module)> =
            d.modules.iter().filter_map(|(k, v)| v.clone().map(|v| (k.clone(), v))).collect();
        (params, buffers, children)
    };
    for (k, t) in params.into_iter().chain(buffers) {
        let v = if keep_vars { t } else { TensorRef::new(t.tensor().f_detach()?) };
        out.insert(format!("{prefix}{k}"), v);
    }
    for (name, child) in children {
        save_to_state_dict(&child, &format!("{prefix}{name}."), keep_vars, out, depth + 1)?;
    }
    Ok(())
}
