//! Progress of long statements as the front ends show it: a bar on stderr for the REPL and
//! `fcall run` on a terminal (indicatif), and the kernel's updating display (JSON events handed
//! to the kernel's callback, which sends `display_data` then `update_display_data`).
use std::ffi::{c_char, CString};

use fcall::interp::progress::{ProgressView, Snapshot};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Whether standard output and standard error are both terminals (progress is for a person
/// watching; output to a file, a pipe or `--json` gets none).
pub fn on_terminal() -> bool {
    // SAFETY: isatty only reads the descriptor's state.
    unsafe { libc::isatty(1) == 1 && libc::isatty(2) == 1 }
}

/// indicatif's bar on stderr: `[=====>    ] 37/100` for a counted loop, a spinner otherwise.
#[derive(Default)]
pub struct Bar {
    bar: Option<ProgressBar>,
    total: Option<u64>,
}

fn style(total: Option<u64>) -> ProgressStyle {
    let template = match total {
        Some(_) => "{spinner} {msg} [{bar:30}] {pos}/{len} {elapsed} (eta {eta})",
        None => "{spinner} {msg} {elapsed}",
    };
    ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_spinner()).progress_chars("=> ")
}

impl ProgressView for Bar {
    fn show(&mut self, s: &Snapshot) {
        let pb = ProgressBar::with_draw_target(s.total, ProgressDrawTarget::stderr())
            .with_style(style(s.total))
            .with_message(s.label.clone())
            .with_position(s.pos)
            .with_elapsed(s.elapsed);
        pb.tick();
        self.total = s.total;
        self.bar = Some(pb);
    }
    fn update(&mut self, s: &Snapshot) {
        let Some(pb) = &self.bar else { return };
        if s.total != self.total {
            match s.total {
                Some(n) => pb.set_length(n),
                None => pb.unset_length(),
            }
            pb.set_style(style(s.total));
            self.total = s.total;
        }
        pb.set_position(s.pos);
        pb.tick();
    }
    fn finish(&mut self, _: &Snapshot) {
        if let Some(pb) = self.bar.take() {
            pb.finish_and_clear();
        }
    }
}

/// The kernel's callback: it receives `{"event": "show"|"update"|"finish", "text", "html"}`.
pub type Callback = extern "C" fn(*const c_char);

/// Progress events for the kernel, through its callback.
pub struct Events(pub Callback);

impl Events {
    fn send(&self, event: &str, s: &Snapshot) {
        let j = serde_json::json!({"event": event, "text": s.line(), "html": s.html()});
        if let Ok(c) = CString::new(j.to_string()) {
            (self.0)(c.as_ptr());
        }
    }
}

impl ProgressView for Events {
    fn show(&mut self, s: &Snapshot) {
        self.send("show", s);
    }
    fn update(&mut self, s: &Snapshot) {
        self.send("update", s);
    }
    fn finish(&mut self, s: &Snapshot) {
        self.send("finish", s);
    }
}
