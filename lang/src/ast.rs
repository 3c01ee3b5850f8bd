//! The syntax tree of an fcall program: statements ([`Stmt`]) and expressions ([`Expr`]).
//! Every node carries the [`Span`] of the source it was parsed from, so the evaluator can point
//! at it in an error, and so `fcall run --json` can report the line a statement starts on.
//!
//! The tree is plain data: no evaluation rules live here. Where the language differs from
//! Python (bare dict keys, the `call ... with ...` form, commands), the node's doc says so.

use crate::span::Span;

/// A whole input: a script, a REPL entry or a notebook cell.
#[derive(Clone, Debug, PartialEq)]
pub struct Program {
    /// Top-level statements, in order.
    pub stmts: Vec<Stmt>,
    /// The whole input.
    pub span: Span,
}

/// A name as written, with its span: a function, class, parameter, attribute, keyword
/// argument or `call` option name, a `help` topic, an `export` format.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Ident {
    /// The name.
    pub name: String,
    /// Where it is.
    pub span: Span,
}

/// The body of `def`, `if`, `for`, `while`, `with`, `try`, ... (an indented suite in Python;
/// `{ stmt; stmt }` in the brace dialect).
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    /// The statements inside the braces.
    pub stmts: Vec<Stmt>,
    /// From `{` to `}`, both included.
    pub span: Span,
}

/// A statement.
#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    /// What kind of statement.
    pub kind: StmtKind,
    /// From its first token to its last (a terminating `;` or newline is not included).
    pub span: Span,
}

/// The kinds of statement.
#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    /// A bare expression: at top level its value is shown (`x`, `call mod with a (x)`).
    Expr(Expr),
    /// `target = value`; `a, b = value` unpacks. `self.foo = param(t)` goes through
    /// `nn.Module.__setattr__` rules in the evaluator.
    Assign {
        /// Where the value goes.
        target: Target,
        /// What is assigned.
        value: Expr,
    },
    /// `target op= value`, in place as in Python (`t += 1` calls `add_` on a tensor).
    AugAssign {
        /// A name, attribute or index (never a tuple).
        target: Target,
        /// The operator without its `=` (`+` for `+=`).
        op: BinOp,
        /// Span of the `+=` token.
        op_span: Span,
        /// The right-hand side.
        value: Expr,
    },
    /// `if c { } else if d { } else { }`.
    If(IfStmt),
    /// `for target in iter: body` (`else:` runs when the loop did not `break`).
    For {
        /// Loop variable(s): a name or a tuple of names (`for k, v in a.items()`).
        target: Target,
        /// What is iterated.
        iter: Expr,
        /// The loop body.
        body: Block,
        /// `else:`.
        orelse: Option<Block>,
    },
    /// `while cond: body` (`else:` runs when the loop did not `break`).
    While {
        /// Checked before each turn.
        cond: Expr,
        /// The loop body.
        body: Block,
        /// `else:`.
        orelse: Option<Block>,
    },
    /// `break` (inside `for` / `while` only; checked by the parser).
    Break,
    /// `continue` (inside `for` / `while` only; checked by the parser).
    Continue,
    /// `return` or `return value` (inside `def` only; checked by the parser).
    /// `return a, b` returns a tuple.
    Return(Option<Expr>),
    /// `def name(params) { body }`.
    Def(FunctionDef),
    /// `class Name { def init(...) {...} def forward(x) {...} }`.
    Class(ClassDef),
    /// `no_grad { body }`: `with torch.no_grad():`.
    NoGrad(Block),
    /// A bare `{ ... }` block at statement start. (At statement start `{}` and `{key: ...`
    /// are dict literals, shown as values; anything else after `{` is a block.)
    Block(Block),
    /// A REPL command (`seed 0`, `show mod`, `help call`, ...).
    Command(Command),
    /// `a = b = value`: the value is evaluated once and assigned to each target, left to right.
    MultiAssign {
        /// The targets, left to right (at least two).
        targets: Vec<Target>,
        /// What is assigned.
        value: Expr,
    },
    /// `pass`.
    Pass,
    /// `del a, b[k], c.attr`.
    Del(Vec<Target>),
    /// `raise`, `raise exc`, `raise exc from cause`.
    Raise {
        /// The exception (a class or an instance); `None` re-raises the one being handled.
        exc: Option<Expr>,
        /// `from cause`.
        cause: Option<Expr>,
    },
    /// `assert test, msg`.
    Assert {
        /// The condition.
        test: Expr,
        /// The message, if any.
        msg: Option<Expr>,
    },
    /// `try:` with `except`, `else`, `finally`.
    Try(Box<TryStmt>),
    /// `with a as x, b:`.
    With {
        /// The context managers, entered left to right.
        items: Vec<WithItem>,
        /// The body.
        body: Block,
    },
    /// `global a, b`.
    Global(Vec<Ident>),
    /// `nonlocal a, b`.
    Nonlocal(Vec<Ident>),
    /// `import torch.nn as nn, math`.
    Import(Vec<Alias>),
    /// `from torch.func import grad, vmap as vm`.
    ImportFrom {
        /// The dotted module name (with leading dots for a relative import).
        module: String,
        /// What is imported (`*` is a name `"*"`).
        names: Vec<Alias>,
    },
}

