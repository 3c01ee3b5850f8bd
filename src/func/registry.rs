//! The functional call's cached view of a module's structure: every parameter/buffer name with
//! duplicates (`named_parameters/named_buffers(remove_duplicate=False)`, parameters first), the
//! tied-name groups, and every distinct slot for before/after snapshots. Built once per
//! structure generation, so repeated calls do no walk of the module tree.
use std::collections::HashMap;
use std::rc::{Rc, Weak};

use crate::error::{Error, Result};
use crate::nn::module::ModuleInner;
use crate::nn::{structure_generation, Module};
use crate::tensor::TensorRef;

/// Which registry a slot belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlotKind {
    Parameter,
    Buffer,
}

/// One distinct `(module, attr)` slot, for snapshots of the module before and after a call.
pub struct SlotRef {
    pub name: Rc<str>,
    owner: Weak<ModuleInner>,
    pub attr: Rc<str>,
    pub kind: SlotKind,
}

impl SlotRef {
    /// The id of the module that owns the slot (0 if it is gone).
    pub fn owner_id(&self) -> u64 {
        self.owner.upgrade().map(|m| Module(m).id()).unwrap_or(0)
    }

    /// The object in the slot now (None if the slot holds None, was removed, or its module is gone).
    pub fn current(&self) -> Option<TensorRef> {
        let owner = Module(self.owner.upgrade()?);
        let d = owner.data();
        let reg = match self.kind {
            SlotKind::Parameter => &d.parameters,
            SlotKind::Buffer => &d.buffers,
        };
        reg.get(&*self.attr).cloned().flatten()
    }
}

/// Everything `_untie_named_tensors_map` and `check_keys` compute from a walk of the tree.
pub struct TieInfo {
    /// All names, parameters first, then buffers (`all_named_tensors` keys).
    pub all_names: Vec<Rc<str>>,
    /// name → index into `groups`, for names whose tensor has more than one name.
    pub tied: HashMap<Rc<str>, usize>,
    /// Tied groups in registry order.
    pub groups: Vec<Vec<Rc<str>>>,
}

pub struct Registry {
    generation: u64,
    /// Distinct slots (each module once), parameters then buffers per module.
    pub slots: Vec<SlotRef>,
    /// The duplicate-keeping walk, or the RecursionError it ends in on a cyclic graph.
    pub ties: std::result::Result<TieInfo, Error>,
}

/// The registry for `module`, from the cache when the structure has not changed.
pub fn registry(module: &Module, use_cache: bool) -> Result<Rc<Registry>> {
    let gen = structure_generation();
    if use_cache {
        if let Some(r) = &module.data().fc_cache {
            if r.generation == gen {
                return Ok(r.clone());
            }
        }
    }
    let r = Rc::new(build(module, gen)?);
    if use_cache {
        module.data_mut().fc_cache = Some(r.clone());
    }
    Ok(r)
}

fn build(module: &Module, generation: u64) -> Result<Registry> {
    let mut slots = Vec::new();
    for (prefix, m) in module.named_modules("", true)? {
        let d = m.data();
        for (kind, reg) in [(SlotKind::Parameter, &d.parameters), (SlotKind::Buffer, &d.buffers)] {
            for k in reg.keys() {
                let name: Rc<str> = if prefix.is_empty() { Rc::from(k.as_str()) } else { Rc::from(format!("{prefix}.{k}")) };
                slots.push(SlotRef { name, owner: Rc::downgrade(&m.0), attr: Rc::from(k.as_str()), kind });
            }
        }
    }
    Ok(Registry { generation, slots, ties: tie_info(module) })
}

fn tie_info(module: &Module) -> Result<TieInfo> {
    let params = module.named_parameters_with("", true, false)?;
    let buffers = module.named_buffers_with("", true, false)?;
    // all_named_tensors is a dict: a later duplicate name would overwrite, keeping its first position.
    let mut all: indexmap::IndexMap<Rc<str>, TensorRef> = indexmap::IndexMap::new();
    for (n, t) in params.into_iter().chain(buffers) {
        all.insert(Rc::from(n), t);
    }
    let mut by_object: indexmap::IndexMap<u64, Vec<Rc<str>>> = indexmap::IndexMap::new();
    for (n, t) in &all {
        by_object.entry(t.id()).or_default().push(n.clone());
    }
    let mut tied = HashMap::new();
    let mut groups = Vec::new();
    for names in by_object.into_values().filter(|g| g.len() > 1) {
        for n in &names {
            tied.insert(n.clone(), groups.len());
        }
        groups.push(names);
    }
    Ok(TieInfo { all_names: all.into_keys().collect(), tied, groups })
}
