//! Python's recursion limit, kept on the engine's own stack: a count of Python frames (a user
//! function call is one, a module call the few PyTorch's `__call__` makes, each level of a nested
//! container shown) against CPython's limit of 1000, and a check of the machine stack left, so
//! deep recursion or deeply nested data raises RecursionError instead of overflowing the stack.
//!
//! Front ends run the evaluator on a thread made by [`spawn`] (from `fcall_lang::stack`), whose
//! stack ([`EVAL_STACK`], reserved, not committed) holds CPython's limit with room to spare; on any other thread (a
//! test's 2 MiB thread) the stack check still turns a too-deep recursion into RecursionError.
use std::cell::Cell;

use crate::error::{Error, ExcType, Result};

/// CPython's default `sys.getrecursionlimit()`.
pub const LIMIT: u32 = 1000;

pub use fcall_lang::stack::{run, spawn, EVAL_STACK};

/// What is kept free below the deepest frame the checks allow: room for a libtorch call or a
/// rendering that does not check.
const MARGIN: usize = 512 * 1024;

thread_local! {
    static DEPTH: Cell<u32> = const { Cell::new(0) };
    /// The lowest address of this thread's stack (0: not known yet).
    static LOW: Cell<usize> = const { Cell::new(0) };
}

/// The lowest usable address of the current thread's stack (`usize::MAX` if unknown: no check).
fn stack_low() -> usize {
    LOW.with(|l| {
        if l.get() == 0 {
            l.set(query_low().unwrap_or(usize::MAX));
        }
        l.get()
    })
}

#[cfg(target_os = "linux")]
fn query_low() -> Option<usize> {
    // SAFETY: pthread_getattr_np fills `attr` for the calling thread; it is destroyed here.
    unsafe {
        let mut attr: libc::pthread_attr_t = std::mem::zeroed();
        if libc::pthread_getattr_np(libc::pthread_self(), &mut attr) != 0 {
            return None;
        }
        let (mut addr, mut size) = (std::ptr::null_mut(), 0usize);
        let r = libc::pthread_attr_getstack(&attr, &mut addr, &mut size);
        let mut guard = 0usize;
        libc::pthread_attr_getguardsize(&attr, &mut guard);
        libc::pthread_attr_destroy(&mut attr);
        (r == 0).then(|| addr as usize + guard)
    }
}

#[cfg(not(target_os = "linux"))]
fn query_low() -> Option<usize> {
    None
}

/// Bytes of stack left below the caller.
pub fn remaining() -> usize {
    let marker = 0u8;
    let sp = std::hint::black_box(&marker) as *const u8 as usize;
    sp.saturating_sub(stack_low())
}

/// RecursionError with CPython's message (`while ...` names what was being done).
pub fn recursion_error(what: &str) -> Error {
    let msg = if what.is_empty() { "maximum recursion depth exceeded".to_string() } else { format!("maximum recursion depth exceeded {what}") };
    Error::new(ExcType::RecursionError, "eval::recursion", msg)
}

/// Fails with RecursionError when the machine stack is nearly used up.
pub fn check(what: &str) -> Result<()> {
    if remaining() < MARGIN {
        return Err(recursion_error(what));
    }
    Ok(())
}

/// One or more Python frames, entered; leaving happens when the guard drops.
#[must_use]
pub struct Frames(u32);

impl Drop for Frames {
    fn drop(&mut self) {
        DEPTH.with(|d| d.set(d.get().saturating_sub(self.0)));
    }
}

/// Enters `n` Python frames: RecursionError (`what` as CPython words it) past the limit or when
/// the stack is nearly used up.
pub fn enter(n: u32, what: &str) -> Result<Frames> {
    let depth = DEPTH.with(|d| d.get());
    // The top level is CPython's module frame: `LIMIT - 1` more fit (a function that calls
    // itself 999 times deep).
    if depth + n >= LIMIT {
        return Err(recursion_error(what));
    }
    check(what)?;
    DEPTH.with(|d| d.set(depth + n));
    Ok(Frames(n))
}

/// The Python frames entered now (0 at the top level, whose module frame is not counted).
pub fn depth() -> u32 {
    DEPTH.with(|d| d.get())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_eval_thread_has_the_big_stack() {
        let (small, big) = (remaining(), run(remaining));
        assert!(big > 512 << 20, "{big}");
        assert!(small < 64 << 20, "{small}");
    }

    #[test]
    fn frames_count_to_cpythons_limit() {
        run(|| {
            let mut held = Vec::new();
            while let Ok(f) = enter(1, "") {
                held.push(f);
            }
            assert_eq!(held.len(), LIMIT as usize - 1);
            assert_eq!(enter(1, "while calling a Python object").err().map(|e| e.message), Some("maximum recursion depth exceeded while calling a Python object".to_string()));
            held.clear();
            assert_eq!(depth(), 0);
        });
    }

    #[test]
    fn deep_native_recursion_is_caught_on_a_small_stack() {
        fn down(n: u32) -> Result<u32> {
            check("")?;
            let pad = std::hint::black_box([0u8; 1024]);
            Ok(down(n + 1)? + pad[0] as u32)
        }
        let h = std::thread::Builder::new().stack_size(2 << 20).spawn(|| down(0).is_err()).unwrap();
        assert!(h.join().unwrap());
    }
}
