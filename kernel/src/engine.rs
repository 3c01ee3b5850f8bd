//! The engine thread: loads the engine library `libfcall_engine.so` (the fcall session on
//! libtorch; its kernel entry points are in engine/src/kernel/) through `fcall-loader` once the
//! sockets are bound, then runs cells, completes and inspects there, one job at a time. Cell
//! outputs come back as plain [`Output`]s.
use std::ffi::{c_char, c_void, CStr, CString};
use std::sync::{mpsc, OnceLock};

use serde_json::Value;
use tokio::sync::oneshot;

const ABI_VERSION: u32 = 1;

/// One piece of a cell's output, in order.
#[derive(Debug, Clone)]
pub enum Output {
    Stdout(String),
    /// What native code wrote to fd 2 during the cell (libtorch warnings).
    Stderr(String),
    /// A rich rendering: text/plain, text/html, image/svg+xml (diagrams) and the JSON record of
    /// LANGUAGE.md; an empty string is left out.
    Rich { text: String, html: String, svg: String, json: Value, result: bool },
    Error(ErrorInfo),
}

#[derive(Debug, Clone)]
pub struct ErrorInfo {
    pub ename: String,
    pub evalue: String,
    pub traceback: Vec<String>,
}

pub struct Cell {
    pub outputs: Vec<Output>,
    /// Plain text of the cell's results, for history with `output=True`.
    pub result_text: String,
}

pub struct Completion {
    pub matches: Vec<String>,
    pub start: usize,
    pub end: usize,
}

pub struct Inspection {
    pub found: bool,
    pub text: String,
}

struct Lib {
    new: extern "C" fn() -> *mut c_void,
    run: unsafe extern "C" fn(*mut c_void, *const c_char) -> *mut c_char,
    complete: unsafe extern "C" fn(*mut c_void, *const c_char, usize) -> *mut c_char,
    inspect: unsafe extern "C" fn(*mut c_void, *const c_char, usize) -> *mut c_char,
    interrupt: extern "C" fn(),
    free: unsafe extern "C" fn(*mut c_char),
}

static LIB: OnceLock<Lib> = OnceLock::new();

/// Opens the library (every symbol bound now, none made global) and looks up the kernel's entry
/// points.
fn load() -> Result<Lib, String> {
    let lib = fcall_loader::open(libc::RTLD_NOW | libc::RTLD_LOCAL, "fcall_kernel_abi", ABI_VERSION)?;
    // SAFETY: each symbol is the extern "C" function of that name in engine/src/kernel/mod.rs,
    // with the signature written here; the interface version was checked by `open`.
    unsafe {
        Ok(Lib {
            new: lib.function("fcall_kernel_new")?,
            run: lib.function("fcall_kernel_run")?,
            complete: lib.function("fcall_kernel_complete")?,
            inspect: lib.function("fcall_kernel_inspect")?,
            interrupt: lib.function("fcall_kernel_interrupt")?,
            free: lib.function("fcall_kernel_free")?,
        })
    }
}

/// Asks the running cell to stop (from the control loop; no-op before the engine loaded).
pub fn interrupt() {
    if let Some(l) = LIB.get() {
        (l.interrupt)();
    }
}

enum Job {
    /// The first request has been answered (see [`Engine::start`]).
    Go,
    Run(String, oneshot::Sender<Cell>),
    Complete(String, usize, oneshot::Sender<Completion>),
    Inspect(String, usize, oneshot::Sender<Inspection>),
}

/// The handle the protocol side holds; cheap to clone.
#[derive(Clone)]
pub struct Engine {
    tx: mpsc::Sender<Job>,
}

fn call(lib: &Lib, k: *mut c_void, f: unsafe extern "C" fn(*mut c_void, *const c_char, usize) -> *mut c_char, code: &str, pos: usize) -> Value {
    let c = CString::new(code.replace('\0', " ")).expect("no NUL");
    // SAFETY: `k` is the live session; the returned string is freed once, here.
    unsafe {
        let p = f(k, c.as_ptr(), pos);
        let v = serde_json::from_slice(CStr::from_ptr(p).to_bytes()).unwrap_or(Value::Null);
        (lib.free)(p);
        v
    }
}

