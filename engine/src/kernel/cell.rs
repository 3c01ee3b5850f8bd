//! A cell's statement outputs → the kernel's outputs, as JSON for the protocol side:
//! `{"outputs": [{"stdout": s} | {"stderr": s} | {"rich": {text, html, svg?, json, result}} |
//! {"error": {ename, evalue, traceback}}], "result_text": s}`.
use fcall::interp::{Failure, OutKind, StmtOutput};
use serde_json::{json, Value as Json};

/// `print` text is stdout (adjacent statements' text merged); a value, a `call` table or a
/// command's display is a rich output, the cell's last value being the execute_result; the
/// first error ends the cell; what native code wrote to fd 2 comes before the error.
pub fn cell(outs: &[StmtOutput], stderr: &str) -> Json {
    let mut outputs: Vec<Json> = Vec::new();
    let mut stdout = String::new();
    let mut result_text = String::new();
    let mut error = None;
    let last = outs.len().saturating_sub(1);
    for (i, o) in outs.iter().enumerate() {
        stdout.push_str(&o.printed);
        if o.kind == OutKind::Error {
            // A diagram of a call that raised shows the stage where it stopped.
            if let Some(p) = o.svg() {
                outputs.push(json!({"rich": {"text": p.text.trim_end(), "html": "", "svg": p.svg, "json": null, "result": false}}));
            }
            error = Some(error_info(o));
            break;
        }
        let text = o.text().strip_prefix(o.printed.as_str()).unwrap_or(o.text()).trim_end().to_string();
        if text.is_empty() {
            continue;
        }
        if !stdout.is_empty() {
            outputs.push(json!({"stdout": std::mem::take(&mut stdout)}));
        }
        let result = i == last && matches!(o.kind, OutKind::Value | OutKind::Call);
        if !result_text.is_empty() {
            result_text.push('\n');
        }
        result_text.push_str(&text);
        let html = strip_printed_html(o.html(), &o.printed);
        // Diagrams are `image/svg+xml` with their text as text/plain: in the statement's own
        // output when it has no HTML (`draw`), else in one more output after it (`explain`).
        match o.svg() {
            Some(p) if html.is_empty() => outputs.push(json!({"rich": {"text": text, "html": "", "svg": p.svg, "json": o.json(), "result": result}})),
            Some(p) => {
                outputs.push(json!({"rich": {"text": text, "html": html, "json": o.json(), "result": result}}));
                outputs.push(json!({"rich": {"text": p.text.trim_end(), "html": "", "svg": p.svg, "json": null, "result": false}}));
            }
            None => outputs.push(json!({"rich": {"text": text, "html": html, "json": o.json(), "result": result}})),
        }
    }
    if !stdout.is_empty() {
        outputs.push(json!({"stdout": stdout}));
    }
    if !stderr.is_empty() {
        outputs.push(json!({"stderr": stderr}));
    }
    if let Some(e) = error {
        outputs.push(json!({"error": e}));
    }
    json!({"outputs": outputs, "result_text": result_text})
}

/// A cell the engine could not finish (a panic: a bug in fcall): CPython's word for an
/// interpreter fault, SystemError, with the panic's message; what went to stderr comes first.
pub fn internal_error(why: &str, stderr: &str) -> Json {
    let evalue = format!("fcall internal error: {why}; the workspace keeps what the cell did before it");
    let mut outputs = Vec::new();
    if !stderr.is_empty() {
        outputs.push(json!({"stderr": stderr}));
    }
    outputs.push(json!({"error": {"ename": "SystemError", "evalue": evalue, "traceback": [format!("SystemError: {evalue}")]}}));
    json!({"outputs": outputs, "result_text": ""})
}

fn strip_printed_html(html: &str, printed: &str) -> String {
    if printed.is_empty() {
        return html.to_string();
    }
    let pre = format!("<pre>{}</pre>", fcall::render::html::escape(printed));
    html.strip_prefix(pre.as_str()).unwrap_or(html).to_string()
}

/// ename = the exception type, evalue = its message, traceback = the caret rendering (ANSI).
fn error_info(o: &StmtOutput) -> Json {
    let (ename, evalue) = match &o.failure {
        Some(Failure::Raised(e)) => (e.type_name().to_string(), e.message.clone()),
        Some(Failure::Syntax(d)) => (
            d.first().and_then(|d| d.python_class()).unwrap_or("SyntaxError").to_string(),
            d.first().map(|d| d.message.clone()).unwrap_or_default(),
        ),
        None => ("Error".to_string(), String::new()),
    };
    let tb = o.error_text_color.clone().or_else(|| o.error_text.clone()).unwrap_or_else(|| format!("{ename}: {evalue}"));
    let traceback: Vec<&str> = tb.trim_end().lines().collect();
    json!({"ename": ename, "evalue": evalue, "traceback": traceback})
}
