//! The `fcall` command: the REPL (no arguments on a terminal), `fcall run [--json] FILE`,
//! `fcall < FILE`, and `fcall tour`.
mod repl;
mod run;
mod term;
mod tour;

use std::io::{IsTerminal, Read};

const USAGE: &str = "usage:
  fcall                    the REPL (on a terminal); `fcall < FILE` runs a script from stdin
  fcall run [--json] FILE  run a .fc script; --json writes one JSON record per statement
  fcall tour [NAME]        the engine on the documentation's examples, from Rust (--list, --explain)
  fcall --version";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let term = term::Term::detect();
    let code = match args.first().map(String::as_str) {
        None => {
            if std::io::stdin().is_terminal() {
                repl::repl(&term)
            } else {
                let mut code = String::new();
                if std::io::stdin().read_to_string(&mut code).is_err() {
                    eprintln!("fcall: cannot read standard input");
                    std::process::exit(2);
                }
                run::run_source(&code, false, &term)
            }
        }
        Some("run") => {
            let json = args.iter().any(|a| a == "--json");
            match args[1..].iter().find(|a| !a.starts_with("--")) {
                Some(f) => run::run_file(f, json, &term),
                None => {
                    eprintln!("{USAGE}");
                    2
                }
            }
        }
        Some("tour") => tour::main(&args[1..]),
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
    std::process::exit(code);
}
