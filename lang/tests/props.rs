//! Property tests of the Python front end: on random printable text, on random streams of
//! Python's own tokens (keywords, names, operators, brackets, indentation, strings, f-strings,
//! numbers) and of fcall's command lines, `python::parse_program`, `is_complete` and the
//! diagnostic renderer never panic, never hang, stay within the input's bounds and agree with
//! each other. Plus input nested right at and far past the front end's limits
//! ([`MAX_BRACKETS`], [`MAX_PREFIX_RUN`], [`MAX_NESTING`]), which must give a SyntaxError
//! instead of a stack overflow on a 2 MiB stack (the kernel's engine thread).

use fcall_lang::python::lower::MAX_NESTING;
use fcall_lang::python::{parse_program, MAX_BRACKETS, MAX_PREFIX_RUN};
use fcall_lang::{is_complete, render, Completeness, Diagnostic, LineIndex, Span};
use proptest::prelude::*;
use std::sync::mpsc;
use std::time::Duration;

/// The stack of the threads these tests parse on: a default thread's 2 MiB, far less than the
/// front ends' evaluation threads have (`fcall_lang::stack::EVAL_STACK`).
const STACK: usize = 2 << 20;

/// Run `f` on another thread with a 2 MiB stack and fail if it takes longer than `secs`: a
/// parser that loops forever fails the test instead of hanging the suite.
fn within<T: Send + 'static>(secs: u64, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || {
            let _ = tx.send(f());
        })
        .expect("spawn");
    match rx.recv_timeout(Duration::from_secs(secs)) {
        Ok(v) => v,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("did not finish in {secs}s"),
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("panicked (see above)"),
    }
}

fn in_bounds(span: Span, src: &str) -> bool {
    span.start <= span.end
        && span.end <= src.len()
        && src.is_char_boundary(span.start)
        && src.is_char_boundary(span.end)
}

fn check_diagnostic(src: &str, d: &Diagnostic) {
    assert!(in_bounds(d.span, src), "diagnostic {d:?} out of bounds");
    assert!(d.code.starts_with("python::"), "{}", d.code);
    assert!(d.python_class().is_some(), "{d:?} has no Python exception class");
    assert!(!d.message.is_empty(), "{d:?} has no message");
    for l in &d.labels {
        assert!(in_bounds(l.span, src), "label {l:?} out of bounds");
    }
    let lines = LineIndex::new(src);
    let (a, b) = (lines.line_col(d.span.start), lines.line_col(d.span.end));
    assert!(a.line >= 1 && a.line <= b.line && b.line <= lines.line_count(), "{a:?}..{b:?} of {d:?}");
    let _ = lines.line_text(a.line);
    let _ = render(src, d, false);
    let _ = render(src, d, true);
}

/// Everything the front end offers, on one input; the invariants that must hold. Returns the
/// diagnostics (empty when the input parsed).
fn check(src: &str) -> Vec<Diagnostic> {
    let completeness = is_complete(src);
    if let Completeness::Incomplete { indent } = completeness {
        // A tab counts 8 columns (Python's tab stops); the next line adds one level.
        assert!(indent <= 8 * src.len() + 4, "indent {indent} for {} bytes", src.len());
    }
    match parse_program(src) {
        Ok(program) => {
            // What parses can never become valid by being "invalid"; and once its last line
            // is closed (a trailing newline closes every block) it needs no more lines.
            assert_ne!(completeness, Completeness::Invalid, "parsed but Invalid");
            if src.ends_with('\n') {
                assert_eq!(completeness, Completeness::Complete, "parsed, ends with a newline, but {completeness:?}");
            }
            assert!(in_bounds(program.span, src));
            let mut last = 0;
            for s in &program.stmts {
                assert!(in_bounds(s.span, src), "statement span {:?} out of bounds", s.span);
                assert!(s.span.start >= last, "statements out of order: {:?}", s.span);
                last = s.span.start;
            }
            Vec::new()
        }
        Err(diags) => {
            assert!(!diags.is_empty(), "an error without a diagnostic");
            for d in &diags {
                check_diagnostic(src, d);
            }
            diags
        }
    }
}

