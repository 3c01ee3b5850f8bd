//! fcall's command lines beside Python (LANGUAGE.md, "Commands"): a logical line that Python
//! rejects and that starts with a command word (`show mod`, `call mod with a (x)`,
//! `y = call ...`), or any line whose command word follows `%` (IPython's magic style).
//!
//! Before parsing, each command line is replaced by a placeholder expression of exactly the
//! same length and line layout (`(_      )`), so Python parses the rest with every offset
//! unchanged; the lowering then finds the placeholder by its start and parses the command
//! text kept here. No valid Python line changes meaning: a line is a command only when Python
//! rejects it standing alone (`show(x)` stays a call of `show`).

use std::collections::HashMap;

use ruff_python_ast::token::TokenKind;
use ruff_python_parser::{parse_expression_range, parse_unchecked, Mode, ParseOptions};
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::ast::{CallOption, CallOptionKind, CallPicture, Command, Expr, ExprKind, FunctionalCall, Ident, Stmt, StmtKind};
use crate::diagnostics::Diagnostic;
use crate::span::Span;

use super::lower::Lower;

/// The words that start a command.
pub const COMMAND_WORDS: [&str; 14] = ["call", "explain", "seed", "show", "ties", "help", "history", "reset", "export", "draw", "step", "watch", "unwatch", "plot"];

/// A command line found in the source: where its text is (without the `%`), and where the
/// placeholder that replaced it starts.
#[derive(Clone, Debug)]
pub struct CommandLine {
    /// The command text, from its word to the end of the logical line (comments excluded).
    pub text: Span,
    /// Whether it was written `%word ...`.
    pub percent: bool,
}

/// The source with command lines replaced, and the command lines by placeholder start.
pub struct Prepared {
    /// The source Python parses: the input with each command line replaced.
    pub source: String,
    /// Placeholder start offset → the command line it stands for.
    pub commands: HashMap<usize, CommandLine>,
}

fn span(r: TextRange) -> Span {
    Span::new(r.start().to_usize(), r.end().to_usize())
}

/// Whether `text` (one logical line, dedented) is valid Python on its own.
fn python_accepts(text: &str) -> bool {
    let parsed = super::parse_py311(text);
    parsed.errors().is_empty() && parsed.unsupported_syntax_errors().is_empty()
}

