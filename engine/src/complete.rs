//! Tab completion against the live workspace: names (workspace, built-ins, keywords, commands at
//! the start of a statement, `help` topics), attributes after `a.` (a module's submodules,
//! parameters, buffers, plain attributes and methods; a tensor's attributes and methods; a dict's
//! keys; a Python module's names after `torch.`, `nn.`, `F.`, `torch.nn.functional.`; a dtype's
//! attributes), dotted paths through submodules (`model.0.weight`, `net.encoder.lin.bias`) and
//! dict keys inside `a["`.
//!
//! Nothing is evaluated: the object before the dot is found by walking the workspace and the
//! modules' registries (`Module::data()`), so completing never runs user code or a libtorch op.
use fcall::interp::Session;
use fcall::{Module, Value};
use fcall_lang::{COMMAND_WORDS, PYTHON_KEYWORDS};

pub struct Candidate {
    pub replacement: String,
    pub display: String,
}

impl Candidate {
    fn plain(s: &str) -> Candidate {
        Candidate { replacement: s.to_string(), display: s.to_string() }
    }
}

use fcall::interp::members::{DICT_METHODS, MODULE_METHODS, TENSOR_ATTRS, TENSOR_METHODS};
pub const HELP_TOPICS: &[&str] = &["call", "tie", "strict", "grad", "vmap", "class", "def", "hooks", "parametrize", "dict", "list", "save", "builtins"];

/// What a dotted path leads to.
enum Obj {
    Val(Value),
    /// A parametrized attribute: a tensor, computed on read (not computed here).
    TensorLike,
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}
fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}
fn is_ident(s: &str) -> bool {
    let mut cs = s.chars();
    cs.next().is_some_and(is_ident_start) && cs.all(is_ident_char)
}

/// Where `before` ends: in code, in a comment, or in a string that opened at byte `quote`.
enum Lex {
    Code,
    Comment,
    Str { quote: usize, ch: char },
}

fn lex_state(before: &str) -> Lex {
    let mut state = Lex::Code;
    let mut chars = before.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match state {
            Lex::Code => match c {
                '#' => state = Lex::Comment,
                '"' | '\'' => state = Lex::Str { quote: i, ch: c },
                _ => {}
            },
            Lex::Comment => {
                if c == '\n' {
                    state = Lex::Code;
                }
            }
            Lex::Str { ch, .. } => {
                if c == '\\' {
                    chars.next();
                } else if c == ch {
                    state = Lex::Code;
                }
            }
        }
    }
    state
}

/// One step of a path: `.name` / `.0` or `["key"]`.
fn parse_path(expr: &str) -> Option<Vec<String>> {
    let mut segs = Vec::new();
    let mut rest = expr;
    let first_len = rest.find(|c: char| !is_ident_char(c)).unwrap_or(rest.len());
    let first = &rest[..first_len];
    if !is_ident(first) {
        return None;
    }
    segs.push(first.to_string());
    rest = &rest[first_len..];
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            let n = r.find(|c: char| !is_ident_char(c)).unwrap_or(r.len());
            if n == 0 {
                return None;
            }
            segs.push(r[..n].to_string());
            rest = &r[n..];
        } else if let Some(r) = rest.strip_prefix('[') {
            let q = r.chars().next()?;
            if q != '"' && q != '\'' {
                return None;
            }
            let end = r[1..].find(q)? + 1;
            segs.push(r[1..end].to_string());
            rest = r[end + 1..].strip_prefix(']')?;
        } else {
            return None;
        }
    }
    Some(segs)
}

/// The start of the path expression that ends at `end` (names, dots, digits, `["key"]`).
fn path_start(before: &str, end: usize) -> usize {
    let b = before.as_bytes();
    let mut i = end;
    while i > 0 {
        let c = b[i - 1];
        if c.is_ascii_alphanumeric() || c == b'_' || c == b'.' || c >= 0x80 {
            i -= 1;
        } else if c == b']' && i >= 2 && (b[i - 2] == b'"' || b[i - 2] == b'\'') {
            // `["key"]`: jump to its `[`.
            let q = b[i - 2];
            let Some(open) = before[..i - 2].rfind(q as char) else { break };
            if open == 0 || b[open - 1] != b'[' {
                break;
            }
            i = open - 1;
        } else {
            break;
        }
    }
    // A path starts with a name: skip a leading number or dot (`2.5`, `.5`).
    while i < end && !before[i..].starts_with(is_ident_start) {
        i += before[i..].chars().next().map_or(1, char::len_utf8);
    }
    i
}