const FRAGMENTS: &[&str] = &[
    // names
    "x", "mod", "model", "a", "self", "foo", "lin.weight", "torch", "nn", "F", "torch.zeros", "torch.ones(())",
    "nn.Linear", "nn.Module", "functional_call", "super().__init__()", "dict(m.named_parameters())", "print",
    "__init__", "forward", "é", "_x1",
    // keywords
    "True", "False", "None", "and", "or", "not", "is", "in", "if", "elif", "else", "for", "while", "break",
    "continue", "def", "class", "return", "lambda", "pass", "del", "global", "nonlocal", "import", "from", "as",
    "with", "try", "except", "finally", "raise", "assert", "yield", "async", "await", "match", "case", "type",
    // fcall's command words and options
    "call", "explain", "seed", "show", "ties", "help", "history", "reset", "export", "python", "tie=False",
    "strict=True", "tie=false", "tie", "strict", "%", "%show", "%call", "%seed 0",
    // operators and punctuation
    "=", "+=", "-=", "*=", "@=", "**=", "//=", "==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "//", "%",
    "@", "**", "|", "&", "^", "~", "<<", ">>", ":=", "->", "(", ")", "[", "]", "{", "}", ",", ";", ":", ".",
    "...", "!", "?", "$", "`",
    // numbers
    "1", "0", "2.5", "1e-3", ".5", "1.", "0x1f", "0o7", "0b101", "1_000", "1j", "09", "1__0", "0x",
    "123456789012345678901234567890", "1e999",
    // strings and f-strings
    "\"s\"", "\"lin.weight\"", "'q'", "\"", "'", "\"\"\"", "'''", "r\"\\d\"", "b\"x\"", "u'x'", "rb'\\x'",
    "\"\\N{DASH}\"", "'\\x4'", "f\"{x}\"", "f'{x!r:>{w}}'", "f\"{x=}\"", "f\"{", "f'", "}\"", "f\"\"\"{x\n}\"\"\"",
    "f'{{}}'", "f\"{'a'}\"", "f\"{\"a\"}\"",
    // lines, indentation and comments
    "\n", "\n", "\n", "\n    ", "\n    ", "\n        ", "\n  ", "\n\t", "\t", ":\n    ", "\\\n", "\\", "# c\n", "#",
    "\r\n", "\r", "\x0c", "\u{a0}", "\u{feff}",
];

fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec((prop::sample::select(FRAGMENTS), prop::bool::ANY), 0..60).prop_map(|parts| {
        let mut s = String::new();
        for (frag, space) in parts {
            s.push_str(frag);
            if space {
                s.push(' ');
            }
        }
        s
    })
}

/// Lines of token soup, each at a random indentation (spaces or a tab), some of them headers
/// ending in `:` and some command lines: what a paste of half-right Python looks like.
fn indented_lines() -> impl Strategy<Value = String> {
    let line = (0usize..4, prop::bool::weighted(0.1), 0u8..4, prop::collection::vec(prop::sample::select(FRAGMENTS), 0..10));
    (prop::collection::vec(line, 1..10), prop::bool::ANY).prop_map(|(lines, newline)| {
        let mut out = Vec::new();
        for (level, tab, kind, words) in lines {
            let indent = if tab { "\t".repeat(level) } else { "    ".repeat(level) };
            let body = words.iter().copied().filter(|w| !w.contains('\n')).collect::<Vec<_>>().join(" ");
            out.push(match kind {
                0 => format!("{indent}if {body}:"),
                1 => format!("{indent}call {body}"),
                _ => format!("{indent}{body}"),
            });
        }
        let mut s = out.join("\n");
        if newline {
            s.push('\n');
        }
        s
    })
}

/// A valid program: a module class, a command line, a `%` command and an f-string.
const GOOD: &str = "class T(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.ones(2))

    def forward(self, x):
        return x * self.w + 1

t = torch.zeros(2)
y = call T() with {\"w\": t} (x) tie=False
%show y
print(f\"{y!r:>10} {len(dict(T().named_parameters()))}\")
";

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, ..ProptestConfig::default() })]

    #[test]
    fn random_token_streams(src in token_soup()) {
        within(20, move || check(&src));
    }

    #[test]
    fn random_indented_lines(src in indented_lines()) {
        within(20, move || check(&src));
    }

    #[test]
    fn random_printable_text(src in "\\PC{0,120}") {
        within(20, move || check(&src));
    }

    #[test]
    fn random_any_text(src in any::<String>()) {
        within(20, move || check(&src));
    }

    #[test]
    fn valid_programs_with_noise(noise in token_soup(), n in 0usize..6) {
        // A valid program after random garbage, the garbage after it, and the garbage inside
        // its class body.
        let a = format!("{noise}\n{}", GOOD.repeat(n));
        let b = format!("{}{noise}", GOOD.repeat(n));
        let c = GOOD.repeat(n).replacen("    def forward", &format!("    {noise}\n    def forward"), 1);
        within(20, move || { check(&a); check(&b); check(&c); });
    }
}

#[test]
fn the_valid_program_parses() {
    for n in [1, 3] {
        let src = GOOD.repeat(n);
        let diags = within(10, move || check(&src));
        assert!(diags.is_empty(), "{diags:?}");
    }
    assert_eq!(is_complete(GOOD), Completeness::Complete);
    assert_eq!(is_complete(GOOD.trim_end()), Completeness::Complete);
}

