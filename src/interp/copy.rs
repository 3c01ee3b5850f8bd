//! Fresh tensor copies (`t.clone()`, `clone(p)`, the values kept before a shown call). tch 0.26 exposes `clone` only
//! as `clone_out(out, self)`, which copies *into* `out` (so `x.f_clone(x)` is `x` itself, not a
//! copy) and which autograd refuses when an input requires grad.
use tch::Tensor;

use crate::error::Result;

/// A copy of `x` in new storage with no autograd history: `x.detach().clone()`.
pub fn detached_copy(x: &Tensor) -> Result<Tensor> {
    let x = x.f_detach()?;
    if crate::tensor::shim::is_batched(&x) {
        return Ok(x.f_to_dtype(x.kind(), false, true)?);
    }
    let out = x.f_empty_like()?;
    Ok(x.f_clone(&out)?)
}

/// `x.clone()`: new storage; differentiable when `x` requires grad and grad mode is on; works
/// on vmap's batched tensors and inside torch.func transforms.
///
/// Without a plain `at::clone` binding the differentiable (or batched) copy is a copying `to`
/// (`_to_copy`, which has an autograd formula and a native vmap batching rule), so its
/// `grad_fn` is `ToCopyBackward0` where PyTorch shows `CloneBackward0`.
pub fn clone(x: &Tensor) -> Result<Tensor> {
    if crate::tensor::shim::is_batched(x) || (x.requires_grad() && crate::tensor::shim::grad_mode_enabled()) {
        return Ok(x.f_to_dtype(x.kind(), false, true)?);
    }
    let out = x.f_empty_like()?;
    let c = x.f_clone(&out)?;
    // Under no_grad a clone of a requires-grad tensor does not require grad (as in PyTorch).
    Ok(if c.requires_grad() { c.f_detach()? } else { c })
}