fn resolve(session: &Session, segs: &[String]) -> Option<Obj> {
    let mut cur = Obj::Val(session.get(&segs[0])?);
    for s in &segs[1..] {
        cur = match cur {
            Obj::Val(Value::Module(m)) => module_member(&m, s)?,
            Obj::Val(Value::Dict(d)) => Obj::Val(d.get(s)?),
            Obj::Val(Value::Namespace(ns)) => Obj::Val(ns.get(s)?),
            _ => return None,
        };
    }
    Some(cur)
}

fn module_member(m: &Module, name: &str) -> Option<Obj> {
    let d = m.data();
    if d.properties.contains_key(name) {
        return Some(Obj::TensorLike);
    }
    if let Some(v) = d.attrs.get(name) {
        return Some(Obj::Val(v.clone()));
    }
    if let Some(p) = d.parameters.get(name) {
        return Some(Obj::Val(p.clone().map(Value::Tensor).unwrap_or(Value::None)));
    }
    if let Some(b) = d.buffers.get(name) {
        return Some(Obj::Val(b.clone().map(Value::Tensor).unwrap_or(Value::None)));
    }
    if let Some(s) = d.modules.get(name) {
        return Some(Obj::Val(s.clone().map(Value::Module).unwrap_or(Value::None)));
    }
    None
}

/// (name, is a method) for the attributes of an object.
fn members(obj: &Obj) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = Vec::new();
    let methods = |out: &mut Vec<(String, bool)>, list: &[&str]| {
        let mut l: Vec<&str> = list.to_vec();
        l.sort_unstable();
        out.extend(l.into_iter().map(|s| (s.to_string(), true)));
    };
    match obj {
        Obj::TensorLike | Obj::Val(Value::Tensor(_)) => {
            out.extend(TENSOR_ATTRS.iter().map(|s| (s.to_string(), false)));
            methods(&mut out, TENSOR_METHODS);
        }
        Obj::Val(Value::Module(m)) => {
            {
                let d = m.data();
                out.extend(d.modules.iter().filter(|(_, v)| v.is_some()).map(|(k, _)| (k.clone(), false)));
                out.extend(d.parameters.keys().map(|k| (k.clone(), false)));
                out.extend(d.buffers.keys().map(|k| (k.clone(), false)));
                out.extend(d.properties.keys().map(|k| (k.clone(), false)));
                out.extend(d.attrs.iter().map(|(k, v)| (k.clone(), matches!(v, Value::Function(_)))));
            }
            methods(&mut out, MODULE_METHODS);
        }
        Obj::Val(Value::Dict(d)) => {
            out.extend(d.keys().into_iter().map(|k| (k, false)));
            methods(&mut out, DICT_METHODS);
        }
        Obj::Val(Value::List(_)) => methods(&mut out, &["append", "clear", "copy", "count", "extend", "index", "insert", "pop", "remove"]),
        Obj::Val(Value::Tuple(_)) => methods(&mut out, &["count", "index"]),
        Obj::Val(Value::Size(_)) => methods(&mut out, &["count", "index", "numel"]),
        Obj::Val(Value::Namespace(ns)) => {
            // Functions and classes complete with `(`; submodules and constants without.
            let mut names: Vec<(String, bool)> = ns.attrs.borrow().iter().map(|(k, v)| (k.clone(), matches!(v, Value::Function(_)))).collect();
            names.sort();
            out.extend(names);
        }
        Obj::Val(Value::DType(_)) => out.extend(fcall::interp::dtypes::ATTRS.iter().map(|s| (s.to_string(), false))),
        _ => {}
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|(n, _)| seen.insert(n.clone()));
    out
}

/// Whether the text before byte `at` puts the cursor at the start of a statement.
fn at_statement_start(before: &str, at: usize) -> bool {
    let prev = before[..at].trim_end_matches([' ', '\t']);
    prev.is_empty() || prev.ends_with(['\n', ';', '{', '}'])
}

/// Whether a following `(` is already there.
fn next_is_paren(line: &str, pos: usize) -> bool {
    line[pos..].trim_start_matches([' ', '\t']).starts_with('(')
}

pub fn complete(session: &Session, line: &str, pos: usize) -> (usize, Vec<Candidate>) {
    let pos = (0..=pos).rev().find(|p| line.is_char_boundary(*p)).unwrap_or(0);
    let before = &line[..pos];
    match lex_state(before) {
        Lex::Comment => (pos, Vec::new()),
        Lex::Str { quote, ch } => complete_key(session, line, pos, quote, ch),
        Lex::Code => complete_code(session, line, pos),
    }
}

