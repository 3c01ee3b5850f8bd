//! Python's limits and top-level control flow on the evaluator (`crate::stack`, `mod.rs`,
//! `ops.rs`, the tensor constructor, value drop): deep data and recursion raise RecursionError,
//! allocations that cannot be made raise MemoryError, and a failed statement keeps what it did
//! before failing. Every expected class and message is what CPython 3.11 / torch 2.13 give
//! (checked with `python3` and the venv's torch).
use super::{Failure, OutKind, RunOptions, Session, StmtOutput};

/// Runs `code` in a new session on an evaluator-stack thread (as every front end does); the
/// outputs' error class and message per statement, and the session's final text of `probe`.
fn run_big(code: &str, probe: &str) -> (Vec<(OutKind, String, String)>, String) {
    let (code, probe) = (code.to_string(), probe.to_string());
    crate::stack::run(move || {
        let mut s = Session::new();
        let outs = s.run(&code, RunOptions { keep_going: false });
        let summary = outs.iter().map(|o| (o.kind, class(o), message(o))).collect();
        let p = if probe.is_empty() { String::new() } else { s.run(&probe, RunOptions::default()).iter().map(|o| o.text().trim().to_string()).collect() };
        (summary, p)
    })
}

fn class(o: &StmtOutput) -> String {
    match &o.failure {
        Some(Failure::Raised(e)) => e.type_name().to_string(),
        _ => String::new(),
    }
}

fn message(o: &StmtOutput) -> String {
    match &o.failure {
        Some(Failure::Raised(e)) => e.message.clone(),
        _ => String::new(),
    }
}

/// The class and message of the last statement's error.
fn last_error(code: &str) -> (String, String) {
    let (outs, _) = run_big(code, "");
    let (kind, c, m) = outs.last().cloned().expect("an output");
    assert_eq!(kind, OutKind::Error, "{code}: expected an error");
    (c, m)
}

const REPR_DEPTH: &str = "maximum recursion depth exceeded while getting the repr of an object";

#[test]
fn deep_lists_are_recursion_errors_when_shown_and_drop_without_recursion() {
    // CPython 3.11: repr/str/print/display of a 5,000-deep list.
    for code in [
        "x = []\nfor i in range(5000):\n    x = [x]\nx",
        "x = []\nfor i in range(5000):\n    x = [x]\nrepr(x)",
        "x = []\nfor i in range(5000):\n    x = [x]\nprint(x)",
        "x = []\nfor i in range(5000):\n    x = [x]\nf\"{x}\"",
        "d = {}\nfor i in range(5000):\n    d = {\"a\": d}\nd",
    ] {
        assert_eq!(last_error(code), ("RecursionError".into(), REPR_DEPTH.into()), "{code}");
    }
    // Shallower than the limit: shown (CPython shows 990 levels).
    let (outs, len) = run_big("x = []\nfor i in range(990):\n    x = [x]\n", "len(repr(x))");
    assert!(outs.iter().all(|o| o.0 != OutKind::Error));
    assert_eq!(len, "1982");
    // A million levels built and dropped (rebinding and `del`): no stack overflow.
    let (outs, p) = run_big("x = []\nfor i in range(1000000):\n    x = [x, {\"k\": (x,)}]\ndel x\ny = 1", "y");
    assert!(outs.iter().all(|o| o.0 != OutKind::Error), "{outs:?}");
    assert_eq!(p, "1");
}

#[test]
fn recursion_stops_at_cpythons_limit() {
    // CPython 3.11 at the top level: f(998) runs (999 frames), f(999) is RecursionError.
    let f = "def f(n):\n    return 0 if n == 0 else 1 + f(n - 1)\n";
    let (outs, p) = run_big(&format!("{f}r = f(998)"), "r");
    assert!(outs.iter().all(|o| o.0 != OutKind::Error), "{outs:?}");
    assert_eq!(p, "998");
    assert_eq!(last_error(&format!("{f}f(999)")), ("RecursionError".into(), "maximum recursion depth exceeded".into()));
    // Through a built-in that calls back (no Python frame of its own in between).
    assert_eq!(
        last_error("def g(n):\n    return sorted([1, 2], key=lambda v: g(n + 1))\ng(0)").0,
        "RecursionError"
    );
    // And the session goes on.
    let (outs, _) = run_big("def h():\n    return h()\ntry:\n    h()\nexcept RecursionError as e:\n    msg = str(e)\nmsg", "");
    assert_eq!(outs.last().map(|o| o.0), Some(OutKind::Value));
}

#[test]
fn nested_modules_recurse_as_pytorch_does() {
    // torch 2.13: 3,000 nested Sequentials called is RecursionError (about 248 is the most).
    assert_eq!(
        last_error("m = nn.Linear(2, 2)\nfor i in range(3000):\n    m = nn.Sequential(m)\nm(torch.zeros(2))"),
        ("RecursionError".into(), "maximum recursion depth exceeded".into())
    );
    let (outs, p) = run_big("m = nn.Linear(2, 2)\nfor i in range(200):\n    m = nn.Sequential(m)\ny = m(torch.zeros(2))", "tuple(y.shape)");
    assert!(outs.iter().all(|o| o.0 != OutKind::Error), "{outs:?}");
    assert_eq!(p, "(2,)");
}