/// `try:` ... `except E as e:` ... `else:` ... `finally:` ...
#[derive(Clone, Debug, PartialEq)]
pub struct TryStmt {
    /// The guarded body.
    pub body: Block,
    /// The `except` clauses, in order.
    pub handlers: Vec<ExceptHandler>,
    /// Runs when the body raised nothing.
    pub orelse: Option<Block>,
    /// Runs in every case.
    pub finalbody: Option<Block>,
}

/// `except E as name:` (both parts optional).
#[derive(Clone, Debug, PartialEq)]
pub struct ExceptHandler {
    /// The exception class or tuple of classes; `None` for a bare `except:`.
    pub typ: Option<Expr>,
    /// `as name`.
    pub name: Option<Ident>,
    /// The handler body.
    pub body: Block,
    /// The whole clause.
    pub span: Span,
}

/// One `expr as target` of a `with`.
#[derive(Clone, Debug, PartialEq)]
pub struct WithItem {
    /// The context manager.
    pub context: Expr,
    /// `as target`.
    pub target: Option<Target>,
}

/// One name of an `import` / `from ... import`: `torch.nn as nn`.
#[derive(Clone, Debug, PartialEq)]
pub struct Alias {
    /// The dotted name as written.
    pub name: String,
    /// `as name`.
    pub asname: Option<Ident>,
    /// The whole alias.
    pub span: Span,
}

/// The REPL / script commands. Each is a statement on its own; the command word is an ordinary
/// name elsewhere (`show = 1` assigns a variable called `show`).
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// `seed 0`: `torch.manual_seed(0)`.
    Seed(Expr),
    /// `show x`: the module tree / dict / tensor in detail.
    Show(Expr),
    /// `ties mod`: the module's tie groups.
    Ties(Expr),
    /// `draw mod`, `draw a`, `draw mod, a`: the object diagram of names and tensors now.
    Draw(Expr),
    /// `help` or `help call` (the topic may be a name, a keyword or a string).
    Help(Option<Ident>),
    /// `history`.
    History,
    /// `reset`.
    Reset,
    /// `export python "session.py"`.
    Export {
        /// The format word (`python`).
        format: Ident,
        /// Where to write (usually a string literal).
        path: Expr,
    },
    /// `watch EXPR` records the expression's value after each top-level statement and loop
    /// iteration; `watch` alone lists the watches.
    Watch(Option<Expr>),
    /// `unwatch EXPR` / `unwatch` (all).
    Unwatch(Option<Expr>),
    /// `plot watch` (the watched values over steps) or `plot EXPR` (as `plot(EXPR)`).
    Plot(Option<Expr>),
}

