//! `cargo run -p fcall-lang --example fc_parse -- [--color] [FILE ...]`: parse each file (or
//! standard input) as fcall's Python and print its statements (the lowered AST), or the
//! diagnostics; also says what `is_complete` answers. Exits 1 if any input fails to parse.

use fcall_lang::{is_complete, parse_program, render_named};
use std::io::Read;

fn main() {
    let mut color = false;
    let mut files = Vec::new();
    for a in std::env::args().skip(1) {
        if a == "--color" {
            color = true;
        } else {
            files.push(a);
        }
    }
    let inputs: Vec<(String, String)> = if files.is_empty() {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).expect("stdin");
        vec![("<stdin>".into(), s)]
    } else {
        files.iter().map(|f| (f.clone(), std::fs::read_to_string(f).unwrap_or_else(|e| panic!("{f}: {e}")))).collect()
    };
    let mut failed = false;
    for (name, src) in &inputs {
        println!("== {name}: is_complete = {:?}", is_complete(src));
        match parse_program(src) {
            Ok(p) => {
                for s in &p.stmts {
                    println!("{:#?}", s.kind);
                }
            }
            Err(diags) => {
                failed = true;
                for d in &diags {
                    print!("{}", render_named(Some(name), src, d, color));
                }
            }
        }
    }
    std::process::exit(failed as i32);
}
