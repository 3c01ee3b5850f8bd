//! fcall expressions as Python expressions.
use fcall_lang::ast::{Arg, CallOptionKind, Expr, ExprKind, FunctionalCall};

use super::ExportError;

/// Python keywords that are ordinary names in fcall: exported as is they would not parse.
const PY_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif", "else", "except",
    "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try",
    "while", "with", "yield",
];

/// An fcall built-in name as Python spells it (the prelude defines the fcall-only ones:
/// `params`, `buffers`, `state`, `detach`, `clone`, `keys`, `param`, `buffer`, `parametrize`).
fn builtin(name: &str) -> Option<&'static str> {
    Some(match name {
        "tensor" => "torch.tensor",
        "zeros" => "torch.zeros",
        "ones" => "torch.ones",
        "full" => "torch.full",
        "arange" => "torch.arange",
        "eye" => "torch.eye",
        "rand" => "torch.rand",
        "randn" => "torch.randn",
        "randint" => "torch.randint",
        "relu" => "torch.relu",
        "sigmoid" => "torch.sigmoid",
        "tanh" => "torch.tanh",
        "exp" => "torch.exp",
        "log" => "torch.log",
        "sqrt" => "torch.sqrt",
        "softmax" => "torch.softmax",
        "log_softmax" => "torch.log_softmax",
        "matmul" => "torch.matmul",
        "sum" => "torch.sum",
        "mean" => "torch.mean",
        "linear" => "F.linear",
        "mse_loss" => "F.mse_loss",
        "l1_loss" => "F.l1_loss",
        "cross_entropy" => "F.cross_entropy",
        "dict" => "FDict",
        "id" => "_oid",
        _ => return None,
    })
}

/// Python names the export itself relies on (the prelude's modules and `FDict`): a user's
/// variable of that name is renamed with a trailing `_`, as is any user name starting with `_`
/// (the prelude's private names). fcall's own built-ins spelled alike in Python
/// (`functional_call`, `grad`, `Linear`, ...) need nothing: rebinding one shadows it in both.
const RESERVED: &[&str] = &["torch", "nn", "F", "json", "math", "sys", "io", "contextlib", "FDict"];

thread_local! {
    /// The names the program has bound so far, innermost scope last: a bound name is the user's
    /// (`linear = Linear(2, 2)` then `linear(x)`), an unbound one may be a built-in
    /// (`linear(x, w)` is `F.linear`).
    static BOUND: std::cell::RefCell<Vec<std::collections::HashSet<String>>> = std::cell::RefCell::new(vec![Default::default()]);
}

/// Starts a program: only the global scope, empty.
pub fn reset_scopes() {
    BOUND.with(|b| *b.borrow_mut() = vec![Default::default()]);
}

/// Runs `f` in a new local scope (a function body) with `names` bound.
pub fn in_scope<T>(names: &[&str], f: impl FnOnce() -> T) -> T {
    BOUND.with(|b| b.borrow_mut().push(names.iter().map(|n| n.to_string()).collect()));
    let out = f();
    BOUND.with(|b| b.borrow_mut().pop());
    out
}

fn is_bound(n: &str) -> bool {
    BOUND.with(|b| b.borrow().iter().any(|s| s.contains(n)))
}

/// A user's name as Python spells it.
pub fn user_name(n: &str) -> String {
    if RESERVED.contains(&n) || n.starts_with('_') {
        format!("{n}_")
    } else {
        n.to_string()
    }
}

/// A name the program binds here (an assignment or loop target, a def, a class).
pub fn bind(n: &str, span: fcall_lang::Span) -> Result<String, ExportError> {
    if PY_KEYWORDS.contains(&n) {
        return Err(ExportError::new(format!("the name '{n}' (a Python keyword)"), span));
    }
    BOUND.with(|b| b.borrow_mut().last_mut().expect("a scope").insert(n.to_string()));
    Ok(user_name(n))
}