/// Finds the command lines of `src` and replaces them (see the module doc).
pub fn prepare(src: &str) -> Prepared {
    let parsed = super::parse_py311(src);
    let mut out = Prepared { source: src.to_string(), commands: HashMap::new() };
    if parsed.errors().is_empty() && parsed.unsupported_syntax_errors().is_empty() {
        return out;
    }
    let tokens: Vec<(TokenKind, TextRange)> = parsed.tokens().iter().map(|t| t.as_tuple()).collect();
    // Logical lines: token index ranges between Newline tokens (Indent/Dedent/comments skipped
    // at the start).
    let mut start = 0;
    let mut lines: Vec<(usize, usize)> = Vec::new();
    for (i, (k, _)) in tokens.iter().enumerate() {
        if matches!(k, TokenKind::Newline | TokenKind::EndOfFile) {
            lines.push((start, i));
            start = i + 1;
        }
    }
    if start < tokens.len() {
        lines.push((start, tokens.len()));
    }
    let mut bytes = src.as_bytes().to_vec();
    for (a, b) in lines {
        let toks: Vec<&(TokenKind, TextRange)> = tokens[a..b]
            .iter()
            .filter(|(k, _)| !matches!(k, TokenKind::Indent | TokenKind::Dedent | TokenKind::Comment | TokenKind::NonLogicalNewline))
            .collect();
        let Some(first) = toks.first() else { continue };
        // `%word ...`, `word ...`, `target = word ...`, `target = %word ...`.
        let mut i = 0;
        if toks.len() >= 3 && toks[0].0 == TokenKind::Name && toks[1].0 == TokenKind::Equal {
            i = 2;
        }
        let percent = toks.get(i).is_some_and(|t| t.0 == TokenKind::Percent);
        let w = if percent { i + 1 } else { i };
        let Some(word_tok) = toks.get(w) else { continue };
        if word_tok.0 != TokenKind::Name || !COMMAND_WORDS.contains(&&src[word_tok.1.start().to_usize()..word_tok.1.end().to_usize()]) {
            continue;
        }
        if percent && w > 0 && toks[w - 1].1.end() != word_tok.1.start() {
            continue;
        }
        let word = &src[span(word_tok.1).start..span(word_tok.1).end];
        if i == 2 && !matches!(word, "call" | "explain") {
            continue;
        }
        let line_end = toks.last().map(|t| t.1.end().to_usize()).unwrap_or(first.1.end().to_usize());
        let line_start = first.1.start().to_usize();
        if !percent && python_accepts(&src[line_start..line_end]) {
            continue;
        }
        let cmd_start = toks[i].1.start().to_usize();
        // An unterminated string's token runs to the end of the input, newlines included: the
        // line's layout (and the input's final newline) stays outside the placeholder.
        let line_end = cmd_start + src[cmd_start..line_end].trim_end().len();
        let text = Span::new(word_tok.1.start().to_usize(), line_end);
        // The placeholder: `(_` then the same layout in spaces, then `)`.
        let len = line_end - cmd_start;
        if len < 3 {
            continue;
        }
        for (j, byte) in bytes[cmd_start..line_end].iter_mut().enumerate() {
            *byte = match (j, *byte) {
                (0, _) => b'(',
                (1, _) => b'_',
                (j, _) if j == len - 1 => b')',
                (_, b'\n') => b'\n',
                (_, b'\r') => b'\r',
                _ => b' ',
            };
        }
        // Keyed by the `_` inside: the placeholder expression's range leaves the parentheses out.
        out.commands.insert(cmd_start + 1, CommandLine { text, percent });
    }
    // Only ASCII bytes were written over whole characters' bytes... but a multi-byte character
    // inside a command becomes several spaces, which is still valid UTF-8.
    out.source = String::from_utf8(bytes).expect("placeholders keep the text UTF-8");
    out
}

/// The span of `r` in the original source.
fn sp(r: TextRange) -> Span {
    span(r)
}

/// Parses one Python expression at `range` of `src` (offsets stay absolute).
fn expr_at(lower: &mut Lower, range: Span) -> Result<Expr, Diagnostic> {
    // Starting inside a line, leading blanks would read as indentation.
    let text = &lower.src[range.start..range.end];
    let range = Span::new(range.start + (text.len() - text.trim_start().len()), range.end);
    let text = &lower.src[range.start..range.end];
    if text.trim().is_empty() {
        return Err(Diagnostic::new("python::syntax", "invalid syntax", range).with_hint("an expression is missing here"));
    }
    let r = TextRange::new(TextSize::new(range.start as u32), TextSize::new(range.end as u32));
    let src = lower.src;
    match parse_expression_range(src, r) {
        Ok(parsed) => lower.expr(&parsed.into_syntax().body),
        Err(e) => Err(super::errors::diagnostic(src, &e)),
    }
}

fn cmd_error(message: impl Into<String>, span: Span, hint: &str) -> Diagnostic {
    Diagnostic::new("python::command", message, span).with_hint(hint)
}

/// Tokens of a command's text, with their absolute ranges.
fn tokens_of(src: &str, text: Span) -> Vec<(TokenKind, Span)> {
    let parsed = parse_unchecked(&src[text.start..text.end], ParseOptions::from(Mode::Module));
    parsed
        .tokens()
        .iter()
        .map(|t| (t.kind(), sp(t.range())))
        .map(|(k, s)| (k, Span::new(s.start + text.start, s.end + text.start)))
        .filter(|(k, _)| !matches!(k, TokenKind::Comment | TokenKind::NonLogicalNewline | TokenKind::Newline | TokenKind::EndOfFile | TokenKind::Indent | TokenKind::Dedent))
        .collect()
}

