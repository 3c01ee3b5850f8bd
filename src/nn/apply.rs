//! `nn.Module._apply(fn)`: what `module.to(...)`, `.double()`, `.float()`, `.half()`,
//! `.cpu()`, `.to_empty(device=...)` do to every tensor below a module, with PyTorch's identity
//! rules (`torch.__future__` flags at their defaults): children first; a parameter whose new
//! data has a compatible TensorImpl (same backend: a dtype change) takes it in place
//! (`param.data = fn(param)`, the same Python object); otherwise (cpu to meta, meta to cpu) a new
//! `Parameter(fn(param), param.requires_grad)` replaces it; a buffer becomes `fn(buf)`.
use tch::Tensor;

use super::module::{bump_structure, Module};
use crate::error::Result;
use crate::tensor::{shim, TensorRef};

/// Turns grad mode off for its life (`with torch.no_grad():`).
struct NoGrad(bool);

impl NoGrad {
    fn new() -> NoGrad {
        let prev = shim::grad_mode_enabled();
        shim::set_grad_mode(false);
        NoGrad(prev)
    }
}

impl Drop for NoGrad {
    fn drop(&mut self) {
        shim::set_grad_mode(self.0);
    }
}

/// The new value of one tensor: the same object when `fn` handed back the same tensor.
fn applied(t: &TensorRef, f: &dyn Fn(&Tensor) -> Result<Tensor>) -> Result<Option<Tensor>> {
    let out = {
        let _guard = NoGrad::new();
        f(t.tensor())?
    };
    Ok((shim::impl_ptr(&out) != shim::impl_ptr(t.tensor())).then_some(out))
}

/// `module._apply(fn, recurse)`. Every new value is computed before the module changes, so an
/// error (a CUDA request on this machine) leaves the module as it was.
pub fn apply(m: &Module, f: &dyn Fn(&Tensor) -> Result<Tensor>, recurse: bool) -> Result<()> {
    let mut modules = vec![m.clone()];
    if recurse {
        modules = m.named_modules("", false)?.into_iter().map(|(_, s)| s).collect();
        // PyTorch's order: every child's subtree before the module itself.
        modules.reverse();
    }
    // (module, is_parameter, name, old, new value) for every tensor that changes.
    let mut plan: Vec<(Module, bool, String, TensorRef, Tensor)> = Vec::new();
    for sub in &modules {
        let (params, buffers): (Vec<_>, Vec<_>) = {
            let d = sub.data();
            let p = d.parameters.iter().filter_map(|(k, v)| v.clone().map(|v| (k.clone(), v))).collect();
            let b = d.buffers.iter().filter_map(|(k, v)| v.clone().map(|v| (k.clone(), v))).collect();
            (p, b)
        };
        for (is_param, items) in [(true, params), (false, buffers)] {
            for (name, t) in items {
                if let Some(new) = applied(&t, f)? {
                    plan.push((sub.clone(), is_param, name, t, new));
                }
            }
        }
    }
    for (sub, is_param, name, old, new) in plan {
        if is_param && shim::has_compatible_shallow_copy_type(old.tensor(), &new) {
            shim::set_data(old.tensor(), &new)?;
            if let Some(g) = old.grad() {
                if let Some(gnew) = applied(&g, f)? {
                    shim::set_data(g.tensor(), &gnew)?;
                }
            }
            continue;
        }
        // Each slot gets its own new Parameter, as in PyTorch (a tie across modules is not kept).
        let obj = if is_param { TensorRef::parameter(&new, old.requires_grad())? } else { TensorRef::new(new) };
        let mut d = sub.data_mut();
        let slot = if is_param { d.parameters.get_mut(&name) } else { d.buffers.get_mut(&name) };
        if let Some(s) = slot {
            *s = Some(obj);
        }
    }
    bump_structure();
    Ok(())
}