impl Command {
    /// The command word: `"seed"`, `"show"`, ...
    pub fn word(&self) -> &'static str {
        match self {
            Command::Seed(_) => "seed",
            Command::Show(_) => "show",
            Command::Ties(_) => "ties",
            Command::Draw(_) => "draw",
            Command::Help(_) => "help",
            Command::History => "history",
            Command::Reset => "reset",
            Command::Export { .. } => "export",
            Command::Watch(_) => "watch",
            Command::Unwatch(_) => "unwatch",
            Command::Plot(_) => "plot",
        }
    }
}

/// `if` with its `else if` chain and optional `else`.
#[derive(Clone, Debug, PartialEq)]
pub struct IfStmt {
    /// `if c {}` then each `else if c {}`, in order; never empty.
    pub branches: Vec<IfBranch>,
    /// The final `else {}`, if any.
    pub else_body: Option<Block>,
}

/// One `if cond { body }` of an [`IfStmt`].
#[derive(Clone, Debug, PartialEq)]
pub struct IfBranch {
    /// The condition.
    pub cond: Expr,
    /// Run when it is true.
    pub body: Block,
    /// From `if` to the closing `}`.
    pub span: Span,
}

/// `def name(a, b=1, *args, c, d=2, **kwargs) { body }`, at top level, nested, or as a class
/// method. Methods do not list `self`: it is implicit in a class body. The parts mirror Python's
/// `ast.arguments`: positional-or-keyword parameters, `*args`, keyword-only parameters (after
/// `*args` or a bare `*`), `**kwargs`.
#[derive(Clone, Debug, PartialEq)]
pub struct FunctionDef {
    /// Decorators written before `def` (`@property`, `@torch.no_grad()`, `@x.setter`), in order.
    pub decorators: Vec<Expr>,
    /// Whether `self` is the first of `params` (Python's spelling). The brace dialect leaves it
    /// out; the evaluator then binds `self` implicitly.
    pub explicit_self: bool,
    /// The function name.
    pub name: Ident,
    /// Positional-or-keyword parameters in order; those with defaults come last (checked by the
    /// parser).
    pub params: Vec<Param>,
    /// How many of `params` come before a `/` (positional-only: what `inspect.signature` shows).
    pub posonly: usize,
    /// Whether a parameter or the return value is annotated (the annotations are not kept).
    pub annotated: bool,
    /// `*args`: the name that receives the surplus positional arguments as a tuple.
    pub vararg: Option<Ident>,
    /// Keyword-only parameters (after `*args` or a bare `*`); with or without defaults, in any
    /// order, as in Python.
    pub kwonly: Vec<Param>,
    /// `**kwargs`: the name that receives the surplus keyword arguments as a dict.
    pub kwarg: Option<Ident>,
    /// The body.
    pub body: Block,
    /// From `def` to the closing `}`.
    pub span: Span,
}

/// One parameter of a [`FunctionDef`]: `a` or `b=1`.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// Its name (distinct within one `def`; checked by the parser).
    pub name: Ident,
    /// The default, evaluated when the function is defined (as in Python).
    pub default: Option<Expr>,
    /// The whole parameter.
    pub span: Span,
}

/// `class Name(Base): ...`: a user class (an `nn.Module` subclass when a base is one).
#[derive(Clone, Debug, PartialEq)]
pub struct ClassDef {
    /// Decorators written before `class` (`@dataclass`), in order: applied bottom up to the
    /// class object.
    pub decorators: Vec<Expr>,
    /// The class name.
    pub name: Ident,
    /// The base classes as written (`nn.Module`, `Base`); empty for `class Foo:` and for the
    /// brace dialect, whose classes are always `nn.Module` subclasses.
    pub bases: Vec<Expr>,
    /// Class-body statements other than `def` (class attributes, docstrings), in order.
    pub attrs: Vec<Stmt>,
    /// Its methods: `init` (the constructor), `forward`, `right_inverse`, helpers.
    pub methods: Vec<FunctionDef>,
    /// The annotated names of the body (`block_size: int = 1024`) with their annotations, in
    /// order: the class's `__annotations__` (what `@dataclass` reads its fields from).
    pub annotations: Vec<(Ident, Expr)>,
    /// From `class` to the closing `}`.
    pub span: Span,
}

