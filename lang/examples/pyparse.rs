//! Parses a file (or stdin) as fcall's Python and prints the statements or the first error.
use std::io::Read;
fn main() {
    let mut src = String::new();
    match std::env::args().nth(1) {
        Some(p) => src = std::fs::read_to_string(p).expect("read"),
        None => {
            std::io::stdin().read_to_string(&mut src).expect("stdin");
        }
    }
    match fcall_lang::python::parse_program(&src) {
        Ok(p) => {
            for s in &p.stmts {
                println!("{:?}", s.kind);
            }
        }
        Err(d) => {
            for d in &d {
                println!("{}", fcall_lang::render(&src, d, false));
            }
        }
    }
}
