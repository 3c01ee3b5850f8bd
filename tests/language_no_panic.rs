//! Property: no input makes the Python front end or the evaluator panic. Random printable text
//! and random streams of Python's own tokens (torch./nn./F. names, a module, a dict, a `call`
//! command line, operators, brackets, keywords, indentation) are run through a session that
//! already holds a module, a dict and a tensor; every statement either runs or reports an
//! error, and a failed statement keeps what it did before it failed, as Python does: no name the
//! workspace held is lost (unless the code deletes one).
use fcall::interp::{OutKind, RunOptions, Session};
use proptest::prelude::*;

const SETUP: &str = "\
seed 0
m = nn.Linear(2, 2)
p = dict(m.named_parameters())
x = torch.ones(1, 2)

class T(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.ones(2))
        self.v = self.w

    def forward(self, x):
        return x * self.w + self.v

t = T()

def hk(mod, args):
    return None

h = t.register_forward_pre_hook(hk)
xs = [x]
";

const TOKENS: &[&str] = &[
    "m", "p", "x", "t", "y", "torch.zeros", "torch.ones", "torch.randn", "torch.tensor", "nn.Linear", "nn.Sequential", "nn.ReLU",
    "nn.BatchNorm1d", "nn.Parameter", "F.relu", "F.mse_loss", "dict", "m.named_parameters()", "m.named_buffers()",
    "m.state_dict()", "x.detach()", "x.clone()", "functional_call", "grad", "vmap", "torch.no_grad()", "call", "explain", "with",
    "tie=False", "strict=True", "tie_weights=False", "(", ")", "[", "]", "{", "}", ",", ":", ".", "+", "-", "*", "/", "@", "**",
    "|", "=", "+=", "==", "is", "not", "and", "or", "if", "elif", "else", "for", "in", "while", "range", "def", "return", "class",
    "lambda", "pass", "del", "try:", "except", "raise", "assert", "global", "import", "from", "as", "self", "super().__init__()",
    "__init__", "forward", "show", "ties", "help", "seed", "%show", "1", "0", "2.5", "-1", "\"weight\"", "\"bias\"", "\"w\"",
    "f\"{x}\"", "'v'", "weight", "bias", "w", "v", "None", "True", "False", "add_", "sum", "\n", "\n    ", "\n        ", ";",
    "print", "len", "list", "keys", "items", "register_buffer", "register_parameter", "train", "eval", "reset", "t.w", "p[\"weight\"]",
    "x.t()", "x.shape", "m.weight", "nn.Module", "isinstance", "getattr", "setattr",
    // The rest of Python: variadic and keyword-only parameters, properties, hooks, containers, lists.
    "*args", "**kwargs", "*", "@property", "[]", "append", "pop", "extend", "nn.ModuleDict", "nn.ModuleList", "type", "__name__",
    "__class__", "sorted", "register_forward_hook", "register_forward_pre_hook", "remove", "h", "hk", "xs",
];

/// The tokens as one source text: a space between two tokens, none after a line break (the
/// next line's indentation is a token of its own).
fn join(tokens: &[&str]) -> String {
    let mut s = String::new();
    for t in tokens {
        if !(s.is_empty() || s.ends_with('\n') || s.ends_with(' ')) {
            s.push(' ');
        }
        s.push_str(t);
    }
    s
}

fn run_all(code: &str) {
    let mut s = Session::new();
    let setup = s.run(SETUP, RunOptions::default());
    assert!(setup.iter().all(|o| o.kind != OutKind::Error), "setup failed: {:?}", setup.iter().map(|o| o.text().to_string()).collect::<Vec<_>>());
    let before = s.names();
    let outs = s.run(code, RunOptions { keep_going: true });
    // Nothing is rolled back, and nothing but `del` (or `reset`) unbinds a name.
    if !code.contains("del") && !code.contains("reset") {
        let after = s.names();
        assert!(before.iter().all(|n| after.contains(n)), "{code:?} lost names: {before:?} -> {after:?}");
    }
    for o in &outs {
        let _ = (o.text(), o.json());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, .. ProptestConfig::default() })]

    #[test]
    fn random_token_streams_never_panic(tokens in prop::collection::vec(prop::sample::select(TOKENS), 1..24)) {
        let code = join(&tokens);
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
fn the_setup_runs() {
    let mut s = Session::new();
    let outs = s.run(SETUP, RunOptions::default());
    assert!(outs.iter().all(|o| o.kind != OutKind::Error), "{:?}", outs.iter().map(|o| o.text().to_string()).collect::<Vec<_>>());
    for name in ["m", "p", "x", "t", "hk", "h", "xs"] {
        assert!(s.names().iter().any(|n| n == name), "{name} missing from {:?}", s.names());
    }
}

#[test]
fn the_token_vocabulary_reaches_the_evaluator() {
    let mut s = Session::new();
    s.run(SETUP, RunOptions::default());
    let code = [
        &["m", "(", "x", ")", "\n"][..],
        &["call", "t", "with", "{", "\"w\"", ":", "x", "}", "(", "x", ")", "\n"],
        &["t.w", "+=", "1"],
    ]
    .concat();
    let code = join(&code);
    let outs = s.run(&code, RunOptions { keep_going: true });
    let kinds: Vec<OutKind> = outs.iter().map(|o| o.kind).collect();
    assert_eq!(kinds, vec![OutKind::Value, OutKind::Call, OutKind::Error], "{:?}", outs.iter().map(|o| o.text().to_string()).collect::<Vec<_>>());
}

#[test]
fn containers_that_hold_themselves_are_shown_not_recursed() {
    let mut s = Session::new();
    let code = "a = []\na.append(a)\na\nd = {}\nd[\"s\"] = d\nd\na == a\nprint(a, d)\nstr(a)\n";
    let outs = s.run(code, RunOptions { keep_going: true });
    for o in &outs {
        let _ = (o.text(), o.json());
    }
    assert!(outs.iter().all(|o| o.kind != OutKind::Error), "{:?}", outs.iter().map(|o| o.text().to_string()).collect::<Vec<_>>());
    assert!(outs.iter().any(|o| o.text().contains("[[...]]")));
    // Two distinct lists that hold themselves: CPython recurses and raises RecursionError.
    let outs = s.run("b = []\nb.append(b)\na == b\n", RunOptions { keep_going: true });
    assert_eq!(outs.last().map(|o| o.kind), Some(OutKind::Error));
    assert!(outs.last().unwrap().text().contains("RecursionError: maximum recursion depth exceeded in comparison"), "{}", outs.last().unwrap().text());
}
