//! A [`Table`] as terminal text, fitted to a width (80, 100, 120, ...): cells wrap only at
//! spaces, dots and commas (never inside a number or a word: a column is at least as wide as
//! its longest unbreakable piece), colour only when the caller asks (a TTY without NO_COLOR),
//! then each object id (`#12`) has one colour within the table so ties and write-backs stand
//! out. The frame is drawn as comfy-table's UTF8_FULL_CONDENSED preset draws it (box-drawing
//! characters, `┆` between columns).
use std::collections::HashMap;

use super::table::for_each_id;
use super::{Table, Tone};

const RESET: &str = "\x1b[0m";

pub(crate) fn tone_code(tone: Tone) -> &'static str {
    match tone {
        Tone::Plain => "",
        Tone::Muted => "\x1b[90m",
        Tone::Good => "\x1b[32m",
        Tone::Changed => "\x1b[36m",
        Tone::Warn => "\x1b[33m",
        Tone::Alarm => "\x1b[1;31m",
    }
}

/// 256-colour codes for object ids (distinct from the tones).
pub(crate) const ID_CODES: [u8; 8] = [208, 141, 43, 205, 75, 178, 203, 39];

fn width_of(s: &str) -> usize {
    s.chars().count()
}

/// The pieces a line may break after: a space, a comma, or a dot that is not inside a number.
/// An iterator (no buffer of the line's characters), as wrapping walks it once per width tried.
fn pieces(line: &str) -> impl Iterator<Item = &str> + '_ {
    let mut chars = line.char_indices().peekable();
    let (mut start, mut prev) = (0, None::<char>);
    std::iter::from_fn(move || {
        while let Some((i, c)) = chars.next() {
            let next = chars.peek().map(|x| x.1);
            let breaks = match c {
                ' ' | ',' => next != Some(' '),
                '.' => !(prev.is_some_and(|p| p.is_ascii_digit()) && next.is_some_and(|n| n.is_ascii_digit())) && next.is_some(),
                _ => false,
            };
            prev = Some(c);
            if breaks {
                let end = i + c.len_utf8();
                let piece = &line[start..end];
                start = end;
                return Some(piece);
            }
        }
        (start < line.len()).then(|| {
            let piece = &line[start..];
            start = line.len();
            piece
        })
    })
}

/// The narrowest a column can be: its longest piece (trailing spaces do not count).
fn min_width(text: &str) -> usize {
    text.lines().flat_map(pieces).map(|p| width_of(p.trim_end())).max().unwrap_or(0)
}

fn natural_width(text: &str) -> usize {
    text.lines().map(width_of).max().unwrap_or(0)
}

/// `text` wrapped to `w` columns at its break points (a piece wider than `w` is cut).
fn wrap(text: &str, w: usize) -> Vec<String> {
    let mut out = Vec::new();
    wrap_lines(text, w, |l| out.push(l.to_string()));
    out
}

/// How many lines [`wrap`] makes of `text` at `w` columns.
fn height(text: &str, w: usize) -> usize {
    let mut n = 0;
    wrap_lines(text, w, |_| n += 1);
    n
}

/// Hands each line of `text` wrapped to `w` columns to `emit`. A wrapped line is always one
/// stretch of the text (consecutive pieces, or a cut of one), so it is tracked as a range with
/// its width: linear in the text, so a cell of a million characters wraps at once.
fn wrap_lines<'t>(text: &'t str, w: usize, mut emit: impl FnMut(&'t str)) {
    let w1 = w.max(1);
    for line in text.split('\n') {
        // The line being filled: line[start..end], `width` characters.
        let (mut start, mut end, mut width) = (0, 0, 0);
        for p in pieces(line) {
            if end > start && width + width_of(p.trim_end()) > w {
                emit(line[start..end].trim_end());
                (start, width) = (end, 0);
            }
            end += p.len();
            width += width_of(p);
            let cur = &line[start..end];
            let trailing = cur[cur.trim_end().len()..].chars().count();
            while width - trailing > w1 {
                let cut = line[start..].char_indices().nth(w1).map_or(end, |(i, _)| start + i);
                emit(&line[start..cut]);
                start = cut;
                width -= w1;
            }
        }
        emit(line[start..end].trim_end());
    }
}

