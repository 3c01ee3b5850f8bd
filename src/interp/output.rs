//! What one top-level statement produced, and its three renderings: terminal text, HTML for
//! notebooks, and the JSON record of shared/LANGUAGE.md ("Machine-readable output").
use serde_json::{json, Value as Json};

use super::eval::CallShow;
use crate::error::Error;
use crate::func::explain::narrate;
use crate::render::diagram::{self, Diagram};
use crate::render::{self, summary::summarize_value, Cell, Table, Tone};
use fcall_lang::ast::CallPicture;
use crate::value::Value;
use fcall_lang::Diagnostic;

/// The kinds of record in the JSON contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutKind {
    Value,
    Call,
    Error,
    None,
}

impl OutKind {
    pub fn name(self) -> &'static str {
        match self {
            OutKind::Value => "value",
            OutKind::Call => "call",
            OutKind::Error => "error",
            OutKind::None => "none",
        }
    }
}

/// An error as the user sees it: PyTorch's (or Python's) exception, or a syntax error.
#[derive(Clone)]
pub enum Failure {
    Raised(Error),
    Syntax(Vec<Diagnostic>),
}

/// Extra output of commands (`show`, `ties`, `help`, `history`).
#[derive(Clone)]
pub enum Display {
    Text(String),
    Table(Table),
    /// A `call` command that ran inside a body (a loop shows one per iteration), rendered when
    /// it finished: later iterations change the tensors it shows.
    Call(Box<Rendered>),
    /// An object diagram (`draw mod`), made when the command ran (it holds no tensor).
    Diagram(Box<Diagram>),
    /// A picture: a standalone SVG document (static, no JavaScript) for notebooks and HTML, and
    /// its terminal rendering (made when it was drawn, for the session's width and colour).
    Svg { svg: String, text: String },
}

/// The diagram a call shows: `draw call` (three panels), `step call` (every stage), and
/// `explain call` in a notebook (every stage, beside the narration and the table).
fn call_diagram(c: &CallShow, notebook: bool) -> Option<Diagram> {
    match c.picture {
        Some(CallPicture::Draw) => Some(diagram::build::call(&c.record, &c.pre, c.titles.clone())),
        Some(CallPicture::Step) => Some(diagram::build::steps(&c.record, &c.pre, c.titles.clone())),
        None if c.explain && notebook => Some(diagram::build::steps(&c.record, &c.pre, c.titles.clone())),
        None => None,
    }
}

fn diagram_text(d: &Diagram, color: bool) -> String {
    diagram::text::render(d, diagram::text::Style { color, ids: true })
}

fn diagram_picture(d: &Diagram) -> Svg {
    Svg { text: diagram_text(d, false), svg: diagram::svg::render(d) }
}

/// A call shown from inside a body, rendered for `t` as it finished.
pub fn shown_call(c: &CallShow, t: &Targets) -> Display {
    let result = c.result.as_ref().filter(|v| !v.is_none());
    Display::Call(Box::new(render::summary::memo(|| Rendered {
        text: t.text.then(|| {
            let mut s = call_text(c, t.width, t.color);
            if let Some(v) = result {
                s.push_str(&format!("result: {}\n", value_text(v, t.width, t.color)));
            }
            s
        }),
        html: t.html.then(|| {
            let mut s = call_html(c);
            if let Some(v) = result {
                s.push_str(&format!("<pre>result: {}</pre>", render::html::escape(&value_text(v, 100, false))));
            }
            s
        }),
        json: t.json.then(|| call_json(c)),
        pictures: if t.html { call_diagram(c, true).iter().map(diagram_picture).collect() } else { Vec::new() },
        diagram: if t.json { call_diagram(c, false).map(|d| d.json()) } else { None },
    })))
}

#[derive(Clone)]
pub struct StmtOutput {
    /// 1-based line on which the statement starts.
    pub line: usize,
    pub source: String,
    pub kind: OutKind,
    pub value: Option<Value>,
    /// The functional call this statement shows (its top-level `call`).
    pub call: Option<CallShow>,
    pub failure: Option<Failure>,
    /// What `print` wrote.
    pub printed: String,
    pub display: Vec<Display>,
    /// The rendered error text (caret and hint), no colour; filled by the session.
    pub error_text: Option<String>,
    pub error_text_color: Option<String>,
    /// The renderings, made when the statement finished (values change later; output must not).
    pub rendered: Rendered,
}

/// Which renderings a front end wants (each is made when the statement finishes).
#[derive(Clone, Copy, Debug)]
pub struct Targets {
    pub width: u16,
    pub text: bool,
    pub color: bool,
    pub html: bool,
    pub json: bool,
}

impl Default for Targets {
    fn default() -> Self {
        Targets { width: 100, text: true, color: false, html: false, json: false }
    }
}

