//! Tensors as Python sees them: a tensor *object* with a stable id (identity, not storage), a
//! Parameter flag, and the `nn.Buffer` mark. This is the only place that wraps tch handles in
//! objects; everything above compares tensors with [`TensorRef::is`], as Python's `is` does.
pub mod device;
pub(crate) mod format;
pub(crate) mod shim;

pub use device::Device;
pub use format::{tensor_repr, torch_scalar, torch_typename};

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use tch::{Kind, Tensor};

use crate::error::Result;

thread_local! {
    static NEXT_ID: Cell<u64> = const { Cell::new(1) };
    static READ_EPOCH: Cell<u64> = const { Cell::new(0) };
}

pub(crate) fn next_object_id() -> u64 {
    NEXT_ID.with(|n| {
        let id = n.get();
        n.set(id + 1);
        id
    })
}

/// A tensor object. Cloning a `TensorRef` is Python's `b = a`: the same object.
#[derive(Clone)]
pub struct TensorRef(Rc<TensorObj>);

pub struct TensorObj {
    id: u64,
    tensor: Tensor,
    is_parameter: bool,
    /// `nn.Buffer(t, persistent=...)`: `Some(persistent)`; a plain tensor: `None`.
    buffer_mark: Option<bool>,
    /// Epoch of the last read through a module slot (see [`begin_read_epoch`]).
    read_epoch: Cell<u64>,
    /// The object `.grad` returned last: the same object while libtorch keeps the same grad
    /// tensor (backward accumulates into it in place), as Python's `w.grad is w.grad`.
    grad: RefCell<Option<TensorRef>>,
}

impl TensorRef {
    /// A plain `torch.Tensor` object around a libtorch tensor.
    pub fn new(tensor: Tensor) -> TensorRef {
        TensorRef::with_flags(tensor, false, None)
    }
    fn with_flags(tensor: Tensor, is_parameter: bool, buffer_mark: Option<bool>) -> TensorRef {
        TensorRef(Rc::new(TensorObj {
            id: next_object_id(),
            tensor,
            is_parameter,
            buffer_mark,
            read_epoch: Cell::new(0),
            grad: RefCell::new(None),
        }))
    }
    /// `nn.Parameter(t, requires_grad)`: a new object sharing `t`'s storage, a leaf.
    pub fn parameter(t: &Tensor, requires_grad: bool) -> Result<TensorRef> {
        let leaf = t.f_detach()?.f_set_requires_grad(requires_grad)?;
        Ok(TensorRef::with_flags(leaf, true, None))
    }
    /// `nn.Buffer(t, persistent=...)`: a plain tensor marked for registration as a buffer.
    pub fn buffer(t: &Tensor, persistent: bool) -> Result<TensorRef> {
        // nn.Buffer: `data.detach().requires_grad_(data.requires_grad)`.
        let b = t.f_detach()?;
        requires_grad_(&b, t.requires_grad())?;
        Ok(TensorRef::with_flags(b, false, Some(persistent)))
    }
    /// Python's `t.requires_grad_(flag)`, with its refusal inside functorch transforms.
    pub fn requires_grad_(&self, flag: bool) -> Result<()> {
        requires_grad_(&self.0.tensor, flag)
    }
    /// `t.grad`: None, or the tensor object for libtorch's grad (the same object as long as
    /// the grad tensor is the same).
    pub fn grad(&self) -> Option<TensorRef> {
        let g = self.0.tensor.grad();
        if !g.defined() {
            *self.0.grad.borrow_mut() = None;
            return None;
        }
        let mut cached = self.0.grad.borrow_mut();
        if let Some(c) = cached.as_ref().filter(|c| shim::impl_ptr(c.tensor()) == shim::impl_ptr(&g)) {
            return Some(c.clone());
        }
        let obj = TensorRef::new(g);
        *cached = Some(obj.clone());
        Some(obj)
    }
    /// The object id shown as `#N`.
    pub fn id(&self) -> u64 {
        self.0.id
    }
    /// Python's `a is b`.
    pub fn is(&self, other: &TensorRef) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
    pub fn is_parameter(&self) -> bool {
        self.0.is_parameter
    }
    pub fn buffer_mark(&self) -> Option<bool> {
        self.0.buffer_mark
    }
    /// The libtorch tensor. In-place ops go through a shallow clone (same TensorImpl).
    pub fn tensor(&self) -> &Tensor {
        &self.0.tensor
    }
    /// A second handle to the same TensorImpl, for tch's `&mut self` in-place calls.
    pub fn handle(&self) -> Tensor {
        self.0.tensor.shallow_clone()
    }
    /// PyTorch's `t._version`: rises on every in-place write, also through views.
    pub fn version(&self) -> i64 {
        shim::version(&self.0.tensor)
    }
    /// `type(t.grad_fn).__name__`, or None for a leaf / a tensor without history.
    pub fn grad_fn_name(&self) -> Option<String> {
        shim::grad_fn_name(&self.0.tensor)
    }
    /// `t.grad_fn` as an object: its class name and the node's address (its identity).
    pub fn grad_fn(&self) -> Option<(String, usize)> {
        self.grad_fn_name().map(|n| (n, shim::grad_fn_addr(&self.0.tensor)))
    }
    pub fn requires_grad(&self) -> bool {
        self.0.tensor.requires_grad()
    }
    pub fn kind(&self) -> Kind {
        self.0.tensor.kind()
    }
    pub fn shape(&self) -> Vec<i64> {
        self.0.tensor.size()
    }
    pub fn numel(&self) -> usize {
        self.0.tensor.numel()
    }
    /// `t.device` (every device, meta too: tch's own accessor panics there).
    pub fn device(&self) -> Device {
        device_of(&self.0.tensor)
    }
    /// `t.is_meta`.
    pub fn is_meta(&self) -> bool {
        self.device().ty == device::META
    }
    /// Python's `type(t).__name__`.
    pub fn type_name(&self) -> &'static str {
        if self.0.is_parameter {
            "Parameter"
        } else {
            "Tensor"
        }
    }
    pub(crate) fn mark_read(&self) {
        self.0.read_epoch.set(READ_EPOCH.with(|e| e.get()));
    }
    /// Whether this object was read through a module slot since `epoch` began.
    pub fn was_read_in(&self, epoch: u64) -> bool {
        epoch != 0 && self.0.read_epoch.get() == epoch
    }
}

