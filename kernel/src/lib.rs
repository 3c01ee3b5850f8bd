//! The fcall Jupyter kernel: `fcall kernel install | uninstall | run CONNECTION_FILE`.
//!
//! The process (here): it ends with `_exit` at shutdown whatever the engine is doing ([`leave`]),
//! takes SIGINT as an interrupt of the running cell, and exits when the process that started it
//! is gone (`JPY_PARENT_PID`), as ipykernel does.
//!
//! | module | owns |
//! |---|---|
//! | [`wire`] | every ZeroMQ use: binding, lenient signed reads, sends, heartbeat, IOPub (XPUB) |
//! | [`server`] | the protocol: shell and control loops, busy/idle, execute, aborts |
//! | [`engine`] | the engine thread: loads the engine library (`engine/`, through `fcall-loader`) after the sockets are bound |
//! | [`history`] | the in-memory history (tail, range, search) |
//! | [`meta`] | notebook-only cell forms (`:clear`, `name?`) |
//! | [`install`] | kernelspecs: install and uninstall |
pub mod engine;
pub mod history;
pub mod install;
pub mod meta;
pub mod server;
pub mod wire;

use jupyter_protocol::ConnectionInfo;

const USAGE: &str = "usage:
  fcall kernel install [--user | --sys-prefix | --prefix P] [--name N] [--display-name D]
  fcall kernel uninstall [--user | --sys-prefix | --prefix P] [--name N]
  fcall kernel run CONNECTION_FILE   (what Jupyter starts; see kernel.json)";

/// Kernel diagnostics go to stderr (Jupyter shows them in its server log); set
/// FCALL_KERNEL_QUIET=1 to silence them.
/// Writes to a copy of the original fd 2, so the logs never land in a cell's captured stderr.
pub fn log(msg: &str) {
    use std::io::Write;
    if std::env::var_os("FCALL_KERNEL_QUIET").is_some() {
        return;
    }
    match LOG.get() {
        Some(f) => {
            let _ = writeln!(&*f, "[fcall kernel] {msg}");
        }
        None => eprintln!("[fcall kernel] {msg}"),
    }
}

static LOG: std::sync::OnceLock<std::fs::File> = std::sync::OnceLock::new();

/// `fcall kernel ...`; returns the exit status.
pub fn main(args: &[String]) -> i32 {
    match args.first().map(String::as_str) {
        Some("install") => report(install::install(&args[1..])),
        Some("uninstall") => report(install::uninstall(&args[1..])),
        Some("run") => match args.get(1) {
            Some(f) => report(run(f)),
            None => {
                eprintln!("{USAGE}");
                2
            }
        },
        Some("-h") | Some("--help") | None => {
            println!("{USAGE}");
            i32::from(args.is_empty()) * 2
        }
        Some(other) => {
            eprintln!("fcall kernel: unknown command '{other}'\n{USAGE}");
            2
        }
    }
}

fn report(r: anyhow::Result<()>) -> i32 {
    match r {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("fcall kernel: {e:#}");
            1
        }
    }
}

/// Runs the kernel on a connection file: sockets first, then the engine thread. Returns only on
/// an error before the kernel is up; otherwise the process ends in [`leave`].
pub fn run(connection_file: &str) -> anyhow::Result<()> {
    use anyhow::Context;
    let text = std::fs::read_to_string(connection_file).with_context(|| format!("cannot read {connection_file}"))?;
    let info: ConnectionInfo = serde_json::from_str(&text).with_context(|| format!("{connection_file} is not a connection file"))?;
    // SAFETY: dup of fd 2 gives a descriptor this process owns from here on.
    let fd = unsafe { libc::dup(2) };
    if fd >= 0 {
        let _ = LOG.set(unsafe { <std::fs::File as std::os::fd::FromRawFd>::from_raw_fd(fd) });
    }
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    rt.block_on(async {
        let session = uuid::Uuid::new_v4().to_string();
        let bound = wire::bind(&info, &session).await?;
        on_sigint();
        watch_parent();
        let engine = engine::Engine::start();
        server::serve(bound, engine).await;
        anyhow::Ok(())
    })?;
    leave(0)
}

/// Ends the process now, whatever the engine thread is doing: `_exit` runs no static destructor
/// and no atexit handler, so a shutdown while libtorch is still loading (its initialisers running
/// under `dlopen`) or inside a long operation cannot crash on the way out. Replies were sent and
/// the logs are written unbuffered; stdout is flushed here.
pub fn leave(code: i32) -> ! {
    use std::io::Write;
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    // SAFETY: _exit ends the process; nothing after it runs.
    unsafe { libc::_exit(code) }
}

/// SIGINT (Ctrl-C in the terminal that started Jupyter, `kill -INT`, a front end with
/// interrupt_mode "signal") interrupts the running cell, as ipykernel's KeyboardInterrupt does;
/// when no cell runs it is forgotten (each cell starts uninterrupted).
fn on_sigint() {
    extern "C" fn handler(_: libc::c_int) {
        // One atomic store in the engine: async-signal-safe.
        engine::interrupt();
    }
    // SAFETY: installs a handler that only does an atomic store.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = handler as extern "C" fn(libc::c_int) as usize;
        sa.sa_flags = libc::SA_RESTART;
        libc::sigemptyset(&mut sa.sa_mask);
        if libc::sigaction(libc::SIGINT, &sa, std::ptr::null_mut()) != 0 {
            log("cannot install the SIGINT handler");
        }
    }
}

/// ipykernel's ParentPollerUnix: with `JPY_PARENT_PID` set (Jupyter sets it to the process that
/// started the kernel), the kernel exits once that process is gone (its parent changes; when
/// the variable does not name the parent at start, once the parent is init).
fn watch_parent() {
    let Some(named) = std::env::var("JPY_PARENT_PID").ok().and_then(|p| p.trim().parse::<i32>().ok()).filter(|p| *p > 1) else { return };
    // SAFETY: getppid cannot fail.
    let ppid = || unsafe { libc::getppid() };
    let parent = if ppid() == named { named } else { 0 };
    tokio::spawn(async move {
        loop {
            let now = ppid();
            if (parent == 0 && now == 1) || (parent != 0 && now != parent) {
                log("the parent process exited; shutting down");
                leave(1);
            }
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        }
    });
}