impl FunctionDef {
    /// Every parameter name, in order: positional, `*args`, keyword-only, `**kwargs`.
    pub fn param_names(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.params.iter().map(|p| p.name.name.as_str()).collect();
        v.extend(self.vararg.iter().map(|i| i.name.as_str()));
        v.extend(self.kwonly.iter().map(|p| p.name.name.as_str()));
        v.extend(self.kwarg.iter().map(|i| i.name.as_str()));
        v
    }

    /// Whether a decorator of this dotted name (`property`, `x.setter`) is applied.
    pub fn has_decorator(&self, name: &str) -> bool {
        self.decorators.iter().any(|d| d.dotted_name().as_deref() == Some(name))
    }
}

impl ClassDef {
    /// The method called `name`, if defined (the last one if defined twice).
    pub fn method(&self, name: &str) -> Option<&FunctionDef> {
        self.methods.iter().rev().find(|m| m.name.name == name)
    }
}

/// The left side of `=`, `op=`, or the variable(s) of a `for`.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    /// What kind of place.
    pub kind: TargetKind,
    /// The whole target.
    pub span: Span,
}

/// The places a value can be assigned to.
#[derive(Clone, Debug, PartialEq)]
pub enum TargetKind {
    /// A variable.
    Name(String),
    /// `value.attr = ...` (module attributes follow `nn.Module.__setattr__`).
    Attribute {
        /// The object.
        value: Box<Expr>,
        /// The attribute name.
        attr: Ident,
    },
    /// `value[index] = ...` (`a["k"] = t` writes a dict entry; a tensor index writes in place).
    Index {
        /// The container.
        value: Box<Expr>,
        /// The index (may be a [`ExprKind::Tuple`] / [`ExprKind::Slice`] as in [`ExprKind::Index`]).
        index: Box<Expr>,
    },
    /// `a, b = ...` / `(a, b) = ...` / `[a, b] = ...`: unpacking.
    Tuple(Vec<Target>),
    /// `*rest` inside an unpacking target: takes the surplus items as a list.
    Starred(Box<Target>),
}

/// An expression.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What kind of expression.
    pub kind: ExprKind,
    /// Where it is (a parenthesised expression's span includes the parentheses).
    pub span: Span,
}