/// Starts a new read epoch (one per functional call); returns the previous one to put back.
pub(crate) fn begin_read_epoch() -> (u64, u64) {
    let new = next_object_id();
    let old = READ_EPOCH.with(|e| e.replace(new));
    (new, old)
}

pub(crate) fn end_read_epoch(old: u64) {
    READ_EPOCH.with(|e| e.set(old));
}

impl std::fmt::Debug for TensorRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}#{}{:?}", self.type_name(), self.id(), self.shape())
    }
}

/// Plain-data view of a tensor for comparisons and encodings: float64 values in row-major order.
pub fn to_f64_vec(t: &Tensor) -> Result<Vec<f64>> {
    if device_of(t).ty == device::META {
        return Err(crate::error::Error::new(crate::error::ExcType::NotImplementedError, "torch::meta_data", "Cannot copy out of meta tensor; no data!"));
    }
    let flat = t.f_detach()?.f_to_kind(Kind::Double)?.f_contiguous()?.f_view([-1])?;
    let n = flat.numel();
    let mut out = vec![0f64; n];
    flat.f_copy_data(&mut out, n)?;
    Ok(out)
}

/// The real and imaginary parts of a complex tensor, flattened (`None` for other dtypes).
pub fn complex_parts(t: &Tensor) -> Option<Result<(Vec<f64>, Vec<f64>)>> {
    if !matches!(t.kind(), Kind::ComplexHalf | Kind::ComplexFloat | Kind::ComplexDouble) {
        return None;
    }
    let parts = || -> Result<(Vec<f64>, Vec<f64>)> {
        let d = t.f_detach()?.f_resolve_conj()?;
        Ok((to_f64_vec(&d.f_real()?)?, to_f64_vec(&d.f_imag()?)?))
    };
    Some(parts())
}

