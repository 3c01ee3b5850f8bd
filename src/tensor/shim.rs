//! The C++ shim (csrc/shim.cpp): autograd node names and the version counter, read directly.
use std::os::raw::{c_char, c_int};
use tch::Tensor;

extern "C" {
    fn fcall_grad_fn_name(t: *const torch_sys::C_tensor, buf: *mut c_char, len: usize) -> c_int;
    fn fcall_version(t: *const torch_sys::C_tensor) -> i64;
}

pub(super) fn version(t: &Tensor) -> i64 {
    // SAFETY: tch's C_tensor is a valid at::Tensor* for the life of `t`.
    unsafe { fcall_version(t.as_ptr()) }
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