/// Column widths for the content budget: natural widths if they fit; else, from each column's
/// minimum, one column at a time grows by one where it is what makes rows tall (the row's
/// tallest cell), until the budget is spent or every column has its natural width.
fn widths(cells: &[Vec<String>], mins: &[usize], naturals: &[usize], budget: usize) -> Vec<usize> {
    if naturals.iter().sum::<usize>() <= budget {
        return naturals.to_vec();
    }
    let mut w = mins.to_vec();
    let mut spare = budget.saturating_sub(mins.iter().sum());
    let mut heights: Vec<Vec<usize>> = cells.iter().map(|r| r.iter().zip(&w).map(|(c, &wi)| height(c, wi)).collect()).collect();
    while spare > 0 {
        let mut score = vec![0usize; w.len()];
        for h in &heights {
            let top = h.iter().copied().max().unwrap_or(0);
            for (i, &hi) in h.iter().enumerate() {
                if hi == top && hi > 1 && w[i] < naturals[i] {
                    score[i] += 1;
                }
            }
        }
        let pick = (0..w.len()).filter(|&i| w[i] < naturals[i]).max_by_key(|&i| (score[i], naturals[i] - w[i]));
        let Some(i) = pick else { break };
        w[i] += 1;
        spare -= 1;
        for (r, h) in cells.iter().zip(heights.iter_mut()) {
            h[i] = height(&r[i], w[i]);
        }
    }
    w
}

/// One cell line, padded to `w`, coloured by tone and object id when `color`.
fn paint(line: &str, w: usize, tone: Tone, bold: bool, color: bool, ids: &HashMap<u64, usize>) -> String {
    let pad = " ".repeat(w.saturating_sub(width_of(line)));
    if !color {
        return format!("{line}{pad}");
    }
    let base = format!("{}{}", if bold { "\x1b[1m" } else { "" }, tone_code(tone));
    let mut s = base.clone();
    for_each_id(line, |piece, id| match id.and_then(|i| ids.get(&i)) {
        Some(k) => s.push_str(&format!("{RESET}\x1b[38;5;{}m{piece}{RESET}{base}", ID_CODES[k % ID_CODES.len()])),
        None => s.push_str(piece),
    });
    if !base.is_empty() {
        s.push_str(RESET);
    }
    s.push_str(&pad);
    s
}

fn rule(w: &[usize], left: &str, fill: &str, mid: &str, right: &str) -> String {
    let parts: Vec<String> = w.iter().map(|n| fill.repeat(n + 2)).collect();
    format!("{left}{}{right}", parts.join(mid))
}