/// The statement for the command line `cmd` whose placeholder is `placeholder`.
pub fn command_stmt(lower: &mut Lower, cmd: &CommandLine, stmt_span: Span) -> Result<Stmt, Diagnostic> {
    let src = lower.src;
    let toks = tokens_of(src, cmd.text);
    let word_span = toks[0].1;
    let word = &src[word_span.start..word_span.end];
    let rest = Span::new(word_span.end, cmd.text.end);
    let rest_text = src[rest.start..rest.end].trim();
    let arg = |lower: &mut Lower, what: &str| -> Result<Expr, Diagnostic> {
        if rest_text.is_empty() {
            return Err(cmd_error(format!("`{word}` needs {what}"), word_span, &format!("{word} {what}")));
        }
        expr_at(lower, rest)
    };
    let command = match word {
        "call" | "explain" | "step" => {
            let e = functional_call(lower, cmd, &toks)?;
            return Ok(Stmt { kind: StmtKind::Expr(e), span: stmt_span });
        }
        "draw" if toks.get(1).is_some_and(|(k, s)| *k == TokenKind::Name && &src[s.start..s.end] == "call") => {
            let e = functional_call(lower, cmd, &toks)?;
            return Ok(Stmt { kind: StmtKind::Expr(e), span: stmt_span });
        }
        "draw" => Command::Draw(arg(lower, "a module, a dict or a call (draw mod, draw call mod with a (x))")?),
        "seed" => Command::Seed(arg(lower, "a number (seed 0)")?),
        "show" => Command::Show(arg(lower, "a value (show mod)")?),
        "ties" => Command::Ties(arg(lower, "a module (ties mod)")?),
        "help" => Command::Help(match toks.get(1) {
            None => None,
            Some((_, s)) if toks.len() == 2 => Some(Ident { name: src[s.start..s.end].trim_matches(|c| c == '"' || c == '\'').to_string(), span: *s }),
            Some(_) => return Err(cmd_error("`help` takes one topic", rest, "help call")),
        }),
        "history" | "reset" if toks.len() == 1 => {
            if word == "history" {
                Command::History
            } else {
                Command::Reset
            }
        }
        "history" | "reset" => return Err(cmd_error(format!("`{word}` takes nothing after it"), rest, word)),
        "watch" | "unwatch" => {
            let e = if rest_text.is_empty() { None } else { Some(expr_at(lower, rest)?) };
            if word == "watch" {
                Command::Watch(e)
            } else {
                Command::Unwatch(e)
            }
        }
        // `plot watch`: the watches (a name `watch` is plotted with `plot(watch)`).
        "plot" if rest_text == "watch" => Command::Plot(None),
        "plot" => Command::Plot(Some(arg(lower, "a value or `watch` (plot losses, plot watch)")?)),
        "export" => {
            let Some((TokenKind::Name, fs)) = toks.get(1) else {
                return Err(cmd_error("`export` needs a format and a path", rest, "export python \"session.py\""));
            };
            let format = Ident { name: src[fs.start..fs.end].to_string(), span: *fs };
            let path = Span::new(fs.end, cmd.text.end);
            if src[path.start..path.end].trim().is_empty() {
                return Err(cmd_error("`export` needs a path", *fs, "export python \"session.py\""));
            }
            Command::Export { format, path: expr_at(lower, path)? }
        }
        _ => return Err(cmd_error(format!("unknown command `{word}`"), word_span, "see `help`")),
    };
    Ok(Stmt { kind: StmtKind::Command(command), span: stmt_span })
}