pub fn name(n: &str, e: &Expr) -> Result<String, ExportError> {
    if PY_KEYWORDS.contains(&n) {
        return Err(ExportError::new(format!("the name '{n}' (a Python keyword)"), e.span));
    }
    if is_bound(n) {
        return Ok(user_name(n));
    }
    Ok(builtin(n).map(String::from).unwrap_or_else(|| user_name(n)))
}

/// A Python string literal (JSON's escapes are Python's).
pub fn string(s: &str) -> String {
    serde_json::to_string(s).expect("a string encodes")
}

fn float(f: f64) -> String {
    if f.is_finite() {
        format!("{f:?}")
    } else if f.is_nan() {
        "float('nan')".into()
    } else if f > 0.0 {
        "float('inf')".into()
    } else {
        "float('-inf')".into()
    }
}

/// Whether `e` needs parentheses as an operand.
fn compound(e: &Expr) -> bool {
    matches!(
        e.kind,
        ExprKind::Unary { .. } | ExprKind::Binary { .. } | ExprKind::Logical { .. } | ExprKind::Compare { .. } | ExprKind::Tuple(_) | ExprKind::FunctionalCall(_)
    ) || matches!(e.kind, ExprKind::Int(i) if i < 0)
        || matches!(e.kind, ExprKind::Float(f) if f < 0.0)
}

fn operand(e: &Expr) -> Result<String, ExportError> {
    let s = expr(e)?;
    Ok(if compound(e) && !matches!(e.kind, ExprKind::Tuple(_)) { format!("({s})") } else { s })
}

fn args(list: &[Arg]) -> Result<String, ExportError> {
    let mut out = Vec::new();
    for a in list {
        let v = expr(&a.value)?;
        out.push(match &a.name {
            // fcall spells a dtype as a string ("float64"); torch wants torch.float64.
            Some(n) if n.name == "dtype" => format!("dtype=_dtype({v})"),
            Some(n) => format!("{}={v}", n.name),
            None => v,
        });
    }
    Ok(out.join(", "))
}

fn index(e: &Expr) -> Result<String, ExportError> {
    match &e.kind {
        ExprKind::Tuple(items) if !items.is_empty() => {
            let parts = items.iter().map(index).collect::<Result<Vec<_>, _>>()?;
            Ok(if parts.len() == 1 { format!("{},", parts[0]) } else { parts.join(", ") })
        }
        ExprKind::Slice { lower, upper, step } => {
            let part = |p: &Option<Box<Expr>>| -> Result<String, ExportError> { p.as_ref().map(|x| expr(x)).transpose().map(|s| s.unwrap_or_default()) };
            let mut s = format!("{}:{}", part(lower)?, part(upper)?);
            if step.is_some() {
                s.push(':');
                s.push_str(&part(step)?);
            }
            Ok(s)
        }
        _ => expr(e),
    }
}

/// `call MOD with DICTS (ARGS) tie=.. strict=..` as `functional_call(...)`.
pub fn functional_call(c: &FunctionalCall) -> Result<String, ExportError> {
    let module = operand(&c.module)?;
    let dicts = expr(&c.dicts)?;
    let pos: Vec<&Arg> = c.args.iter().filter(|a| a.name.is_none()).collect();
    let kw: Vec<&Arg> = c.args.iter().filter(|a| a.name.is_some()).collect();
    let pos_s = pos.iter().map(|a| expr(&a.value)).collect::<Result<Vec<_>, _>>()?;
    let args_s = match pos_s.len() {
        1 => format!("({},)", pos_s[0]),
        _ => format!("({})", pos_s.join(", ")),
    };
    let mut s = format!("functional_call({module}, {dicts}, {args_s}");
    if !kw.is_empty() {
        let kw_s = kw.iter().map(|a| Ok(format!("{}: {}", string(&a.name.as_ref().unwrap().name), expr(&a.value)?))).collect::<Result<Vec<_>, ExportError>>()?;
        s.push_str(&format!(", {{{}}}", kw_s.join(", ")));
    }
    for o in &c.options {
        let name = match o.kind {
            CallOptionKind::Tie => "tie_weights",
            CallOptionKind::Strict => "strict",
        };
        s.push_str(&format!(", {name}={}", expr(&o.value)?));
    }
    s.push(')');
    Ok(s)
}

