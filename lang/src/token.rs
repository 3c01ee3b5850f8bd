//! Tokens: what the lexer produces and the parser reads. Reserved keywords live here too;
//! command words (`seed`, `show`, `help`, ...), `explain` and `no_grad` are ordinary names
//! that the parser recognises by position.

use crate::span::Span;
use std::fmt;

/// One token with its span in the source.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    /// What the token is.
    pub kind: TokenKind,
    /// Where it is.
    pub span: Span,
}

/// Reserved words: never usable as names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Keyword {
    True,
    False,
    None,
    And,
    Or,
    Not,
    Is,
    In,
    If,
    Else,
    For,
    While,
    Break,
    Continue,
    Def,
    Class,
    Return,
    Call,
    With,
}

impl Keyword {
    /// Every keyword, for lookups and tests.
    pub const ALL: [Keyword; 19] = [
        Keyword::True,
        Keyword::False,
        Keyword::None,
        Keyword::And,
        Keyword::Or,
        Keyword::Not,
        Keyword::Is,
        Keyword::In,
        Keyword::If,
        Keyword::Else,
        Keyword::For,
        Keyword::While,
        Keyword::Break,
        Keyword::Continue,
        Keyword::Def,
        Keyword::Class,
        Keyword::Return,
        Keyword::Call,
        Keyword::With,
    ];

    /// The keyword as written.
    pub const fn as_str(self) -> &'static str {
        match self {
            Keyword::True => "true",
            Keyword::False => "false",
            Keyword::None => "none",
            Keyword::And => "and",
            Keyword::Or => "or",
            Keyword::Not => "not",
            Keyword::Is => "is",
            Keyword::In => "in",
            Keyword::If => "if",
            Keyword::Else => "else",
            Keyword::For => "for",
            Keyword::While => "while",
            Keyword::Break => "break",
            Keyword::Continue => "continue",
            Keyword::Def => "def",
            Keyword::Class => "class",
            Keyword::Return => "return",
            Keyword::Call => "call",
            Keyword::With => "with",
        }
    }

    /// The keyword spelled `word`, if any.
    pub fn from_word(word: &str) -> Option<Keyword> {
        Keyword::ALL.iter().copied().find(|k| k.as_str() == word)
    }
}

/// The kinds of token.
#[derive(Clone, Debug, PartialEq)]
pub enum TokenKind {
    /// An integer literal (`1`, `1_000`).
    Int(i64),
    /// A float literal (`2.5`, `1e-3`, `.5`, `1.`).
    Float(f64),
    /// A string literal, escapes already resolved.
    Str(String),
    /// A name.
    Ident(String),
    /// A reserved word.
    Kw(Keyword),
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `[`
    LBracket,
    /// `]`
    RBracket,
    /// `{`
    LBrace,
    /// `}`
    RBrace,
    /// `,`
    Comma,
    /// `;`
    Semi,
    /// `:`
    Colon,
    /// `.`
    Dot,
    /// `...`
    Ellipsis,
    /// `=`
    Assign,
    /// `+`
    Plus,
    /// `-`
    Minus,
    /// `*`
    Star,
    /// `/`
    Slash,
    /// `//`
    SlashSlash,
    /// `%`
    Percent,
    /// `@`
    At,
    /// `**`
    StarStar,
    /// `|`
    Pipe,
    /// `==`
    EqEq,
    /// `!=`
    NotEq,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `+=`
    PlusEq,
    /// `-=`
    MinusEq,
    /// `*=`
    StarEq,
    /// `/=`
    SlashEq,
    /// `//=`
    SlashSlashEq,
    /// `%=`
    PercentEq,
    /// `@=`
    AtEq,
    /// `**=`
    StarStarEq,
    /// `|=`
    PipeEq,
    /// A line break (statements end here unless inside `( )`, `[ ]` or a dict literal).
    Newline,
    /// The end of the input (always the last token).
    Eof,
}

impl TokenKind {
    /// The fixed spelling of punctuation, keywords, newline and end of input.
    pub fn symbol(&self) -> Option<&'static str> {
        use TokenKind::*;
        Some(match self {
            Int(_) | Float(_) | Str(_) | Ident(_) => return None,
            Kw(k) => k.as_str(),
            LParen => "(",
            RParen => ")",
            LBracket => "[",
            RBracket => "]",
            LBrace => "{",
            RBrace => "}",
            Comma => ",",
            Semi => ";",
            Colon => ":",
            Dot => ".",
            Ellipsis => "...",
            Assign => "=",
            Plus => "+",
            Minus => "-",
            Star => "*",
            Slash => "/",
            SlashSlash => "//",
            Percent => "%",
            At => "@",
            StarStar => "**",
            Pipe => "|",
            EqEq => "==",
            NotEq => "!=",
            Lt => "<",
            Le => "<=",
            Gt => ">",
            Ge => ">=",
            PlusEq => "+=",
            MinusEq => "-=",
            StarEq => "*=",
            SlashEq => "/=",
            SlashSlashEq => "//=",
            PercentEq => "%=",
            AtEq => "@=",
            StarStarEq => "**=",
            PipeEq => "|=",
            Newline => "\\n",
            Eof => "",
        })
    }

    /// How an error message names this token: "`)`", "the name `foo`", "end of input".
    pub fn describe(&self) -> String {
        match self {
            TokenKind::Int(v) => format!("the number `{v}`"),
            TokenKind::Float(v) => format!("the number `{v:?}`"),
            TokenKind::Str(_) => "a string".to_string(),
            TokenKind::Ident(n) => format!("the name `{n}`"),
            TokenKind::Kw(k) => format!("the keyword `{}`", k.as_str()),
            TokenKind::Newline => "end of line".to_string(),
            TokenKind::Eof => "end of input".to_string(),
            other => format!("`{}`", other.symbol().unwrap_or("?")),
        }
    }

    /// Whether this is the keyword `k`.
    pub fn is_kw(&self, k: Keyword) -> bool {
        matches!(self, TokenKind::Kw(x) if *x == k)
    }

    /// Whether this is the name `word`.
    pub fn is_ident(&self, word: &str) -> bool {
        matches!(self, TokenKind::Ident(n) if n == word)
    }
}

impl fmt::Display for TokenKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}
