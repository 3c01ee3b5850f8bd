//! The REPL's side of the engine library (`libfcall_engine.so`, built from `engine/`, found and
//! opened by the `fcall-loader` crate): its entry points, loaded on a background thread for the
//! REPL. libtorch is a dependency of that library and not of this binary, so its static
//! initialisers run there and not before the prompt.
use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::OnceLock;
use std::time::Duration;

use fcall_loader::Library;

const ABI_VERSION: u32 = 1;

/// The engine's entry points (see `engine/src/lib.rs` for what each does).
pub struct Engine {
    pub main: unsafe extern "C" fn(c_int, *const *const c_char, u32, c_int) -> c_int,
    session_new: extern "C" fn() -> *mut c_void,
    session_run: unsafe extern "C" fn(*mut c_void, *const c_char, u32, c_int, *mut c_int) -> *mut c_char,
    session_complete: unsafe extern "C" fn(*mut c_void, *const c_char, usize, *mut usize) -> *mut c_char,
    pub interrupt: extern "C" fn(),
    pub interrupt_clear: extern "C" fn(),
    string_free: unsafe extern "C" fn(*mut c_char),
    warm_up: extern "C" fn(),
}

/// Loads the library and looks up every entry point (this runs libtorch's static initialisers:
/// the slow part). Symbols resolve lazily and are global, as the REPL has always loaded it.
pub fn load() -> Result<Engine, String> {
    let lib: Library = fcall_loader::open(libc::RTLD_LAZY | libc::RTLD_GLOBAL, "fcall_engine_abi", ABI_VERSION)?;
    // SAFETY: each symbol is the extern "C" function of that name in engine/src/lib.rs, with the
    // signature written here; the ABI version was checked by `open`.
    unsafe {
        Ok(Engine {
            main: lib.function("fcall_engine_main")?,
            session_new: lib.function("fcall_session_new")?,
            session_run: lib.function("fcall_session_run")?,
            session_complete: lib.function("fcall_session_complete")?,
            interrupt: lib.function("fcall_interrupt")?,
            interrupt_clear: lib.function("fcall_interrupt_clear")?,
            string_free: lib.function("fcall_string_free")?,
            warm_up: lib.function("fcall_engine_warm_up")?,
        })
    }
}

/// The engine once loaded (set once, by whichever thread loaded it).
pub static ENGINE: OnceLock<Engine> = OnceLock::new();

impl Engine {
    unsafe fn take_string(&self, p: *mut c_char) -> String {
        if p.is_null() {
            return String::new();
        }
        let s = CStr::from_ptr(p).to_string_lossy().into_owned();
        (self.string_free)(p);
        s
    }
}

/// The engine loading on a background thread.
pub struct Loader {
    rx: Option<Receiver<Result<(), String>>>,
    state: Option<Result<(), String>>,
}

/// Why waiting for the engine ended without it.
pub enum WaitError {
    /// Ctrl-C while waiting.
    Interrupted,
    Failed(String),
}

impl Loader {
    /// Starts loading now; `warm` also runs a first tensor operation on the loading thread.
    pub fn start(warm: bool) -> Loader {
        let (tx, rx) = mpsc::channel();
        let spawned = std::thread::Builder::new().name("fcall-engine-load".into()).spawn(move || {
            let r = load().map(|e| {
                if warm {
                    (e.warm_up)();
                }
                let _ = ENGINE.set(e);
            });
            let _ = tx.send(r);
        });
        match spawned {
            Ok(_) => Loader { rx: Some(rx), state: None },
            Err(e) => Loader { rx: None, state: Some(Err(format!("cannot start the loading thread: {e}"))) },
        }
    }

    /// Waits for the engine; `interrupted` is polled so Ctrl-C can give up waiting.
    pub fn wait(&mut self, interrupted: &dyn Fn() -> bool) -> Result<&'static Engine, WaitError> {
        while self.state.is_none() {
            let Some(rx) = &self.rx else { break };
            match rx.recv_timeout(Duration::from_millis(20)) {
                Ok(r) => self.state = Some(r),
                Err(RecvTimeoutError::Timeout) => {
                    if interrupted() {
                        return Err(WaitError::Interrupted);
                    }
                }
                Err(RecvTimeoutError::Disconnected) => self.state = Some(Err("the engine's loading thread died".into())),
            }
        }
        match &self.state {
            Some(Ok(())) => Ok(ENGINE.get().expect("set before Ok was sent")),
            Some(Err(e)) => Err(WaitError::Failed(e.clone())),
            None => Err(WaitError::Failed("the engine was not loaded".into())),
        }
    }
}

/// A REPL session in the engine.
pub struct Session {
    engine: &'static Engine,
    ptr: *mut c_void,
}

impl Session {
    pub fn new(engine: &'static Engine) -> Result<Session, String> {
        let ptr = (engine.session_new)();
        if ptr.is_null() {
            return Err("the engine could not create a session".into());
        }
        Ok(Session { engine, ptr })
    }

    /// Runs an entry; the text to print and whether a statement failed.
    pub fn run(&mut self, code: &str, width: u16, color: bool) -> (String, bool) {
        let code = CString::new(code.replace('\0', " ")).expect("NULs replaced");
        let mut failed: c_int = 0;
        // SAFETY: a live session, a NUL-terminated string, a writable int.
        unsafe {
            let p = (self.engine.session_run)(self.ptr, code.as_ptr(), width as u32, color as c_int, &mut failed);
            (self.engine.take_string(p), failed != 0)
        }
    }

    /// Completion candidates at byte `pos`: where the replaced text starts, and
    /// `(replacement, display)` pairs.
    pub fn complete(&self, line: &str, pos: usize) -> (usize, Vec<(String, String)>) {
        let Ok(cline) = CString::new(line) else { return (pos, Vec::new()) };
        let mut start = pos;
        // SAFETY: a live session, a NUL-terminated string, a writable usize.
        let text = unsafe {
            let p = (self.engine.session_complete)(self.ptr, cline.as_ptr(), pos, &mut start);
            self.engine.take_string(p)
        };
        let cands = text
            .lines()
            .map(|l| match l.split_once('\t') {
                Some((r, d)) => (r.to_string(), d.to_string()),
                None => (l.to_string(), l.to_string()),
            })
            .collect();
        (start.min(pos), cands)
    }
}

/// Runs an engine command (`run`, `tour`, a script on stdin) in this thread.
pub fn run_main(args: &[String], width: u16, color: bool) -> i32 {
    let engine = match load() {
        Ok(e) => ENGINE.get_or_init(|| e),
        Err(e) => {
            eprintln!("fcall: {e}");
            return 1;
        }
    };
    let cargs: Vec<CString> = args.iter().map(|a| CString::new(a.as_str()).unwrap_or_default()).collect();
    let ptrs: Vec<*const c_char> = cargs.iter().map(|c| c.as_ptr()).collect();
    // SAFETY: argc pointers to NUL-terminated strings that outlive the call.
    unsafe { (engine.main)(ptrs.len() as c_int, ptrs.as_ptr(), width as u32, color as c_int) }
}
