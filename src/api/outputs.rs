//! A run's statement outputs as a notebook shows them: `print` text, rich outputs keyed by MIME
//! type, the error that ended the run. The Jupyter kernel (engine/src/kernel/cell.rs) sends
//! exactly these; [`crate::Session`] returns them to Rust callers.
use std::fmt;

use serde_json::{json, Map, Value as Json};

use crate::interp::{Failure, OutKind, StmtOutput, Svg};
use crate::render::html;

/// The MIME type of the terminal text (what the REPL prints, no colour).
pub const TEXT_PLAIN: &str = "text/plain";
/// The MIME type of the HTML a notebook shows (the `call` table, dict tables, values).
pub const TEXT_HTML: &str = "text/html";
/// The MIME type of the JSON record of LANGUAGE.md ("Machine-readable output").
pub const APPLICATION_JSON: &str = "application/json";
/// The MIME type of a picture (`plot(xs)`, `draw mod`): a static SVG document.
pub const IMAGE_SVG: &str = "image/svg+xml";

/// One piece of a run's output, in order.
#[derive(Clone, Debug, PartialEq)]
pub enum Output {
    /// What `print` wrote (adjacent statements' text merged).
    Stdout(String),
    /// A value, a `call` table or a command's display, in every rendering.
    Rich(Rich),
    /// The error that ended the run (the last output).
    Error(ErrorInfo),
}

/// One rich output: the same value in three renderings, keyed by MIME type through
/// [`Rich::get`] and [`Rich::data`].
#[derive(Clone, Debug, PartialEq)]
pub struct Rich {
    /// `text/plain`: the REPL's text (without what `print` wrote).
    pub text: String,
    /// `text/html`: the notebook's HTML (inline styles only).
    pub html: String,
    /// `application/json`: the statement's JSON record.
    pub json: Json,
    /// `image/svg+xml`: the statement's picture (an object diagram, a chart), if it drew one.
    pub svg: Option<String>,
    /// Whether this is the run's result (its last statement's value or call), the
    /// `execute_result` of a notebook cell.
    pub result: bool,
}

impl Rich {
    /// The rendering for a MIME type ([`TEXT_PLAIN`], [`TEXT_HTML`], [`APPLICATION_JSON`]);
    /// `None` for any other type.
    pub fn get(&self, mime: &str) -> Option<Json> {
        match mime {
            TEXT_PLAIN => Some(Json::String(self.text.clone())),
            TEXT_HTML => Some(Json::String(self.html.clone())),
            APPLICATION_JSON => Some(self.json.clone()),
            IMAGE_SVG => self.svg.clone().map(Json::String),
            _ => None,
        }
    }
    /// All renderings as a MIME bundle (a Jupyter `data` object).
    pub fn data(&self) -> Map<String, Json> {
        [TEXT_PLAIN, TEXT_HTML, APPLICATION_JSON, IMAGE_SVG].into_iter().filter_map(|m| Some((m.to_string(), self.get(m)?))).collect()
    }
}

/// An error as a notebook reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct ErrorInfo {
    /// The exception's class: `TypeError`, `KeyError`, `SyntaxError`, ...
    pub ename: String,
    /// Its message (Python's `str(e)`).
    pub evalue: String,
    /// The rendering with the caret under the source and the hint, ANSI-coloured, by line.
    pub traceback: Vec<String>,
    /// The same rendering without colour.
    pub text: String,
}

impl fmt::Display for ErrorInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text.trim_end())
    }
}

impl std::error::Error for ErrorInfo {}

/// Everything one run produced, in order, and the plain text of its results.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outputs {
    /// The outputs in order: stdout pieces, rich outputs, at most one error (last).
    pub items: Vec<Output>,
    /// The text of the rich outputs, one per line (a notebook's history keeps it).
    pub result_text: String,
}

impl Outputs {
    /// The outputs of the statements of one run: `print` text is stdout (adjacent statements'
    /// text merged); a value, a `call` table or a command's display is a rich output, the last
    /// statement's value or call being the result; the first error ends the outputs.
    pub fn from_statements(outs: &[StmtOutput]) -> Outputs {
        let mut items = Vec::new();
        let mut stdout = String::new();
        let mut result_text = String::new();
        let mut error = None;
        let last = outs.len().saturating_sub(1);
        for (i, o) in outs.iter().enumerate() {
            stdout.push_str(&o.printed);
            if o.kind == OutKind::Error {
                // A diagram of a call that raised shows the stage where it stopped.
                items.extend(o.pictures().iter().map(|p| picture(p, Json::Null, false)));
                error = Some(error_info(o));
                break;
            }
            // As ipykernel (`ast_node_interactivity = 'last_expr'`): an expression statement's
            // value shows only when it ends the cell; an earlier one (`torch.manual_seed(0)`)
            // shows nothing. Calls and commands show wherever they stand.
            let value_only = o.kind == OutKind::Value && o.display.is_empty() && o.pictures().is_empty();
            if value_only && i != last {
                continue;
            }
            let text = o.text().strip_prefix(o.printed.as_str()).unwrap_or(o.text()).trim_end().to_string();
            if text.is_empty() {
                continue;
            }
            if !stdout.is_empty() {
                items.push(Output::Stdout(std::mem::take(&mut stdout)));
            }
            let result = i == last && matches!(o.kind, OutKind::Value | OutKind::Call);
            if !result_text.is_empty() {
                result_text.push('\n');
            }
            result_text.push_str(&text);
            let html = strip_printed_html(o.html(), &o.printed);
            let pictures = o.pictures();
            // One rule for every picture (plots, heatmaps, object diagrams): an output of its own,
            // `image/svg+xml` with its terminal rendering as text/plain, never inside the HTML.
            // A statement that shows only pictures (`plot(xs)`, `draw mod`) is its pictures, the
            // first with the statement's record, the last its result; any other statement's
            // HTML output comes first (`explain call`, a loop's tables) and its pictures after.
            if html.is_empty() && !pictures.is_empty() {
                let last = pictures.len() - 1;
                for (k, p) in pictures.iter().enumerate() {
                    items.push(picture(p, if k == 0 { o.json() } else { Json::Null }, result && k == last));
                }
            } else {
                items.push(Output::Rich(Rich { text, html, json: o.json(), svg: None, result }));
                items.extend(pictures.iter().map(|p| picture(p, Json::Null, false)));
            }
        }
        if !stdout.is_empty() {
            items.push(Output::Stdout(stdout));
        }
        if let Some(e) = error {
            items.push(Output::Error(e));
        }
        Outputs { items, result_text }
    }

