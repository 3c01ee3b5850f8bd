//! The stack fcall's language runs on: the parser's tree and the evaluator recurse, and
//! Python's recursion limit (1000 frames, checked in the engine) needs more than a default
//! thread's 2 MiB. Every front end (REPL, scripts, the Jupyter kernel's engine thread) parses
//! and evaluates on a thread made by [`spawn`].

/// The evaluation thread's stack: reserved virtual memory, touched only as deep as the program
/// goes.
pub const EVAL_STACK: usize = 1 << 30;

/// Starts `f` on a thread named `name` with [`EVAL_STACK`] bytes of stack (a quarter as much,
/// and so on down to 64 MiB, where the system refuses that).
pub fn spawn<F, T>(name: &str, f: F) -> std::io::Result<std::thread::JoinHandle<T>>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    // `spawn` drops the closure when it fails: keep `f` in a slot the thread takes it from, so a
    // smaller stack can be tried with it.
    let slot = std::sync::Arc::new(std::sync::Mutex::new(Some(f)));
    let mut size = EVAL_STACK;
    loop {
        let mine = slot.clone();
        let r = std::thread::Builder::new().name(name.to_string()).stack_size(size).spawn(move || {
            let f = mine.lock().ok().and_then(|mut s| s.take()).expect("the closure is there");
            f()
        });
        match r {
            Err(_) if size > 64 << 20 => size /= 4,
            r => return r,
        }
    }
}

/// Runs `f` on a thread from [`spawn`] and waits for it; a panic in `f` resumes here.
pub fn run<F, T>(f: F) -> T
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    match spawn("fcall-eval", f).map(|h| h.join()) {
        Ok(Ok(v)) => v,
        Ok(Err(p)) => std::panic::resume_unwind(p),
        Err(e) => panic!("cannot start the evaluation thread: {e}"),
    }
}
