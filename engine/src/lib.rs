//! The engine side of the `fcall` command: everything that touches libtorch, built as a shared
//! library (`libfcall_engine.so`, next to the binary) with a small C interface. The REPL and the
//! scripts use the `fcall_engine_*`/`fcall_session_*` entry points here; the Jupyter kernel uses
//! the `fcall_kernel_*` ones in [`kernel`]. Both sides load it through the `fcall-loader` crate.
//!
//! Why a separate library: libtorch's static initialisers (operator registration, about 0.3 s on
//! an idle machine, more on a loaded one) run before `main` in any binary that links it. The
//! `fcall` binary does not link libtorch; the REPL shows the prompt at once and loads this library
//! on a background thread while the user types (see `repl/src/loader.rs`); `fcall run` and
//! `fcall < FILE` load it before running; the kernel loads it once its sockets are bound (see
//! `kernel/src/engine.rs`).
//!
//! Strings cross the boundary as NUL-terminated UTF-8; every string returned here is freed with
//! [`fcall_string_free`] (the kernel's, with `fcall_kernel_free`). No Rust panic crosses the
//! boundary of an entry point ([`guard`], [`caught`]).
mod complete;
mod export_cmd;
pub mod kernel;
mod progress;
mod script;
mod tour;
mod wrap;

use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::Ordering;

use fcall::interp::{RunOptions, Session, Targets, INTERRUPTED};

/// Bumped whenever a signature below changes; the binary refuses a library of another version.
pub const ABI_VERSION: u32 = 1;

fn to_c(s: String) -> *mut c_char {
    let s = if s.contains('\0') { s.replace('\0', "\\0") } else { s };
    CString::new(s).expect("no NUL left").into_raw()
}

/// # Safety
/// `p` is NULL or a NUL-terminated string.
unsafe fn from_c<'a>(p: *const c_char) -> &'a str {
    if p.is_null() {
        return "";
    }
    CStr::from_ptr(p).to_str().unwrap_or("")
}

/// Runs `f`, a panic (a bug) giving `fallback`: no panic unwinds across an `extern "C"` entry
/// point.
fn guard<T>(fallback: T, f: impl FnOnce() -> T) -> T {
    caught(f).unwrap_or(fallback)
}

thread_local! {
    /// The last panic's message and place, noted by the hook [`caught`] installs.
    static PANIC: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Runs `f`; a panic becomes `Err` with its message and where it happened (the default hook
/// still prints it to stderr).
fn caught<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let msg = info.payload().downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| info.payload().downcast_ref::<String>().cloned());
            let place = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
            PANIC.with(|p| *p.borrow_mut() = Some(format!("{}{place}", msg.unwrap_or_else(|| "a panic".into()))));
            previous(info);
        }));
    });
    PANIC.with(|p| p.borrow_mut().take());
    catch_unwind(AssertUnwindSafe(f)).map_err(|_| PANIC.with(|p| p.borrow_mut().take()).unwrap_or_else(|| "a panic".into()))
}

#[no_mangle]
pub extern "C" fn fcall_engine_abi() -> u32 {
    ABI_VERSION
}

/// Work done on the loading thread once the library is in: the first tensor operation pays for
/// libtorch's lazy set-up (allocator, CPU capability detection), so the first statement doesn't.
#[no_mangle]
pub extern "C" fn fcall_engine_warm_up() {
    guard((), || {
        let _ = tch::Tensor::f_ones([2, 2], (tch::Kind::Float, tch::Device::Cpu)).and_then(|t| t.f_matmul(&t)).map(|t| t.f_sum(tch::Kind::Float));
    })
}

/// `fcall run [--json] FILE`, `fcall < FILE` (no arguments) and `fcall tour ...`: `argv` holds
/// the `argc` arguments after the program name. Returns the exit status.
///
/// # Safety
/// `argv` points to `argc` NUL-terminated strings.
#[no_mangle]
pub unsafe extern "C" fn fcall_engine_main(argc: c_int, argv: *const *const c_char, width: u32, color: c_int) -> c_int {
    let args: Vec<String> = (0..argc.max(0) as usize).map(|i| from_c(*argv.add(i)).to_string()).collect();
    guard(70, || match args.first().map(String::as_str) {
        Some("export") | Some("check") => export_cmd::main(&args),
        _ => script::main(&args, width.clamp(40, 400) as u16, color != 0),
    })
}

