//! A cell's statement outputs → the kernel's outputs, as JSON for the protocol side:
//! `{"outputs": [{"stdout": s} | {"stderr": s} | {"rich": {text, html, json, result}} |
//! {"error": {ename, evalue, traceback}}], "result_text": s}`.
use fcall::api::outputs::{Output, Outputs};
use fcall::interp::StmtOutput;
use serde_json::{json, Value as Json};

/// The statements' outputs as [`Outputs::from_statements`] makes them (what `fcall::Session`
/// returns to Rust callers), with what native code wrote to fd 2 before the error.
pub fn cell(outs: &[StmtOutput], stderr: &str) -> Json {
    let outs = Outputs::from_statements(outs);
    let (errors, rest): (Vec<&Output>, Vec<&Output>) = outs.items.iter().partition(|o| matches!(o, Output::Error(_)));
    let mut outputs: Vec<Json> = rest.into_iter().map(Output::to_kernel_json).collect();
    if !stderr.is_empty() {
        outputs.push(json!({"stderr": stderr}));
    }
    outputs.extend(errors.into_iter().map(Output::to_kernel_json));
    json!({"outputs": outputs, "result_text": outs.result_text})
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
