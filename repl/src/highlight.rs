//! Syntax colours for the line being edited: keywords (and commands where a statement starts),
//! strings, numbers, comments. Only escape codes are added, so the line keeps its width.
use fcall_lang::{COMMAND_WORDS, PYTHON_KEYWORDS};

const KEYWORD: &str = "\x1b[1;35m";
const COMMAND: &str = "\x1b[1;34m";
const CONSTANT: &str = "\x1b[36m";
const NUMBER: &str = "\x1b[36m";
const STRING: &str = "\x1b[32m";
const COMMENT: &str = "\x1b[90m";
const RESET: &str = "\x1b[0m";

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}
fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether a word at byte `at` starts a statement (first on its line, after `;`, or after `%`).
fn statement_start(line: &str, at: usize) -> bool {
    let prev = line[..at].trim_end_matches([' ', '\t', '%']);
    prev.is_empty() || prev.ends_with(['\n', ';', ':'])
}

/// `line` with colours.
pub fn highlight(line: &str) -> String {
    let mut out = String::with_capacity(line.len() * 2);
    let mut it = line.char_indices().peekable();
    let paint = |out: &mut String, color: &str, text: &str| {
        out.push_str(color);
        out.push_str(text);
        out.push_str(RESET);
    };
    while let Some(&(i, c)) = it.peek() {
        if c == '#' {
            let end = line[i..].find('\n').map_or(line.len(), |n| i + n);
            paint(&mut out, COMMENT, &line[i..end]);
            while it.peek().is_some_and(|(j, _)| *j < end) {
                it.next();
            }
        } else if c == '"' || c == '\'' {
            it.next();
            let mut end = line.len();
            while let Some((j, d)) = it.next() {
                if d == '\\' {
                    it.next();
                } else if d == c {
                    end = j + d.len_utf8();
                    break;
                }
            }
            paint(&mut out, STRING, &line[i..end]);
        } else if c.is_ascii_digit() || (c == '.' && line[i + 1..].starts_with(|d: char| d.is_ascii_digit()) && !line[..i].ends_with(|p: char| is_ident_char(p) || p == ')' || p == ']')) {
            let mut end = i;
            let mut prev = ' ';
            while let Some(&(j, d)) = it.peek() {
                let exp_sign = (d == '+' || d == '-') && (prev == 'e' || prev == 'E');
                if d.is_ascii_alphanumeric() || d == '_' || d == '.' || exp_sign {
                    end = j + d.len_utf8();
                    prev = d;
                    it.next();
                } else {
                    break;
                }
            }
            paint(&mut out, NUMBER, &line[i..end]);
        } else if is_ident_start(c) {
            let mut end = i;
            while let Some(&(j, d)) = it.peek() {
                if is_ident_char(d) {
                    end = j + d.len_utf8();
                    it.next();
                } else {
                    break;
                }
            }
            let word = &line[i..end];
            // `help call`: a topic, not the keyword.
            let before = line[..i].trim_end_matches([' ', '\t']);
            let after_dot = line[..i].ends_with('.') || (before.ends_with("help") && before.len() < i && statement_start(line, before.len() - 4));
            match PYTHON_KEYWORDS.contains(&word) {
                true if !after_dot && matches!(word, "True" | "False" | "None") => paint(&mut out, CONSTANT, word),
                true if !after_dot => paint(&mut out, KEYWORD, word),
                _ if !after_dot
                    && COMMAND_WORDS.contains(&word)
                    && statement_start(line, i)
                    && !line[end..].trim_start_matches([' ', '\t']).starts_with(['=', '(', '.', '[']) =>
                {
                    paint(&mut out, COMMAND, word)
                }
                _ => out.push_str(word),
            }
        } else {
            out.push(c);
            it.next();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip(s: &str) -> String {
        let mut out = String::new();
        let mut in_esc = false;
        for c in s.chars() {
            match (in_esc, c) {
                (false, '\x1b') => in_esc = true,
                (true, 'm') => in_esc = false,
                (true, _) => {}
                (false, c) => out.push(c),
            }
        }
        out
    }

    #[test]
    fn only_escape_codes_are_added() {
        for line in ["for i in range(3): x = x + 1.5e-3  # loop", "s = \"a # b\" + 'c\\'d'", "x.5", "model.0.weight", "\"open", "é = 1 # ü"] {
            assert_eq!(strip(&highlight(line)), line);
        }
    }

    #[test]
    fn kinds_get_their_colours() {
        let h = highlight("for i in range(2): print(\"hi\", 1.5)  # done");
        assert!(h.contains(&format!("{KEYWORD}for{RESET}")));
        assert!(h.contains(&format!("{KEYWORD}in{RESET}")));
        assert!(h.contains(&format!("{NUMBER}2{RESET}")));
        assert!(h.contains(&format!("{NUMBER}1.5{RESET}")));
        assert!(h.contains(&format!("{STRING}\"hi\"{RESET}")));
        assert!(h.contains(&format!("{COMMENT}# done{RESET}")));
        assert!(!h.contains(&format!("{KEYWORD}range")));
        assert!(highlight("show model").starts_with(&format!("{COMMAND}show{RESET}")));
        assert!(!highlight("show = 1").contains(COMMAND));
        assert!(!highlight("x = help").contains(COMMAND));
        assert_eq!(strip(&highlight("help call")), "help call");
        assert!(!highlight("help call").contains(KEYWORD));
        assert!(highlight("x = None").contains(&format!("{CONSTANT}None{RESET}")));
        assert!(highlight("%show model").contains(&format!("{COMMAND}show{RESET}")));
    }
}
