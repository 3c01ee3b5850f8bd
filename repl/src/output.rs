//! Long output is summarised rather than flooding the terminal: past a limit of lines
//! (`FCALL_MAX_LINES`, default 200; 0 for no limit) the REPL prints the first lines, a note with
//! how many were left out, and the last lines; a single huge line is cut the same way.
use std::borrow::Cow;

pub const DEFAULT_MAX_LINES: usize = 200;

/// The limit of lines for one entry's output (0: none).
pub fn max_lines() -> usize {
    match std::env::var("FCALL_MAX_LINES") {
        Ok(v) => v.trim().parse().unwrap_or(DEFAULT_MAX_LINES),
        Err(_) => DEFAULT_MAX_LINES,
    }
}

fn dim(s: &str, color: bool) -> String {
    if color {
        format!("\x1b[2m{s}\x1b[0m")
    } else {
        s.to_string()
    }
}

/// Cuts one line longer than `max_chars` characters.
fn cap_line(line: &str, max_chars: usize, color: bool) -> Cow<'_, str> {
    let n = line.chars().count();
    if n <= max_chars {
        return Cow::Borrowed(line);
    }
    let keep: String = line.chars().take(max_chars).collect();
    // Escape codes would be cut in half: close any colour that was open.
    let reset = if color && keep.contains('\x1b') { "\x1b[0m" } else { "" };
    Cow::Owned(format!("{keep}{reset}{}", dim(&format!(" … ({} more characters)", n - max_chars), color)))
}

/// `text` as the REPL prints it: at most `max` lines (0: no limit), each at most `20 * width`
/// characters.
pub fn summarise(text: &str, max: usize, width: u16, color: bool) -> String {
    let max_chars = (width as usize).max(40) * 20;
    let body = text.strip_suffix('\n').unwrap_or(text);
    let lines: Vec<&str> = body.split('\n').collect();
    let mut out = String::with_capacity(text.len().min(1 << 20));
    let mut push = |l: &str| {
        out.push_str(&cap_line(l, max_chars, color));
        out.push('\n');
    };
    if max == 0 || lines.len() <= max {
        if !body.is_empty() {
            lines.iter().for_each(|l| push(l));
        }
    } else {
        let tail = (max / 10).clamp(1, 20);
        let head = max.saturating_sub(tail + 1).max(1);
        let hidden = lines.len() - head - tail;
        lines[..head].iter().for_each(|l| push(l));
        push(&dim(&format!("… {hidden} more lines not shown (output of {} lines; FCALL_MAX_LINES=0 shows everything) …", lines.len()), color));
        lines[lines.len() - tail..].iter().for_each(|l| push(l));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_output_is_unchanged() {
        assert_eq!(summarise("a\nb\n", 10, 80, false), "a\nb\n");
        assert_eq!(summarise("a\nb", 10, 80, false), "a\nb\n");
        assert_eq!(summarise("", 10, 80, false), "");
    }

    #[test]
    fn long_output_keeps_head_and_tail_with_a_note() {
        let text: String = (0..1000).map(|i| format!("line {i}\n")).collect();
        let s = summarise(&text, 50, 80, false);
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(lines.len(), 50);
        assert_eq!(lines[0], "line 0");
        assert_eq!(lines[49], "line 999");
        assert!(lines.iter().any(|l| l.contains("951 more lines not shown")), "{s}");
        assert_eq!(summarise(&text, 0, 80, false), text);
    }

    #[test]
    fn huge_lines_are_cut() {
        let s = summarise(&"x".repeat(5000), 10, 40, false);
        assert!(s.starts_with(&"x".repeat(800)));
        assert!(s.contains("(4200 more characters)"));
    }
}
