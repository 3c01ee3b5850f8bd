//! Rich display in evcxr, the Rust Jupyter kernel, with no dependency on it: evcxr calls a
//! value's `evcxr_display` method when a cell ends with it, and reads `EVCXR_BEGIN_CONTENT
//! <mime>` ... `EVCXR_END_CONTENT` blocks from stdout. The HTML is the one fcall's own kernel
//! sends; the text is the REPL's.
use super::call::Call;
use super::outputs::{ErrorInfo, Output, Outputs, Rich, TEXT_HTML, TEXT_PLAIN};
use crate::render::html;

/// The blocks evcxr reads for `text/plain` and `text/html`.
pub fn evcxr_blocks(text: &str, html: &str) -> String {
    let mut s = String::new();
    for (mime, body) in [(TEXT_PLAIN, text), (TEXT_HTML, html)] {
        s.push_str("EVCXR_BEGIN_CONTENT ");
        s.push_str(mime);
        s.push('\n');
        s.push_str(body.trim_end_matches('\n'));
        s.push_str("\nEVCXR_END_CONTENT\n");
    }
    s
}

fn show(text: &str, html: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    // A closed stdout (no notebook listening) is not the caller's error.
    let _ = out.write_all(evcxr_blocks(text, html).as_bytes()).and_then(|_| out.flush());
}

impl Outputs {
    /// Shows every output of the run in an evcxr notebook (`text/html` as fcall's kernel
    /// shows them, `text/plain` as the REPL prints them).
    pub fn evcxr_display(&self) {
        show(&self.text(), &self.html());
    }
}

impl Rich {
    /// Shows this output in an evcxr notebook.
    pub fn evcxr_display(&self) {
        show(&self.text, &self.html);
    }
}

impl Output {
    /// Shows this output in an evcxr notebook.
    pub fn evcxr_display(&self) {
        match self {
            Output::Stdout(t) => show(t, &format!("<pre>{}</pre>", html::escape(t))),
            Output::Rich(r) => r.evcxr_display(),
            Output::Error(e) => e.evcxr_display(),
        }
    }
}

impl ErrorInfo {
    /// Shows the error in an evcxr notebook (the caret rendering, in the alarm colour).
    pub fn evcxr_display(&self) {
        show(&self.text, &html::alarm_pre(&self.text));
    }
}

impl Call {
    /// Shows the call's table and result (or its error) in an evcxr notebook, as fcall's
    /// kernel shows `call model(params, x)`.
    pub fn evcxr_display(&self) {
        self.outputs().evcxr_display();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_what_evcxr_reads() {
        assert_eq!(
            evcxr_blocks("a\n", "<b>a</b>"),
            "EVCXR_BEGIN_CONTENT text/plain\na\nEVCXR_END_CONTENT\nEVCXR_BEGIN_CONTENT text/html\n<b>a</b>\nEVCXR_END_CONTENT\n"
        );
    }
}
