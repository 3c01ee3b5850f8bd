//! The engine side of the Jupyter kernel, loaded with dlopen by `kernel/src/engine.rs` on the
//! kernel's engine thread (after the sockets are bound). It owns the fcall [`Session`] and speaks
//! JSON over a small C interface; every call comes from that one thread.
//!
//! | module | owns |
//! |---|---|
//! | [`cell`] | statement outputs → the kernel's outputs (stdout, stderr, rich, error) |
//! | [`complete`] | completion and inspection against the workspace |
//! | [`capture`] | fd-level capture of stderr while a cell runs (libtorch warnings) |
pub mod capture;
pub mod cell;
pub mod complete;

use std::ffi::{c_char, c_void, CStr, CString};
use std::sync::atomic::Ordering;

use fcall::interp::{RunOptions, Session, Targets, INTERRUPTED};

/// Bumped whenever a signature below changes; the loader checks it.
pub const ABI_VERSION: u32 = 1;

struct Kernel {
    session: Session,
    /// A scratch session for `help` lookups, so inspection never touches the user's history.
    helper: Option<Session>,
}

fn out(s: String) -> *mut c_char {
    CString::new(s.replace('\0', "\u{FFFD}")).expect("no NUL").into_raw()
}

unsafe fn input<'a>(p: *const c_char) -> &'a str {
    if p.is_null() {
        ""
    } else {
        CStr::from_ptr(p).to_str().unwrap_or("")
    }
}

#[no_mangle]
pub extern "C" fn fcall_kernel_abi() -> u32 {
    ABI_VERSION
}

/// A new session (runs libtorch's first work: seeds, built-ins).
#[no_mangle]
pub extern "C" fn fcall_kernel_new() -> *mut c_void {
    let mut session = Session::new();
    session.targets = Targets { width: 100, text: true, color: false, html: true, json: true };
    Box::into_raw(Box::new(Kernel { session, helper: None })) as *mut c_void
}

/// Runs a cell; returns the JSON of [`cell::cell`] (free it with `fcall_kernel_free`).
///
/// # Safety
/// `k` comes from `fcall_kernel_new`; `code` is a NUL-terminated UTF-8 string.
#[no_mangle]
pub unsafe extern "C" fn fcall_kernel_run(k: *mut c_void, code: *const c_char) -> *mut c_char {
    let k = &mut *(k as *mut Kernel);
    INTERRUPTED.store(false, Ordering::SeqCst);
    let capture = capture::Capture::start();
    let outs = k.session.run(input(code), RunOptions { keep_going: false });
    let stderr = capture.map(|c| c.finish()).unwrap_or_default();
    out(cell::cell(&outs, &stderr).to_string())
}

/// Completion at a cursor (in code points): `{"matches", "start", "end"}`.
///
/// # Safety
/// As [`fcall_kernel_run`].
#[no_mangle]
pub unsafe extern "C" fn fcall_kernel_complete(k: *mut c_void, code: *const c_char, cursor: usize) -> *mut c_char {
    let k = &mut *(k as *mut Kernel);
    out(complete::complete(&k.session, input(code), cursor).to_string())
}

/// Inspection at a cursor: `{"found", "text"}`.
///
/// # Safety
/// As [`fcall_kernel_run`].
#[no_mangle]
pub unsafe extern "C" fn fcall_kernel_inspect(k: *mut c_void, code: *const c_char, cursor: usize) -> *mut c_char {
    let k = &mut *(k as *mut Kernel);
    let helper = k.helper.get_or_insert_with(Session::new);
    out(complete::inspect(&k.session, helper, input(code), cursor).to_string())
}

/// Asks the running cell to stop at the next statement or loop iteration (any thread).
#[no_mangle]
pub extern "C" fn fcall_kernel_interrupt() {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// # Safety
/// `s` comes from one of the functions above, once.
#[no_mangle]
pub unsafe extern "C" fn fcall_kernel_free(s: *mut c_char) {
    if !s.is_null() {
        drop(CString::from_raw(s));
    }
}
