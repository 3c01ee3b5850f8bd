//! The Jupyter kernel's entry points (`fcall_kernel_*`), called by `kernel/src/engine.rs` on the
//! kernel's engine thread (the library is loaded after the sockets are bound). It owns the fcall
//! [`Session`] and speaks JSON over a small C interface; every call comes from that one thread.
//!
//! | module | owns |
//! |---|---|
//! | [`cell`] | statement outputs → the kernel's outputs (stdout, stderr, rich, error) |
//! | [`inspect`] | inspection against the workspace (completion is the REPL's, [`crate::complete`]) |
//! | [`capture`] | fd-level capture of stderr while a cell runs (libtorch warnings), and crash reports to the log |
pub mod capture;
pub mod cell;
pub mod inspect;

use std::ffi::{c_char, c_void, CString};
use std::sync::atomic::Ordering;

use fcall::interp::{RunOptions, Session, Targets, INTERRUPTED};
use serde_json::{json, Value as Json};

/// Bumped whenever a signature below changes; the kernel checks it.
pub const ABI_VERSION: u32 = 1;

struct Kernel {
    session: Session,
    /// A scratch session for `help` lookups, so inspection never touches the user's history.
    helper: Option<Session>,
}

fn out(s: String) -> *mut c_char {
    CString::new(s.replace('\0', "\u{FFFD}")).expect("no NUL").into_raw()
}

#[no_mangle]
pub extern "C" fn fcall_kernel_abi() -> u32 {
    ABI_VERSION
}

/// A new session (runs libtorch's first work: seeds, built-ins); NULL if that failed.
#[no_mangle]
pub extern "C" fn fcall_kernel_new() -> *mut c_void {
    crate::guard(std::ptr::null_mut(), || {
        let mut session = Session::new();
        session.targets = Targets { width: 100, text: true, color: false, html: true, json: true };
        Box::into_raw(Box::new(Kernel { session, helper: None })) as *mut c_void
    })
}

/// Sends the progress of long statements to `cb` from now on (see `crate::progress::Events`);
/// `cb` is called on another thread, never after the cell that it reports on has returned.
///
/// # Safety
/// `k` comes from `fcall_kernel_new`; `cb` stays callable for the session's life.
#[no_mangle]
pub unsafe extern "C" fn fcall_kernel_set_progress(k: *mut c_void, cb: crate::progress::Callback) {
    let k = &mut *(k as *mut Kernel);
    crate::guard((), || k.session.set_progress_view(Box::new(crate::progress::Events(cb))));
}

/// Runs a cell; returns the JSON of [`cell::cell`] (free it with `fcall_kernel_free`). A panic
/// in the engine (a bug) becomes the cell's error, the workspace kept as the cell left it; its
/// message also goes to the kernel's log.
///
/// # Safety
/// `k` comes from `fcall_kernel_new`; `code` is a NUL-terminated UTF-8 string.
#[no_mangle]
pub unsafe extern "C" fn fcall_kernel_run(k: *mut c_void, code: *const c_char) -> *mut c_char {
    let k = &mut *(k as *mut Kernel);
    INTERRUPTED.store(false, Ordering::SeqCst);
    let code = crate::from_c(code);
    let capture = capture::Capture::start();
    let outs = crate::caught(|| k.session.run(code, RunOptions { keep_going: false }));
    let stderr = capture.map(|c| c.finish()).unwrap_or_default();
    let json = match outs {
        Ok(outs) => crate::guard(cell::internal_error("the cell's output could not be shown", &stderr), || cell::cell(&outs, &stderr)),
        Err(why) => {
            if std::env::var_os("FCALL_KERNEL_QUIET").is_none() {
                eprintln!("[fcall kernel] internal error in a cell: {why}");
            }
            cell::internal_error(&why, &stderr)
        }
    };
    out(json.to_string())
}

