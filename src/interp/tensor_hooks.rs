//! `Tensor.register_hook(hook)`: a gradient hook run by libtorch's autograd engine (csrc/hooks.cpp),
//! so it fires wherever the gradient flows, in `.backward()`, `torch.autograd.grad` and through
//! functional_call, as PyTorch's does. The hook sees the gradient and may return a replacement
//! (same size and type, checked with PyTorch's wording); it returns a `RemovableHandle`.
use std::cell::RefCell;
use std::collections::HashMap;
use std::os::raw::c_int;

use tch::Tensor;

use super::eval::call_value;
use crate::error::{Error, ExcType, Result};
use crate::tensor::TensorRef;
use crate::value::{Function, FunctionKind, Value};

type HookFn = extern "C" fn(u64, *mut torch_sys::C_tensor, *mut c_int) -> *mut torch_sys::C_tensor;

extern "C" {
    fn fcall_register_tensor_hook(t: *const torch_sys::C_tensor, f: HookFn, id: u64) -> i64;
    fn fcall_remove_tensor_hook(t: *const torch_sys::C_tensor, pos: i64);
}

thread_local! {
    /// The Python callables of the live hooks, by id.
    static HOOKS: RefCell<HashMap<u64, Value>> = RefCell::new(HashMap::new());
    static NEXT_ID: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// libtorch's tensor type name as PyTorch's hook check prints it (`CPUFloatType`).
fn type_string(t: &Tensor) -> String {
    let scalar = match t.kind() {
        tch::Kind::Uint8 => "Byte",
        tch::Kind::Int8 => "Char",
        tch::Kind::Int16 => "Short",
        tch::Kind::Int => "Int",
        tch::Kind::Int64 => "Long",
        tch::Kind::Half => "Half",
        tch::Kind::Float => "Float",
        tch::Kind::Double => "Double",
        tch::Kind::Bool => "Bool",
        tch::Kind::BFloat16 => "BFloat16",
        tch::Kind::ComplexFloat => "ComplexFloat",
        tch::Kind::ComplexDouble => "ComplexDouble",
        other => return format!("{other:?}"),
    };
    format!("CPU{scalar}Type")
}

/// The hook's name as PyTorch's errors give it (`__name__`, else its repr).
fn hook_name(hook: &Value) -> String {
    match hook {
        Value::Function(f) => Value::dunder_name(f),
        other => other.py_repr(),
    }
}

/// Runs hook `id` on `grad`: the replacement tensor, or None to keep the gradient.
fn run(id: u64, grad: Tensor) -> Result<Option<Tensor>> {
    let hook = HOOKS.with(|h| h.borrow().get(&id).cloned());
    let Some(hook) = hook else { return Ok(None) };
    let original = grad.shallow_clone();
    match call_value(&hook, &[Value::Tensor(TensorRef::new(grad))], &Vec::new())? {
        Value::None => Ok(None),
        Value::Tensor(r) => {
            let r = r.handle();
            if r.kind() != original.kind() {
                return Err(Error::runtime(
                    "hooks::changed_type",
                    format!("hook '{}' has changed the type of value (was {} got {})", hook_name(&hook), type_string(&original), type_string(&r)),
                ));
            }
            if r.size() != original.size() {
                return Err(Error::runtime("hooks::changed_size", format!("hook '{}' has changed the size of value", hook_name(&hook))));
            }
            Ok(Some(r))
        }
        other => Err(Error::type_error("hooks::return_type", format!("expected Variable, but hook returned '{}'", other.type_name()))),
    }
}

extern "C" fn trampoline(id: u64, grad: *mut torch_sys::C_tensor, failed: *mut c_int) -> *mut torch_sys::C_tensor {
    // SAFETY: the shim hands over a fresh heap at::Tensor that this side now owns.
    let grad = unsafe { Tensor::from_ptr(grad) };
    let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(id, grad)))
        .unwrap_or_else(|_| Err(Error::runtime("hooks::panic", "fcall: a tensor hook failed inside fcall")));
    match out {
        Ok(None) => std::ptr::null_mut(),
        Ok(Some(mut t)) => {
            let p = t.as_mut_ptr();
            std::mem::forget(t);
            p
        }
        Err(e) => {
            crate::error::raise_through_torch(e);
            // SAFETY: `failed` points at the shim's local flag for this call.
            unsafe { *failed = 1 };
            std::ptr::null_mut()
        }
    }
}

/// `t.register_hook(hook)`.
pub fn register(t: &TensorRef, hook: Value) -> Result<Value> {
    if !t.requires_grad() {
        return Err(Error::runtime("hooks::no_grad", "cannot register a hook on a tensor that doesn't require gradient"));
    }
    let id = NEXT_ID.with(|n| {
        let id = n.get();
        n.set(id + 1);
        id
    });
    // SAFETY: tch's C_tensor is a valid at::Tensor* for the life of `t`; the shim catches.
    let pos = unsafe { fcall_register_tensor_hook(t.tensor().as_ptr(), trampoline, id) };
    if pos < 0 {
        return Err(Error::new(ExcType::RuntimeError, "hooks::register", "cannot register a hook on this tensor"));
    }
    HOOKS.with(|h| h.borrow_mut().insert(id, hook));
    let t = t.clone();
    Ok(Function::new(super::hooks::HANDLE_CLASS, FunctionKind::Handle(id), move |_, _| {
        if HOOKS.with(|h| h.borrow_mut().remove(&id)).is_some() {
            // SAFETY: as above.
            unsafe { fcall_remove_tensor_hook(t.tensor().as_ptr(), pos) };
        }
        Ok(Value::None)
    }))
}
