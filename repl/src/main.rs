//! The `fcall` command: the REPL (no arguments on a terminal), `fcall run [--json] FILE`,
//! `fcall < FILE`, and `fcall tour`.
//!
//! This binary does not link libtorch. The engine (the evaluator on libtorch) is the library
//! `libfcall_engine.so` built from `engine/`, loaded by `loader.rs` (through the `fcall-loader`
//! crate): in the REPL on a background thread, so the prompt is up before libtorch has
//! initialised; for the other commands before they run. `fcall kernel run` loads the same library
//! from the kernel's engine thread once its sockets are bound (`kernel/src/engine.rs`).
mod highlight;
mod loader;
mod output;
mod repl;
mod stepper;
mod term;

use std::io::IsTerminal;

const USAGE: &str = "usage:
  fcall                    the REPL (on a terminal); `fcall < FILE` runs a script from stdin
  fcall run [--json] FILE  run a .fc script; --json writes one JSON record per statement
  fcall export FILE [-o OUT.py]  the script as plain PyTorch (a .py is its own export)
  fcall check FILE...      run each script and its PyTorch export; compare them statement by statement
  fcall tour [NAME]        the engine on the documentation's examples, from Rust (--list, --explain)
  fcall kernel install     the Jupyter kernel (also: kernel uninstall, kernel run CONNECTION_FILE)
  fcall --version";

fn main() {
    // The REPL and scripts evaluate on this thread: give it the stack Python's recursion limit
    // needs (fcall_lang::stack).
    let code = fcall_lang::stack::run(dispatch);
    std::process::exit(code);
}

fn dispatch() -> i32 {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let term = term::Term::detect();
    let code = match args.first().map(String::as_str) {
        None if std::io::stdin().is_terminal() => repl::repl(&term),
        None | Some("run") | Some("tour") => {
            if args.first().map(String::as_str) == Some("run") && !args[1..].iter().any(|a| !a.starts_with("--")) {
                eprintln!("{USAGE}");
                2
            } else {
                loader::run_main(&args, term.width, term.color)
            }
        }
        Some("export") | Some("check") => {
            if args.len() < 2 {
                eprintln!("{USAGE}");
                2
            } else {
                loader::run_main(&args, term.width, term.color)
            }
        }
        Some("kernel") => fcall_kernel::main(&args[1..]),
        Some("--version") | Some("-V") => {
            println!("fcall {} (libtorch 2.13.0 through tch 0.26)", env!("CARGO_PKG_VERSION"));
            0
        }
        Some("-h") | Some("--help") | Some("help") => {
            println!("{USAGE}");
            0
        }
        Some(other) => {
            eprintln!("fcall: unknown command '{other}'\n{USAGE}");
            2
        }
    };
    code
}