/// Renders `t` in at most `width` columns (wider only where a column's longest piece needs it).
pub fn render(t: &Table, width: u16, color: bool) -> String {
    let ncols = t.header.len().max(t.rows.iter().map(|r| r.len()).max().unwrap_or(0));
    let cell = |r: &[super::Cell], i: usize| r.get(i).map(|c| c.text.clone()).unwrap_or_default();
    let mut mins = vec![0; ncols];
    let mut naturals = vec![0; ncols];
    for i in 0..ncols {
        let texts = std::iter::once(t.header.get(i).cloned().unwrap_or_default()).chain(t.rows.iter().map(|r| cell(r, i)));
        for text in texts {
            mins[i] = mins[i].max(min_width(&text));
            naturals[i] = naturals[i].max(natural_width(&text));
        }
    }
    let budget = (width as usize).saturating_sub(3 * ncols + 1);
    let cells: Vec<Vec<String>> = std::iter::once((0..ncols).map(|i| t.header.get(i).cloned().unwrap_or_default()).collect())
        .chain(t.rows.iter().map(|r| (0..ncols).map(|i| cell(r, i)).collect()))
        .collect();
    let w = widths(&cells, &mins, &naturals, budget);
    let ids = if color { t.id_colours() } else { HashMap::new() };
    let mut out = String::new();
    if !t.title.is_empty() {
        out.push_str(&t.title);
        out.push('\n');
    }
    out.push_str(&rule(&w, "┌", "─", "┬", "┐"));
    out.push('\n');
    let emit = |texts: Vec<(String, Tone)>, bold: bool, out: &mut String| {
        let wrapped: Vec<Vec<String>> = texts.iter().enumerate().map(|(i, (s, _))| wrap(s, w[i])).collect();
        let height = wrapped.iter().map(|l| l.len()).max().unwrap_or(1);
        for k in 0..height {
            let parts: Vec<String> = (0..ncols)
                .map(|i| paint(wrapped[i].get(k).map(String::as_str).unwrap_or(""), w[i], texts[i].1, bold, color, &ids))
                .collect();
            out.push_str(&format!("│ {} │\n", parts.join(" ┆ ")));
        }
    };
    emit((0..ncols).map(|i| (t.header.get(i).cloned().unwrap_or_default(), Tone::Plain)).collect(), true, &mut out);
    out.push_str(&rule(&w, "╞", "═", "╪", "╡"));
    out.push('\n');
    for row in &t.rows {
        emit((0..ncols).map(|i| (cell(row, i), row.get(i).map(|c| c.tone).unwrap_or(Tone::Plain))).collect(), false, &mut out);
    }
    out.push_str(&rule(&w, "└", "─", "┴", "┘"));
    // Notes wrap at the table's width, at the same break points.
    for n in &t.notes {
        for line in wrap(&n.text, width as usize) {
            out.push('\n');
            out.push_str(&paint(&line, 0, n.tone, false, color, &ids));
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

    #[test]
    fn wraps_only_at_spaces_dots_and_commas() {
        let t = Table {
            title: String::new(),
            header: vec!["name".into(), "value".into(), "more".into()],
            rows: vec![vec![
                Cell::plain("layers.0.attention.in_proj_weight"),
                Cell::plain("float32[768, 2304] mean=-0.0398 std=1.0053e-06 #123"),
                Cell::plain("PERMANENT CHANGE: module's own tensor written in place"),
            ]],
            notes: vec![],
        };
        // The columns' longest pieces need 37 of the 47 columns: the rest is shared.
        let s = render(&t, 47, false);
        for token in ["-0.0398", "1.0053e-06", "#123", "in_proj_weight", "PERMANENT", "float32[768,"] {
            assert!(s.contains(token), "{token} was cut:\n{s}");
        }
        assert!(s.lines().all(|l| l.chars().count() <= 47), "{s}");
    }

    #[test]
    fn a_huge_cell_wraps_in_linear_time() {
        // Two million break points in one cell (a dict key of 4M characters): wrapping re-measured
        // the line for every piece and every column width tried, minutes for this size.
        let key = "x y ".repeat(1_000_000);
        let t = Table { title: String::new(), header: vec!["key".into(), "value".into()], rows: vec![vec![Cell::plain(key), Cell::plain("tensor([0.])")]], notes: vec![] };
        let s = render(&t, 100, false);
        assert!(s.lines().all(|l| l.chars().count() <= 100));
        assert_eq!(s.matches('x').count(), 1_000_000, "every character is shown once");
        // An unbreakable run longer than the width is cut into width-long lines.
        let lines = wrap(&"a".repeat(1_000_000), 50);
        assert_eq!(lines.len(), 20_000);
        assert!(lines.iter().all(|l| l.len() == 50));
        assert_eq!(wrap("ab cd  ef", 5), vec!["ab cd", "ef"]);
        assert_eq!(wrap("abcdefg hi", 3), vec!["abc", "def", "g", "hi"]);
    }

    #[test]
    fn one_colour_per_object_id() {
        let t = Table {
            title: String::new(),
            header: vec!["a".into(), "b".into()],
            rows: vec![vec![Cell::plain("x #7"), Cell::new("same object #7", Tone::Good)], vec![Cell::plain("y #8"), Cell::plain("#8")]],
            notes: vec![],
        };
        let s = render(&t, 80, true);
        assert_eq!(s.matches("\x1b[38;5;208m#7").count(), 2, "{s:?}");
        assert_eq!(s.matches("\x1b[38;5;141m#8").count(), 2, "{s:?}");
    }
}