/// The kinds of expression.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// `1`, `1_000`.
    Int(i64),
    /// An int literal beyond 64 bits (`2**64` spelled out, `0xffff_ffff_ffff_ffff_ff`): its
    /// digits (no prefix, no underscores) and their radix (2, 8, 10 or 16).
    BigInt { digits: String, radix: u32 },
    /// `2.5`, `1e-3`.
    Float(f64),
    /// An imaginary literal, `3j`, `2.5J`: its imaginary part (`2+3j` is `2 + 3j`).
    Imag(f64),
    /// `true` / `false`.
    Bool(bool),
    /// `none`.
    None,
    /// `"text"` (escapes resolved).
    Str(String),
    /// A variable or built-in name.
    Name(String),
    /// `[a, b]`.
    List(Vec<Expr>),
    /// `(a, b)`, `(a,)`, `()`, and unparenthesised `a, b` where a statement allows it
    /// (`x = 1, 2`, `return a, b`). In an index, `x[:, 1]` is a tuple of a slice and `1`.
    Tuple(Vec<Expr>),
    /// `{foo: t, "lin.weight": w}`: an ordered dict with string keys. Keys are never evaluated.
    Dict(Vec<DictEntry>),
    /// `-x`, `+x`, `not x`.
    Unary {
        /// The operator.
        op: UnaryOp,
        /// Span of the operator token.
        op_span: Span,
        /// The operand.
        operand: Box<Expr>,
    },
    /// `lhs op rhs` for arithmetic, `@`, `**` and `|` (dict merge).
    Binary {
        /// The operator.
        op: BinOp,
        /// Span of the operator token.
        op_span: Span,
        /// Left operand.
        lhs: Box<Expr>,
        /// Right operand.
        rhs: Box<Expr>,
    },
    /// `lhs and rhs`, `lhs or rhs`: short-circuiting, yielding an operand as in Python.
    Logical {
        /// The operator.
        op: LogicalOp,
        /// Span of the operator token.
        op_span: Span,
        /// Left operand (always evaluated).
        lhs: Box<Expr>,
        /// Right operand (evaluated only when needed).
        rhs: Box<Expr>,
    },
    /// A comparison chain, as in Python: `a < b <= c` is `a < b and b <= c` with `b`
    /// evaluated once. `is`, `is not` (same object), `in`, `not in` are comparisons too.
    Compare {
        /// The leftmost operand.
        first: Box<Expr>,
        /// Each operator with its right operand; never empty.
        rest: Vec<Comparison>,
    },
    /// `value.attr`.
    Attribute {
        /// The object.
        value: Box<Expr>,
        /// The attribute name.
        attr: Ident,
    },
    /// `value[index]`. `x[0]` has an `Int` index; `x[1:3]` a [`ExprKind::Slice`];
    /// `x[:, 1]` and `x[..., 0]` a [`ExprKind::Tuple`] holding slices / [`ExprKind::Ellipsis`].
    Index {
        /// The container.
        value: Box<Expr>,
        /// The index.
        index: Box<Expr>,
    },
    /// `lower:upper:step`, each part optional; only directly inside an index (or an index tuple).
    Slice {
        /// Before the first `:`.
        lower: Option<Box<Expr>>,
        /// After the first `:`.
        upper: Option<Box<Expr>>,
        /// After the second `:`.
        step: Option<Box<Expr>>,
    },
    /// `...`; only directly inside an index (or an index tuple).
    Ellipsis,
    /// An ordinary call: `f(a, b=1)`, `x.sum()`, `Linear(3, 3, bias=false)`,
    /// `functional_call(mod, a, (x,), tie_weights=false)`.
    Call {
        /// What is called.
        func: Box<Expr>,
        /// Positional arguments first, then keyword arguments (checked by the parser).
        args: Vec<Arg>,
    },
    /// `call mod with a (x) tie=false` and `explain call ...`: `torch.func.functional_call`.
    FunctionalCall(Box<FunctionalCall>),
    /// Python's dict display `{k: v, **m}`: keys are evaluated expressions.
    DictDisplay(Vec<DictItem>),
    /// `{a, b}`.
    Set(Vec<Expr>),
    /// `*xs` inside a list, tuple, set or call.
    Starred(Box<Expr>),
    /// `body if test else orelse`.
    IfExp {
        /// The condition.
        test: Box<Expr>,
        /// Its value when true.
        body: Box<Expr>,
        /// Its value when false.
        orelse: Box<Expr>,
    },
    /// `lambda params: expr`: a function whose body is `return expr`, named `<lambda>`.
    Lambda(Box<FunctionDef>),
    /// A list, set, dict or generator comprehension.
    Comp(Box<Comprehension>),
    /// An f-string (implicitly concatenated parts included).
    FString(Vec<FStringPart>),
}

impl Expr {
    /// The variable name, if this is a plain name.
    pub fn as_name(&self) -> Option<&str> {
        match &self.kind {
            ExprKind::Name(n) => Some(n),
            _ => None,
        }
    }

    /// `a.b.c` for a name or a chain of attributes on a name.
    pub fn dotted_name(&self) -> Option<String> {
        match &self.kind {
            ExprKind::Name(n) => Some(n.clone()),
            ExprKind::Attribute { value, attr } => Some(format!("{}.{}", value.dotted_name()?, attr.name)),
            _ => None,
        }
    }
}

/// One entry of a Python dict display: `key: value`, or `**mapping` (no key).
#[derive(Clone, Debug, PartialEq)]
pub struct DictItem {
    /// The key expression; `None` for `**mapping`.
    pub key: Option<Expr>,
    /// The value (or the mapping unpacked).
    pub value: Expr,
}

/// Which collection a comprehension builds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CompKind {
    /// `[x for ...]`
    List,
    /// `{x for ...}`
    Set,
    /// `{k: v for ...}`
    Dict,
    /// `(x for ...)`: fcall builds it eagerly, as a one-shot iterator over a list.
    Generator,
}

