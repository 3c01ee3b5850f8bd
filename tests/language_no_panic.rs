//! Property: no input makes the lexer, parser or evaluator panic. Random printable text and
//! random streams of the language's own tokens (names of built-ins, modules, a dict, a `call`,
//! operators, brackets, keywords) are run through a session that already holds a module, a dict
//! and a tensor; every statement either runs or reports an error, and after a failed statement
//! the workspace's variables are as they were.
use fcall::interp::{OutKind, RunOptions, Session};
use proptest::prelude::*;

const SETUP: &str = "seed 0\nm = Linear(2, 2)\np = params(m)\nx = ones(1, 2)\nclass T { def init() { self.w = param(ones(2)); self.v = self.w } def forward(x) { return x * self.w + self.v } }\nt = T()\ndef hk(mod, args) { return none }\nh = t.register_forward_pre_hook(hk)\nxs = [x]\n";

const TOKENS: &[&str] = &[
    "m", "p", "x", "t", "y", "zeros", "ones", "randn", "Linear", "Sequential", "ReLU", "BatchNorm1d", "params", "buffers",
    "detach", "grad", "vmap", "mse_loss", "call", "explain", "with", "tie=false", "strict=true", "(", ")", "[", "]", "{", "}",
    ",", ":", ".", "+", "-", "*", "/", "@", "**", "|", "=", "+=", "==", "is", "not", "and", "or", "if", "else", "for", "in",
    "range", "def", "return", "class", "self", "no_grad", "show", "ties", "help", "seed", "1", "0", "2.5", "-1", "\"weight\"",
    "\"bias\"", "\"w\"", "weight", "bias", "w", "v", "none", "true", "false", "add_", "sum", "\n", ";", "print", "len", "keys",
    "param", "buffer", "register_buffer", "train", "eval", "reset", "t.w", "p[\"weight\"]", "x.t()",
    // Python-like parts: variadic and keyword-only parameters, properties, hooks, containers, lists.
    "*args", "**kwargs", "*", "@property", "[]", "append", "pop", "extend", "ModuleDict", "ModuleList", "type", "__name__",
    "__class__", "sorted", "register_forward_hook", "register_forward_pre_hook", "remove", "h", "hk", "xs",
];

fn run_all(code: &str) {
    let mut s = Session::new();
    let setup = s.run(SETUP, RunOptions::default());
    assert!(setup.iter().all(|o| o.kind != OutKind::Error), "setup failed");
    let before = s.names();
    let outs = s.run(code, RunOptions { keep_going: true });
    // A script whose only statement failed leaves the workspace's names as they were.
    if outs.len() == 1 && outs[0].kind == OutKind::Error {
        assert_eq!(s.names(), before);
    }
    for o in &outs {
        let _ = (o.text(), o.json());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, .. ProptestConfig::default() })]

    #[test]
    fn random_token_streams_never_panic(tokens in prop::collection::vec(prop::sample::select(TOKENS), 1..24)) {
        let code = tokens.join(" ");
        let r = std::panic::catch_unwind(|| run_all(&code));
        prop_assert!(r.is_ok(), "panicked on: {code}");
    }

    #[test]
    fn random_printable_text_never_panics(code in "[ -~\n]{0,80}") {
        let r = std::panic::catch_unwind(|| run_all(&code));
        prop_assert!(r.is_ok(), "panicked on: {code:?}");
    }
}

#[test]
fn the_token_vocabulary_reaches_the_evaluator() {
    let mut s = Session::new();
    s.run(SETUP, RunOptions::default());
    let outs = s.run(&["m", "(", "x", ")", "\n", "call", "t", "with", "{", "w", ":", "x", "}", "(", "x", ")", "\n", "t.w", "+=", "1"].join(" "), RunOptions { keep_going: true });
    let kinds: Vec<OutKind> = outs.iter().map(|o| o.kind).collect();
    assert_eq!(kinds, vec![OutKind::Value, OutKind::Call, OutKind::Error], "{:?}", outs.iter().map(|o| o.text().to_string()).collect::<Vec<_>>());
}

#[test]
fn containers_that_hold_themselves_are_shown_not_recursed() {
    let mut s = Session::new();
    let code = "a = []\na.append(a)\na\nd = {}\nd[\"s\"] = d\nd\na == a\nb = []\nb.append(b)\na == b\nprint(a, d)\nstr(a)\n";
    let outs = s.run(code, RunOptions { keep_going: true });
    for o in &outs {
        let _ = (o.text(), o.json());
    }
    assert!(outs.iter().all(|o| o.kind != OutKind::Error), "{:?}", outs.iter().map(|o| o.text().to_string()).collect::<Vec<_>>());
    assert!(outs.iter().any(|o| o.text().contains("[[...]]")));
}
