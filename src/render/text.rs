//! A [`Table`] as terminal text with comfy-table: fitted to a width (80, 100, 120, ...), cells
//! wrapped, colour only when the caller asks (a TTY without NO_COLOR).
use comfy_table::{presets::UTF8_FULL_CONDENSED, Attribute, Cell as CCell, Color, ContentArrangement, Table as CTable};

use super::{Table, Tone};

fn colored(text: &str, tone: Tone, color: bool) -> CCell {
    let cell = CCell::new(text);
    if !color {
        return cell;
    }
    match tone {
        Tone::Plain => cell,
        Tone::Muted => cell.fg(Color::DarkGrey),
        Tone::Good => cell.fg(Color::Green),
        Tone::Changed => cell.fg(Color::Cyan),
        Tone::Warn => cell.fg(Color::Yellow),
        Tone::Alarm => cell.fg(Color::Red).add_attribute(Attribute::Bold),
    }
}

/// Renders `t` in at most `width` columns.
pub fn render(t: &Table, width: u16, color: bool) -> String {
    let mut ct = CTable::new();
    ct.load_style(UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Dynamic).set_width(width);
    if color {
        ct.enforce_styling();
    } else {
        ct.force_no_tty();
    }
    ct.set_header(t.header.iter().map(|h| colored(h, Tone::Plain, color).add_attribute(Attribute::Bold)).collect::<Vec<_>>());
    for row in &t.rows {
        ct.add_row(row.iter().map(|c| colored(&c.text, c.tone, color)).collect::<Vec<_>>());
    }
    let mut out = String::new();
    if !t.title.is_empty() {
        out.push_str(&t.title);
        out.push('\n');
    }
    out.push_str(&ct.to_string());
    for n in &t.notes {
        out.push('\n');
        if color && n.tone == Tone::Alarm {
            out.push_str(&format!("\x1b[1;31m{}\x1b[0m", n.text));
        } else {
            out.push_str(&n.text);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::Cell;

    #[test]
    fn fits_the_width_and_has_no_colour_unless_asked() {
        let t = Table {
            title: "call".into(),
            header: vec!["name".into(), "what happened".into()],
            rows: vec![vec![Cell::plain("foo"), Cell::new("a long explanation ".repeat(8), Tone::Alarm)]],
            notes: vec![Cell::new("note", Tone::Warn)],
        };
        for w in [80u16, 100, 120] {
            let s = render(&t, w, false);
            assert!(s.lines().all(|l| l.chars().count() <= w as usize), "width {w}:\n{s}");
            assert!(!s.contains('\x1b'));
        }
        assert!(render(&t, 80, true).contains('\x1b'));
    }
}
