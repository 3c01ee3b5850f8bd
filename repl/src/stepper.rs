//! `step call ...` in the REPL: the stages of the call's diagram one at a time. The engine's
//! text has one page per stage, each starting with a line `── step N of M: ... ──`; at a
//! terminal the first page prints, then each key press shows the next (Enter or space: next,
//! q or Esc: stop). Output that is not a stepper's, or stdin that is not a terminal, prints
//! whole.
use std::io::{IsTerminal, Read, Write};

const MARK: &str = "── step ";

/// The text cut before each stage's line after the first (no cut: one page).
pub fn pages(text: &str) -> Vec<&str> {
    let mut cuts = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        if line.starts_with(MARK) {
            cuts.push(at);
        }
        at += line.len();
    }
    if cuts.len() < 2 {
        return vec![text];
    }
    let mut out = Vec::new();
    let mut start = 0;
    for c in cuts.into_iter().skip(1) {
        out.push(&text[start..c]);
        start = c;
    }
    out.push(&text[start..]);
    out
}

/// One key from the terminal without echo (raw for one byte); None if it cannot be read.
fn key() -> Option<u8> {
    let fd = 0;
    // SAFETY: termios calls on stdin with a zeroed struct that tcgetattr fills.
    let mut old: libc::termios = unsafe { std::mem::zeroed() };
    if unsafe { libc::tcgetattr(fd, &mut old) } != 0 {
        return None;
    }
    let mut raw = old;
    raw.c_lflag &= !(libc::ICANON | libc::ECHO);
    raw.c_cc[libc::VMIN] = 1;
    raw.c_cc[libc::VTIME] = 0;
    // SAFETY: as above; the old settings are put back below.
    unsafe { libc::tcsetattr(fd, libc::TCSANOW, &raw) };
    let mut b = [0u8; 1];
    let n = std::io::stdin().read(&mut b);
    // SAFETY: restores what tcgetattr read.
    unsafe { libc::tcsetattr(fd, libc::TCSANOW, &old) };
    matches!(n, Ok(1)).then_some(b[0])
}

/// Prints `text` (already summarised), page by page at a terminal.
pub fn print(out: &mut impl Write, text: &str, color: bool) {
    let pages = pages(text);
    if pages.len() == 1 || !std::io::stdin().is_terminal() {
        let _ = out.write_all(text.as_bytes());
        return;
    }
    let n = pages.len();
    for (i, p) in pages.iter().enumerate() {
        let _ = out.write_all(p.as_bytes());
        if i + 1 == n {
            break;
        }
        let prompt = format!("[stage {} of {n}: Enter next, q stop]", i + 1);
        let _ = write!(out, "{}", if color { format!("\x1b[2m{prompt}\x1b[0m") } else { prompt.clone() });
        let _ = out.flush();
        let k = key();
        // Clear the prompt's line.
        let _ = write!(out, "\r{}\r", " ".repeat(prompt.chars().count()));
        match k {
            Some(b'q' | b'Q' | 0x1b | 0x03 | 0x04) | None => {
                let _ = writeln!(out, "(stopped after stage {} of {n})", i + 1);
                break;
            }
            _ => {}
        }
    }
    let _ = out.flush();
}

#[cfg(test)]
mod tests {
    use super::pages;

    #[test]
    fn a_stepper_text_is_cut_before_each_stage_after_the_first() {
        let t = "title\n── step 1 of 2: merge ──\na\n── step 2 of 2: swap ──\nb\n";
        assert_eq!(pages(t), vec!["title\n── step 1 of 2: merge ──\na\n", "── step 2 of 2: swap ──\nb\n"]);
        assert_eq!(pages("no stages\n"), vec!["no stages\n"]);
    }
}
