//! A [`Table`] as self-contained HTML for notebooks. Every style is inline (an untrusted
//! notebook, nbviewer and VS Code drop `<style>` blocks but keep `style` attributes): colours
//! of middle lightness that read on light and dark themes, borders of translucent grey, text
//! left-aligned (JupyterLab right-aligns table cells), the notebook's own font size. Each
//! object id (`#12`) has one colour within a table, so ties and write-backs stand out.
//!
//! Only values JupyterLab's sanitizer keeps for an untrusted notebook: it drops `inherit` and
//! `var(...)` (a dropped font-size leaves its `.jp-RenderedHTMLCommon table` rule's 13px), so the
//! size is `100%` of the output's, and the code font's `var(...)` follows a plain `monospace`
//! that stays where the variable is dropped.
use std::collections::HashMap;

use super::{Table, Tone};

fn tone_style(t: Tone) -> &'static str {
    match t {
        Tone::Plain => "",
        Tone::Muted => "color:#8b949e;",
        Tone::Good => "color:#3a9b52;",
        Tone::Changed => "color:#3b8eea;",
        Tone::Warn => "color:#b7791f;",
        Tone::Alarm => "color:#e5534b;font-weight:bold;",
    }
}

/// A tone's colour (the same as in tables), for other renderings (diagrams); None for plain.
pub fn tone_colour(t: Tone) -> Option<&'static str> {
    let s = tone_style(t);
    s.strip_prefix("color:").and_then(|c| c.split(';').next())
}

/// Hues readable on white and on JupyterLab's dark background, for object ids.
pub const ID_COLOURS: [&str; 8] = ["#d2691e", "#8957e5", "#1f9e89", "#c2398b", "#4c8bf5", "#9a8a00", "#e0533d", "#2b8fc0"];

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push_str("<br>"),
            c => out.push(c),
        }
    }
    out
}

/// Escaped text with every `#N` in its id's colour.
fn with_ids(text: &str, ids: &HashMap<u64, usize>) -> String {
    let mut out = String::new();
    super::table::for_each_id(text, |piece, id| match id.and_then(|i| ids.get(&i)) {
        Some(k) => out.push_str(&format!("<span style=\"color:{}\">{}</span>", ID_COLOURS[k % ID_COLOURS.len()], escape(piece))),
        None => out.push_str(&escape(piece)),
    });
    out
}

/// The code font: JupyterLab's where its variable is kept, `monospace` where it is sanitised away.
const CODE_FONT: &str = "font-family:monospace;font-family:var(--jp-code-font-family,monospace)";
/// The output's own font size (the notebook's content size), in a form sanitizers keep.
const SAME_SIZE: &str = "font-size:100%";
const TABLE: &str = "border-collapse:collapse;line-height:1.35;margin:2px 0";
const CELL: &str = "border:1px solid rgba(128,128,128,0.45);padding:2px 6px;text-align:left;vertical-align:top;white-space:normal";

pub fn render(t: &Table) -> String {
    let ids = t.id_colours();
    let mut s = format!("<div class=\"fcall\" style=\"text-align:left;{SAME_SIZE}\">");
    if !t.title.is_empty() {
        s.push_str(&format!("<div style=\"font-weight:bold\">{}</div>", escape(&t.title)));
    }
    s.push_str(&format!("<table style=\"{TABLE};{CODE_FONT};{SAME_SIZE}\"><thead><tr>"));
    for h in &t.header {
        s.push_str(&format!("<th style=\"{CELL};font-weight:bold\">{}</th>", escape(h)));
    }
    s.push_str("</tr></thead><tbody>");
    for row in &t.rows {
        s.push_str("<tr>");
        for c in row {
            s.push_str(&format!("<td style=\"{CELL};{}\">{}</td>", tone_style(c.tone), with_ids(&c.text, &ids)));
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table>");
    for n in &t.notes {
        s.push_str(&format!("<div style=\"{}\">{}</div>", tone_style(n.tone), with_ids(&n.text, &ids)));
    }
    s.push_str("</div>");
    s
}

/// Lines that carry their own numbers (`explain`'s stages), one per row, in the code font.
pub fn lines(lines: &[String]) -> String {
    let mut s = format!("<div class=\"fc-explain\" style=\"text-align:left;{CODE_FONT};{SAME_SIZE};white-space:pre-wrap;margin:2px 0\">");
    for l in lines {
        let style = if l.starts_with("PERMANENT") || l.starts_with("known bug") { tone_style(Tone::Alarm) } else { "" };
        s.push_str(&format!("<div style=\"{style}\">{}</div>", escape(l)));
    }
    s.push_str("</div>");
    s
}

/// Preformatted text in the alarm colour (an error).
pub fn alarm_pre(text: &str) -> String {
    format!("<pre style=\"{}\">{}</pre>", tone_style(Tone::Alarm).replace("font-weight:bold;", ""), escape(text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::Cell;

    #[test]
    fn escapes_and_styles_inline() {
        let t = Table {
            title: "a<b".into(),
            header: vec!["x".into()],
            rows: vec![vec![Cell::new("<script>", Tone::Alarm)], vec![Cell::plain("0.5 #12, same object #12")]],
            notes: vec![],
        };
        let h = render(&t);
        assert!(h.contains("a&lt;b"));
        assert!(h.contains("&lt;script&gt;</td>"));
        assert!(!h.contains("<style"), "no stylesheet: untrusted notebooks drop it");
        assert!(h.contains("text-align:left"));
        // Sizes and fonts a sanitizer keeps: no `inherit`, and a plain font before the variable.
        assert!(h.contains("font-size:100%") && !h.contains("inherit"), "{h}");
        assert!(h.contains("font-family:monospace;font-family:var(--jp-code-font-family"), "{h}");
        // One colour for both mentions of #12.
        let span = format!("<span style=\"color:{}\">#12</span>", ID_COLOURS[0]);
        assert_eq!(h.matches(&span).count(), 2, "{h}");
    }
}