impl Engine {
    /// Starts the engine thread, which loads the library (libtorch's static initialisers run
    /// here, after the sockets are bound) and makes the session.
    pub fn start() -> Engine {
        let (tx, rx) = mpsc::channel::<Job>();
        // Cells run on this thread: its stack is the one Python's recursion limit needs.
        fcall_lang::stack::spawn("fcall-engine", move || {
            // libtorch's load takes a few hundred ms of CPU: wait until the client's first
            // kernel_info has its reply (or a job comes, or 1 s passes), so starting up is
            // never slowed by it.
            let first = match rx.recv_timeout(std::time::Duration::from_secs(1)) {
                Ok(Job::Go) | Err(_) => None,
                Ok(job) => Some(job),
            };
            let loaded = load().and_then(|l| {
                let lib = LIB.get_or_init(|| l);
                let k = (lib.new)();
                if k.is_null() {
                    return Err("the fcall engine could not make a session".to_string());
                }
                Ok((lib, k))
            });
            let (lib, k) = match loaded {
                Ok((lib, k)) => (Some(lib), k),
                Err(e) => {
                    crate::log(&e);
                    (None, std::ptr::null_mut())
                }
            };
            for job in first.into_iter().chain(rx.iter()) {
                let Some(lib) = lib else {
                    if let Job::Run(_, reply) = job {
                        let _ = reply.send(dead("the fcall engine library could not be loaded; see the kernel log"));
                    }
                    continue;
                };
                match job {
                    Job::Go => {}
                    Job::Run(code, reply) => {
                        let c = CString::new(code.replace('\0', " ")).expect("no NUL");
                        // SAFETY: `k` is the live session; the string is freed once.
                        let v: Value = unsafe {
                            let p = (lib.run)(k, c.as_ptr());
                            let v = serde_json::from_slice(CStr::from_ptr(p).to_bytes()).unwrap_or(Value::Null);
                            (lib.free)(p);
                            v
                        };
                        let _ = reply.send(parse_cell(&v));
                    }
                    Job::Complete(code, pos, reply) => {
                        let v = call(lib, k, lib.complete, &code, pos);
                        let matches = v["matches"].as_array().map(|a| a.iter().filter_map(|m| m.as_str().map(String::from)).collect()).unwrap_or_default();
                        let _ = reply.send(Completion { matches, start: v["start"].as_u64().unwrap_or(pos as u64) as usize, end: v["end"].as_u64().unwrap_or(pos as u64) as usize });
                    }
                    Job::Inspect(code, pos, reply) => {
                        let v = call(lib, k, lib.inspect, &code, pos);
                        let _ = reply.send(Inspection { found: v["found"].as_bool().unwrap_or(false), text: v["text"].as_str().unwrap_or("").to_string() });
                    }
                }
            }
        })
        .expect("spawn the engine thread");
        Engine { tx }
    }

    /// Lets the engine thread load the library now.
    pub fn go(&self) {
        let _ = self.tx.send(Job::Go);
    }

    pub async fn run(&self, code: String) -> Cell {
        let (tx, rx) = oneshot::channel();
        if self.tx.send(Job::Run(code, tx)).is_err() {
            return dead("the fcall engine stopped; restart the kernel");
        }
        rx.await.unwrap_or_else(|_| dead("the fcall engine stopped; restart the kernel"))
    }
    pub async fn complete(&self, code: String, pos: usize) -> Completion {
        let (tx, rx) = oneshot::channel();
        let _ = self.tx.send(Job::Complete(code, pos, tx));
        rx.await.unwrap_or(Completion { matches: vec![], start: pos, end: pos })
    }
    pub async fn inspect(&self, code: String, pos: usize) -> Inspection {
        let (tx, rx) = oneshot::channel();
        let _ = self.tx.send(Job::Inspect(code, pos, tx));
        rx.await.unwrap_or(Inspection { found: false, text: String::new() })
    }
}

fn dead(why: &str) -> Cell {
    let e = ErrorInfo { ename: "RuntimeError".into(), evalue: why.into(), traceback: vec![format!("RuntimeError: {why}")] };
    Cell { outputs: vec![Output::Error(e)], result_text: String::new() }
}

fn s(v: &Value) -> String {
    v.as_str().unwrap_or("").to_string()
}

/// The library's cell JSON (see engine/src/kernel/cell.rs) → outputs.
fn parse_cell(v: &Value) -> Cell {
    let Some(list) = v["outputs"].as_array() else {
        return dead("the fcall engine returned no outputs");
    };
    let outputs = list
        .iter()
        .filter_map(|o| {
            if let Some(t) = o.get("stdout") {
                Some(Output::Stdout(s(t)))
            } else if let Some(t) = o.get("stderr") {
                Some(Output::Stderr(s(t)))
            } else if let Some(r) = o.get("rich") {
                Some(Output::Rich {
                    text: s(&r["text"]),
                    html: s(&r["html"]),
                    svg: s(&r["svg"]),
                    json: r["json"].clone(),
                    result: r["result"].as_bool().unwrap_or(false),
                })
            } else {
                o.get("error").map(|e| {
                    Output::Error(ErrorInfo {
                        ename: s(&e["ename"]),
                        evalue: s(&e["evalue"]),
                        traceback: e["traceback"].as_array().map(|a| a.iter().map(s).collect()).unwrap_or_default(),
                    })
                })
            }
        })
        .collect();
    Cell { outputs, result_text: s(&v["result_text"]) }
}
