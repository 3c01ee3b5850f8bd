//! Property tests: on random printable text and on random streams of the language's own
//! tokens, the lexer, the parser, `is_complete`, the renderer and the AST dump never panic,
//! never hang, stay within the input's bounds, and agree with each other. Plus inputs nested
//! far past the depth limit, which must give `parse::too_deep` instead of a stack overflow.

use fcall_lang::parser::parse_program;
use fcall_lang::complete::is_complete;
use fcall_lang::{codes, dump, lex, render, Completeness, Span};
use proptest::prelude::*;
use std::sync::mpsc;
use std::time::Duration;

/// Run `f` on another thread (with the default 2 MiB test stack) and fail if it takes longer
/// than `secs`: a parser that loops forever fails the test instead of hanging the suite.
fn within<T: Send + 'static>(secs: u64, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .stack_size(2 << 20)
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

/// Everything the front end offers, on one input; the invariants that must hold.
fn check(src: &str) {
    let lexed = lex(src);
    assert!(matches!(
        lexed.tokens.last().map(|t| &t.kind),
        Some(fcall_lang::token::TokenKind::Eof)
    ));
    for t in &lexed.tokens {
        assert!(in_bounds(t.span, src), "token {t:?} out of bounds");
    }
    let completeness = is_complete(src);
    match parse_program(src) {
        Ok(program) => {
            // What parses needs no more lines.
            assert_eq!(
                completeness,
                Completeness::Complete,
                "parsed but {completeness:?}"
            );
            for s in &program.stmts {
                assert!(
                    in_bounds(s.span, src),
                    "statement span {:?} out of bounds",
                    s.span
                );
            }
            let _ = dump(&program);
        }
        Err(diags) => {
            assert!(!diags.is_empty());
            for d in &diags {
                assert!(in_bounds(d.span, src), "diagnostic {d:?} out of bounds");
                assert!(
                    d.code.starts_with("lex::") || d.code.starts_with("parse::"),
                    "{}",
                    d.code
                );
                for l in &d.labels {
                    assert!(in_bounds(l.span, src), "label {l:?} out of bounds");
                }
                let _ = render(src, d, false);
                let _ = render(src, d, true);
            }
        }
    }
}

const FRAGMENTS: &[&str] = &[
    "x",
    "mod",
    "model",
    "a",
    "self",
    "foo",
    "lin.weight",
    "1",
    "2.5",
    "1e-3",
    "0",
    "\"s\"",
    "\"lin.weight\"",
    "'q'",
    "\"",
    "true",
    "false",
    "none",
    "and",
    "or",
    "not",
    "is",
    "in",
    "if",
    "else",
    "for",
    "while",
    "break",
    "continue",
    "def",
    "class",
    "return",
    "call",
    "with",
    "explain",
    "no_grad",
    "seed",
    "show",
    "ties",
    "help",
    "history",
    "reset",
    "export",
    "python",
    "tie",
    "strict",
    "=",
    "+=",
    "-=",
    "==",
    "!=",
    "<",
    ">=",
    "+",
    "-",
    "*",
    "/",
    "//",
    "%",
    "@",
    "**",
    "|",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ";",
    ":",
    ".",
    "...",
    "\n",
    "\n",
    "# c\n",
    "elif",
    "\\",
    "$",
    "é",
    "\t",
];

fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec((prop::sample::select(FRAGMENTS), prop::bool::ANY), 0..60).prop_map(
        |parts| {
            let mut s = String::new();
            for (frag, space) in parts {
                s.push_str(frag);
                if space {
                    s.push(' ');
                }
            }
            s
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, ..ProptestConfig::default() })]

    #[test]
    fn random_token_streams(src in token_soup()) {
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
    fn valid_programs_with_noise(prefix in token_soup(), n in 0usize..6) {
        // A valid program after random garbage, and the garbage after it.
        let good = "class T { def forward(x) { return x + 1 } }\ny = call T() with {foo: t} (x) tie=false\n";
        let a = format!("{prefix}\n{}", good.repeat(n));
        let b = format!("{}{prefix}", good.repeat(n));
        within(20, move || { check(&a); check(&b); });
    }
}

#[test]
fn deep_nesting_gives_too_deep() {
    let n = 50_000;
    let cases: Vec<String> = vec![
        "(".repeat(n),
        format!("{}1{}", "(".repeat(n), ")".repeat(n)),
        "[".repeat(n),
        "{".repeat(n),
        format!("x = {}", "{a: ".repeat(n)),
        format!("{}x", "-".repeat(n)),
        format!("{}x", "not ".repeat(n)),
        format!("{}2", "2 ** ".repeat(n)),
        format!("{}a", "a + ".repeat(n)),
        format!("x{}", ".a".repeat(n)),
        format!("x{}", "[0]".repeat(n)),
        format!("f{}", "()".repeat(n)),
        "call ".repeat(n),
        format!("{}m with a (x)", "call ".repeat(n)),
        "def f() {".repeat(n),
        "if x {".repeat(n),
        "class A { def f() { ".repeat(n),
        format!("{}{}", "f(".repeat(n), ")".repeat(n)),
    ];
    for src in cases {
        let head: String = src.chars().take(20).collect();
        let diags = within(30, move || {
            check(&src);
            match parse_program(&src) {
                Ok(_) => panic!("parsed, but should be too deep"),
                Err(d) => d,
            }
        });
        assert!(
            diags.iter().any(|d| d.code == codes::TOO_DEEP),
            "{head}...: {:?}",
            diags.iter().map(|d| d.code).collect::<Vec<_>>()
        );
    }
}

#[test]
fn nesting_within_the_limit_parses() {
    let src = format!("x = {}1{}", "(".repeat(40), ")".repeat(40));
    within(10, move || {
        assert!(parse_program(&src).is_ok(), "40 parentheses are fine")
    });
    let src = format!("{}x{}", "if x {".repeat(33), "}".repeat(33));
    within(10, move || {
        assert!(parse_program(&src).is_ok(), "33 nested blocks are fine")
    });
    let src = format!("x = {}", vec!["a"; 90].join(" + "));
    within(10, move || {
        assert!(parse_program(&src).is_ok(), "90 terms are fine")
    });
    let src = format!("x = [{}]", vec!["1"; 100_000].join(", "));
    within(10, move || {
        assert!(parse_program(&src).is_ok(), "a long flat list is fine")
    });
    let src = format!("x = {}", vec!["a"; 100_000].join(" < "));
    within(10, move || {
        assert!(parse_program(&src).is_ok(), "a comparison chain is flat")
    });
    let src = "x = 1\n".repeat(100_000);
    within(10, move || {
        assert!(parse_program(&src).is_ok(), "many statements are fine")
    });
}
