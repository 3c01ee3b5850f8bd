//! Prose as wide as the terminal: `help` text is written for 100 columns and `help builtins` is
//! one long line; on a narrower terminal they are wrapped at spaces, continuation lines indented
//! under the text they continue, instead of the terminal cutting words in half.

/// The output of one statement, wrapped if the statement is a `help` command.
pub fn for_statement(source: &str, text: &str, width: usize) -> String {
    let src = source.trim_start();
    let is_help = src == "help" || src.starts_with("help ") || src.starts_with("help\t");
    if is_help {
        wrap(text, width)
    } else {
        text.to_string()
    }
}

/// Wraps every line longer than `width` columns at spaces. A paragraph (lines of one indentation,
/// prose rather than a two-column list) that has such a line is reflowed as a whole.
pub fn wrap(text: &str, width: usize) -> String {
    let width = width.max(20);
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out = String::with_capacity(text.len() + 16);
    let mut i = 0;
    while i < lines.len() {
        if i > 0 {
            out.push('\n');
        }
        let lead = indent(lines[i]);
        let prose = |l: &str| lead > 0 && indent(l) == lead && !l.trim().is_empty() && column_of_second_field(l).is_none();
        let mut j = i;
        while j < lines.len() && prose(lines[j]) {
            j += 1;
        }
        if j > i + 1 && lines[i..j].iter().any(|l| cols(l) > width) {
            let joined = format!("{}{}", &lines[i][..lead], lines[i..j].iter().map(|l| l.trim()).collect::<Vec<_>>().join(" "));
            wrap_line(&joined, width, &mut out);
            i = j;
        } else {
            wrap_line(lines[i], width, &mut out);
            i += 1;
        }
    }
    out
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn cols(s: &str) -> usize {
    s.chars().count()
}

fn wrap_line(line: &str, width: usize, out: &mut String) {
    if cols(line) <= width {
        out.push_str(line);
        return;
    }
    let lead = line.len() - line.trim_start().len();
    // Continuation lines go under the text: past a `  code   text` column if the line has one
    // (the help's two-column list), else at the line's own indentation (two spaces for a line
    // that has none, like a topic's first line).
    let own = if lead > 0 { lead } else { 2 };
    let hang = column_of_second_field(line).filter(|c| *c + 20 < width).unwrap_or(own).min(width / 2);
    let indent = " ".repeat(hang);
    let mut cur = String::new();
    let mut first = true;
    for word in line[lead..].split(' ') {
        let prefix_len = if first { lead } else { hang };
        if !cur.is_empty() && prefix_len + cols(&cur) + 1 + cols(word) > width {
            out.push_str(if first { &line[..lead] } else { &indent });
            out.push_str(&cur);
            out.push('\n');
            first = false;
            cur.clear();
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    out.push_str(if first { &line[..lead] } else { &indent });
    out.push_str(&cur);
}

/// In `  seed 0         torch.manual_seed`, the column where `torch.manual_seed` starts (a run of
/// three or more spaces after the first field).
fn column_of_second_field(line: &str) -> Option<usize> {
    let lead = line.len() - line.trim_start().len();
    let rest = &line[lead..];
    let gap = rest.find("   ")?;
    let after = rest[gap..].trim_start();
    if after.is_empty() {
        return None;
    }
    Some(cols(&line[..line.len() - after.len()]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_lines_are_kept() {
        assert_eq!(wrap("a b c\n  d", 40), "a b c\n  d");
    }

    #[test]
    fn long_lines_break_at_spaces_within_the_width() {
        let line = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho";
        let w = wrap(line, 30);
        assert!(w.lines().count() > 2);
        for l in w.lines() {
            assert!(l.chars().count() <= 30, "{l:?}");
        }
        assert_eq!(w.split_whitespace().collect::<Vec<_>>(), line.split_whitespace().collect::<Vec<_>>());
    }

    #[test]
    fn two_column_help_lines_hang_under_the_second_column() {
        let line = "  x = randn(4, 3)                 tensors: tensor, zeros, ones, full, arange, eye, rand, randn, randint";
        let w = wrap(line, 70);
        let lines: Vec<&str> = w.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[1].starts_with(&" ".repeat(34)), "{w}");
    }

    #[test]
    fn prose_paragraphs_are_reflowed() {
        let text = "head line\n  one two three four five six seven\n  eight nine\n  ten eleven twelve thirteen fourteen";
        let w = wrap(text, 30);
        assert_eq!(w.lines().next(), Some("head line"));
        let body: Vec<&str> = w.lines().skip(1).collect();
        for l in &body {
            assert!(l.starts_with("  ") && l.chars().count() <= 30, "{w}");
        }
        // Filled: every line but the last is close to the width.
        assert!(body[..body.len() - 1].iter().all(|l| l.chars().count() > 20), "{w}");
        assert_eq!(w.split_whitespace().collect::<Vec<_>>(), text.split_whitespace().collect::<Vec<_>>());
        // Short paragraphs are left alone.
        assert_eq!(wrap(text, 80), text);
    }

    #[test]
    fn only_help_is_wrapped() {
        let long = "x ".repeat(100);
        assert_eq!(for_statement("print(1)", &long, 40), long);
        assert_ne!(for_statement("help builtins", &long, 40), long);
    }
}
