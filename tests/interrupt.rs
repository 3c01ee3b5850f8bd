//! Ctrl-C in the middle of a training loop, as Python runs it: the loop stops at the next
//! statement with KeyboardInterrupt naming the line it stopped at, and everything done before
//! stays (the step counter as far as it got, the weights updated in place as far as they got).
//! Its own test binary: the interrupt flag is process-wide.
use std::sync::atomic::Ordering;
use std::time::Duration;

use fcall::interp::{Failure, OutKind, RunOptions, Session, INTERRUPTED};

const TRAIN: &str = "\
step = 0
w = torch.zeros(3)
while True:
    w.add_(1.0)
    step += 1
";

#[test]
fn an_interrupted_loop_keeps_what_it_did() {
    fcall::stack::run(|| {
        let mut s = Session::new();
        INTERRUPTED.store(false, Ordering::SeqCst);
        let stopper = std::thread::spawn(|| {
            std::thread::sleep(Duration::from_millis(300));
            INTERRUPTED.store(true, Ordering::SeqCst);
        });
        let outs = s.run(TRAIN, RunOptions::default());
        stopper.join().unwrap();
        let last = outs.last().expect("outputs");
        assert_eq!(last.kind, OutKind::Error);
        let Some(Failure::Raised(e)) = &last.failure else { panic!("not raised: {}", last.text()) };
        assert_eq!((e.type_name(), e.message.as_str()), ("KeyboardInterrupt", ""));
        // The line it stopped at, one of the loop's own.
        let loc = e.location.expect("a location");
        let line = TRAIN[..loc.start].matches('\n').count() + 1;
        assert!((3..=5).contains(&line), "stopped at line {line}");
        let text = s.render_error(e, false);
        assert!(text.starts_with("error[eval::interrupted]: KeyboardInterrupt"), "{text}");
        assert!(text.contains(&format!("{line} |")), "{text}");
        // Python keeps everything done before the interrupt.
        let step = s.get("step").map(|v| v.py_repr()).expect("step is bound");
        let n: i64 = step.parse().expect("an int");
        assert!(n > 0, "step = {n}");
        let w = s.run("w.tolist()", RunOptions::default());
        let shown = w[0].text().trim().to_string();
        // The add_ of the interrupted turn may or may not have run: w is step or step + 1.
        assert!(shown == format!("[{n}.0, {n}.0, {n}.0]") || shown == format!("[{0}.0, {0}.0, {0}.0]", n + 1), "w = {shown}, step = {n}");
    });
}
