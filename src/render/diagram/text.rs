//! A diagram as terminal text: per panel, one line per name (`mod.foo  → t1  marks`), one line
//! per collapsed group, then one line per object (`t1  Tensor float32[]  0.  #12  marks`). Each
//! object label has one colour in the whole diagram (when colour is on), marks take the call
//! table's tones. Without ids it is the golden form of the graph that the tests compare.
use super::{Diagram, Mark, Target};
use crate::render::text::{tone_code, ID_CODES};
use crate::render::Tone;

/// How to write the diagram.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    /// ANSI colours.
    pub color: bool,
    /// The real object ids (`#12`) beside the labels.
    pub ids: bool,
}

fn paint(s: &str, tone: Tone, color: bool) -> String {
    let code = tone_code(tone);
    if !color || code.is_empty() {
        s.to_string()
    } else {
        format!("{code}{s}\x1b[0m")
    }
}

fn label(d: &Diagram, o: usize, color: bool) -> String {
    let l = &d.objects[o].label;
    if color {
        format!("\x1b[38;5;{}m{l}\x1b[0m", ID_CODES[o % ID_CODES.len()])
    } else {
        l.clone()
    }
}

fn marks(m: &[Mark], color: bool) -> String {
    m.iter().map(|m| paint(&m.text, m.kind.tone(), color)).collect::<Vec<_>>().join(", ")
}

fn pad(s: &str, visible: usize, width: usize) -> String {
    format!("{s}{}", " ".repeat(width.saturating_sub(visible)))
}

/// The diagram as text lines.
pub fn render(d: &Diagram, st: Style) -> String {
    let mut out = String::new();
    out.push_str(&d.title);
    out.push('\n');
    for p in &d.panels {
        out.push_str(&paint(&format!("── {} ──", p.title), Tone::Plain, st.color));
        out.push('\n');
        for n in &p.narration {
            out.push_str(&format!("  {n}\n"));
        }
        let names: Vec<String> = p.slots.iter().map(|s| d.slot_name(s)).collect();
        // Labels padded to the panel's widest (t9 / t10).
        let lw = p.objects.iter().map(|o| d.objects[o.object].label.chars().count()).max().unwrap_or(2);
        let w = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
        for (s, name) in p.slots.iter().zip(&names) {
            let (to, visible) = match &s.target {
                Target::Object(o) => (label(d, *o, st.color), d.objects[*o].label.chars().count()),
                Target::Value(v) => (v.clone(), v.chars().count()),
                Target::Missing => ("(no attribute)".to_string(), 14),
                Target::Unseen(why) => (paint(&format!("? ({why})"), Tone::Muted, st.color), 0),
            };
            let m = marks(&s.marks, st.color);
            let line = format!("  {} → {}", pad(name, name.chars().count(), w), if m.is_empty() { to } else { format!("{}  {m}", pad(&to, visible, lw)) });
            out.push_str(line.trim_end());
            out.push('\n');
        }
        for c in &p.collapsed {
            let o = &d.owners[c.owner];
            out.push_str(&paint(&format!("  {} … {}", o.title, c.text), Tone::Muted, st.color));
            out.push('\n');
        }
        for s in &p.objects {
            let o = &d.objects[s.object];
            let mut line = format!("  {}  {}", pad(&label(d, s.object, st.color), o.label.chars().count(), lw), d.object_type(s.object));
            if let Some(v) = &s.value {
                line.push_str(&format!("  {v}"));
            }
            if st.ids {
                line.push_str(&paint(&format!("  #{}", o.id), Tone::Muted, st.color));
            }
            if !s.marks.is_empty() {
                line.push_str(&format!("  {}", marks(&s.marks, st.color)));
            }
            out.push_str(&line);
            out.push('\n');
        }
        for (n, tone) in &p.notes {
            out.push_str(&format!("  {}\n", paint(n, *tone, st.color)));
        }
    }
    out
}
