//! The lexer: source text to [`Token`]s. Skips spaces and `#` comments, keeps line breaks as
//! [`TokenKind::Newline`] (the parser decides where they end a statement), resolves string
//! escapes, and reports `lex::*` diagnostics while going on to the end of the input.

use crate::diagnostics::{codes, Diagnostic};
use crate::span::Span;
use crate::token::{Keyword, Token, TokenKind};

/// The lexer's result: the tokens (always ending with [`TokenKind::Eof`]) and any errors.
#[derive(Clone, Debug, PartialEq)]
pub struct Lexed {
    /// The tokens, in order; the last one is `Eof`.
    pub tokens: Vec<Token>,
    /// Lexical errors, in source order. The tokens are still usable (best effort).
    pub diagnostics: Vec<Diagnostic>,
}

/// Split `src` into tokens.
///
/// Strings may span lines; an unterminated one runs to the end of the input and is reported
/// as `lex::unterminated_string` (the REPL treats that as "continue the line").
pub fn lex(src: &str) -> Lexed {
    let mut lx = Lexer {
        src,
        pos: 0,
        tokens: Vec::new(),
        diags: Vec::new(),
    };
    lx.run();
    let end = src.trim_end().len();
    lx.tokens.push(Token {
        kind: TokenKind::Eof,
        span: Span::point(end),
    });
    Lexed {
        tokens: lx.tokens,
        diagnostics: lx.diags,
    }
}

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    tokens: Vec<Token>,
    diags: Vec<Diagnostic>,
}

fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_ident_continue(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

impl<'a> Lexer<'a> {
    fn peek(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.src[self.pos..].chars().nth(n)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn push(&mut self, kind: TokenKind, start: usize) {
        self.tokens.push(Token {
            kind,
            span: Span::new(start, self.pos),
        });
    }

    fn run(&mut self) {
        while let Some(c) = self.peek() {
            let start = self.pos;
            match c {
                '\n' => {
                    self.bump();
                    self.push(TokenKind::Newline, start);
                }
                c if c.is_whitespace() => {
                    self.bump();
                }
                '#' => {
                    while let Some(c) = self.peek() {
                        if c == '\n' {
                            break;
                        }
                        self.bump();
                    }
                }
                '"' | '\'' => self.string(c),
                '0'..='9' => self.number(),
                // `.5` is a number, but `model.0.weight` is an attribute path: after a name or a
                // closing bracket the dot is punctuation and the digits are an index name.
                '.' if self.peek_at(1).is_some_and(|d| d.is_ascii_digit()) && !self.after_value() => self.number(),
                c if is_ident_start(c) => self.ident(),
                _ => self.punct(c),
            }
        }
    }

    /// Whether the last token ends a value (a name, `)` or `]`), so a `.` continues it.
    fn after_value(&self) -> bool {
        self.tokens.last().is_some_and(|t| {
            matches!(t.kind, TokenKind::Ident(_) | TokenKind::RParen | TokenKind::RBracket) && t.span.end == self.pos
        })
    }

    fn ident(&mut self) {
        let start = self.pos;
        while self.peek().is_some_and(is_ident_continue) {
            self.bump();
        }
        let word = &self.src[start..self.pos];
        let kind = match Keyword::from_word(word) {
            Some(k) => TokenKind::Kw(k),
            None => TokenKind::Ident(word.to_string()),
        };
        self.push(kind, start);
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_digit() || c == '_') {
            self.bump();
        }
    }

    fn number(&mut self) {
        let start = self.pos;
        let mut float = false;
        self.digits();
        if self.peek() == Some('.') {
            let next = self.peek_at(1);
            if next.is_some_and(|d| d.is_ascii_digit()) {
                self.bump();
                self.digits();
                float = true;
            } else if !next.is_some_and(|d| d == '.' || is_ident_start(d)) {
                // `1.` is a float, like Python; `1..` and `1.x` are not.
                self.bump();
                float = true;
            }
        }
        if matches!(self.peek(), Some('e' | 'E')) {
            let sign = usize::from(matches!(self.peek_at(1), Some('+' | '-')));
            if self.peek_at(1 + sign).is_some_and(|d| d.is_ascii_digit()) {
                self.bump();
                if sign == 1 {
                    self.bump();
                }
                self.digits();
                float = true;
            }
        }
        if self.peek().is_some_and(is_ident_continue) {
            while self.peek().is_some_and(is_ident_continue) {
                self.bump();
            }
            let text = &self.src[start..self.pos];
            self.diags.push(
                Diagnostic::new(
                    codes::BAD_NUMBER,
                    format!("invalid number `{text}`"),
                    Span::new(start, self.pos),
                )
                .with_hint("a name cannot start with a digit; write `2 * x` for a product"),
            );
            self.push(TokenKind::Int(0), start);
            return;
        }
        let text: String = self.src[start..self.pos]
            .chars()
            .filter(|&c| c != '_')
            .collect();
        let kind = if float {
            TokenKind::Float(text.parse().unwrap_or(f64::NAN))
        } else {
            match text.parse::<i64>() {
                Ok(v) => TokenKind::Int(v),
                Err(_) => {
                    self.diags.push(
                        Diagnostic::new(
                            codes::INT_TOO_LARGE,
                            "integer literal too large for 64 bits",
                            Span::new(start, self.pos),
                        )
                        .with_hint("write it as a float, e.g. `1e20`"),
                    );
                    TokenKind::Int(0)
                }
            }
        };
        self.push(kind, start);
    }

    fn string(&mut self, quote: char) {
        let start = self.pos;
        self.bump();
        let mut value = String::new();
        loop {
            let Some(c) = self.peek() else {
                self.diags.push(
                    Diagnostic::new(
                        codes::UNTERMINATED_STRING,
                        "unterminated string",
                        Span::new(start, start + 1),
                    )
                    .with_hint(format!("close the string with a matching `{quote}`")),
                );
                break;
            };
            let at = self.pos;
            self.bump();
            if c == quote {
                break;
            }
            if c != '\\' {
                value.push(c);
                continue;
            }
            match self.bump() {
                Some('n') => value.push('\n'),
                Some('t') => value.push('\t'),
                Some('r') => value.push('\r'),
                Some('0') => value.push('\0'),
                Some('\\') => value.push('\\'),
                Some('"') => value.push('"'),
                Some('\'') => value.push('\''),
                Some('\n') => {} // a backslash at the end of a line joins the lines
                Some('u') => self.unicode_escape(at, &mut value),
                Some(other) => {
                    self.diags.push(
                        Diagnostic::new(
                            codes::BAD_ESCAPE,
                            format!("unknown escape `\\{other}` in a string"),
                            Span::new(at, self.pos),
                        )
                        .with_hint(r#"escapes are \n \t \r \0 \\ \" \' and \u{HEX}; write \\ for a backslash"#),
                    );
                    value.push(other);
                }
                None => {} // reported as unterminated on the next turn
            }
        }
        self.push(TokenKind::Str(value), start);
    }

    /// After `\u`: `{HEX}` with 1 to 6 hex digits naming a Unicode scalar value.
    fn unicode_escape(&mut self, at: usize, value: &mut String) {
        let mut ok = false;
        if self.eat('{') {
            let hex_start = self.pos;
            while self.peek().is_some_and(|c| c.is_ascii_hexdigit()) && self.pos - hex_start < 6 {
                self.bump();
            }
            let hex = &self.src[hex_start..self.pos];
            if !hex.is_empty() && self.eat('}') {
                if let Some(c) = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
                    value.push(c);
                    ok = true;
                }
            }
        }
        if !ok {
            self.diags.push(
                Diagnostic::new(
                    codes::BAD_ESCAPE,
                    "invalid unicode escape",
                    Span::new(at, self.pos),
                )
                .with_hint(r"write \u{HEX} with 1 to 6 hex digits, e.g. \u{e9}"),
            );
        }
    }

    fn punct(&mut self, c: char) {
        use TokenKind::*;
        let start = self.pos;
        self.bump();
        let kind = match c {
            '(' => LParen,
            ')' => RParen,
            '[' => LBracket,
            ']' => RBracket,
            '{' => LBrace,
            '}' => RBrace,
            ',' => Comma,
            ';' => Semi,
            ':' => Colon,
            '.' => {
                if self.peek() == Some('.') && self.peek_at(1) == Some('.') {
                    self.bump();
                    self.bump();
                    Ellipsis
                } else {
                    Dot
                }
            }
            '=' => {
                if self.eat('=') {
                    EqEq
                } else {
                    Assign
                }
            }
            '!' if self.eat('=') => NotEq,
            '<' => {
                if self.eat('=') {
                    Le
                } else {
                    Lt
                }
            }
            '>' => {
                if self.eat('=') {
                    Ge
                } else {
                    Gt
                }
            }
            '+' => self.maybe_eq(Plus, PlusEq),
            '-' => self.maybe_eq(Minus, MinusEq),
            '%' => self.maybe_eq(Percent, PercentEq),
            '@' => self.maybe_eq(At, AtEq),
            '|' => self.maybe_eq(Pipe, PipeEq),
            '*' => {
                if self.eat('*') {
                    self.maybe_eq(StarStar, StarStarEq)
                } else {
                    self.maybe_eq(Star, StarEq)
                }
            }
            '/' => {
                if self.eat('/') {
                    self.maybe_eq(SlashSlash, SlashSlashEq)
                } else {
                    self.maybe_eq(Slash, SlashEq)
                }
            }
            other => {
                let hint = match other {
                    '!' => Some("write `not x` for negation and `!=` for inequality"),
                    '&' => Some("write `and` for a logical and"),
                    '`' => Some("strings use double quotes: \"text\""),
                    '\\' => Some("a backslash only appears inside a string"),
                    _ => None,
                };
                let mut d = Diagnostic::new(
                    codes::UNEXPECTED_CHAR,
                    format!("unexpected character `{}`", other.escape_debug()),
                    Span::new(start, self.pos),
                );
                if let Some(h) = hint {
                    d = d.with_hint(h);
                }
                self.diags.push(d);
                return;
            }
        };
        self.push(kind, start);
    }

    fn maybe_eq(&mut self, plain: TokenKind, with_eq: TokenKind) -> TokenKind {
        if self.eat('=') {
            with_eq
        } else {
            plain
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use TokenKind::*;

    fn kinds(src: &str) -> Vec<TokenKind> {
        let l = lex(src);
        assert!(l.diagnostics.is_empty(), "{:?}", l.diagnostics);
        l.tokens.into_iter().map(|t| t.kind).collect()
    }

    #[test]
    fn numbers() {
        assert_eq!(
            kinds("1 2.5 1e-3 .5 1. 1_000 3E+2 7"),
            vec![
                Int(1),
                Float(2.5),
                Float(1e-3),
                Float(0.5),
                Float(1.0),
                Int(1000),
                Float(300.0),
                Int(7),
                Eof
            ]
        );
        // `1.x` is an attribute of 1, and `1..` is not a float.
        assert_eq!(kinds("1.x"), vec![Int(1), Dot, Ident("x".into()), Eof]);
    }

    #[test]
    fn strings_and_escapes() {
        assert_eq!(
            kinds(r#""a\"b" 'c\'d' "\n\t\\\u{e9}" "lin.weight""#),
            vec![
                Str("a\"b".into()),
                Str("c'd".into()),
                Str("\n\t\\é".into()),
                Str("lin.weight".into()),
                Eof
            ]
        );
        assert_eq!(kinds("\"a\nb\""), vec![Str("a\nb".into()), Eof]);
    }

    #[test]
    fn comments_newlines_keywords() {
        assert_eq!(
            kinds("x = 1 # c { \"\ncall m with none; no_grad"),
            vec![
                Ident("x".into()),
                Assign,
                Int(1),
                Newline,
                Kw(Keyword::Call),
                Ident("m".into()),
                Kw(Keyword::With),
                Kw(Keyword::None),
                Semi,
                Ident("no_grad".into()),
                Eof
            ]
        );
    }

    #[test]
    fn operators() {
        assert_eq!(
            kinds("+ += - -= * *= ** **= / /= // //= % @ @= | |= == != < <= > >= ... . : ,"),
            vec![
                Plus,
                PlusEq,
                Minus,
                MinusEq,
                Star,
                StarEq,
                StarStar,
                StarStarEq,
                Slash,
                SlashEq,
                SlashSlash,
                SlashSlashEq,
                Percent,
                At,
                AtEq,
                Pipe,
                PipeEq,
                EqEq,
                NotEq,
                Lt,
                Le,
                Gt,
                Ge,
                Ellipsis,
                Dot,
                Colon,
                Comma,
                Eof
            ]
        );
    }

    #[test]
    fn spans() {
        let l = lex("ab  \"c\"\n");
        assert_eq!(l.tokens[0].span, Span::new(0, 2));
        assert_eq!(l.tokens[1].span, Span::new(4, 7));
        assert_eq!(l.tokens[2].span, Span::new(7, 8));
        assert_eq!(l.tokens[3].span, Span::point(7)); // Eof after the last visible character
    }

    #[test]
    fn errors() {
        let l = lex("x = \"abc");
        assert_eq!(l.diagnostics.len(), 1);
        assert_eq!(l.diagnostics[0].code, codes::UNTERMINATED_STRING);
        assert_eq!(l.diagnostics[0].span, Span::new(4, 5));
        let codes_of = |s: &str| {
            lex(s)
                .diagnostics
                .iter()
                .map(|d| d.code)
                .collect::<Vec<_>>()
        };
        assert_eq!(codes_of("\"\\q\""), vec![codes::BAD_ESCAPE]);
        assert_eq!(codes_of("\"\\u{110000}\""), vec![codes::BAD_ESCAPE]);
        assert_eq!(
            codes_of("a $ b ! c"),
            vec![codes::UNEXPECTED_CHAR, codes::UNEXPECTED_CHAR]
        );
        assert_eq!(codes_of("2x"), vec![codes::BAD_NUMBER]);
        assert_eq!(codes_of("99999999999999999999"), vec![codes::INT_TOO_LARGE]);
    }
}