/// `src` must fail with a SyntaxError saying it nests too deep.
fn too_deep(name: &str, src: String) {
    let name = name.to_string();
    let diags = within(30, move || check(&src));
    assert!(!diags.is_empty(), "{name}: parsed, but should be too deep");
    assert!(
        diags.iter().any(|d| d.code == "python::syntax" && d.message.contains("too many")),
        "{name}: {:?}",
        diags.iter().map(|d| (d.code, d.message.as_str())).collect::<Vec<_>>()
    );
}

/// `src` must parse.
fn parses(name: &str, src: String) {
    let name = name.to_string();
    let diags = within(30, move || check(&src));
    assert!(diags.is_empty(), "{name}: {:?}", diags.iter().map(|d| (d.code, d.message.as_str())).collect::<Vec<_>>());
}

/// `n` nested compound statements, each indented one more level by `unit`.
fn nested_blocks(n: usize, unit: &str, header: &str) -> String {
    let mut s = String::new();
    for i in 0..n {
        s.push_str(&unit.repeat(i));
        s.push_str(header);
        s.push('\n');
    }
    s.push_str(&unit.repeat(n));
    s.push_str("pass\n");
    s
}

#[test]
fn brackets_right_at_and_past_the_limit() {
    let n = MAX_BRACKETS;
    parses("parentheses at the limit", format!("x = {}1{}\n", "(".repeat(n), ")".repeat(n)));
    too_deep("parentheses past the limit", format!("x = {}1{}\n", "(".repeat(n + 1), ")".repeat(n + 1)));
    too_deep("unclosed parentheses past the limit", "(".repeat(n + 1));
    too_deep("brackets past the limit", "[".repeat(n + 1));
    too_deep("braces past the limit", "{".repeat(n + 1));
    // Python 3.11 cannot nest an f-string in one with the same quote (PEP 701 is 3.12).
    let nested_fstrings = format!("{}1{}", "f'{".repeat(n + 1), "}'".repeat(n + 1));
    let diags = within(30, move || check(&nested_fstrings));
    assert_eq!(diags.first().map(|d| d.message.as_str()), Some("f-string: expecting '}'"));
    too_deep("calls past the limit", format!("{}x{}", "f(".repeat(n + 1), ")".repeat(n + 1)));
    // A list nests one tree level per bracket: the tree's own limit comes first.
    too_deep("lists at the bracket limit", format!("x = {}1{}", "[".repeat(n), "]".repeat(n)));
}

#[test]
fn prefix_runs_right_at_and_past_the_limit() {
    let n = MAX_PREFIX_RUN;
    for (name, op) in [("minus", "-"), ("plus", "+"), ("invert", "~"), ("not", "not "), ("mixed", "not -~+")] {
        too_deep(name, format!("x = {}y\n", op.repeat(n + 1)));
    }
    // Under both limits: fine.
    parses("a short run", format!("x = {}y\n", "-".repeat(MAX_NESTING.min(MAX_PREFIX_RUN) - 10)));
    parses("a short run of not", format!("x = {}y\n", "not ".repeat(MAX_NESTING.min(MAX_PREFIX_RUN) - 10)));
}

#[test]
fn tree_nesting_right_at_and_past_the_limit() {
    let n = MAX_NESTING;
    // Blocks: `n - 1` headers and the `pass` are `n` levels, the most the tree takes.
    parses("blocks at the limit", nested_blocks(n - 1, "    ", "if x:"));
    too_deep("blocks past the limit", nested_blocks(n, "    ", "if x:"));
    too_deep("tab blocks past the limit", nested_blocks(n + 1, "\t", "for i in x:"));
    too_deep("defs past the limit", nested_blocks(n + 1, " ", "def f(self):"));
    too_deep("classes past the limit", nested_blocks(n + 1, " ", "class A(nn.Module):"));
    too_deep("with past the limit", nested_blocks(n + 1, " ", "with torch.no_grad():"));
    too_deep("commands inside blocks past the limit", nested_blocks(n + 1, " ", "while x:").replace("pass\n", "call m with a (x)\n"));
    // Expressions: left- and right-nested chains one past the limit.
    for (name, src) in [
        ("sum", format!("x = {}a\n", "a + ".repeat(n + 1))),
        ("power", format!("x = {}2\n", "2 ** ".repeat(n + 1))),
        ("attributes", format!("x = y{}\n", ".a".repeat(n + 1))),
        ("subscripts", format!("x = y{}\n", "[0]".repeat(n + 1))),
        ("calls", format!("x = f{}\n", "()".repeat(n + 1))),
        ("conditional", format!("x = {}x\n", "x if y else ".repeat(n + 1))),
        ("lambda", format!("f = {}x\n", "lambda: ".repeat(n + 1))),
        ("in a call", format!("call m with a ({}x)\n", "x + ".repeat(n + 1))),
        ("in a def", format!("def f(x):\n    return {}x\n", "x @ ".repeat(n + 1))),
    ] {
        too_deep(name, src);
    }
}