/// A comprehension: `[elt for target in iter if cond ...]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Comprehension {
    /// What it builds.
    pub kind: CompKind,
    /// The element (the key, for a dict comprehension).
    pub elt: Expr,
    /// The value of a dict comprehension.
    pub value: Option<Expr>,
    /// The `for ... in ... if ...` clauses, outermost first.
    pub generators: Vec<CompFor>,
}

/// One `for target in iter if cond` clause of a comprehension.
#[derive(Clone, Debug, PartialEq)]
pub struct CompFor {
    /// The loop variable(s).
    pub target: Target,
    /// What is iterated.
    pub iter: Expr,
    /// The `if` filters.
    pub ifs: Vec<Expr>,
}

/// A part of an f-string.
#[derive(Clone, Debug, PartialEq)]
pub enum FStringPart {
    /// Literal text (escapes resolved, `{{` as `{`).
    Literal(String),
    /// `{expr!r:spec}`.
    Field {
        /// The expression.
        expr: Box<Expr>,
        /// `!r`, `!s` or `!a`.
        conversion: Option<char>,
        /// The format spec after `:` (itself may hold fields).
        spec: Vec<FStringPart>,
        /// `{expr=}`: the text `expr=` shown before the value.
        debug: Option<String>,
    },
}

/// How an argument is passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Unpack {
    /// `x` or `name=x`.
    #[default]
    No,
    /// `*xs`.
    Star,
    /// `**kw`.
    DoubleStar,
}

/// One right-hand part of a [`ExprKind::Compare`] chain.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// The operator.
    pub op: CmpOp,
    /// Span of the operator (both words for `is not` / `not in`).
    pub op_span: Span,
    /// The right operand.
    pub rhs: Expr,
}

/// One argument of a call: positional (`x`), keyword (`bias=false`), `*xs` or `**kw`.
#[derive(Clone, Debug, PartialEq)]
pub struct Arg {
    /// The keyword, for a keyword argument.
    pub name: Option<Ident>,
    /// `*` / `**` unpacking (then `name` is `None`).
    pub unpack: Unpack,
    /// The value.
    pub value: Expr,
    /// The whole argument (keyword included).
    pub span: Span,
}

/// One `key: value` entry of a dict literal.
#[derive(Clone, Debug, PartialEq)]
pub struct DictEntry {
    /// The key (a string, never evaluated).
    pub key: DictKey,
    /// The value.
    pub value: Expr,
    /// The whole entry.
    pub span: Span,
}

/// A dict literal key: bare (`foo`, also dotted: `lin.weight`) or quoted (`"lin.weight"`).
/// Either way it is the string itself, never a variable's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DictKey {
    /// The key string.
    pub name: String,
    /// Whether it was written in quotes.
    pub quoted: bool,
    /// Where it is.
    pub span: Span,
}

/// `[explain] call MODULE with DICTS (ARGS) [tie=..] [strict=..]`:
/// `torch.func.functional_call(MODULE, DICTS, ARGS, KWARGS, tie_weights=.., strict=..)`.
///
/// The dicts part is one primary expression: a name (`a`), a tuple (`(a, b)`: several dicts
/// whose keys must be distinct), a dict literal (`{foo: t}`), or a call written without a
/// space before its `(` (`params(model)`); the argument list is the parenthesised list after it.
#[derive(Clone, Debug, PartialEq)]
pub struct FunctionalCall {
    /// Span of the word `explain`, when the call is to be narrated step by step.
    pub explain: Option<Span>,
    /// `draw call ...` (the object diagram) or `step call ...` (the stepper), with the word's span.
    pub picture: Option<(CallPicture, Span)>,
    /// Span of the keyword `call`.
    pub call_span: Span,
    /// The module called (any postfix expression: `mod`, `model.encoder`, `seq[0]`).
    pub module: Expr,
    /// The parameter / buffer dict(s) swapped in.
    pub dicts: Expr,
    /// The arguments passed to `forward`: positional first, then keywords.
    pub args: Vec<Arg>,
    /// The parenthesised argument list, parentheses included.
    pub args_span: Span,
    /// `tie=` / `strict=` options after the argument list, in source order, each at most once.
    pub options: Vec<CallOption>,
}

