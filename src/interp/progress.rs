//! Progress of a long top-level statement. A front end that shows progress (the terminal REPL
//! and `fcall run` on a terminal, the Jupyter kernel) gives the session a [`ProgressView`];
//! without one nothing here runs. With one, a background thread looks every 100 ms at the
//! statement that runs: once it has run for [`AFTER`] it shows the progress and updates it,
//! and when the statement ends it finishes it. What the progress says: for a top-level `for`
//! over a sized iterable (a list, a range, a tuple, a dict...), iterations done of the total;
//! otherwise (a `while`, an iterator, a `call`, any other statement) the time it has run.
//!
//! The interpreter's side costs nothing measurable: a statement start is one mutex lock and a
//! few atomic stores, a loop iteration one atomic store, and the thread is never woken by it.
use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// A statement shows progress once it has run this long.
pub const AFTER: Duration = Duration::from_millis(1000);
/// How often a shown progress is updated.
pub const EVERY: Duration = Duration::from_millis(100);

/// What the progress says at one moment.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    /// The statement's first line (shortened).
    pub label: String,
    /// Iterations done.
    pub pos: u64,
    /// Iterations in all, when the loop's iterable has a length.
    pub total: Option<u64>,
    pub elapsed: Duration,
    /// Whether the statement has ended.
    pub done: bool,
}

impl Snapshot {
    /// One line: `for i in range(100):  37/100  1.2 s` or `y = call mod with a (x)  1.2 s`.
    pub fn line(&self) -> String {
        let secs = format!("{:.1} s", self.elapsed.as_secs_f64());
        match self.total {
            Some(n) => format!("{}  {}/{n}  {secs}", self.label, self.pos),
            None if self.pos > 0 => format!("{}  {} iterations  {secs}", self.label, self.pos),
            None => format!("{}  {secs}", self.label),
        }
    }

    /// HTML for a notebook: a `<progress>` bar (when the total is known) and the line.
    pub fn html(&self) -> String {
        let line = crate::render::html::escape(&self.line());
        match (self.total, self.done) {
            (Some(n), _) => format!("<div class=\"fcall-progress\"><progress value=\"{}\" max=\"{n}\" style=\"width:20em\"></progress> <code>{line}</code></div>", self.pos),
            (None, false) => format!("<div class=\"fcall-progress\"><progress style=\"width:20em\"></progress> <code>{line}</code></div>"),
            (None, true) => format!("<div class=\"fcall-progress\"><code>{line}</code></div>"),
        }
    }
}

/// How a front end shows progress; called on the progress thread, in the order show, update*,
/// finish (finish before the statement's output is made).
pub trait ProgressView: Send {
    fn show(&mut self, s: &Snapshot);
    fn update(&mut self, s: &Snapshot);
    fn finish(&mut self, s: &Snapshot);
}

const IDLE: u8 = 0;
const RUNNING: u8 = 1;
const SHOWN: u8 = 2;
const STOPPING: u8 = 3;

/// Shared between the interpreter and the progress thread.
struct State {
    phase: AtomicU8,
    pos: AtomicU64,
    /// `u64::MAX`: no total.
    total: AtomicU64,
    start: Mutex<(Instant, String)>,
    quit: AtomicBool,
}

impl State {
    fn snapshot(&self, done: bool) -> Snapshot {
        let (start, label) = self.start.lock().map(|g| (g.0, g.1.clone())).unwrap_or_else(|_| (Instant::now(), String::new()));
        let total = self.total.load(Ordering::Relaxed);
        Snapshot { label, pos: self.pos.load(Ordering::Relaxed), total: (total != u64::MAX).then_some(total), elapsed: start.elapsed(), done }
    }
}

struct Driver {
    state: Arc<State>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for Driver {
    fn drop(&mut self) {
        self.state.quit.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            t.thread().unpark();
            let _ = t.join();
        }
    }
}

/// The session's progress (in `Shared`).
pub struct Progress {
    driver: RefCell<Option<Driver>>,
    /// The start offset of the top-level `for` statement that counts iterations, if any.
    loop_at: Cell<Option<usize>>,
}

impl Default for Progress {
    fn default() -> Self {
        Progress { driver: RefCell::new(None), loop_at: Cell::new(None) }
    }
}

fn run(state: Arc<State>, mut view: Box<dyn ProgressView>) {
    loop {
        std::thread::park_timeout(EVERY);
        if state.quit.load(Ordering::SeqCst) {
            return;
        }
        match state.phase.load(Ordering::SeqCst) {
            RUNNING => {
                let started = state.start.lock().map(|g| g.0).unwrap_or_else(|_| Instant::now());
                if started.elapsed() >= AFTER && state.phase.compare_exchange(RUNNING, SHOWN, Ordering::SeqCst, Ordering::SeqCst).is_ok() {
                    view.show(&state.snapshot(false));
                }
            }
            SHOWN => view.update(&state.snapshot(false)),
            STOPPING => {
                view.finish(&state.snapshot(true));
                state.phase.store(IDLE, Ordering::SeqCst);
            }
            _ => {}
        }
    }
}

/// A statement's label: its first line, at most 60 characters.
fn label(source: &str) -> String {
    let first = source.lines().next().unwrap_or("").trim();
    if first.chars().count() > 60 {
        format!("{}…", first.chars().take(59).collect::<String>())
    } else {
        first.to_string()
    }
}