/// `torch.tensor(values)` of the given shape in float32 (the default dtype): a fresh tensor with
/// its own storage, not a view (an in-place op on it reports exactly what PyTorch reports). Made
/// as Python's `torch.tensor` makes it, so it also works inside a torch.func transform.
pub fn from_f32(values: &[f32], shape: &[i64]) -> Result<Tensor> {
    from_values(values, shape)
}

/// `torch.tensor(values, dtype=...)` of the given shape, for any element type tch knows.
pub fn from_values<T: tch::kind::Element>(values: &[T], shape: &[i64]) -> Result<Tensor> {
    let numel: i64 = shape.iter().product();
    if shape.iter().any(|d| *d < 0) || numel as usize != values.len() {
        let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
        return Err(crate::error::Error::runtime(
            "torch::shape",
            format!("shape '[{}]' is invalid for input of size {}", dims.join(", "), values.len()),
        ));
    }
    // SAFETY: plain-old-data elements viewed as bytes for the copy into a new tensor.
    let bytes = unsafe { std::slice::from_raw_parts(values.as_ptr() as *const u8, std::mem::size_of_val(values)) };
    shim::tensor_from_data(bytes, shape, T::KIND)
}

// tch 0.26's fallible `f_*_scalar` ops panic when libtorch raises (the Scalar's drop checks the
// error again): fcall passes scalars as 0-dim tensors instead, as Python does (`x + 1` is
// AddBackward0 there too).

/// dtype as PyTorch prints it without the `torch.` prefix.
pub fn dtype_name(k: Kind) -> &'static str {
    match k {
        Kind::Uint8 => "uint8",
        Kind::Int8 => "int8",
        Kind::Int16 => "int16",
        Kind::Int => "int32",
        Kind::Int64 => "int64",
        Kind::Half => "float16",
        Kind::Float => "float32",
        Kind::Double => "float64",
        Kind::ComplexHalf => "complex32",
        Kind::ComplexFloat => "complex64",
        Kind::ComplexDouble => "complex128",
        Kind::Bool => "bool",
        Kind::BFloat16 => "bfloat16",
        _ => "other",
    }
}

/// `Tensor.requires_grad_(flag)` as Python's binding runs it: the functorch check first.
pub(crate) fn requires_grad_(t: &Tensor, flag: bool) -> Result<()> {
    shim::check_inplace_requires_grad()?;
    let _ = t.shallow_clone().f_requires_grad_(flag)?;
    Ok(())
}

/// A libtorch tensor's device (meta too).
pub fn device_of(t: &Tensor) -> Device {
    let (ty, index) = shim::device(t);
    Device { ty, index }
}

/// tch's device of a libtorch tensor, for the devices tch can name (cpu, cuda); a meta tensor
/// is refused with an error (tch's own `Tensor::device()` panics on it).
pub fn tch_device(t: &Tensor) -> Result<tch::Device> {
    let d = device_of(t);
    d.tch().ok_or_else(|| {
        crate::error::Error::new(crate::error::ExcType::NotImplementedError, "torch::device", format!("fcall runs this on cpu tensors only, not on a {} tensor", d.type_name()))
    })
}

/// Whether two tensor objects hold the same libtorch TensorImpl.
pub fn same_impl(a: &TensorRef, b: &TensorRef) -> bool {
    shim::impl_ptr(a.tensor()) == shim::impl_ptr(b.tensor())
}

/// `torch.full(shape, value, dtype=kind)`: an empty tensor filled from a 0-dim one (tch's
/// `Tensor::full` takes a Scalar, whose destructor panics on libtorch's error for a bad shape).
pub(crate) fn full(shape: &[i64], value: f64, kind: tch::Kind) -> Result<Tensor> {
    let mut t = Tensor::f_empty(shape, (kind, tch::Device::Cpu))?;
    let v = shim::number_tensor(shim::Number::Float(value), tch::Kind::Double, tch::Device::Cpu)?;
    let _ = t.f_fill_tensor_(&v)?;
    Ok(t)
}