/// The renderings of a statement. Pictures (plots, heatmaps, object diagrams) are never part of
/// the HTML: in notebooks each is an `image/svg+xml` output of its own, with its terminal
/// rendering as `text/plain` (what a front end that shows no SVG shows, as JupyterLab does for an
/// untrusted notebook), so untrusted notebooks, nbviewer, VS Code and GitHub all get the SVG.
#[derive(Clone, Default)]
pub struct Rendered {
    pub text: Option<String>,
    pub html: Option<String>,
    pub json: Option<Json>,
    /// The statement's pictures in order, for notebooks (made only with HTML).
    pub pictures: Vec<Svg>,
    /// A call shown from a body: its diagram (`draw call`, `step call`) for the JSON record.
    pub diagram: Option<Json>,
}

/// A picture: SVG, and as text for front ends that show no image.
#[derive(Clone, Default)]
pub struct Svg {
    pub text: String,
    pub svg: String,
}

/// A value shown at top level: PyTorch's repr for tensors (with the object id), a table for dicts.
pub fn value_text(v: &Value, width: u16, color: bool) -> String {
    match v {
        Value::Tensor(t) => format!("{}  #{}", v.py_repr(), t.id()),
        Value::Dict(d) if !d.is_empty() => render::text::render(&dict_table(v), width, color),
        Value::Module(m) => format!("{}  #{}", m.repr(), m.id()),
        other => other.py_repr(),
    }
}

/// A dict of tensors as a table: key, value summary, object id, requires_grad, grad_fn.
pub fn dict_table(v: &Value) -> Table {
    let mut t = Table { header: vec!["key".into(), "value".into(), "requires_grad".into(), "grad_fn".into()], ..Table::default() };
    if let Value::Dict(d) = v {
        t.title = format!("dict #{} ({} entries)", d.id(), d.len());
        for (k, x) in d.borrow().iter() {
            let (rg, gf) = match x {
                Value::Tensor(tt) => (tt.requires_grad().to_string(), tt.grad_fn_name().unwrap_or_else(|| "-".into())),
                _ => ("-".into(), "-".into()),
            };
            t.rows.push(vec![Cell::plain(k.clone()), Cell::plain(summarize_value(x)), Cell::new(rg, Tone::Muted), Cell::new(gf, Tone::Muted)]);
        }
    }
    t
}

fn call_text(c: &CallShow, width: u16, color: bool) -> String {
    let mut s = String::new();
    if c.picture.is_some() {
        if let Some(d) = call_diagram(c, false) {
            s.push_str(&diagram_text(&d, color));
        }
        return s;
    }
    if c.explain {
        for line in narrate(&c.record) {
            s.push_str(&line);
            s.push('\n');
        }
    }
    if c.record.forward_ran || c.explain {
        if render::call_table::rows(&c.record).is_empty() {
            s.push_str(&no_rows(c));
        } else {
            s.push_str(&render::text::render(&render::call_table::table(&c.record, &c.pre, c.rows), width, color));
        }
        s.push('\n');
    }
    s
}

/// A call as HTML: the narration (for `explain`), then its table.
fn call_html(c: &CallShow) -> String {
    let mut s = String::new();
    if c.picture.is_some() {
        // The diagram is a picture (`Rendered::pictures`).
        return s;
    }
    if c.explain {
        // The lines carry their stage numbers: a plain list, not an <ol> that numbers them again.
        s.push_str(&render::html::lines(&narrate(&c.record)));
    }
    if c.record.forward_ran || c.explain {
        if render::call_table::rows(&c.record).is_empty() {
            s.push_str(&format!("<p>{}</p>", render::html::escape(&no_rows(c))));
        } else {
            s.push_str(&render::html::render(&render::call_table::table(&c.record, &c.pre, c.rows)));
        }
    }
    s
}

/// The line shown instead of an empty table: nothing was swapped and no module tensor changed.
fn no_rows(c: &CallShow) -> String {
    let then = if c.record.forward_ran { "; forward ran on the module's own tensors" } else { "" };
    format!("functional_call on {}: no name was swapped{then}", c.record.module_class)
}

impl StmtOutput {
    /// Makes the renderings asked for, now.
    pub fn render(&mut self, t: &Targets) {
        self.rendered = render::summary::memo(|| Rendered {
            text: t.text.then(|| self.render_text(t.width, t.color)),
            html: t.html.then(|| self.render_html()),
            json: t.json.then(|| self.render_json()),
            pictures: if t.html { self.render_pictures() } else { Vec::new() },
            diagram: None,
        });
    }

    /// The statement's pictures in order: commands' (plots, `draw mod`), calls' in bodies, then
    /// its own call's diagram.
    fn render_pictures(&self) -> Vec<Svg> {
        let mut out = Vec::new();
        for d in &self.display {
            match d {
                Display::Diagram(d) => out.push(diagram_picture(d)),
                Display::Svg { svg, text } => out.push(Svg { text: text.clone(), svg: svg.clone() }),
                Display::Call(r) => out.extend(r.pictures.iter().cloned()),
                Display::Text(_) | Display::Table(_) => {}
            }
        }
        out.extend(self.call.as_ref().and_then(|c| call_diagram(c, true)).as_ref().map(diagram_picture));
        out
    }
    /// The pictures made when the statement finished (with its HTML).
    pub fn pictures(&self) -> &[Svg] {
        &self.rendered.pictures
    }
    /// The text made when the statement finished.
    pub fn text(&self) -> &str {
        self.rendered.text.as_deref().unwrap_or("")
    }
    pub fn html(&self) -> &str {
        self.rendered.html.as_deref().unwrap_or("")
    }
    pub fn json(&self) -> Json {
        self.rendered.json.clone().unwrap_or(Json::Null)
    }

