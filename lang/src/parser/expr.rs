//! Operator expressions with Python's precedence (a Pratt parser), loosest first:
//! `or`, `and`, `not`, comparisons (`== != < <= > >= is` `is not` `in` `not in`, chained),
//! `|`, `+ -`, `* / // % @`, unary `- +`, `**` (right associative, binding tighter than a
//! unary minus on its left: `-x ** 2` is `-(x ** 2)`, and `2 ** -1` works).

use super::{PResult, Parser};
use crate::ast::{BinOp, CmpOp, Comparison, Expr, ExprKind, LogicalOp, UnaryOp};
use crate::span::Span;
use crate::token::{Keyword, TokenKind};

const BP_OR: u8 = 1;
const BP_AND: u8 = 2;
const BP_NOT: u8 = 3;
const BP_CMP: u8 = 4;
const BP_PIPE: u8 = 5;
const BP_ADD: u8 = 6;
const BP_MUL: u8 = 7;
/// The binding power of unary `-` / `+` (and of a `call` option's value).
pub(crate) const BP_UNARY: u8 = 8;
const BP_POW: u8 = 9;

enum Infix {
    Bin(BinOp),
    Logical(LogicalOp),
    Cmp,
}

impl<'a> Parser<'a> {
    /// A full expression (no unparenthesised tuple).
    pub(crate) fn expr(&mut self) -> PResult<Expr> {
        self.expr_bp(0)
    }

    /// An expression whose infix operators all bind at least as tightly as `min_bp`.
    pub(crate) fn expr_bp(&mut self, min_bp: u8) -> PResult<Expr> {
        self.nested(|p| p.expr_bp_inner(min_bp))
    }

    fn expr_bp_inner(&mut self, min_bp: u8) -> PResult<Expr> {
        let tok = self.peek();
        let mut lhs = match &tok.kind {
            TokenKind::Minus | TokenKind::Plus | TokenKind::Kw(Keyword::Not) => {
                let (op, bp) = match tok.kind {
                    TokenKind::Minus => (UnaryOp::Neg, BP_UNARY),
                    TokenKind::Plus => (UnaryOp::Pos, BP_UNARY),
                    _ => (UnaryOp::Not, BP_NOT),
                };
                let op_span = self.bump().span;
                let operand = self.expr_bp(bp)?;
                Expr {
                    span: op_span.to(operand.span),
                    kind: ExprKind::Unary {
                        op,
                        op_span,
                        operand: Box::new(operand),
                    },
                }
            }
            _ => self.postfix_expr(false)?,
        };
        let mut chain = 0;
        loop {
            let (infix, lbp) = match self.peek_kind() {
                TokenKind::Kw(Keyword::Or) => (Infix::Logical(LogicalOp::Or), BP_OR),
                TokenKind::Kw(Keyword::And) => (Infix::Logical(LogicalOp::And), BP_AND),
                TokenKind::EqEq
                | TokenKind::NotEq
                | TokenKind::Lt
                | TokenKind::Le
                | TokenKind::Gt
                | TokenKind::Ge
                | TokenKind::Kw(Keyword::Is)
                | TokenKind::Kw(Keyword::In) => (Infix::Cmp, BP_CMP),
                TokenKind::Kw(Keyword::Not) if self.peek_nth(1).kind.is_kw(Keyword::In) => {
                    (Infix::Cmp, BP_CMP)
                }
                TokenKind::Pipe => (Infix::Bin(BinOp::BitOr), BP_PIPE),
                TokenKind::Plus => (Infix::Bin(BinOp::Add), BP_ADD),
                TokenKind::Minus => (Infix::Bin(BinOp::Sub), BP_ADD),
                TokenKind::Star => (Infix::Bin(BinOp::Mul), BP_MUL),
                TokenKind::Slash => (Infix::Bin(BinOp::Div), BP_MUL),
                TokenKind::SlashSlash => (Infix::Bin(BinOp::FloorDiv), BP_MUL),
                TokenKind::Percent => (Infix::Bin(BinOp::Mod), BP_MUL),
                TokenKind::At => (Infix::Bin(BinOp::MatMul), BP_MUL),
                TokenKind::StarStar => (Infix::Bin(BinOp::Pow), BP_POW),
                _ => break,
            };
            if lbp < min_bp {
                break;
            }
            chain += 1;
            self.check_chain(chain)?;
            lhs = match infix {
                Infix::Bin(op) => {
                    let op_span = self.bump().span;
                    // `**` is right associative and takes a unary operand on its right.
                    let rhs = self.expr_bp(if op == BinOp::Pow { BP_UNARY } else { lbp + 1 })?;
                    Expr {
                        span: lhs.span.to(rhs.span),
                        kind: ExprKind::Binary {
                            op,
                            op_span,
                            lhs: Box::new(lhs),
                            rhs: Box::new(rhs),
                        },
                    }
                }
                Infix::Logical(op) => {
                    let op_span = self.bump().span;
                    let rhs = self.expr_bp(lbp + 1)?;
                    Expr {
                        span: lhs.span.to(rhs.span),
                        kind: ExprKind::Logical {
                            op,
                            op_span,
                            lhs: Box::new(lhs),
                            rhs: Box::new(rhs),
                        },
                    }
                }
                Infix::Cmp => {
                    let mut rest = Vec::new();
                    while let Some((op, op_span)) = self.eat_cmp_op() {
                        let rhs = self.expr_bp(BP_CMP + 1)?;
                        rest.push(Comparison { op, op_span, rhs });
                    }
                    let end = rest.last().map_or(lhs.span, |c| c.rhs.span);
                    Expr {
                        span: lhs.span.to(end),
                        kind: ExprKind::Compare {
                            first: Box::new(lhs),
                            rest,
                        },
                    }
                }
            };
        }
        Ok(lhs)
    }

