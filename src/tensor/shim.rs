//! The C++ shim (csrc/shim.cpp): autograd node names and the version counter, read directly.
use std::os::raw::{c_char, c_int};
use tch::Tensor;

extern "C" {
    fn fcall_grad_fn_name(t: *const torch_sys::C_tensor, buf: *mut c_char, len: usize) -> c_int;
    fn fcall_version(t: *const torch_sys::C_tensor) -> i64;
    fn fcall_grad_fn_addr(t: *const torch_sys::C_tensor) -> usize;
}

extern "C" {
    fn fcall_data_ptr_or_null(t: *const torch_sys::C_tensor) -> *const std::ffi::c_void;
}

/// The address of a tensor's first element, or None when it has no plain storage (functorch's
/// wrappers, meta tensors): for overlap checks only.
pub(crate) fn data_ptr(t: &Tensor) -> Option<usize> {
    // SAFETY: tch's C_tensor is a valid at::Tensor* for the life of `t`; the shim catches.
    let p = unsafe { fcall_data_ptr_or_null(t.as_ptr()) };
    (!p.is_null()).then_some(p as usize)
}

pub(super) fn version(t: &Tensor) -> i64 {
    // SAFETY: tch's C_tensor is a valid at::Tensor* for the life of `t`.
    unsafe { fcall_version(t.as_ptr()) }
}

pub(super) fn grad_fn_addr(t: &Tensor) -> usize {
    // SAFETY: as above.
    unsafe { fcall_grad_fn_addr(t.as_ptr()) }
}

pub(super) fn grad_fn_name(t: &Tensor) -> Option<String> {
    let mut buf = [0u8; 128];
    // SAFETY: as above; the shim writes at most buf.len() bytes, NUL-terminated.
    let has = unsafe { fcall_grad_fn_name(t.as_ptr(), buf.as_mut_ptr() as *mut c_char, buf.len()) };
    if has == 0 {
        return None;
    }
    let end = buf.iter().position(|b| *b == 0).unwrap_or(buf.len());
    Some(String::from_utf8_lossy(&buf[..end]).into_owned())
}

// ---- functorch: the layers torch.func's grad and vmap push and pop ----
use crate::error::{Error, Result};
use std::ffi::CStr;