/// `a["par` → the dict's keys, closing the string and the bracket.
fn complete_key(session: &Session, line: &str, pos: usize, quote: usize, ch: char) -> (usize, Vec<Candidate>) {
    let before = &line[..pos];
    let partial = &before[quote + ch.len_utf8()..];
    let head = before[..quote].trim_end();
    let Some(obj_end) = head.strip_suffix('[').map(str::len) else { return (pos, Vec::new()) };
    let start = path_start(head, obj_end);
    let Some(segs) = parse_path(&head[start..obj_end]) else { return (pos, Vec::new()) };
    let Some(Obj::Val(Value::Dict(d))) = resolve(session, &segs) else { return (pos, Vec::new()) };
    let after = &line[pos..];
    let close = if after.starts_with(ch) {
        String::new()
    } else {
        format!("{ch}]")
    };
    let cands = d
        .keys()
        .into_iter()
        .filter(|k| k.starts_with(partial))
        .map(|k| Candidate { replacement: format!("{k}{close}"), display: k })
        .collect();
    (quote + ch.len_utf8(), cands)
}

fn complete_code(session: &Session, line: &str, pos: usize) -> (usize, Vec<Candidate>) {
    let before = &line[..pos];
    let start = path_start(before, pos);
    let expr = &before[start..];
    if let Some(dot) = expr.rfind('.') {
        // `obj.par`: members of obj.
        let partial = &expr[dot + 1..];
        if !partial.chars().all(is_ident_char) {
            return (pos, Vec::new());
        }
        let Some(segs) = parse_path(&expr[..dot]) else { return (pos, Vec::new()) };
        let Some(obj) = resolve(session, &segs) else { return (pos, Vec::new()) };
        let paren = next_is_paren(line, pos);
        let hidden = |n: &str| n.starts_with('_') && !partial.starts_with('_');
        let mems: Vec<(String, bool)> = members(&obj).into_iter().filter(|(n, _)| n.starts_with(partial) && !hidden(n)).collect();
        let is_dict = matches!(obj, Obj::Val(Value::Dict(_)));
        if is_dict && mems.iter().any(|(n, _)| !is_ident(n)) {
            // Keys like "lin.weight" are not attributes: offer `["lin.weight"]` from the dot on.
            let cands = mems
                .into_iter()
                .map(|(n, m)| {
                    if is_ident(&n) {
                        Candidate { replacement: format!(".{n}{}", if m && !paren { "(" } else { "" }), display: n }
                    } else {
                        Candidate { replacement: format!("[\"{n}\"]"), display: format!("[\"{n}\"]") }
                    }
                })
                .collect();
            return (start + dot, cands);
        }
        let cands = mems
            .into_iter()
            .map(|(n, m)| Candidate { replacement: if m && !paren { format!("{n}(") } else { n.clone() }, display: n })
            .collect();
        return (start + dot + 1, cands);
    }
    // A name.
    let partial = expr;
    let word_start = start;
    let prev = before[..word_start].trim_end_matches([' ', '\t']);
    if prev.ends_with("help") && at_statement_start(before, prev.len() - 4) && prev.len() < word_start {
        let cands = HELP_TOPICS.iter().filter(|t| t.starts_with(partial)).map(|t| Candidate::plain(t)).collect();
        return (word_start, cands);
    }
    // Right after a number or a closing bracket there is no name to complete.
    if partial.is_empty() && before[..word_start].ends_with(|c: char| c.is_alphanumeric() || c == ')' || c == ']') {
        return (pos, Vec::new());
    }
    let paren = next_is_paren(line, pos);
    let mut names: Vec<Candidate> = Vec::new();
    let mut push = |n: &str, callable: bool| {
        if n.starts_with(partial) && !(n.starts_with('_') && !partial.starts_with('_')) {
            names.push(Candidate { replacement: if callable && !paren { format!("{n}(") } else { n.to_string() }, display: n.to_string() });
        }
    };
    for n in session.names() {
        let callable = matches!(session.get(&n), Some(Value::Function(_)));
        push(&n, callable);
    }
    for n in session.builtin_names() {
        push(&n, true);
    }
    for k in PYTHON_KEYWORDS {
        push(k, false);
    }
    if at_statement_start(before, word_start) {
        for w in COMMAND_WORDS {
            push(w, false);
        }
    }
    let mut seen = std::collections::HashSet::new();
    names.retain(|c| seen.insert(c.display.clone()));
    names.sort_by(|a, b| a.display.cmp(&b.display));
    (word_start, names)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use fcall::interp::RunOptions;

    /// A session that has run `code` without an error.
    pub(crate) fn session(code: &str) -> Session {
        let mut s = Session::new();
        for o in s.run(code, RunOptions::default()) {
            assert!(o.kind != fcall::interp::OutKind::Error, "{}", o.text());
        }
        s
    }

    fn comp(s: &Session, line: &str) -> (usize, Vec<String>) {
        let (start, c) = complete(s, line, line.len());
        (start, c.into_iter().map(|c| c.replacement).collect())
    }

    #[test]
    fn names_keywords_and_builtins() {
        let s = session("my_value = 3\nmy_model = nn.Linear(2, 2)");
        assert_eq!(comp(&s, "x = my_"), (4, vec!["my_model".to_string(), "my_value".to_string()]));
        // Python's built-ins are bare names; torch's functions are not.
        assert_eq!(comp(&s, "ran").1, vec!["range("]);
        assert_eq!(comp(&s, "whi").1, vec!["while"]);
        assert!(comp(&s, "nn.Lin").1.contains(&"Linear(".to_string()));
        // Commands only where a statement starts.
        assert_eq!(comp(&s, "sho").1, vec!["show"]);
        assert!(comp(&s, "x = sho").1.is_empty());
        assert_eq!(comp(&s, "help gr").1, vec!["grad"]);
        assert!(comp(&s, "x = 1 # my_").1.is_empty());
    }

    #[test]
    fn python_modules_of_the_prelude() {
        let s = session("x = 1");
        assert_eq!(comp(&s, "torch.zer"), (6, vec!["zero_(".to_string(), "zeros(".to_string(), "zeros_like(".to_string()]));
        assert_eq!(comp(&s, "y = torch.float6").1, vec!["float64"]);
        assert_eq!(comp(&s, "nn.Lin").1, vec!["Linear("]);
        assert_eq!(comp(&s, "F.rel").1, vec!["relu(", "relu6(", "relu_("]);
        assert_eq!(comp(&s, "torch.nn.functional.mse").1, vec!["mse_loss("]);
        // Submodules and constants complete without a parenthesis.
        let n = comp(&s, "torch.n").1;
        assert!(n.contains(&"nn".to_string()) && n.contains(&"nan".to_string()), "{n:?}");
        assert_eq!(comp(&s, "math.sq").1, vec!["sqrt("]);
        assert_eq!(comp(&s, "torch.float64.is_f").1, vec!["is_floating_point"]);
        // Dunder names only when asked for.
        assert!(!comp(&s, "torch.").1.iter().any(|c| c.starts_with('_')));
        assert!(comp(&s, "tor").1.contains(&"torch".to_string()));
    }

    #[test]
    fn module_members_and_dotted_paths() {
        let s = session(
            "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.lin = nn.Linear(2, 3)\n        self.body = nn.Sequential(nn.Linear(3, 3), nn.ReLU())\n\n    def forward(self, x):\n        return self.body(self.lin(x))\n\nnet = Net()",
        );
        assert_eq!(comp(&s, "net.l"), (4, vec!["lin".to_string()]));
        assert_eq!(comp(&s, "net.lin.we").1, vec!["weight"]);
        assert_eq!(comp(&s, "net.lin.b").1, vec!["bias", "bfloat16(", "buffers("]);
        assert_eq!(comp(&s, "net.body.").1[..2], ["0".to_string(), "1".to_string()]);
        assert_eq!(comp(&s, "net.body.0.w").1, vec!["weight"]);
        assert!(comp(&s, "net.lin.").1.contains(&"in_features".to_string()));
        assert!(comp(&s, "net.").1.contains(&"named_parameters(".to_string()));
        assert_eq!(comp(&s, "net.lin.weight.requires_gr").1, vec!["requires_grad", "requires_grad_("]);
        assert_eq!(comp(&s, "y = net.lin.weight.su").1, vec!["sub(", "sub_(", "sum("]);
        assert!(comp(&s, "nothing.").1.is_empty());
    }

    #[test]
    fn dict_keys_after_dot_and_bracket() {
        let s = session("a = {\"foo\": torch.zeros(()), \"bar\": torch.ones(())}\np = dict(nn.Sequential(nn.Linear(2, 2)).named_parameters())");
        assert_eq!(comp(&s, "a[\"b").1, vec!["bar\"]"]);
        assert_eq!(comp(&s, "p[\"0.w"), (3, vec!["0.weight\"]".to_string()]));
        assert_eq!(comp(&s, "p['0.b").1, vec!["0.bias']"]);
        // Keys that are not names complete to a subscript from the dot.
        assert_eq!(comp(&s, "p.0"), (1, vec!["[\"0.weight\"]".to_string(), "[\"0.bias\"]".to_string()]));
        let (start, c) = complete(&s, "p[\"0.w\"]", 6);
        assert_eq!((start, c.into_iter().map(|c| c.replacement).collect::<Vec<_>>()), (3, vec!["0.weight".to_string()]));
    }

    #[test]
    fn parse_path_steps() {
        assert_eq!(parse_path("a.b.0"), Some(vec!["a".into(), "b".into(), "0".into()]));
        assert_eq!(parse_path("p[\"x.y\"].z"), Some(vec!["p".into(), "x.y".into(), "z".into()]));
        assert_eq!(parse_path("0.a"), None);
        assert_eq!(path_start("x = foo[\"k\"].ba", 14), 4);
        assert_eq!(path_start("f(a.b", 5), 2);
    }
}
