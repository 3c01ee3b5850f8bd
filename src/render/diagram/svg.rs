//! A diagram as static SVG (`image/svg+xml`): no script, no stylesheet, every style an inline
//! attribute, so untrusted notebooks, nbviewer, VS Code and GitHub draw it the same. Each panel
//! is a light card (dark text on white reads on light and dark themes alike); names on the left,
//! tensor objects as boxes on the right, one arrow per reference in the object's colour. With
//! more than [`super::ARROWS_UP_TO`] names in a panel the arrows give way to the objects' labels
//! (`→ t3`), as MemoryViz does. The layout is a few columns computed here (monospace text
//! widths), linear in the number of names.
use std::fmt::Write;

use super::{Diagram, Panel, Target, ARROWS_UP_TO};
use crate::render::html::{escape, tone_colour, ID_COLOURS};
use crate::render::Tone;

const FONT: f64 = 12.0;
const SMALL_FONT: f64 = 10.5;
/// Width of one monospace character at [`FONT`].
const CW: f64 = 7.3;
const SCW: f64 = 6.4;
const ROW: f64 = 20.0;
const MARK_ROW: f64 = 14.0;
const PAD: f64 = 12.0;
const GAP: f64 = 16.0;
const ARROW_SPACE: f64 = 56.0;
const TEXT: &str = "#1f2328";
const MUTED: &str = "#6e7781";
const CARD: &str = "#ffffff";
const BORDER: &str = "#d0d7de";
/// Longest value text in a box, in characters.
const VALUE_MAX: usize = 34;
/// The width a diagram is drawn for: a JupyterLab notebook's output area in a 1400-pixel window
/// with the file browser open (924 px measured). JupyterLab draws an SVG at its own size (wider
/// scrolls sideways; scaling it down would shrink the text), so panels go side by side only as
/// many as fit in this width, the rest in the next rows.
pub const NOTEBOOK_WIDTH: f64 = 900.0;

fn colour(o: usize) -> &'static str {
    ID_COLOURS[o % ID_COLOURS.len()]
}

fn tone(t: Tone) -> &'static str {
    tone_colour(t).unwrap_or(TEXT)
}

fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n.saturating_sub(1)).collect::<String>())
    }
}