extern "C" {
    fn fcall_last_error() -> *const c_char;
    fn fcall_is_batched(t: *const torch_sys::C_tensor) -> c_int;
    fn fcall_functorch_wrapper(t: *const torch_sys::C_tensor, level: *mut i64, bdim: *mut i64) -> c_int;
    fn fcall_get_unwrapped(t: *const torch_sys::C_tensor) -> *mut torch_sys::C_tensor;
    fn fcall_disable_functorch() -> *mut std::ffi::c_void;
    fn fcall_enable_functorch(guard: *mut std::ffi::c_void);
    fn fcall_impl_ptr(t: *const torch_sys::C_tensor) -> *const std::ffi::c_void;
    fn fcall_tensor_from_data(data: *const u8, sizes: *const i64, ndim: usize, scalar_type: c_int) -> *mut torch_sys::C_tensor;
    fn fcall_grad_mode_enabled() -> c_int;
    fn fcall_set_grad_mode(enabled: c_int);
    fn fcall_inference_mode_enter(enabled: c_int) -> *mut std::ffi::c_void;
    fn fcall_inference_mode_exit(guard: *mut std::ffi::c_void);
    fn fcall_inference_mode_enabled() -> c_int;
    fn fcall_clear_grad(t: *const torch_sys::C_tensor);
    fn fcall_grad_increment_nesting() -> i64;
    fn fcall_vmap_increment_nesting(batch_size: i64, randomness: c_int) -> i64;
    fn fcall_decrement_nesting() -> c_int;
    fn fcall_set_inplace_requires_grad_allowed(allowed: c_int);
    fn fcall_inplace_requires_grad_allowed() -> c_int;
    fn fcall_check_inplace_requires_grad() -> c_int;
    fn fcall_wrap_for_grad(t: *const torch_sys::C_tensor, level: i64) -> *mut torch_sys::C_tensor;
    fn fcall_arange(sk: c_int, s: f64, ek: c_int, e: f64, tk: c_int, t: f64, scalar_type: c_int) -> *mut torch_sys::C_tensor;
    fn fcall_clamp(t: *const torch_sys::C_tensor, min_kind: c_int, min: f64, max_kind: c_int, max: f64, inplace: c_int) -> *mut torch_sys::C_tensor;
    fn fcall_scalar_activation(t: *const torch_sys::C_tensor, which: c_int, a: f64, b: f64, inplace: c_int) -> *mut torch_sys::C_tensor;
    fn fcall_vector_norm(t: *const torch_sys::C_tensor, ord: f64, dims: *const i64, ndims: i64, keepdim: c_int) -> *mut torch_sys::C_tensor;
    fn fcall_unwrap_for_grad(t: *const torch_sys::C_tensor, level: i64) -> *mut torch_sys::C_tensor;
    fn fcall_add_batch_dim(t: *const torch_sys::C_tensor, dim: i64, level: i64) -> *mut torch_sys::C_tensor;
    fn fcall_remove_batch_dim(t: *const torch_sys::C_tensor, level: i64, batch_size: i64, out_dim: i64) -> *mut torch_sys::C_tensor;
    fn fcall_autograd_grad(
        outputs: *const *mut torch_sys::C_tensor,
        n: c_int,
        inputs: *const *mut torch_sys::C_tensor,
        m: c_int,
        grad_outputs: *const *mut torch_sys::C_tensor,
        retain_graph: c_int,
        create_graph: c_int,
        allow_unused: c_int,
        results: *mut *mut torch_sys::C_tensor,
    ) -> c_int;
    fn fcall_jvp_increment_nesting() -> i64;
    fn fcall_fwd_grad_enabled() -> c_int;
    fn fcall_set_fwd_grad_enabled(enabled: c_int);
    fn fcall_enter_dual_level() -> i64;
    fn fcall_exit_dual_level(level: i64) -> c_int;
    fn fcall_make_dual(primal: *const torch_sys::C_tensor, tangent: *const torch_sys::C_tensor, level: i64) -> *mut torch_sys::C_tensor;
    fn fcall_unpack_dual(t: *const torch_sys::C_tensor, level: i64, primal: *mut *mut torch_sys::C_tensor, tangent: *mut *mut torch_sys::C_tensor) -> c_int;
}

/// The libtorch error the shim caught last, as the class PyTorch's binding raises it.
fn shim_error() -> Error {
    // SAFETY: the shim returns a NUL-terminated thread-local string.
    let raw = unsafe { CStr::from_ptr(fcall_last_error()) }.to_string_lossy().into_owned();
    Error::torch(tch::TchError::Torch(raw))
}

fn owned(p: *mut torch_sys::C_tensor) -> Result<Tensor> {
    if p.is_null() {
        return Err(shim_error());
    }
    // SAFETY: the shim returned a fresh heap at::Tensor that tch now owns.
    Ok(unsafe { Tensor::from_ptr(p) })
}