/// The REPL's session (the workspace).
pub struct ReplSession {
    session: Session,
}

#[no_mangle]
pub extern "C" fn fcall_session_new() -> *mut c_void {
    guard(std::ptr::null_mut(), || {
        let session = Session::new();
        if progress::on_terminal() {
            session.set_progress_view(Box::new(progress::Bar::default()));
        }
        Box::into_raw(Box::new(ReplSession { session })) as *mut c_void
    })
}

/// # Safety
/// `s` came from [`fcall_session_new`] and is not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn fcall_session_free(s: *mut c_void) {
    if !s.is_null() {
        drop(Box::from_raw(s as *mut ReplSession));
    }
}

/// Runs one REPL entry; returns the text to print (each statement's output as the REPL shows
/// it: tables as wide as `width`, colour if `color`). `*failed` is set to 1 if a statement failed.
///
/// # Safety
/// `s` came from [`fcall_session_new`]; `code` is a NUL-terminated string; `failed` is NULL or
/// writable.
#[no_mangle]
pub unsafe extern "C" fn fcall_session_run(s: *mut c_void, code: *const c_char, width: u32, color: c_int, failed: *mut c_int) -> *mut c_char {
    let rs = &mut *(s as *mut ReplSession);
    let code = from_c(code);
    let width = width.clamp(40, 400) as u16;
    let run = caught(|| {
        rs.session.targets = Targets { width, text: true, color: color != 0, html: false, json: false };
        let outs = rs.session.run(code, RunOptions::default());
        let mut text = String::new();
        let mut bad = false;
        for o in &outs {
            bad |= o.kind == fcall::interp::OutKind::Error;
            text.push_str(&wrap::for_statement(&o.source, o.text(), width as usize));
        }
        (text, bad)
    });
    let (text, bad) = run.unwrap_or_else(|why| (format!("fcall: internal error ({why}); the workspace keeps what ran before it\n"), true));
    if !failed.is_null() {
        *failed = bad as c_int;
    }
    to_c(text)
}

/// Completion at byte `pos` of `line` (the whole input so far): writes where the replaced text
/// starts to `*start` and returns the candidates, one a line, each `replacement\tdisplay`.
///
/// # Safety
/// `s` came from [`fcall_session_new`]; `line` is a NUL-terminated string; `start` is writable.
#[no_mangle]
pub unsafe extern "C" fn fcall_session_complete(s: *mut c_void, line: *const c_char, pos: usize, start: *mut usize) -> *mut c_char {
    let rs = &*(s as *const ReplSession);
    let line = from_c(line);
    let (st, cands) = guard((pos, Vec::new()), || complete::complete(&rs.session, line, pos.min(line.len())));
    *start = st;
    let mut out = String::new();
    for c in cands {
        out.push_str(&c.replacement);
        out.push('\t');
        out.push_str(&c.display);
        out.push('\n');
    }
    to_c(out)
}

/// Asks the running statement to stop at the next check (between statements and loop
/// iterations); async-signal-safe (one atomic store).
#[no_mangle]
pub extern "C" fn fcall_interrupt() {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

#[no_mangle]
pub extern "C" fn fcall_interrupt_clear() {
    INTERRUPTED.store(false, Ordering::SeqCst);
}

/// # Safety
/// `p` is NULL or a string returned by this library, not freed before.
#[no_mangle]
pub unsafe extern "C" fn fcall_string_free(p: *mut c_char) {
    if !p.is_null() {
        drop(CString::from_raw(p));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_panic_becomes_an_error_with_its_message_and_place() {
        let e = super::caught(|| -> u32 { panic!("boom {}", 7) }).unwrap_err();
        assert!(e.starts_with("boom 7 at engine/src/lib.rs:"), "{e}");
        assert_eq!(super::caught(|| 5), Ok(5));
        // The next panic reports itself, not the last one.
        let e = super::caught(|| -> u32 { panic!("second") }).unwrap_err();
        assert!(e.starts_with("second at "), "{e}");
    }
}