#[test]
fn tensor_of_deep_or_self_containing_lists() {
    // torch 2.13's messages.
    assert_eq!(
        last_error("x = []\nfor i in range(100000):\n    x = [x]\ntorch.tensor(x)"),
        ("ValueError".into(), "too many dimensions 'list'".into())
    );
    assert_eq!(last_error("x = [1]\nx.append(x)\ntorch.tensor(x)"), ("TypeError".into(), "new(): self-referential lists are incompatible".into()));
    assert_eq!(last_error("x = [1]\nx.append(x)\ntorch.tensor([x])"), ("TypeError".into(), "new(): self-referential lists are incompatible".into()));
    assert_eq!(last_error("y = []\ny.append(y)\ntorch.tensor(y)"), ("ValueError".into(), "too many dimensions 'list'".into()));
    // 128 dimensions is the most.
    let (outs, _) = run_big("x = [1.0]\nfor i in range(127):\n    x = [x]\nt = torch.tensor(x)", "");
    assert!(outs.iter().all(|o| o.0 != OutKind::Error), "{outs:?}");
    assert_eq!(last_error("x = [1.0]\nfor i in range(128):\n    x = [x]\ntorch.tensor(x)").1, "too many dimensions 'list'");
}

#[test]
fn allocations_that_cannot_be_made_are_memory_errors() {
    // CPython 3.11: MemoryError with no message; a string longer than the address space is
    // OverflowError.
    assert_eq!(last_error("x = \"a\" * 100000000000"), ("MemoryError".into(), String::new()));
    assert_eq!(last_error("x = [0] * 10**11"), ("MemoryError".into(), String::new()));
    assert_eq!(last_error("x = (1, 2) * 10**12"), ("MemoryError".into(), String::new()));
    assert_eq!(last_error("x = \"ab\" * (2**62)"), ("OverflowError".into(), "repeated string is too long".into()));
    // Caught like any exception; the session goes on.
    let (outs, p) = run_big("try:\n    x = [0] * 10**11\nexcept MemoryError:\n    x = 'caught'\ne = [] * 10**15\ns = '' * 10**15", "x, e, s");
    assert!(outs.iter().all(|o| o.0 != OutKind::Error), "{outs:?}");
    assert_eq!(p, "('caught', [], '')");
}

#[test]
fn a_failed_statement_keeps_what_it_did_before_failing() {
    // Python: the loop counter and every binding made before the error stay.
    let (outs, p) = run_big(
        "step = 0\nw = torch.zeros(2)\nfor i in range(10):\n    step += 1\n    w.add_(1)\n    last = i\n    if i == 3:\n        1 / 0\n",
        "step, last, i, w.tolist()",
    );
    assert_eq!(outs.last().map(|o| o.1.as_str()), Some("ZeroDivisionError"));
    assert_eq!(p, "(4, 3, 3, [4.0, 4.0])");
    // A tuple assignment that fails half way keeps the names bound before the failure, as
    // CPython does; an assignment whose value fails binds nothing.
    let (_, p) = run_big("a = 0\nb = []\na, b[5] = 1, 2\n", "a");
    assert_eq!(p, "1");
    let (_, p) = run_big("a = 0\na, b = 1, undefined_name\n", "a");
    assert_eq!(p, "0");
    let (_, p) = run_big("c = 0\ndef f():\n    global c\n    c = 5\n    raise ValueError('x')\nf()\n", "c");
    assert_eq!(p, "5");
}

#[test]
fn functional_call_still_restores_its_module_when_the_statement_fails() {
    // PyTorch's `finally`: the module's own tensors are back after an error in forward.
    let (outs, p) = run_big(
        "m = nn.Linear(2, 2)\nw0 = m.weight\nseen = []\n\
         def hook(mod, args):\n    seen.append(mod.weight is w0)\n    raise RuntimeError('stop')\n\
         h = m.register_forward_pre_hook(hook)\n\
         functional_call(m, {'weight': torch.ones(2, 2)}, (torch.ones(2),))\n",
        "m.weight is w0, seen",
    );
    assert_eq!(outs.last().map(|o| o.1.as_str()), Some("RuntimeError"));
    assert_eq!(p, "(True, [False])");
}

#[test]
fn many_failing_statements_render_in_linear_time() {
    // `fcall run --json` reports every statement: 20,000 failing ones (each from inside a
    // function, so its trace is rendered too) index the program's lines once, not once per
    // error (100,000 took 108 s when each error indexed the whole program again).
    let code = format!("def f():\n    return 1 / 0\n{}", "f()\n".repeat(20000));
    let len = code.len() as u64;
    let (errors, indexed) = crate::stack::run(move || {
        let mut s = Session::new();
        let before = fcall_lang::span::indexed_bytes();
        let outs = s.run(&code, RunOptions { keep_going: true });
        let errors = outs.iter().filter(|o| o.kind == OutKind::Error && class(o) == "ZeroDivisionError").count();
        (errors, fcall_lang::span::indexed_bytes() - before)
    });
    assert_eq!(errors, 20000);
    assert!(indexed <= 2 * len, "indexed {indexed} bytes for a {len}-byte program");
}