pub(crate) fn grad_mode_enabled() -> bool {
    unsafe { fcall_grad_mode_enabled() != 0 }
}
pub(crate) fn set_grad_mode(enabled: bool) {
    unsafe { fcall_set_grad_mode(enabled as c_int) }
}
/// Enters `c10::InferenceMode(enabled)`; the guard must go to [`inference_mode_exit`], innermost
/// first.
pub(crate) fn inference_mode_enter(enabled: bool) -> usize {
    unsafe { fcall_inference_mode_enter(enabled as c_int) as usize }
}
pub(crate) fn inference_mode_exit(guard: usize) {
    unsafe { fcall_inference_mode_exit(guard as *mut std::ffi::c_void) }
}
pub(crate) fn inference_mode_enabled() -> bool {
    unsafe { fcall_inference_mode_enabled() != 0 }
}
/// `del t.grad`.
pub(crate) fn clear_grad(t: &Tensor) {
    unsafe { fcall_clear_grad(t.as_ptr()) }
}
pub(crate) fn grad_increment_nesting() -> Result<i64> {
    let level = unsafe { fcall_grad_increment_nesting() };
    if level < 0 {
        Err(shim_error())
    } else {
        Ok(level)
    }
}
pub(crate) fn vmap_increment_nesting(batch_size: i64, randomness: i32) -> Result<i64> {
    let level = unsafe { fcall_vmap_increment_nesting(batch_size, randomness) };
    if level < 0 {
        Err(shim_error())
    } else {
        Ok(level)
    }
}
pub(crate) fn decrement_nesting() -> Result<()> {
    if unsafe { fcall_decrement_nesting() } == 0 {
        Err(shim_error())
    } else {
        Ok(())
    }
}
pub(crate) fn set_inplace_requires_grad_allowed(allowed: bool) -> bool {
    let prev = unsafe { fcall_inplace_requires_grad_allowed() } != 0;
    unsafe { fcall_set_inplace_requires_grad_allowed(allowed as c_int) };
    prev
}
/// Python's `Tensor.requires_grad_()` refuses to run inside a functorch transform (unless the
/// transform allowed it): the RuntimeError it raises, or Ok.
pub(crate) fn check_inplace_requires_grad() -> Result<()> {
    if unsafe { fcall_check_inplace_requires_grad() } == 0 {
        Err(shim_error())
    } else {
        Ok(())
    }
}
/// A Python int or float, as libtorch's Scalar arguments take it.
#[derive(Clone, Copy)]
pub(crate) enum Number {
    Int(i64),
    Float(f64),
}

impl Number {
    /// A Python number (a bool counts as an int), or None.
    pub(crate) fn of(v: &crate::value::Value) -> Option<Number> {
        use crate::value::Value;
        match v {
            Value::Int(i) => Some(Number::Int(*i)),
            Value::Bool(b) => Some(Number::Int(*b as i64)),
            Value::Float(f) => Some(Number::Float(*f)),
            _ => None,
        }
    }
    /// What the shim takes: (0 none, 1 int, 2 float) and the value.
    fn code(n: Option<Number>) -> (c_int, f64) {
        match n {
            None => (0, 0.0),
            Some(Number::Int(i)) => (1, i as f64),
            Some(Number::Float(f)) => (2, f),
        }
    }
}

/// `t.clamp(min, max)` / `t.clamp_(min, max)` with Python-number bounds (None: no bound).
pub(crate) fn clamp(t: &Tensor, min: Option<Number>, max: Option<Number>, inplace: bool) -> Result<Tensor> {
    let ((lk, lv), (hk, hv)) = (Number::code(min), Number::code(max));
    owned(unsafe { fcall_clamp(t.as_ptr(), lk, lv, hk, hv, inplace as c_int) })
}

/// An activation with number arguments tch does not bind (see the shim's comment).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum ScalarActivation {
    LeakyRelu { negative_slope: f64 },
    Elu { alpha: f64 },
    Softplus { beta: f64, threshold: f64 },
    Hardtanh { min_val: f64, max_val: f64 },
}

/// `F.leaky_relu` / `F.elu` / `F.softplus` / `F.hardtanh` (in place: the `_` variant on `t`).
pub(crate) fn scalar_activation(t: &Tensor, act: ScalarActivation, inplace: bool) -> Result<Tensor> {
    let (which, a, b) = match act {
        ScalarActivation::LeakyRelu { negative_slope } => (0, negative_slope, 0.0),
        ScalarActivation::Elu { alpha } => (1, alpha, 0.0),
        ScalarActivation::Softplus { beta, threshold } => (2, beta, threshold),
        ScalarActivation::Hardtanh { min_val, max_val } => (3, min_val, max_val),
    };
    owned(unsafe { fcall_scalar_activation(t.as_ptr(), which, a, b, inplace as c_int) })
}