impl Progress {
    /// Shows progress through `view` from now on (replacing any earlier view).
    pub fn set_view(&self, view: Box<dyn ProgressView>) {
        let state = Arc::new(State {
            phase: AtomicU8::new(IDLE),
            pos: AtomicU64::new(0),
            total: AtomicU64::new(u64::MAX),
            start: Mutex::new((Instant::now(), String::new())),
            quit: AtomicBool::new(false),
        });
        let s = state.clone();
        let thread = std::thread::Builder::new().name("fcall-progress".into()).spawn(move || run(s, view)).ok();
        *self.driver.borrow_mut() = Some(Driver { state, thread });
    }

    /// Whether a view is set.
    pub fn shown(&self) -> bool {
        self.driver.borrow().is_some()
    }

    /// A top-level statement starts; `loop_at` is its start offset when it is a `for` loop.
    pub fn start(&self, source: &str, loop_at: Option<usize>) {
        let d = self.driver.borrow();
        let Some(d) = d.as_ref() else { return };
        self.loop_at.set(loop_at);
        if let Ok(mut g) = d.state.start.lock() {
            *g = (Instant::now(), label(source));
        }
        d.state.pos.store(0, Ordering::Relaxed);
        d.state.total.store(u64::MAX, Ordering::Relaxed);
        d.state.phase.store(RUNNING, Ordering::SeqCst);
    }

    /// Whether the `for` statement starting at `at` is the one whose iterations count.
    #[inline]
    pub fn counts(&self, at: usize) -> bool {
        self.loop_at.get() == Some(at)
    }

    /// The counted loop's length, once known.
    pub fn total(&self, n: Option<usize>) {
        if let Some(d) = self.driver.borrow().as_ref() {
            d.state.total.store(n.map_or(u64::MAX, |n| n as u64), Ordering::Relaxed);
        }
    }

    /// One more iteration of the counted loop.
    pub fn tick(&self) {
        if let Some(d) = self.driver.borrow().as_ref() {
            d.state.pos.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The statement ended: a shown progress is finished before this returns.
    pub fn stop(&self) {
        self.loop_at.set(None);
        let d = self.driver.borrow();
        let Some(d) = d.as_ref() else { return };
        if d.state.phase.compare_exchange(RUNNING, IDLE, Ordering::SeqCst, Ordering::SeqCst).is_ok() {
            return;
        }
        if d.state.phase.compare_exchange(SHOWN, STOPPING, Ordering::SeqCst, Ordering::SeqCst).is_err() {
            return;
        }
        if let Some(t) = &d.thread {
            t.thread().unpark();
        }
        // The thread finishes the view within one wake-up.
        while d.state.phase.load(Ordering::SeqCst) == STOPPING && d.thread.as_ref().is_some_and(|t| !t.is_finished()) {
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records what the view was asked to do.
    struct Log(Arc<Mutex<Vec<(String, Snapshot)>>>);
    impl ProgressView for Log {
        fn show(&mut self, s: &Snapshot) {
            self.0.lock().unwrap().push(("show".into(), s.clone()));
        }
        fn update(&mut self, s: &Snapshot) {
            self.0.lock().unwrap().push(("update".into(), s.clone()));
        }
        fn finish(&mut self, s: &Snapshot) {
            self.0.lock().unwrap().push(("finish".into(), s.clone()));
        }
    }

    #[test]
    fn a_short_statement_shows_nothing_and_a_long_loop_shows_its_count() {
        let log = Arc::new(Mutex::new(Vec::new()));
        let p = Progress::default();
        p.set_view(Box::new(Log(log.clone())));
        p.start("x = 1", None);
        p.stop();
        std::thread::sleep(Duration::from_millis(250));
        assert!(log.lock().unwrap().is_empty());

        p.start("for i in range(10):\n    pass", Some(0));
        assert!(p.counts(0) && !p.counts(3));
        p.total(Some(10));
        for _ in 0..3 {
            p.tick();
        }
        std::thread::sleep(AFTER + Duration::from_millis(350));
        p.tick();
        p.stop();
        let log = log.lock().unwrap();
        let events: Vec<&str> = log.iter().map(|(e, _)| e.as_str()).collect();
        assert_eq!(events.first(), Some(&"show"), "{events:?}");
        assert!(events.contains(&"update"), "{events:?}");
        assert_eq!(events.last(), Some(&"finish"), "finished before stop returned: {events:?}");
        let (_, first) = &log[0];
        assert_eq!((first.label.as_str(), first.pos, first.total), ("for i in range(10):", 3, Some(10)));
        let (_, last) = log.last().unwrap();
        assert_eq!((last.pos, last.done), (4, true));
        assert!(last.line().starts_with("for i in range(10):  4/10  1."), "{}", last.line());
        assert!(last.html().contains("<progress value=\"4\" max=\"10\""), "{}", last.html());
    }

    #[test]
    fn without_a_view_nothing_runs() {
        let p = Progress::default();
        p.start("for x in xs:", Some(0));
        p.tick();
        p.stop();
        assert!(!p.shown());
    }

    #[test]
    fn a_label_is_the_first_line_shortened() {
        assert_eq!(label("for i in range(3):\n    pass"), "for i in range(3):");
        assert_eq!(label(&"x".repeat(100)).chars().count(), 60);
    }
}