impl FunctionalCall {
    /// The value given for an option, if given.
    pub fn option(&self, kind: CallOptionKind) -> Option<&CallOption> {
        self.options.iter().find(|o| o.kind == kind)
    }
}

/// How a call is pictured: `draw` (before / during forward / after) or `step` (stage by stage).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallPicture {
    /// `draw call ...`.
    Draw,
    /// `step call ...`.
    Step,
}

/// One `name=value` option after a functional call's argument list.
#[derive(Clone, Debug, PartialEq)]
pub struct CallOption {
    /// Which option.
    pub kind: CallOptionKind,
    /// The name as written (`tie`, `tie_weights` or `strict`).
    pub name: Ident,
    /// Its value (the evaluator checks that it is a bool).
    pub value: Expr,
    /// `name=value` as a whole.
    pub span: Span,
}

/// The options of a functional call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CallOptionKind {
    /// `tie=` (alias `tie_weights=`): `tie_weights`, default true.
    Tie,
    /// `strict=`: `strict`, default false.
    Strict,
    /// `rows=all` / `rows=changed`: the display only (every name, or where something happened).
    Rows,
}

impl CallOptionKind {
    /// The option for a written name: `tie`, `tie_weights`, `strict`.
    pub fn from_name(name: &str) -> Option<CallOptionKind> {
        match name {
            "tie" | "tie_weights" => Some(CallOptionKind::Tie),
            "strict" => Some(CallOptionKind::Strict),
            "rows" => Some(CallOptionKind::Rows),
            _ => None,
        }
    }

    /// The canonical spelling: `tie` or `strict`.
    pub fn as_str(self) -> &'static str {
        match self {
            CallOptionKind::Tie => "tie",
            CallOptionKind::Strict => "strict",
            CallOptionKind::Rows => "rows",
        }
    }
}

/// Prefix operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// `-x`
    Neg,
    /// `+x`
    Pos,
    /// `not x`
    Not,
    /// `~x`
    Invert,
}

impl UnaryOp {
    /// As written.
    pub fn as_str(self) -> &'static str {
        match self {
            UnaryOp::Neg => "-",
            UnaryOp::Pos => "+",
            UnaryOp::Not => "not",
            UnaryOp::Invert => "~",
        }
    }
}

/// Binary operators (also the operator of an augmented assignment).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `//` (an extension)
    FloorDiv,
    /// `%` (an extension)
    Mod,
    /// `@`
    MatMul,
    /// `**` (right associative)
    Pow,
    /// `|`: dict merge (right wins), or bitwise/logical or on tensors and bools as in Python.
    BitOr,
    /// `&`
    BitAnd,
    /// `^`
    BitXor,
    /// `<<`
    LShift,
    /// `>>`
    RShift,
}

impl BinOp {
    /// As written.
    pub fn as_str(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::FloorDiv => "//",
            BinOp::Mod => "%",
            BinOp::MatMul => "@",
            BinOp::Pow => "**",
            BinOp::BitOr => "|",
            BinOp::BitAnd => "&",
            BinOp::BitXor => "^",
            BinOp::LShift => "<<",
            BinOp::RShift => ">>",
        }
    }
}

/// `and` / `or`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LogicalOp {
    /// `and`
    And,
    /// `or`
    Or,
}

impl LogicalOp {
    /// As written.
    pub fn as_str(self) -> &'static str {
        match self {
            LogicalOp::And => "and",
            LogicalOp::Or => "or",
        }
    }
}

/// Comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
    /// `==`
    Eq,
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
    /// `is`: the same object.
    Is,
    /// `is not`
    IsNot,
    /// `in`: membership (a key of a dict, an element of a list).
    In,
    /// `not in`
    NotIn,
}

impl CmpOp {
    /// As written.
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::NotEq => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::Is => "is",
            CmpOp::IsNot => "is not",
            CmpOp::In => "in",
            CmpOp::NotIn => "not in",
        }
    }
}