/// `torch.linalg.vector_norm(t, ord, dim, keepdim)`; `dim` None: all elements.
pub(crate) fn vector_norm(t: &Tensor, ord: f64, dim: Option<&[i64]>, keepdim: bool) -> Result<Tensor> {
    let (ptr, n) = dim.map(|d| (d.as_ptr(), d.len() as i64)).unwrap_or((std::ptr::null(), -1));
    owned(unsafe { fcall_vector_norm(t.as_ptr(), ord, ptr, n, keepdim as c_int) })
}
pub(crate) fn wrap_for_grad(t: &Tensor, level: i64) -> Result<Tensor> {
    owned(unsafe { fcall_wrap_for_grad(t.as_ptr(), level) })
}
pub(crate) fn unwrap_for_grad(t: &Tensor, level: i64) -> Result<Tensor> {
    owned(unsafe { fcall_unwrap_for_grad(t.as_ptr(), level) })
}
pub(crate) fn add_batch_dim(t: &Tensor, dim: i64, level: i64) -> Result<Tensor> {
    owned(unsafe { fcall_add_batch_dim(t.as_ptr(), dim, level) })
}
/// A Python number as a 0-dim tensor of `kind` on `device`, made without a tch `Scalar` (whose
/// destructor panics on a pending libtorch error); the cast wraps as PyTorch's does
/// (int8 + 300 is 45).
pub(crate) fn number_tensor(v: Number, kind: tch::Kind, device: tch::Device) -> Result<Tensor> {
    let t = match v {
        Number::Int(i) => tensor_from_data(&i.to_ne_bytes(), &[], tch::Kind::Int64)?,
        Number::Float(f) => tensor_from_data(&f.to_ne_bytes(), &[], tch::Kind::Double)?,
    };
    Ok(t.f_to_device_(device, kind, false, false)?)
}

/// A Python complex number as a 0-dim tensor of `kind` on `device` (as [`number_tensor`]).
pub(crate) fn complex_number_tensor(re: f64, im: f64, kind: tch::Kind, device: tch::Device) -> Result<Tensor> {
    let parts = tensor_from_data(&[re.to_ne_bytes(), im.to_ne_bytes()].concat(), &[2], tch::Kind::Double)?;
    Ok(parts.f_view_as_complex()?.f_to_device_(device, kind, false, false)?)
}

/// The c10::ScalarType code of a dtype (include/c10/core/ScalarType.h), as tch's private
/// `Kind::c_int`.
/// c10::ScalarType's code of a dtype.
pub(crate) fn scalar_type(kind: tch::Kind) -> Result<c_int> {
    use tch::Kind::*;
    Ok(match kind {
        Uint8 => 0,
        Int8 => 1,
        Int16 => 2,
        Int => 3,
        Int64 => 4,
        Half => 5,
        Float => 6,
        Double => 7,
        ComplexHalf => 8,
        ComplexFloat => 9,
        ComplexDouble => 10,
        Bool => 11,
        BFloat16 => 15,
        other => return Err(Error::runtime("torch::dtype", format!("unsupported dtype {other:?}"))),
    })
}

/// The dtype of a c10::ScalarType code (None for those fcall does not run).
pub(crate) fn kind_of_scalar_type(code: i64) -> Option<tch::Kind> {
    use tch::Kind::*;
    Some(match code {
        0 => Uint8,
        1 => Int8,
        2 => Int16,
        3 => Int,
        4 => Int64,
        5 => Half,
        6 => Float,
        7 => Double,
        8 => ComplexHalf,
        9 => ComplexFloat,
        10 => ComplexDouble,
        11 => Bool,
        15 => BFloat16,
        _ => return None,
    })
}

/// `torch.arange(start, end, step, dtype=kind)` (number arguments; ints as ints).
pub(crate) fn arange(start: Number, end: Number, step: Number, kind: tch::Kind) -> Result<Tensor> {
    let ((sk, s), (ek, e), (tk, t)) = (Number::code(Some(start)), Number::code(Some(end)), Number::code(Some(step)));
    owned(unsafe { fcall_arange(sk, s, ek, e, tk, t, scalar_type(kind)?) })
}

