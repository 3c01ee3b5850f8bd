//! A [`Table`] as self-contained HTML for notebooks: escaped text, tones as classes with an
//! inline stylesheet, so it renders the same in JupyterLab, VS Code and a static export.
use super::{Table, Tone};

fn class(t: Tone) -> &'static str {
    match t {
        Tone::Plain => "fc-plain",
        Tone::Muted => "fc-muted",
        Tone::Good => "fc-good",
        Tone::Changed => "fc-changed",
        Tone::Warn => "fc-warn",
        Tone::Alarm => "fc-alarm",
    }
}

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

const STYLE: &str = "<style>.fc-table{border-collapse:collapse;font-family:monospace;font-size:12px}\
.fc-table th,.fc-table td{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}\
.fc-muted{color:#888}.fc-good{color:#1a7f37}.fc-changed{color:#0969da}.fc-warn{color:#9a6700}\
.fc-alarm{color:#cf222e;font-weight:bold}</style>";

pub fn render(t: &Table) -> String {
    let mut s = String::from("<div class=\"fcall\">");
    s.push_str(STYLE);
    if !t.title.is_empty() {
        s.push_str(&format!("<div class=\"fc-title\"><b>{}</b></div>", escape(&t.title)));
    }
    s.push_str("<table class=\"fc-table\"><thead><tr>");
    for h in &t.header {
        s.push_str(&format!("<th>{}</th>", escape(h)));
    }
    s.push_str("</tr></thead><tbody>");
    for row in &t.rows {
        s.push_str("<tr>");
        for c in row {
            s.push_str(&format!("<td class=\"{}\">{}</td>", class(c.tone), escape(&c.text)));
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table>");
    for n in &t.notes {
        s.push_str(&format!("<div class=\"{}\">{}</div>", class(n.tone), escape(&n.text)));
    }
    s.push_str("</div>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::Cell;

    #[test]
    fn escapes_and_tones() {
        let t = Table {
            title: "a<b".into(),
            header: vec!["x".into()],
            rows: vec![vec![Cell::new("<script>", Tone::Alarm)]],
            notes: vec![],
        };
        let h = render(&t);
        assert!(h.contains("a&lt;b"));
        assert!(h.contains("<td class=\"fc-alarm\">&lt;script&gt;</td>"));
    }
}