#[test]
fn long_flat_input_within_the_limits_parses() {
    parses("a short sum", format!("x = {}\n", vec!["a"; MAX_NESTING - 10].join(" + ")));
    parses("a long flat list", format!("x = [{}]\n", vec!["1"; 100_000].join(", ")));
    parses("a long comparison chain", format!("x = {}\n", vec!["a"; 50_000].join(" < ")));
    parses("many statements", "x = 1\n".repeat(100_000));
    parses("many command lines", "call m with a (x) tie=False\n%show m\n".repeat(10_000));
    parses("a long string concatenation", format!("x = {}\n", vec!["'a'"; 50_000].join(" ")));
    parses("an assignment chain", format!("{}1\n", "a = ".repeat(10_000)));
    parses("many decorators", format!("{}def f(): pass\n", "@d\n".repeat(10_000)));
}

/// Input nested far past every limit (the retired parser's test size), one case per child
/// process: a stack overflow aborts its process, so each case runs alone and an overflow
/// fails this test with the case's name instead of killing the whole test binary.
fn far_past_the_limits() -> Vec<(&'static str, String)> {
    let n = 50_000;
    vec![
        ("parentheses", "(".repeat(n)),
        ("closed parentheses", format!("{}1{}", "(".repeat(n), ")".repeat(n))),
        ("brackets", "[".repeat(n)),
        ("braces", "{".repeat(n)),
        ("dict values", format!("x = {}", "{'a': ".repeat(n))),
        ("calls nested", format!("{}{}", "f(".repeat(n), ")".repeat(n))),
        ("f-strings", format!("{}1{}", "f\"{".repeat(n), "}\"".repeat(n))),
        ("minus", format!("{}x", "-".repeat(n))),
        ("not", format!("{}x", "not ".repeat(n))),
        ("minus in parentheses", format!("{}x{}", "-(".repeat(n), ")".repeat(n))),
        ("blocks", nested_blocks(3_000, " ", "if x:")),
        ("tab blocks", nested_blocks(3_000, "\t", "def f():")),
        ("sum", format!("{}a", "a + ".repeat(n))),
        ("power", format!("{}2", "2 ** ".repeat(n))),
        ("attributes", format!("x{}", ".a".repeat(n))),
        ("subscripts", format!("x{}", "[0]".repeat(n))),
        ("call chain", format!("f{}", "()".repeat(n))),
        ("conditional", format!("{}x", "x if y else ".repeat(n))),
        ("lambda", format!("{}x", "lambda: ".repeat(n))),
        ("and", format!("x = {}", vec!["a"; n].join(" and "))),
        ("call command", format!("{}m with a (x)", "call ".repeat(n))),
        ("call command argument", format!("call m with a ({}x)", "x + ".repeat(n))),
        ("explain", format!("{}call m with a (x)", "explain ".repeat(n))),
    ]
}

/// The child side of [`deep_nesting_gives_a_syntax_error_not_a_stack_overflow`]: runs the case
/// named by `FCALL_DEEP_CASE`; nothing without it.
#[test]
#[ignore = "a child process of deep_nesting_gives_a_syntax_error_not_a_stack_overflow"]
fn deep_case_child() {
    let Ok(i) = std::env::var("FCALL_DEEP_CASE") else { return };
    let (name, src) = far_past_the_limits().swap_remove(i.parse::<usize>().unwrap());
    let diags = within(30, move || check(&src));
    // A few of these are plain invalid Python (`call call m`); the rest nest too deep.
    assert!(!diags.is_empty() || name == "and", "{name}: parsed");
}

#[test]
fn deep_nesting_gives_a_syntax_error_not_a_stack_overflow() {
    let exe = std::env::current_exe().expect("the test binary");
    let mut failed = Vec::new();
    for (i, (name, _)) in far_past_the_limits().iter().enumerate() {
        let out = std::process::Command::new(&exe)
            .args(["deep_case_child", "--exact", "--ignored", "--test-threads=1", "--nocapture"])
            .env("FCALL_DEEP_CASE", i.to_string())
            .output()
            .expect("run the test binary");
        let stdout = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() || !stdout.contains("1 passed") {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let why = stderr.lines().find(|l| l.contains("overflow") || l.contains("panicked")).unwrap_or("").to_string();
            failed.push(format!("{name}: {} {why}", out.status));
        }
    }
    assert!(failed.is_empty(), "{} of {} deep inputs failed:\n{}", failed.len(), far_past_the_limits().len(), failed.join("\n"));
}