/// `torch.tensor(data)` with the bytes of `kind` elements in native order: made with functorch's
/// layers excluded and then lifted (`lift_fresh`), as Python's torch.tensor does, so it also
/// works inside a grad transform (tch's `Tensor::from_slice` / `f_from_data_size` fill a
/// factory's output through its data pointer, which under grad is a TensorWrapper without
/// storage: "Cannot access data pointer of Tensor that doesn't have storage").
pub(crate) fn tensor_from_data(data: &[u8], shape: &[i64], kind: tch::Kind) -> Result<Tensor> {
    let numel: i64 = shape.iter().product();
    let elem = kind.elt_size_in_bytes();
    if shape.iter().any(|d| *d < 0) || numel as usize * elem != data.len() {
        return Err(Error::runtime("torch::shape", format!("{} bytes do not fill a {kind:?} tensor of shape {shape:?}", data.len())));
    }
    let code = scalar_type(kind)?;
    owned(unsafe { fcall_tensor_from_data(data.as_ptr(), shape.as_ptr(), shape.len(), code) })
}

/// The TensorImpl behind a handle: what Python keys a tensor's PyObject on (two handles to one
/// TensorImpl are one Python object).
pub(crate) fn impl_ptr(t: &Tensor) -> usize {
    unsafe { fcall_impl_ptr(t.as_ptr()) as usize }
}

/// `torch._C._functorch.is_batchedtensor(t)`: a BatchedTensor of any vmap level.
/// The functorch wrapper around a tensor, as repr shows it.
pub(crate) enum Wrapper {
    /// `BatchedTensor(lvl=.., bdim=.., value=..)` (vmap).
    Batched { level: i64, bdim: i64 },
    /// `GradTrackingTensor(lvl=.., value=..)` (grad); level -2 once its grad call has returned.
    GradTracking { level: i64 },
}

/// `torch._C._DisableFuncTorch()` with `torch.no_grad()`, as `Tensor.__repr__` runs: ops skip
/// the functorch layers (the tensor inside a live wrapper can be read) while this lives.
pub(crate) struct DisableFuncTorch {
    guard: *mut std::ffi::c_void,
    grad_mode: bool,
}
impl DisableFuncTorch {
    pub(crate) fn new() -> DisableFuncTorch {
        let grad_mode = grad_mode_enabled();
        set_grad_mode(false);
        DisableFuncTorch { guard: unsafe { fcall_disable_functorch() }, grad_mode }
    }
}
impl Drop for DisableFuncTorch {
    fn drop(&mut self) {
        // SAFETY: the guard came from fcall_disable_functorch and is freed once.
        unsafe { fcall_enable_functorch(self.guard) };
        set_grad_mode(self.grad_mode);
    }
}

/// The functorch wrapper of `t` and the tensor inside it, or None for a plain tensor.
pub(crate) fn functorch_wrapper(t: &Tensor) -> Option<(Wrapper, Tensor)> {
    let (mut level, mut bdim) = (0i64, 0i64);
    let wrapper = match unsafe { fcall_functorch_wrapper(t.as_ptr(), &mut level, &mut bdim) } {
        1 => Wrapper::Batched { level, bdim },
        2 => Wrapper::GradTracking { level },
        _ => return None,
    };
    let inner = owned(unsafe { fcall_get_unwrapped(t.as_ptr()) }).ok()?;
    Some((wrapper, inner))
}

pub(crate) fn is_batched(t: &Tensor) -> bool {
    unsafe { fcall_is_batched(t.as_ptr()) != 0 }
}
pub(crate) fn remove_batch_dim(t: &Tensor, level: i64, batch_size: i64, out_dim: i64) -> Result<Tensor> {
    owned(unsafe { fcall_remove_batch_dim(t.as_ptr(), level, batch_size, out_dim) })
}
/// `torch.autograd.grad(outputs, inputs, create_graph=..., allow_unused=True)`.
pub(crate) fn autograd_grad(outputs: &[&Tensor], inputs: &[&Tensor], create_graph: bool) -> Result<Vec<Option<Tensor>>> {
    autograd_grad_with(outputs, inputs, None, None, create_graph, true)
}