    /// A comparison operator, one or two words.
    fn eat_cmp_op(&mut self) -> Option<(CmpOp, Span)> {
        let op = match self.peek_kind() {
            TokenKind::EqEq => CmpOp::Eq,
            TokenKind::NotEq => CmpOp::NotEq,
            TokenKind::Lt => CmpOp::Lt,
            TokenKind::Le => CmpOp::Le,
            TokenKind::Gt => CmpOp::Gt,
            TokenKind::Ge => CmpOp::Ge,
            TokenKind::Kw(Keyword::In) => CmpOp::In,
            TokenKind::Kw(Keyword::Is) => {
                let span = self.bump().span;
                return Some(match self.eat(&TokenKind::Kw(Keyword::Not)) {
                    Some(not) => (CmpOp::IsNot, span.to(not)),
                    None => (CmpOp::Is, span),
                });
            }
            TokenKind::Kw(Keyword::Not) if self.peek_nth(1).kind.is_kw(Keyword::In) => {
                let span = self.bump().span;
                let in_span = self.bump().span;
                return Some((CmpOp::NotIn, span.to(in_span)));
            }
            _ => return None,
        };
        Some((op, self.bump().span))
    }
}

#[cfg(test)]
mod tests {
    use crate::parser::test_util::*;

    #[test]
    fn precedence_like_python() {
        assert_eq!(sexpr("a + b * c"), "(+ a (* b c))");
        assert_eq!(sexpr("a - b - c"), "(- (- a b) c)");
        assert_eq!(sexpr("a @ b + c"), "(+ (@ a b) c)");
        assert_eq!(sexpr("p - 0.1 * g"), "(- p (* 0.1 g))");
        assert_eq!(sexpr("a / b // c % d"), "(% (// (/ a b) c) d)");
        assert_eq!(sexpr("-x ** 2"), "(neg (** x 2))");
        assert_eq!(sexpr("2 ** -1"), "(** 2 (neg 1))");
        assert_eq!(sexpr("a ** b ** c"), "(** a (** b c))");
        assert_eq!(sexpr("-a * b"), "(* (neg a) b)");
        assert_eq!(sexpr("+a"), "(pos a)");
        assert_eq!(sexpr("a | b + c"), "(| a (+ b c))");
        assert_eq!(sexpr("a | b == c"), "(== (| a b) c)");
        assert_eq!(sexpr("not a == b"), "(not (== a b))");
        assert_eq!(sexpr("not a and b or c"), "(or (and (not a) b) c)");
        assert_eq!(sexpr("a or b and c"), "(or a (and b c))");
        assert_eq!(sexpr("(a + b) * c"), "(* (+ a b) c)");
    }

    #[test]
    fn comparisons() {
        assert_eq!(sexpr("a is b"), "(is a b)");
        assert_eq!(sexpr("a is not b"), "(is-not a b)");
        assert_eq!(sexpr("\"k\" in a"), "(in \"k\" a)");
        assert_eq!(sexpr("k not in a"), "(not-in k a)");
        assert_eq!(sexpr("a < b <= c"), "(< a b <= c)");
        assert_eq!(sexpr("a != b and c >= d"), "(and (!= a b) (>= c d))");
        assert_eq!(sexpr("x.sum() > 0"), "(> (call (. x sum)) 0)");
    }

    #[test]
    fn spans_cover_operands() {
        let e = expr("a + b * c");
        assert_eq!(e.span, crate::span::Span::new(0, 9));
        let crate::ast::ExprKind::Binary { op_span, rhs, .. } = e.kind else {
            panic!()
        };
        assert_eq!(op_span, crate::span::Span::new(2, 3));
        assert_eq!(rhs.span, crate::span::Span::new(4, 9));
        assert_eq!(expr("(a)").span, crate::span::Span::new(0, 3));
    }
}
