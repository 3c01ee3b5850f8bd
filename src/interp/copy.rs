//! Fresh tensor copies (`t.clone()`, `clone(p)`, the values kept before a shown call). tch 0.26 exposes `clone` only
//! as `clone_out(out, self)`, which copies *into* `out` (so `x.f_clone(x)` is `x` itself, not a
//! copy), which autograd refuses when an input requires grad, and which bumps the copy's
//! `_version` (an `out=` write: PyTorch's clone starts at version 0). Copies are therefore a
//! copying `to` (`_to_copy`): new storage, the same strides, version 0.
use tch::Tensor;

use crate::error::Result;

/// A copy of `x` in new storage with no autograd history: `x.detach().clone()`.
pub fn detached_copy(x: &Tensor) -> Result<Tensor> {
    let x = x.f_detach()?;
    Ok(x.f_to_dtype(x.kind(), false, true)?)
}

/// `x.clone()`: new storage; differentiable when `x` requires grad and grad mode is on; works
/// on vmap's batched tensors and inside torch.func transforms.
///
/// Without a plain `at::clone` binding the copy is a copying `to` (`_to_copy`, which has an
/// autograd formula and a native vmap batching rule), so a differentiable copy's `grad_fn` is
/// `ToCopyBackward0` where PyTorch shows `CloneBackward0`.
pub fn clone(x: &Tensor) -> Result<Tensor> {
    let c = x.f_to_dtype(x.kind(), false, true)?;
    // Under no_grad a clone of a requires-grad tensor does not require grad (as in PyTorch).
    Ok(if c.requires_grad() && !crate::tensor::shim::grad_mode_enabled() { c.f_detach()? } else { c })
}