/// Completion at a cursor (in code points, as the protocol counts):
/// `{"matches", "start", "end"}`, `start..end` (code points) being the text the matches replace.
/// The candidates are the REPL's ([`crate::complete`]) without the `(` it types after a callable.
///
/// # Safety
/// As [`fcall_kernel_run`].
#[no_mangle]
pub unsafe extern "C" fn fcall_kernel_complete(k: *mut c_void, code: *const c_char, cursor: usize) -> *mut c_char {
    let k = &mut *(k as *mut Kernel);
    let code = crate::from_c(code);
    let json = crate::guard(json!({"matches": [], "start": cursor, "end": cursor}), || complete(&k.session, code, cursor));
    out(json.to_string())
}

/// The byte offset of code point `cp` in `s` (its length past the end).
fn byte_of(s: &str, cp: usize) -> usize {
    s.char_indices().nth(cp).map_or(s.len(), |(b, _)| b)
}

/// The code point index of byte `b` in `s`.
fn code_point_of(s: &str, b: usize) -> usize {
    s[..b.min(s.len())].chars().count()
}

fn complete(session: &Session, code: &str, cursor: usize) -> Json {
    let pos = byte_of(code, cursor);
    let (start, cands) = crate::complete::complete(session, code, pos);
    let mut matches: Vec<String> = Vec::new();
    for c in cands {
        let m = match c.replacement.strip_suffix('(') {
            Some(m) if !c.display.ends_with('(') => m.to_string(),
            _ => c.replacement,
        };
        if !matches.contains(&m) {
            matches.push(m);
        }
    }
    let end = code_point_of(code, pos);
    json!({"matches": matches, "start": code_point_of(code, start.min(pos)), "end": end})
}

/// Inspection at a cursor: `{"found", "text"}`.
///
/// # Safety
/// As [`fcall_kernel_run`].
#[no_mangle]
pub unsafe extern "C" fn fcall_kernel_inspect(k: *mut c_void, code: *const c_char, cursor: usize) -> *mut c_char {
    let k = &mut *(k as *mut Kernel);
    let code = crate::from_c(code);
    let json = crate::guard(json!({"found": false, "text": ""}), || {
        let helper = k.helper.get_or_insert_with(Session::new);
        inspect::inspect(&k.session, helper, code, cursor)
    });
    out(json.to_string())
}

/// Asks the running cell to stop at the next statement or loop iteration (any thread).
#[no_mangle]
pub extern "C" fn fcall_kernel_interrupt() {
    crate::fcall_interrupt();
}

/// # Safety
/// `s` comes from one of the functions above, once.
#[no_mangle]
pub unsafe extern "C" fn fcall_kernel_free(s: *mut c_char) {
    crate::fcall_string_free(s);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::complete::tests::session;

    fn matches(j: &Json) -> Vec<&str> {
        j["matches"].as_array().unwrap().iter().map(|m| m.as_str().unwrap()).collect()
    }

    #[test]
    fn completion_counts_code_points_and_types_no_paren() {
        let s = session("my_value = 3\nmy_model = nn.Linear(2, 2)\np = dict(nn.Sequential(nn.Linear(2, 2)).named_parameters())");
        let j = complete(&s, "nn.Linea", 8);
        assert_eq!((matches(&j), &j["start"], &j["end"]), (vec!["Linear"], &json!(3), &json!(8)));
        // "é" is two bytes and one code point.
        let code = "print(\"é\", my_m";
        let j = complete(&s, code, code.chars().count());
        assert_eq!((matches(&j), &j["start"], &j["end"]), (vec!["my_model"], &json!(11), &json!(15)));
        let j = complete(&s, "é = my_model.lin", 16);
        assert_eq!(j["start"], json!(13));
        // A cursor inside the text: the REPL's dict-key completion, closing what is not there yet.
        let j = complete(&s, "x = p[\"0.w", 10);
        assert_eq!((matches(&j), &j["start"], &j["end"]), (vec!["0.weight\"]"], &json!(7), &json!(10)));
        let j = complete(&s, "p[\"0.w\"] # é", 6);
        assert_eq!((matches(&j), &j["start"]), (vec!["0.weight"], &json!(3)));
        // Past the end: clamped.
        assert_eq!(complete(&s, "my_v", 99)["end"], json!(4));
    }
}