    /// The error that ended the run, if one did.
    pub fn error(&self) -> Option<&ErrorInfo> {
        self.items.iter().find_map(|o| if let Output::Error(e) = o { Some(e) } else { None })
    }
    /// `Err` with the error if the run failed, else the outputs.
    pub fn into_result(self) -> Result<Outputs, ErrorInfo> {
        match self.error() {
            Some(e) => Err(e.clone()),
            None => Ok(self),
        }
    }
    /// The run's result: the rich output of its last statement, if that showed a value or a call.
    pub fn result(&self) -> Option<&Rich> {
        self.rich().find(|r| r.result)
    }
    /// The rich outputs, in order.
    pub fn rich(&self) -> impl Iterator<Item = &Rich> {
        self.items.iter().filter_map(|o| if let Output::Rich(r) = o { Some(r) } else { None })
    }
    /// Everything `print` wrote.
    pub fn stdout(&self) -> String {
        self.items.iter().filter_map(|o| if let Output::Stdout(s) = o { Some(s.as_str()) } else { None }).collect()
    }
    /// All outputs as the REPL prints them (`text/plain`, no colour).
    pub fn text(&self) -> String {
        let mut s = String::new();
        for o in &self.items {
            let piece = match o {
                Output::Stdout(t) => t.as_str(),
                Output::Rich(r) => r.text.as_str(),
                Output::Error(e) => e.text.as_str(),
            };
            s.push_str(piece);
            if !s.ends_with('\n') {
                s.push('\n');
            }
        }
        s
    }
    /// All outputs as one piece of HTML (`text/html`): stdout and errors preformatted, the rich
    /// outputs' HTML as the kernel sends it.
    pub fn html(&self) -> String {
        self.items
            .iter()
            .map(|o| match o {
                Output::Stdout(t) => format!("<pre>{}</pre>", html::escape(t)),
                Output::Rich(r) => r.html.clone(),
                Output::Error(e) => html::alarm_pre(&e.text),
            })
            .collect()
    }
}

/// A picture as its own output: `image/svg+xml`, and its text for front ends that show no SVG.
fn picture(p: &Svg, json: Json, result: bool) -> Output {
    Output::Rich(Rich { text: p.text.trim_end().to_string(), html: String::new(), json, svg: Some(p.svg.clone()), result })
}

/// A statement's HTML without the `<pre>` of its printed text (that went out as stdout).
fn strip_printed_html(html: &str, printed: &str) -> String {
    if printed.is_empty() {
        return html.to_string();
    }
    let pre = format!("<pre>{}</pre>", html::escape(printed));
    html.strip_prefix(pre.as_str()).unwrap_or(html).to_string()
}

/// ename = the exception type, evalue = its message, traceback = the caret rendering.
fn error_info(o: &StmtOutput) -> ErrorInfo {
    let (ename, evalue) = match &o.failure {
        Some(Failure::Raised(e)) => (e.type_name().to_string(), e.message.clone()),
        Some(Failure::Syntax(d)) => (
            d.first().and_then(|d| d.python_class()).unwrap_or("SyntaxError").to_string(),
            d.first().map(|d| d.message.clone()).unwrap_or_default(),
        ),
        None => ("Error".to_string(), String::new()),
    };
    let plain = o.error_text.clone().unwrap_or_else(|| format!("{ename}: {evalue}"));
    let tb = o.error_text_color.clone().unwrap_or_else(|| plain.clone());
    ErrorInfo { traceback: tb.trim_end().lines().map(str::to_string).collect(), text: plain, ename, evalue }
}

impl Output {
    /// The kernel's JSON for this output: `{"stdout": s}`, `{"rich": {text, html, json,
    /// result}}` or `{"error": {ename, evalue, traceback}}`.
    pub fn to_kernel_json(&self) -> Json {
        match self {
            Output::Stdout(s) => json!({"stdout": s}),
            Output::Rich(r) => json!({"rich": {"text": r.text, "html": r.html, "json": r.json, "svg": r.svg, "result": r.result}}),
            Output::Error(e) => json!({"error": {"ename": e.ename, "evalue": e.evalue, "traceback": e.traceback}}),
        }
    }
}