/// `torch.autograd.grad(outputs, inputs, grad_outputs, retain_graph, create_graph, allow_unused)`
/// as libtorch's engine runs it: `grad_outputs` entries may be None; `retain_graph` None means
/// `create_graph`. An unused input gives None (with `allow_unused`).
pub(crate) fn autograd_grad_with(
    outputs: &[&Tensor],
    inputs: &[&Tensor],
    grad_outputs: Option<&[Option<&Tensor>]>,
    retain_graph: Option<bool>,
    create_graph: bool,
    allow_unused: bool,
) -> Result<Vec<Option<Tensor>>> {
    let outs: Vec<*mut torch_sys::C_tensor> = outputs.iter().map(|t| t.as_ptr() as *mut _).collect();
    let ins: Vec<*mut torch_sys::C_tensor> = inputs.iter().map(|t| t.as_ptr() as *mut _).collect();
    let gos: Option<Vec<*mut torch_sys::C_tensor>> =
        grad_outputs.map(|g| g.iter().map(|t| t.map(|t| t.as_ptr() as *mut _).unwrap_or(std::ptr::null_mut())).collect());
    if gos.as_ref().is_some_and(|g| g.len() != outs.len()) {
        return Err(Error::runtime("autograd::grad_outputs", "grad_outputs must have one entry per output"));
    }
    let gos_ptr = gos.as_ref().map(|g| g.as_ptr()).unwrap_or(std::ptr::null());
    let retain = retain_graph.map(|r| r as c_int).unwrap_or(-1);
    let mut results: Vec<*mut torch_sys::C_tensor> = vec![std::ptr::null_mut(); inputs.len()];
    let ok = unsafe {
        fcall_autograd_grad(
            outs.as_ptr(),
            outs.len() as c_int,
            ins.as_ptr(),
            ins.len() as c_int,
            gos_ptr,
            retain,
            create_graph as c_int,
            allow_unused as c_int,
            results.as_mut_ptr(),
        )
    };
    if ok == 0 {
        return Err(shim_error());
    }
    Ok(results.into_iter().map(|p| if p.is_null() { None } else { Some(unsafe { Tensor::from_ptr(p) }) }).collect())
}

// ---- forward-mode AD: functorch's Jvp layer and torch.autograd.forward_ad's dual levels ----

pub(crate) fn jvp_increment_nesting() -> Result<i64> {
    let level = unsafe { fcall_jvp_increment_nesting() };
    if level < 0 {
        Err(shim_error())
    } else {
        Ok(level)
    }
}
pub(crate) fn fwd_grad_enabled() -> bool {
    unsafe { fcall_fwd_grad_enabled() != 0 }
}
pub(crate) fn set_fwd_grad_enabled(enabled: bool) {
    unsafe { fcall_set_fwd_grad_enabled(enabled as c_int) }
}
/// `torch.autograd.forward_ad.enter_dual_level()`.
pub(crate) fn enter_dual_level() -> Result<i64> {
    let level = unsafe { fcall_enter_dual_level() };
    if level < 0 {
        Err(shim_error())
    } else {
        Ok(level)
    }
}
pub(crate) fn exit_dual_level(level: i64) -> Result<()> {
    if unsafe { fcall_exit_dual_level(level) } == 0 {
        Err(shim_error())
    } else {
        Ok(())
    }
}
/// `torch._VF._make_dual(primal, tangent, level=level)`.
pub(crate) fn make_dual(primal: &Tensor, tangent: &Tensor, level: i64) -> Result<Tensor> {
    owned(unsafe { fcall_make_dual(primal.as_ptr(), tangent.as_ptr(), level) })
}
/// `torch._VF._unpack_dual(t, level)`: the primal and the tangent (None when there is none).
pub(crate) fn unpack_dual(t: &Tensor, level: i64) -> Result<(Tensor, Option<Tensor>)> {
    let (mut p, mut g) = (std::ptr::null_mut(), std::ptr::null_mut());
    if unsafe { fcall_unpack_dual(t.as_ptr(), level, &mut p, &mut g) } == 0 {
        return Err(shim_error());
    }
    let primal = owned(p)?;
    Ok((primal, if g.is_null() { None } else { Some(unsafe { Tensor::from_ptr(g) }) }))
}