    /// Terminal text (what the REPL and `fcall run` print).
    fn render_text(&self, width: u16, color: bool) -> String {
        let mut s = self.printed.clone();
        for d in &self.display {
            match d {
                Display::Text(t) => s.push_str(t),
                Display::Table(t) => s.push_str(&render::text::render(t, width, color)),
                Display::Call(r) => s.push_str(r.text.as_deref().unwrap_or("")),
                Display::Diagram(d) => s.push_str(&diagram_text(d, color)),
                Display::Svg { text, .. } => s.push_str(text),
            }
            if !s.ends_with('\n') {
                s.push('\n');
            }
        }
        if let Some(c) = &self.call {
            s.push_str(&call_text(c, width, color));
        }
        if let Some(v) = &self.value {
            if self.kind == OutKind::Value || (self.kind == OutKind::Call && !v.is_none()) {
                if self.kind == OutKind::Call {
                    s.push_str("result: ");
                }
                s.push_str(&value_text(v, width, color));
                s.push('\n');
            }
        }
        let err = if color { self.error_text_color.as_ref() } else { self.error_text.as_ref() };
        if let Some(e) = err {
            s.push_str(e);
            if !e.ends_with('\n') {
                s.push('\n');
            }
        }
        s
    }

    /// HTML for a notebook.
    fn render_html(&self) -> String {
        let mut s = String::new();
        if !self.printed.is_empty() {
            s.push_str(&format!("<pre>{}</pre>", render::html::escape(&self.printed)));
        }
        for d in &self.display {
            match d {
                Display::Text(t) => s.push_str(&format!("<pre>{}</pre>", render::html::escape(t))),
                Display::Table(t) => s.push_str(&render::html::render(t)),
                Display::Call(r) => s.push_str(r.html.as_deref().unwrap_or("")),
                // Pictures go out as SVG of their own (`Rendered::pictures`).
                Display::Diagram(_) | Display::Svg { .. } => {}
            }
        }
        if let Some(c) = &self.call {
            s.push_str(&call_html(c));
        }
        if let Some(v) = &self.value {
            if self.kind == OutKind::Value || (self.kind == OutKind::Call && !v.is_none()) {
                match v {
                    Value::Dict(d) if !d.is_empty() => s.push_str(&render::html::render(&dict_table(v))),
                    _ => s.push_str(&format!("<pre>{}</pre>", render::html::escape(&value_text(v, 100, false)))),
                }
            }
        }
        if let Some(e) = &self.error_text {
            s.push_str(&render::html::alarm_pre(e));
        }
        s
    }

    /// The JSON record: `{"line", "source", "kind", "value", "error"}` (+ `"call"`).
    fn render_json(&self) -> Json {
        let value = match (&self.kind, &self.value) {
            (OutKind::Value | OutKind::Call, Some(v)) => render::json::value(v),
            _ => Json::Null,
        };
        let error = match &self.failure {
            Some(Failure::Raised(e)) => render::json::error(e),
            Some(Failure::Syntax(d)) => {
                let first = &d[0];
                json!({"type": first.python_class().unwrap_or("SyntaxError"), "message": first.message, "code": first.code, "hint": first.hint})
            }
            None => Json::Null,
        };
        let mut out = json!({
            "line": self.line,
            "source": self.source,
            "kind": self.kind.name(),
            "value": value,
            "error": error,
        });
        if let Some(c) = &self.call {
            out["call"] = call_json(c);
        }
        let body_calls: Vec<Json> = self.display.iter().filter_map(|d| if let Display::Call(r) = d { r.json.clone() } else { None }).collect();
        if !body_calls.is_empty() {
            out["calls"] = Json::Array(body_calls);
        }
        // In the order they were made: `draw` commands' and body calls' (a loop: one per iteration).
        let mut diagrams: Vec<Json> = self
            .display
            .iter()
            .filter_map(|d| match d {
                Display::Diagram(d) => Some(d.json()),
                Display::Call(r) => r.diagram.clone(),
                _ => None,
            })
            .collect();
        diagrams.extend(self.call.as_ref().filter(|c| c.picture.is_some()).and_then(|c| call_diagram(c, false)).map(|d| d.json()));
        if !diagrams.is_empty() {
            out["diagrams"] = Json::Array(diagrams);
        }
        if !self.printed.is_empty() {
            out["stdout"] = json!(self.printed);
        }
        out
    }
}

/// A call's state record in JSON.
fn call_json(c: &CallShow) -> Json {
    let mut call = render::call_table::json(&c.record);
    super::snapshot::patch_json(&mut call, &c.pre);
    call
}

