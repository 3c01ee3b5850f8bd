//! Byte-offset spans into the source text, and the line/column lookup ([`LineIndex`]) that
//! turns an offset into the 1-based line and column a person reads.

use std::fmt;
use std::ops::Range;

/// A half-open byte range `start..end` into the source text that was parsed.
///
/// Every token and every AST node carries one. `start == end` is a point (used for "the input
/// ends here"). Offsets are bytes, always on `char` boundaries when produced by the lexer.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub struct Span {
    /// First byte of the range.
    pub start: usize,
    /// One past the last byte of the range.
    pub end: usize,
}

impl Span {
    /// The range `start..end` (the two are swapped if given in the wrong order).
    pub const fn new(start: usize, end: usize) -> Span {
        if start <= end {
            Span { start, end }
        } else {
            Span {
                start: end,
                end: start,
            }
        }
    }

    /// An empty span at `offset`.
    pub const fn point(offset: usize) -> Span {
        Span {
            start: offset,
            end: offset,
        }
    }

    /// The smallest span covering both `self` and `other`.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// Length in bytes.
    pub const fn len(self) -> usize {
        self.end - self.start
    }

    /// Whether the span is a point.
    pub const fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// Whether `offset` lies inside the span (`start <= offset < end`).
    pub const fn contains(self, offset: usize) -> bool {
        self.start <= offset && offset < self.end
    }

    /// As a `Range<usize>`, for slicing.
    pub const fn range(self) -> Range<usize> {
        self.start..self.end
    }

    /// The text the span covers in `src`; empty (never a panic) when it does not fit `src`.
    pub fn slice(self, src: &str) -> &str {
        src.get(self.range()).unwrap_or("")
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

impl From<Range<usize>> for Span {
    fn from(r: Range<usize>) -> Span {
        Span::new(r.start, r.end)
    }
}

/// A 1-based line and column. The column counts characters (not bytes) from the line start.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct LineCol {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
}

impl fmt::Display for LineCol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

thread_local! {
    static INDEXED_BYTES: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// The bytes [`LineIndex::new`] has scanned on this thread: a measure of work for tests that
/// keep error rendering linear in the size of a program.
pub fn indexed_bytes() -> u64 {
    INDEXED_BYTES.with(|n| n.get())
}

/// Line starts of one source text, for turning byte offsets into [`LineCol`]s.
///
/// Lines end at `\n`; a `\r` before it is not part of the line's text. The starts are shared
/// ([`LineIndex::line_starts`]), so a caller that shows many errors in one big source indexes it
/// once ([`LineIndex::with_line_starts`]) instead of once per error.
#[derive(Clone, Debug)]
pub struct LineIndex<'src> {
    src: &'src str,
    line_starts: std::sync::Arc<[usize]>,
}

impl<'src> LineIndex<'src> {
    /// Index the lines of `src`.
    pub fn new(src: &'src str) -> LineIndex<'src> {
        INDEXED_BYTES.with(|n| n.set(n.get() + src.len() as u64));
        let mut line_starts = vec![0];
        line_starts.extend(
            src.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { src, line_starts: line_starts.into() }
    }

    /// An index of `src` from the starts an earlier index of the same text computed.
    pub fn with_line_starts(src: &'src str, line_starts: std::sync::Arc<[usize]>) -> LineIndex<'src> {
        debug_assert!(line_starts.last().is_some_and(|l| *l <= src.len()));
        LineIndex { src, line_starts }
    }

    /// The line starts, shared (for [`LineIndex::with_line_starts`]).
    pub fn line_starts(&self) -> std::sync::Arc<[usize]> {
        self.line_starts.clone()
    }

    /// The indexed source.
    pub fn source(&self) -> &'src str {
        self.src
    }

    /// Number of lines (a text ending in `\n` has an empty last line).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Clamp `offset` into the text and down onto a char boundary.
    fn clamp(&self, offset: usize) -> usize {
        let mut o = offset.min(self.src.len());
        while !self.src.is_char_boundary(o) {
            o -= 1;
        }
        o
    }

    /// The 1-based line holding `offset` (offsets past the end are on the last line).
    pub fn line_of(&self, offset: usize) -> usize {
        let o = self.clamp(offset);
        match self.line_starts.binary_search(&o) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }

    /// Line and column of `offset`.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let o = self.clamp(offset);
        let line = self.line_of(o);
        let start = self.line_starts[line - 1];
        LineCol {
            line,
            col: self.src[start..o].chars().count() + 1,
        }
    }

    /// Byte range of line `line` (1-based), without its `\r\n` / `\n`.
    /// Lines out of range give an empty span at the end of the text.
    pub fn line_span(&self, line: usize) -> Span {
        if line == 0 || line > self.line_starts.len() {
            return Span::point(self.src.len());
        }
        let start = self.line_starts[line - 1];
        let mut end = self
            .line_starts
            .get(line)
            .map_or(self.src.len(), |&next| next - 1);
        if end > start && self.src.as_bytes()[end - 1] == b'\r' {
            end -= 1;
        }
        Span::new(start, end)
    }

    /// Text of line `line` (1-based), without its line ending.
    pub fn line_text(&self, line: usize) -> &'src str {
        self.line_span(line).slice(self.src)
    }
}

/// Line and column of `offset` in `src` (builds a [`LineIndex`]; keep one for many lookups).
pub fn line_col(src: &str, offset: usize) -> LineCol {
    LineIndex::new(src).line_col(offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_lookup() {
        let src = "ab\ncd\r\n\néf";
        let ix = LineIndex::new(src);
        assert_eq!(ix.line_count(), 4);
        assert_eq!(ix.line_col(0), LineCol { line: 1, col: 1 });
        assert_eq!(ix.line_col(2), LineCol { line: 1, col: 3 });
        assert_eq!(ix.line_col(3), LineCol { line: 2, col: 1 });
        assert_eq!(ix.line_text(2), "cd");
        assert_eq!(ix.line_text(3), "");
        assert_eq!(ix.line_text(4), "éf");
        // 'é' is two bytes; 'f' is the second character.
        assert_eq!(ix.line_col(src.len() - 1), LineCol { line: 4, col: 2 });
        assert_eq!(ix.line_col(src.len() + 10), LineCol { line: 4, col: 3 });
        // Inside the multi-byte 'é': rounded down to its start.
        assert_eq!(ix.line_col(src.len() - 2), LineCol { line: 4, col: 1 });
        assert_eq!(ix.line_text(99), "");
    }

    #[test]
    fn span_ops() {
        let a = Span::new(3, 5);
        assert_eq!(a.to(Span::new(1, 2)), Span::new(1, 5));
        assert_eq!(Span::new(5, 3), a);
        assert_eq!(a.slice("0123456"), "34");
        assert_eq!(a.slice("01"), "");
        assert!(a.contains(4) && !a.contains(5));
        assert_eq!(a.to_string(), "3..5");
    }
}