/// An expression.
pub fn expr(e: &Expr) -> Result<String, ExportError> {
    Ok(match &e.kind {
        ExprKind::DictDisplay(_) | ExprKind::Set(_) | ExprKind::Starred(_) | ExprKind::IfExp { .. } | ExprKind::Lambda(_) | ExprKind::Comp(_) | ExprKind::FString(_) => {
            return Err(ExportError::new("this Python expression (the brace-dialect exporter)".to_string(), e.span))
        }
        ExprKind::Int(i) => i.to_string(),
        ExprKind::Float(f) => float(*f),
        ExprKind::Bool(b) => (if *b { "True" } else { "False" }).into(),
        ExprKind::None => "None".into(),
        ExprKind::Str(s) => string(s),
        ExprKind::Name(n) => name(n, e)?,
        ExprKind::List(items) => format!("[{}]", items.iter().map(expr).collect::<Result<Vec<_>, _>>()?.join(", ")),
        ExprKind::Tuple(items) => {
            let parts = items.iter().map(expr).collect::<Result<Vec<_>, _>>()?;
            if parts.len() == 1 {
                format!("({},)", parts[0])
            } else {
                format!("({})", parts.join(", "))
            }
        }
        ExprKind::Dict(entries) => {
            let parts = entries.iter().map(|d| Ok(format!("{}: {}", string(&d.key.name), expr(&d.value)?))).collect::<Result<Vec<_>, ExportError>>()?;
            format!("FDict({{{}}})", parts.join(", "))
        }
        ExprKind::Unary { op, operand: x, .. } => {
            let sep = if op.as_str() == "not" { " " } else { "" };
            format!("{}{sep}{}", op.as_str(), operand(x)?)
        }
        ExprKind::Binary { op, lhs, rhs, .. } => format!("{} {} {}", operand(lhs)?, op.as_str(), operand(rhs)?),
        ExprKind::Logical { op, lhs, rhs, .. } => format!("{} {} {}", operand(lhs)?, op.as_str(), operand(rhs)?),
        ExprKind::Compare { first, rest } => {
            let mut s = operand(first)?;
            for c in rest {
                s.push_str(&format!(" {} {}", c.op.as_str(), operand(&c.rhs)?));
            }
            s
        }
        ExprKind::Attribute { value, attr } => attribute(&operand(value)?, &attr.name),
        ExprKind::Index { value, index: i } => format!("{}[{}]", operand(value)?, index(i)?),
        ExprKind::Slice { .. } | ExprKind::Ellipsis => match &e.kind {
            ExprKind::Ellipsis => "...".into(),
            _ => return Err(ExportError::new("a slice outside an index".into(), e.span)),
        },
        ExprKind::Call { func, args: a } => {
            let call = format!("{}({})", operand(func)?, args(a)?);
            // fcall's state_dict is a dict like any other (`sd.foo` reads an entry).
            match &func.kind {
                ExprKind::Attribute { attr, .. } if attr.name == "state_dict" => format!("FDict({call})"),
                _ => call,
            }
        }
        ExprKind::FunctionalCall(c) => functional_call(c)?,
    })
}

/// The index of an assignment target.
pub fn index_target(e: &Expr) -> Result<String, ExportError> {
    index(e)
}

/// `obj.name`, or `getattr(obj, "0")` for a name Python cannot spell after a dot (a
/// Sequential's child `m.0`).
pub(super) fn attribute(obj: &str, name: &str) -> String {
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("getattr({obj}, {name:?})")
    } else {
        format!("{obj}.{name}")
    }
}