/// Wraps `s` at spaces to lines of at most `n` characters.
fn wrap(s: &str, n: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for w in s.split(' ') {
        if !cur.is_empty() && cur.chars().count() + 1 + w.chars().count() > n {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(w);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

fn text(out: &mut String, x: f64, y: f64, size: f64, fill: &str, weight: &str, s: &str) {
    let _ = write!(
        out,
        r#"<text x="{x:.1}" y="{y:.1}" font-family="ui-monospace,SFMono-Regular,Menlo,Consolas,monospace" font-size="{size}" fill="{fill}"{weight}>{}</text>"#,
        escape(s)
    );
}

/// A panel laid out: its size and its drawing (at the origin).
struct Laid {
    w: f64,
    h: f64,
    body: String,
}

/// What an object box shows: the label line, the value line, the marks.
fn object_lines(d: &Diagram, p: &Panel, i: usize) -> (String, Option<String>, Vec<(String, Tone)>) {
    let s = &p.objects[i];
    let o = &d.objects[s.object];
    let head = format!("{} {}", o.label, d.object_type(s.object));
    let value = s.value.as_ref().map(|v| cut(v, VALUE_MAX));
    let marks = s.marks.iter().map(|m| (m.text.clone(), m.kind.tone())).collect();
    (head, value, marks)
}

fn layout(d: &Diagram, p: &Panel, min_w: f64) -> Laid {
    let arrows = p.slots.len() <= ARROWS_UP_TO;
    let names: Vec<String> = p.slots.iter().map(|s| d.slot_name(s)).collect();
    // Column widths from the texts.
    let mut name_w = names.iter().map(|n| n.chars().count() as f64 * CW).fold(80.0, f64::max);
    for s in &p.slots {
        for m in &s.marks {
            name_w = name_w.max((m.text.chars().count() as f64 * SCW).min(260.0));
        }
        if let Target::Unseen(why) = &s.target {
            name_w = name_w.max((why.chars().count() as f64 + 4.0) * SCW);
        }
    }
    if !arrows {
        name_w += 5.0 * CW;
    }
    let boxes: Vec<_> = (0..p.objects.len()).map(|i| object_lines(d, p, i)).collect();
    let obj_w = boxes
        .iter()
        .map(|(h, v, m)| {
            let a = h.chars().count() as f64 * CW;
            let b = v.as_ref().map(|v| v.chars().count() as f64 * CW).unwrap_or(0.0);
            let c = m.iter().map(|(t, _)| t.chars().count() as f64 * SCW).fold(0.0, f64::max).min(260.0);
            a.max(b).max(c) + 2.0 * 8.0 + 40.0
        })
        .fold(120.0, f64::max);
    let space = if arrows && !p.objects.is_empty() { ARROW_SPACE } else { GAP };
    let mut w = PAD + name_w + space + obj_w + PAD;
    w = w.max(min_w);
    let chars = ((w - 2.0 * PAD) / SCW) as usize;
    let mut body = String::new();
    let mut y = PAD + FONT;
    text(&mut body, PAD, y, FONT + 1.0, TEXT, r#" font-weight="bold""#, &p.title);
    y += 6.0;
    for n in &p.narration {
        for line in wrap(n, chars) {
            y += MARK_ROW;
            text(&mut body, PAD, y, SMALL_FONT, TEXT, "", &line);
        }
    }
    y += 10.0;
    let top = y;
    // Left column: owners, their slots, their collapsed lines.
    let mut slot_y: Vec<f64> = vec![0.0; p.slots.len()];
    let mut owners: Vec<usize> = Vec::new();
    for s in &p.slots {
        if !owners.contains(&s.owner) {
            owners.push(s.owner);
        }
    }
    for c in &p.collapsed {
        if !owners.contains(&c.owner) {
            owners.push(c.owner);
        }
    }
    for &ow in &owners {
        y += ROW;
        let kind = if d.owners[ow].dict { "dict" } else { "module" };
        text(&mut body, PAD, y, FONT, MUTED, r#" font-weight="bold""#, &format!("{} ({kind})", d.owners[ow].title));
        for (i, s) in p.slots.iter().enumerate().filter(|(_, s)| s.owner == ow) {
            y += ROW;
            slot_y[i] = y - 4.0;
            let name = if d.owners[ow].dict { format!("['{}']", s.name) } else { s.name.clone() };
            text(&mut body, PAD + 8.0, y, FONT, TEXT, "", &name);
            let tx = PAD + 8.0 + name.chars().count() as f64 * CW + CW;
            match &s.target {
                Target::Object(o) if !arrows => {
                    text(&mut body, tx, y, FONT, colour(*o), r#" font-weight="bold""#, &format!("→ {}", d.objects[*o].label));
                }
                Target::Object(_) => {}
                Target::Value(v) => text(&mut body, tx, y, FONT, MUTED, "", &format!("= {}", cut(v, 24))),
                Target::Missing => text(&mut body, tx, y, FONT, MUTED, "", "(no attribute)"),
                Target::Unseen(why) => {
                    y += MARK_ROW;
                    text(&mut body, PAD + 16.0, y, SMALL_FONT, MUTED, "", &format!("? {why}"));
                }
            }
            for m in &s.marks {
                for line in wrap(&m.text, (name_w / SCW) as usize) {
                    y += MARK_ROW;
                    text(&mut body, PAD + 16.0, y, SMALL_FONT, tone(m.kind.tone()), "", &line);
                }
            }
        }
        for c in p.collapsed.iter().filter(|c| c.owner == ow) {
            for line in wrap(&format!("… {}", c.text), (name_w / SCW) as usize) {
                y += MARK_ROW;
                text(&mut body, PAD + 8.0, y, SMALL_FONT, MUTED, "", &line);
            }
        }
    }
    let left_bottom = y;
    // Right column: boxes, each near its first reference.
    let ox = PAD + name_w + space;
    let mut oy = top + 4.0;
    let mut box_y = vec![0.0; p.objects.len()];
    for (i, (head, value, marks)) in boxes.iter().enumerate() {
        let obj = p.objects[i].object;
        let first = p.slots.iter().position(|s| s.target == Target::Object(obj)).map(|k| slot_y[k] - 12.0).unwrap_or(oy);
        let by = if arrows { oy.max(first) } else { oy };
        let lines = 1 + value.is_some() as usize;
        let h = 8.0 + lines as f64 * 16.0 + marks.len() as f64 * MARK_ROW + 4.0;
        let c = colour(obj);
        let _ = write!(body, r#"<rect x="{ox:.1}" y="{by:.1}" width="{:.1}" height="{h:.1}" rx="4" fill="{c}" fill-opacity="0.06" stroke="{c}" stroke-width="1.5"/>"#, obj_w);
        let mut ty = by + 4.0 + 13.0;
        let label = &d.objects[obj].label;
        text(&mut body, ox + 8.0, ty, FONT, c, r#" font-weight="bold""#, label);
        text(&mut body, ox + 8.0 + (label.chars().count() as f64 + 1.0) * CW, ty, FONT, TEXT, "", &head[label.len() + 1..]);
        let _ = write!(
            body,
            r##"<text x="{:.1}" y="{ty:.1}" text-anchor="end" font-family="ui-monospace,monospace" font-size="{SMALL_FONT}" fill="{MUTED}">#{}</text>"##,
            ox + obj_w - 6.0,
            d.objects[obj].id
        );
        if let Some(v) = value {
            ty += 16.0;
            text(&mut body, ox + 8.0, ty, FONT, TEXT, "", v);
        }
        for (m, t) in marks {
            ty += MARK_ROW;
            text(&mut body, ox + 8.0, ty, SMALL_FONT, tone(*t), "", &cut(m, 40));
        }
        box_y[i] = by;
        oy = by + h + 8.0;
    }
    // Arrows: one per reference.
    if arrows {
        for (k, s) in p.slots.iter().enumerate() {
            let Target::Object(o) = s.target else { continue };
            let Some(i) = p.objects.iter().position(|x| x.object == o) else { continue };
            let (x1, y1) = (PAD + name_w + 4.0, slot_y[k]);
            let (x2, y2) = (ox - 2.0, box_y[i] + 13.0);
            let c = colour(o);
            let mid = (x1 + x2) / 2.0;
            let _ = write!(
                body,
                r#"<path d="M{x1:.1},{y1:.1} C{mid:.1},{y1:.1} {mid:.1},{y2:.1} {:.1},{y2:.1}" fill="none" stroke="{c}" stroke-width="1.4"/>"#,
                x2 - 6.0
            );
            let _ = write!(body, r#"<path d="M{:.1},{:.1} L{x2:.1},{y2:.1} L{:.1},{:.1} z" fill="{c}"/>"#, x2 - 7.0, y2 - 4.0, x2 - 7.0, y2 + 4.0);
            let _ = write!(body, r#"<circle cx="{x1:.1}" cy="{y1:.1}" r="2.5" fill="{c}"/>"#);
        }
    }
    let mut bottom = left_bottom.max(oy) + 4.0;
    for (n, t) in &p.notes {
        for line in wrap(n, chars) {
            bottom += MARK_ROW;
            text(&mut body, PAD, bottom, SMALL_FONT, tone(*t), "", &line);
        }
    }
    Laid { w, h: bottom + PAD, body }
}

/// The diagram as one SVG document: panels side by side, [`Diagram::columns`] per row at most,
/// fewer where they would not fit in [`NOTEBOOK_WIDTH`].
pub fn render(d: &Diagram) -> String {
    let first: Vec<Laid> = d.panels.iter().map(|p| layout(d, p, 0.0)).collect();
    let pw = first.iter().map(|l| l.w).fold(0.0, f64::max);
    let row_width = |c: usize| c as f64 * (pw + GAP) - GAP + 2.0;
    let cols = (1..=d.columns.max(1)).rev().find(|&c| row_width(c) <= NOTEBOOK_WIDTH).unwrap_or(1);
    // Same width for every panel (so the stepper's stages line up).
    let laid: Vec<Laid> = d.panels.iter().zip(first).map(|(p, l)| if l.w < pw { layout(d, p, pw) } else { l }).collect();
    let title_h = 24.0;
    let mut rows_h = Vec::new();
    for row in laid.chunks(cols) {
        rows_h.push(row.iter().map(|l| l.h).fold(0.0, f64::max));
    }
    let width = cols.min(laid.len().max(1)) as f64 * (pw + GAP) - GAP + 2.0;
    let height = title_h + rows_h.iter().map(|h| h + GAP).sum::<f64>() + 2.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" role="img"><title>{}</title>"#,
        escape(&d.title)
    );
    let _ = write!(s, r#"<rect x="0" y="0" width="{width:.0}" height="{title_h}" rx="4" fill="{CARD}"/>"#);
    text(&mut s, 6.0, 16.0, FONT + 1.0, TEXT, r#" font-weight="bold""#, &d.title);
    let mut y = title_h;
    for (r, row) in laid.chunks(cols).enumerate() {
        for (c, l) in row.iter().enumerate() {
            let x = 1.0 + c as f64 * (pw + GAP);
            let _ = write!(
                s,
                r#"<g transform="translate({x:.1},{y:.1})"><rect x="0" y="0" width="{:.1}" height="{:.1}" rx="6" fill="{CARD}" stroke="{BORDER}"/>{}</g>"#,
                l.w, rows_h[r], l.body
            );
        }
        y += rows_h[r] + GAP;
    }
    s.push_str("</svg>");
    s
}

/// Several SVG documents one under the other as one (several diagrams in one output).
pub fn stack(svgs: &[String]) -> String {
    if svgs.len() == 1 {
        return svgs[0].clone();
    }
    let dims = |s: &str| -> (f64, f64) {
        let num = |attr: &str| s.split(&format!("{attr}=\"")).nth(1).and_then(|r| r.split('"').next()).and_then(|v| v.parse().ok()).unwrap_or(0.0);
        (num("width"), num("height"))
    };
    let w = svgs.iter().map(|s| dims(s).0).fold(0.0, f64::max);
    let h: f64 = svgs.iter().map(|s| dims(s).1 + GAP).sum();
    let mut out = format!(r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0}" height="{h:.0}" viewBox="0 0 {w:.0} {h:.0}">"#);
    let mut y = 0.0;
    for s in svgs {
        let (_, sh) = dims(s);
        out.push_str(&s.replacen("<svg ", &format!(r#"<svg y="{y:.0}" "#), 1));
        y += sh + GAP;
    }
    out.push_str("</svg>");
    out
}
