//! `cargo run -p fcall-lang --example fc_parse -- [--color] [FILE.fc ...]`: parse each file
//! (or standard input) and print the AST dump, or the diagnostics; also says what
//! `is_complete` answers. Exits 1 if any input fails to parse.

use fcall_lang::{dump_with_lines, is_complete, parse_program, render_named};
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
        vec![("<stdin>".to_string(), s)]
    } else {
        files
            .into_iter()
            .map(|f| {
                let s = std::fs::read_to_string(&f).unwrap_or_else(|e| panic!("{f}: {e}"));
                (f, s)
            })
            .collect()
    };
    let mut failed = false;
    for (name, src) in inputs {
        println!("# {name}: is_complete = {:?}", is_complete(&src));
        match parse_program(&src) {
            Ok(p) => print!("{}", dump_with_lines(&p, &src)),
            Err(diags) => {
                failed = true;
                for d in &diags {
                    println!("{}", render_named(Some(&name), &src, d, color));
                }
            }
        }
    }
    std::process::exit(i32::from(failed));
}
