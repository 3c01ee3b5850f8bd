//! `functional_call` from Rust with the record the `call` command shows: the table as text,
//! HTML and JSON, exactly as the REPL and the kernel render `call model(params, x)`.
use crate::error::Error;
use crate::func::{functional_call, CallOptions, CallRecord};
use crate::interp::{snapshot, CallShow, Failure, OutKind, Rendered, StmtOutput, Targets};
use crate::nn::Module;
use crate::render::call_table::Rows;
use crate::value::{Kwargs, Value};

use super::outputs::Outputs;

/// The renderings a notebook gets: text 100 columns wide without colour, HTML, JSON (as the
/// Jupyter kernel asks for them).
pub(crate) const NOTEBOOK: Targets = Targets { width: 100, text: true, color: false, html: true, json: true };

/// One functional call with its record, rendered when it finished (later changes to the
/// tensors do not change what it shows).
pub struct Call {
    show: CallShow,
    result: Result<Value, Error>,
    outputs: Outputs,
}

/// `torch.func.functional_call(module, dicts, args, kwargs, tie_weights=, strict=)` with its
/// record kept and rendered, as the `call` command does: values the table shows "before" are
/// copied first (small tensors only; a large model is neither copied nor read).
///
/// `dicts` is a dict ([`Value::Dict`]) or a list/tuple of dicts; `args` a tuple of positional
/// arguments or one argument. Errors are PyTorch's, in [`Call::result`]; the record says which
/// stage failed.
pub fn call(module: &Module, dicts: &Value, args: &Value, kwargs: &Kwargs, opts: CallOptions) -> Call {
    call_with(module, dicts, args, kwargs, opts, Rows::Compact, false)
}

/// As [`call`], choosing the table's rows ([`Rows::All`] is `rows=all`) and whether the renderings start with `explain`'s
/// stage-by-stage narration.
pub fn call_with(module: &Module, dicts: &Value, args: &Value, kwargs: &Kwargs, opts: CallOptions, rows: Rows, explain: bool) -> Call {
    let before = snapshot::take(dicts);
    let out = crate::func::watch::compare_by_value(|| functional_call(module, dicts, args, kwargs, opts));
    let pre = snapshot::settle(before, &out.record);
    let show = CallShow { record: out.record, pre, explain, rows, result: out.result.as_ref().ok().cloned(), picture: None, titles: Default::default() };
    let outputs = render(&show, &out.result);
    Call { show, result: out.result, outputs }
}

/// The renderings of a top-level `call` statement: the table, then the result (or the error).
fn render(show: &CallShow, result: &Result<Value, Error>) -> Outputs {
    let (kind, value, failure, error_text) = match result {
        Ok(v) => (OutKind::Call, Some(v.clone()), None, None),
        // No source to point into: the message and its code, as an error without a location shows.
        Err(e) => (OutKind::Error, None, Some(Failure::Raised(e.clone())), Some(format!("{} [{}]", e.headline(), e.code))),
    };
    let mut stmt = StmtOutput {
        line: 1,
        source: format!("functional_call({}, ...)", show.record.module_class),
        kind,
        value,
        call: Some(show.clone()),
        failure,
        printed: String::new(),
        display: Vec::new(),
        error_text_color: error_text.clone(),
        error_text,
        rendered: Rendered::default(),
    };
    stmt.render(&NOTEBOOK);
    // As the kernel shows a `call` statement that failed: the error alone (the record stays
    // available through `Call::record`).
    Outputs::from_statements(&[stmt])
}

impl Call {
    /// What the call returned, or PyTorch's error.
    pub fn result(&self) -> &Result<Value, Error> {
        &self.result
    }
    /// The returned value as a tensor (`None` for an error or a value that is not a tensor).
    pub fn tensor(&self) -> Option<tch::Tensor> {
        self.result.as_ref().ok().and_then(Value::as_tensor).map(|t| t.handle())
    }
    /// The record: inputs, the untie map, every swap and what forward did to it, the restore,
    /// the write-back, permanent changes.
    pub fn record(&self) -> &CallRecord {
        &self.show.record
    }
    /// The outputs as a notebook shows them: the table (and the result), or the error.
    pub fn outputs(&self) -> &Outputs {
        &self.outputs
    }
    /// `text/plain`: the table as the REPL prints it (no colour), then `result: ...`.
    pub fn text(&self) -> String {
        self.outputs.text()
    }
    /// `text/html`: the table as the Jupyter kernel shows it.
    pub fn html(&self) -> String {
        self.outputs.html()
    }
    /// `application/json`: the `"call"` record of LANGUAGE.md (`null` if the call failed
    /// before forward).
    pub fn json(&self) -> serde_json::Value {
        self.outputs.rich().find_map(|r| r.json.get("call").cloned()).unwrap_or(serde_json::Value::Null)
    }
}

impl std::fmt::Debug for Call {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.text().trim_end())
    }
}