/// `[explain|draw|step] call MODULE with DICTS (ARGS) [tie=..] [strict=..]` as an expression.
pub fn functional_call(lower: &mut Lower, cmd: &CommandLine, toks: &[(TokenKind, Span)]) -> Result<Expr, Diagnostic> {
    let src = lower.src;
    let text = |s: &Span| &src[s.start..s.end];
    let mut i = 0;
    let first = text(&toks[0].1);
    if first != "call" {
        i = 1;
        if !matches!(toks.get(1), Some((TokenKind::Name, s)) if text(s) == "call") {
            return Err(cmd_error(format!("`{first}` is followed by a call"), toks[0].1, &format!("{first} call mod with a (x)")));
        }
    }
    let explain = (first == "explain").then_some(toks[0].1);
    let picture = match first {
        "draw" => Some((CallPicture::Draw, toks[0].1)),
        "step" => Some((CallPicture::Step, toks[0].1)),
        _ => None,
    };
    let call_span = toks[i].1;
    // Depth-0 `with` and the last depth-0 `)`.
    let mut depth = 0i32;
    let mut with_at = None;
    let mut last_close = None;
    for (j, (k, _)) in toks.iter().enumerate().skip(i + 1) {
        match k {
            TokenKind::Lpar | TokenKind::Lsqb | TokenKind::Lbrace => depth += 1,
            TokenKind::Rpar | TokenKind::Rsqb | TokenKind::Rbrace => {
                depth -= 1;
                if depth == 0 && *k == TokenKind::Rpar && with_at.is_some() {
                    last_close = Some(j);
                }
            }
            TokenKind::With if depth == 0 && with_at.is_none() => with_at = Some(j),
            _ => {}
        }
    }
    let Some(w) = with_at else {
        return Err(cmd_error("`call MODULE` must be followed by `with`", call_span, "call mod with a (x)"));
    };
    if w == i + 1 {
        return Err(cmd_error("`call` needs a module before `with`", toks[w].1, "call mod with a (x)"));
    }
    let module = expr_at(lower, Span::new(toks[i + 1].1.start, toks[w - 1].1.end))?;
    let Some(close) = last_close else {
        let at = toks.get(w + 1).map(|t| t.1).unwrap_or(toks[w].1);
        return Err(cmd_error("`call MODULE with DICTS` must be followed by the arguments in parentheses", at, "call mod with a (x): `()` for no arguments"));
    };
    if close == w + 1 || w + 1 >= toks.len() {
        return Err(cmd_error("`call MODULE with` needs the dicts", toks[w].1, "call mod with a (x)"));
    }
    let target = Span::new(toks[w + 1].1.start, toks[close].1.end);
    let e = expr_at(lower, target)?;
    let ExprKind::Call { func, args } = e.kind else {
        return Err(cmd_error("`call MODULE with DICTS` must be followed by the arguments in parentheses", target, "call mod with a (x): `()` for no arguments"));
    };
    let dicts = *func;
    let args_span = Span::new(dicts.span.end, target.end);
    // Options: NAME = VALUE pairs after the arguments.
    let mut options: Vec<CallOption> = Vec::new();
    let mut j = close + 1;
    while j < toks.len() {
        let (TokenKind::Name, ns) = toks[j] else {
            return Err(cmd_error("expected `tie=`, `strict=` or `rows=` after the arguments", toks[j].1, "call mod with a (x) tie=False strict=True rows=all"));
        };
        let name = text(&ns).to_string();
        let Some(kind) = CallOptionKind::from_name(&name) else {
            return Err(cmd_error(format!("unknown call option `{name}`"), ns, "the options are tie= (tie_weights=), strict= and rows=all"));
        };
        if toks.get(j + 1).map(|t| t.0) != Some(TokenKind::Equal) || j + 2 >= toks.len() {
            return Err(cmd_error(format!("`{name}` needs a value"), ns, &format!("{name}=False")));
        }
        let vs = toks[j + 2].1;
        let value = match text(&vs) {
            "True" | "true" => Expr { kind: ExprKind::Bool(true), span: vs },
            "False" | "false" => Expr { kind: ExprKind::Bool(false), span: vs },
            _ => expr_at(lower, vs)?,
        };
        if let Some(prev) = options.iter().find(|o| o.kind == kind) {
            return Err(cmd_error(format!("`{}` given twice", kind.as_str()), ns, "give each option once").with_label(prev.span, "first given here"));
        }
        options.push(CallOption { kind, name: Ident { name, span: ns }, value, span: Span::new(ns.start, vs.end) });
        j += 3;
    }
    let span = Span::new(toks[0].1.start, cmd.text.end);
    Ok(Expr {
        kind: ExprKind::FunctionalCall(Box::new(FunctionalCall { explain, picture, call_span, module, dicts, args, args_span, options })),
        span,
    })
}
