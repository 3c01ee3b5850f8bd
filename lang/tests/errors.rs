//! Error tests: the code, the position (line:column) and the rendered caret of the
//! diagnostics a user meets most.

use fcall_lang::span::line_col as line_col_of;
use fcall_lang::parser::parse_program;
use fcall_lang::{codes, render, Diagnostic};

fn errors(src: &str) -> Vec<Diagnostic> {
    match parse_program(src) {
        Ok(p) => panic!("expected an error for {src:?}, got {p:?}"),
        Err(d) => d,
    }
}

/// The only diagnostic of `src`, with its code and 1-based line:col checked.
fn only(src: &str, code: &str, line_col: &str) -> Diagnostic {
    let d = errors(src);
    assert_eq!(d.len(), 1, "{d:#?}");
    let d = d.into_iter().next().unwrap();
    assert_eq!(d.code, code);
    assert_eq!(
        line_col_of(src, d.span.start).to_string(),
        line_col,
        "{d:?}"
    );
    d
}

#[test]
fn unclosed_brace() {
    let src = "def f(x) {\n    y = x + 1\n";
    let d = only(src, codes::UNCLOSED_BRACE, "1:10");
    assert_eq!(
        render(src, &d, false),
        "\
error[parse::unclosed_brace]: unclosed `{`: this `{` is never closed
 --> 1:10
  |
1 | def f(x) {
  |          ^
2 |     y = x + 1
  |              - the input ends here
  = hint: add the missing `}` to close the block
"
    );
    // The innermost unclosed bracket is the one reported.
    only(
        "class A {\n def f() {\n  x = [1,\n",
        codes::UNCLOSED_BRACKET,
        "3:7",
    );
    only("a = {foo: 1,", codes::UNCLOSED_BRACE, "1:5");
    only("f(1, 2", codes::UNCLOSED_PAREN, "1:2");
}

#[test]
fn unclosed_string() {
    let src = "x = 1\nname = \"lin.weight\n";
    let d = only(src, codes::UNTERMINATED_STRING, "2:8");
    assert_eq!(
        render(src, &d, false),
        "\
error[lex::unterminated_string]: unterminated string
 --> 2:8
  |
2 | name = \"lin.weight
  |        ^
  = hint: close the string with a matching `\"`
"
    );
    only("s = 'abc", codes::UNTERMINATED_STRING, "1:5");
}

#[test]
fn unexpected_token() {
    let src = "y = model(x) +* 2";
    let d = only(src, codes::EXPECTED_EXPRESSION, "1:15");
    assert_eq!(d.message, "expected an expression, found `*`");
    assert_eq!(
        render(src, &d, false),
        "\
error[parse::expected_expression]: expected an expression, found `*`
 --> 1:15
  |
1 | y = model(x) +* 2
  |               ^
"
    );
    let d = only("x = f(1 2)", codes::UNEXPECTED_TOKEN, "1:9");
    assert_eq!(d.message, "expected `,` or `)`, found the number `2`");
    let d = only("x = 1 y = 2", codes::EXPECTED_STATEMENT_END, "1:7");
    assert_eq!(
        d.hint.as_deref(),
        Some("statements end at a newline or `;`")
    );
    only("x = (1]", codes::MISMATCHED_CLOSE, "1:7");
    only("x = 1\n}", codes::UNMATCHED_CLOSE, "2:1");
    only("x = 2x", codes::BAD_NUMBER, "1:5");
    only("a = b ! c", codes::UNEXPECTED_CHAR, "1:7");
}

#[test]
fn mismatched_close_points_at_both() {
    let src = "y = g(x, [1, 2)";
    let d = only(src, codes::MISMATCHED_CLOSE, "1:15");
    assert_eq!(
        render(src, &d, false),
        "\
error[parse::mismatched_close]: `)` does not close the `[` opened before it
 --> 1:15
  |
1 | y = g(x, [1, 2)
  |               ^
  |          - opened here
  = hint: close it with `]` first
"
    );
}

#[test]
fn call_missing_with() {
    let src = "y = call model (x)";
    let d = only(src, codes::CALL_MISSING_WITH, "1:19");
    assert_eq!(
        render(src, &d, false),
        "\
error[parse::call_missing_with]: expected `with` after the module in `call`, but the input ended
 --> 1:19
  |
1 | y = call model (x)
  |                   ^
  = hint: name the dicts to swap in before the arguments: `call model with a (...)`
"
    );
    let d = only("call mod a (x)\n", codes::CALL_MISSING_WITH, "1:10");
    assert_eq!(
        d.message,
        "expected `with` after the module in `call`, found the name `a`"
    );
}

#[test]
fn call_missing_arguments() {
    let src = "y = call model with p\nz = 1";
    let d = only(src, codes::CALL_MISSING_ARGS, "1:22");
    assert_eq!(
        render(src, &d, false),
        "\
error[parse::call_missing_args]: expected the argument list `(...)` after the dicts, found end of line
 --> 1:22
  |
1 | y = call model with p
  |                      ^
  = hint: the arguments for forward follow the dicts in parentheses: `call mod with a (x)`; write `()` for none
"
    );
    let d = only(
        "call mod with a(x) tie=false",
        codes::CALL_MISSING_ARGS,
        "1:20",
    );
    assert!(d.hint.unwrap().contains("`with a (x)`"));
    only("call mod with\n", codes::CALL_MISSING_DICTS, "1:14");
    only("call with a (x)", codes::EXPECTED_EXPRESSION, "1:6");
    only(
        "call mod with a (x) tie=false bogus=1",
        codes::CALL_UNKNOWN_OPTION,
        "1:31",
    );
}

#[test]
fn dict_key_not_a_name_or_string() {
    let src = "a = {foo: t, 1 + 2: w}";
    let d = only(src, codes::DICT_KEY, "1:14");
    assert_eq!(
        render(src, &d, false),
        "\
error[parse::dict_key]: a dict key must be a name or a string
 --> 1:14
  |
1 | a = {foo: t, 1 + 2: w}
  |              ^^^^^
  = hint: keys are names or strings (never evaluated); write it in quotes: \"1 + 2\"
"
    );
    only("a = {f(x): w}", codes::DICT_KEY, "1:6");
    only("a = {none: w}", codes::DICT_KEY, "1:6");
}

#[test]
fn too_deep_is_an_error_not_a_crash() {
    let src = format!("x = {}1{}", "(".repeat(500), ")".repeat(500));
    let d = errors(&src);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].code, codes::TOO_DEEP);
}

#[test]
fn several_errors_are_all_reported() {
    let src = "x = (1 2)\ny = 3\nz = )\nreturn y\n";
    let codes: Vec<_> = errors(src).iter().map(|d| d.code).collect();
    assert_eq!(
        codes,
        vec![
            codes::UNEXPECTED_TOKEN,
            codes::UNMATCHED_CLOSE,
            codes::RETURN_OUTSIDE_DEF
        ]
    );
}

#[test]
fn colour_is_ansi_and_optional() {
    let src = "x = (";
    let d = errors(src).remove(0);
    let plain = render(src, &d, false);
    let coloured = render(src, &d, true);
    assert!(!plain.contains('\x1b'));
    assert!(coloured.contains("\x1b[1;31merror[parse::unclosed_paren]\x1b[0m"));
    let stripped = coloured
        .replace("\x1b[0m", "")
        .replace("\x1b[1;31m", "")
        .replace("\x1b[1;34m", "")
        .replace("\x1b[1;36m", "")
        .replace("\x1b[1m", "");
    assert_eq!(stripped, plain);
}
