//! Rich display in evcxr, the Rust Jupyter kernel, with no dependency on it: evcxr calls a
//! value's `evcxr_display` method when a cell ends with it, and reads `EVCXR_BEGIN_CONTENT
//! <mime>` ... `EVCXR_END_CONTENT` blocks from stdout. The HTML is the one fcall's own kernel
//! sends; the text is the REPL's; pictures are `image/svg+xml` as the kernel sends them (never
//! inside the HTML).
use super::call::Call;
use super::outputs::{ErrorInfo, Output, Outputs, Rich, IMAGE_SVG, TEXT_HTML, TEXT_PLAIN};
use crate::render::{diagram, html};

/// The blocks evcxr reads for `text/plain`, `text/html` (when there is HTML) and `image/svg+xml`
/// (when there is a picture).
pub fn evcxr_blocks(text: &str, html: &str, svg: Option<&str>) -> String {
    let mut s = String::new();
    let blocks = [(TEXT_PLAIN, Some(text)), (TEXT_HTML, Some(html).filter(|h| !h.is_empty())), (IMAGE_SVG, svg)];
    for (mime, body) in blocks.into_iter().filter_map(|(m, b)| Some((m, b?))) {
        s.push_str("EVCXR_BEGIN_CONTENT ");
        s.push_str(mime);
        s.push('\n');
        s.push_str(body.trim_end_matches('\n'));
        s.push_str("\nEVCXR_END_CONTENT\n");
    }
    s
}

fn show(text: &str, html: &str, svg: Option<&str>) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    // A closed stdout (no notebook listening) is not the caller's error.
    let _ = out.write_all(evcxr_blocks(text, html, svg).as_bytes()).and_then(|_| out.flush());
}

impl Outputs {
    /// Shows every output of the run in an evcxr notebook, as one display: `text/html` as
    /// fcall's kernel shows them, `text/plain` as the REPL prints them, and the run's pictures
    /// as one `image/svg+xml` (one under the other).
    pub fn evcxr_display(&self) {
        let svgs: Vec<String> = self.rich().filter_map(|r| r.svg.clone()).collect();
        let svg = (!svgs.is_empty()).then(|| diagram::svg::stack(&svgs));
        show(&self.text(), &self.html(), svg.as_deref());
    }
}

impl Rich {
    /// Shows this output in an evcxr notebook.
    pub fn evcxr_display(&self) {
        show(&self.text, &self.html, self.svg.as_deref());
    }
}

impl Output {
    /// Shows this output in an evcxr notebook.
    pub fn evcxr_display(&self) {
        match self {
            Output::Stdout(t) => show(t, &format!("<pre>{}</pre>", html::escape(t)), None),
            Output::Rich(r) => r.evcxr_display(),
            Output::Error(e) => e.evcxr_display(),
        }
    }
}

impl ErrorInfo {
    /// Shows the error in an evcxr notebook (the caret rendering, in the alarm colour).
    pub fn evcxr_display(&self) {
        show(&self.text, &html::alarm_pre(&self.text), None);
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
            evcxr_blocks("a\n", "<b>a</b>", None),
            "EVCXR_BEGIN_CONTENT text/plain\na\nEVCXR_END_CONTENT\nEVCXR_BEGIN_CONTENT text/html\n<b>a</b>\nEVCXR_END_CONTENT\n"
        );
        // A picture: its text and its SVG, no empty HTML.
        assert_eq!(
            evcxr_blocks("chart", "", Some("<svg/>")),
            "EVCXR_BEGIN_CONTENT text/plain\nchart\nEVCXR_END_CONTENT\nEVCXR_BEGIN_CONTENT image/svg+xml\n<svg/>\nEVCXR_END_CONTENT\n"
        );
    }
}
