//! The fcall Jupyter kernel: `fcall kernel install | uninstall | run CONNECTION_FILE`.
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

/// Runs the kernel on a connection file: sockets first, then the engine thread.
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
        let engine = engine::Engine::start();
        server::serve(bound, engine).await;
        anyhow::Ok(())
    })?;
    // Leave at once: the engine thread may be inside a long libtorch op.
    std::process::exit(0)
}