// ---- .pt files: storages (src/interp/ptfile.rs) ----
extern "C" {
    fn fcall_storage_from_bytes(data: *const u8, nbytes: i64) -> *mut torch_sys::C_tensor;
    fn fcall_tensor_on_storage(base: *const torch_sys::C_tensor, scalar_type: c_int, offset: i64, sizes: *const i64, strides: *const i64, ndim: usize) -> *mut torch_sys::C_tensor;
    fn fcall_storage_bytes(t: *const torch_sys::C_tensor) -> *mut torch_sys::C_tensor;
    fn fcall_meta_storage(nbytes: i64) -> *mut torch_sys::C_tensor;
}

/// A storage of `nbytes` on the meta device (no data), as a 1-D uint8 tensor.
pub(crate) fn meta_storage(nbytes: i64) -> Result<Tensor> {
    owned(unsafe { fcall_meta_storage(nbytes) })
}

/// A record's bytes as a 1-D uint8 tensor over a new storage that cannot grow (torch.load's).
pub(crate) fn storage_from_bytes(data: &[u8]) -> Result<Tensor> {
    owned(unsafe { fcall_storage_from_bytes(data.as_ptr(), data.len() as i64) })
}

/// `torch.empty((0,), dtype=kind).set_(storage of base, offset, size, stride)`: a view of the
/// storage, checked by libtorch against the storage's size.
pub(crate) fn tensor_on_storage(base: &Tensor, kind: tch::Kind, offset: i64, size: &[i64], stride: &[i64]) -> Result<Tensor> {
    if size.len() != stride.len() {
        return Err(Error::runtime("load::stride", format!("mismatch in length of strides and shape")));
    }
    owned(unsafe { fcall_tensor_on_storage(base.as_ptr(), scalar_type(kind)?, offset, size.as_ptr(), stride.as_ptr(), size.len()) })
}

/// The whole storage behind `t` as a 1-D uint8 tensor that shares it.
pub(crate) fn storage_bytes(t: &Tensor) -> Result<Tensor> {
    owned(unsafe { fcall_storage_bytes(t.as_ptr()) })
}

// ---- devices ----
extern "C" {
    fn fcall_device(t: *const torch_sys::C_tensor, ty: *mut c_int, index: *mut c_int);
    fn fcall_set_data(t: *const torch_sys::C_tensor, new_data: *const torch_sys::C_tensor) -> c_int;
    fn fcall_cuda_lazy_init() -> c_int;
    fn fcall_has_compatible_shallow_copy_type(a: *const torch_sys::C_tensor, b: *const torch_sys::C_tensor) -> c_int;
}

/// The tensor's device as c10 codes it: (DeviceType, index; -1 for none). Unlike tch's
/// `Tensor::device()`, this works for every device (meta too).
pub(crate) fn device(t: &Tensor) -> (i32, i32) {
    let (mut ty, mut index) = (0, -1);
    // SAFETY: tch's C_tensor is a valid at::Tensor* for the life of `t`; the shim writes two ints.
    unsafe { fcall_device(t.as_ptr(), &mut ty, &mut index) };
    (ty, index)
}

/// `t.data = new_data`: the same TensorImpl (the same Python object) takes the new data.
pub(crate) fn set_data(t: &Tensor, new_data: &Tensor) -> Result<()> {
    // SAFETY: both are valid at::Tensor* for the call; the shim catches libtorch's errors.
    if unsafe { fcall_set_data(t.as_ptr(), new_data.as_ptr()) } == 0 {
        Err(shim_error())
    } else {
        Ok(())
    }
}

/// `torch._has_compatible_shallow_copy_type(a, b)`.
pub(crate) fn has_compatible_shallow_copy_type(a: &Tensor, b: &Tensor) -> bool {
    // SAFETY: both are valid at::Tensor* for the call.
    unsafe { fcall_has_compatible_shallow_copy_type(a.as_ptr(), b.as_ptr()) != 0 }
}

/// What Python's torch runs before it makes a CUDA tensor (its lazy CUDA initialisation): here
/// always an error, PyTorch's own where there is no driver.
pub(crate) fn cuda_lazy_init() -> Result<()> {
    // SAFETY: no arguments; the shim only reads whether the driver library loads.
    if unsafe { fcall_cuda_lazy_init() } == 0 {
        Err(shim_error())
    } else {
        Ok(())
    }
}
