//! Completion and inspection against the live workspace (runs on the engine thread).
//! Cursor positions are in Unicode code points, as the protocol says.
use fcall::interp::{RunOptions, Session};
use fcall::value::Value;
use fcall_lang::token::Keyword;

use serde_json::{json, Value as Json};

/// Tensor methods offered after `x.` (LANGUAGE.md's list).
const TENSOR_METHODS: &[&str] = &[
    "sum", "mean", "t", "reshape", "detach", "clone", "requires_grad_", "add_", "mul_", "sub_", "div_", "zero_", "fill_",
    "copy_", "clamp_", "shape", "dtype", "grad", "grad_fn", "requires_grad", "is_leaf",
];
const MODULE_METHODS: &[&str] = &["train", "eval", "register_buffer", "append", "forward"];

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The dotted word that ends at `pos` (in chars): (start, text).
fn word_before(chars: &[char], pos: usize) -> (usize, String) {
    let pos = pos.min(chars.len());
    let mut s = pos;
    while s > 0 && (is_word(chars[s - 1]) || chars[s - 1] == '.') {
        s -= 1;
    }
    (s, chars[s..pos].iter().collect())
}

pub fn complete(session: &Session, code: &str, pos: usize) -> Json {
    let chars: Vec<char> = code.chars().collect();
    let pos = pos.min(chars.len());
    let (start, word) = word_before(&chars, pos);
    let (mut matches, start) = match word.rfind('.') {
        Some(dot) => {
            let (base, prefix) = (&word[..dot], &word[dot + 1..]);
            let names = session.get(base.split('.').next().unwrap_or("")).and_then(|v| lookup(v, base)).map(members).unwrap_or_default();
            let m: Vec<String> = names.into_iter().filter(|n| n.starts_with(prefix)).collect();
            (m, start + word[..dot + 1].chars().count())
        }
        None => {
            let mut all = session.names();
            all.extend(session.builtin_names());
            all.extend(Keyword::ALL.iter().map(|k| k.as_str().to_string()));
            all.extend(fcall_lang::COMMAND_WORDS.iter().map(|s| s.to_string()));
            (all.into_iter().filter(|n| n.starts_with(word.as_str())).collect(), start)
        }
    };
    matches.sort();
    matches.dedup();
    json!({"matches": matches, "start": start, "end": pos})
}

/// `a.b.c` → the value of `b.c` inside `a` (modules' children and attributes, dict keys).
fn lookup(root: Value, path: &str) -> Option<Value> {
    let mut v = root;
    for part in path.split('.').skip(1) {
        v = match &v {
            Value::Module(m) => m.getattr(part).ok()?,
            Value::Dict(d) => d.borrow().get(part).cloned()?,
            _ => return None,
        };
    }
    Some(v)
}

fn members(v: Value) -> Vec<String> {
    match v {
        Value::Module(m) => {
            let d = m.data();
            let mut out: Vec<String> = d.parameters.keys().chain(d.buffers.keys()).chain(d.modules.keys()).cloned().collect();
            out.extend(d.attrs.keys().cloned());
            out.extend(MODULE_METHODS.iter().map(|s| s.to_string()));
            out
        }
        Value::Dict(d) => d.keys(),
        Value::Tensor(_) => TENSOR_METHODS.iter().map(|s| s.to_string()).collect(),
        _ => vec![],
    }
}

/// The name under or just before the cursor: its value, or the help on a built-in or keyword.
pub fn inspect(session: &Session, helper: &mut Session, code: &str, pos: usize) -> Json {
    let chars: Vec<char> = code.chars().collect();
    let mut end = pos.min(chars.len());
    while end < chars.len() && (is_word(chars[end]) || chars[end] == '.') {
        end += 1;
    }
    let (_, word) = word_before(&chars, end);
    let word = word.trim_matches('.').to_string();
    if word.is_empty() {
        return json!({"found": false, "text": ""});
    }
    let root = word.split('.').next().unwrap_or("");
    if let Some(v) = session.get(root).and_then(|v| lookup(v, &word)) {
        return json!({"found": true, "text": format!("{word}: {}\n{}", v.type_name(), fcall::interp::output::value_text(&v, 100, false))});
    }
    // Built-ins, keywords and commands: the engine's own help text, from a scratch session so
    // the user's history is untouched.
    for topic in [word.as_str(), root] {
        let outs = helper.run(&format!("help {topic}"), RunOptions { keep_going: false });
        if let Some(o) = outs.first() {
            if o.failure.is_none() && !o.text().trim().is_empty() {
                return json!({"found": true, "text": o.text().trim_end()});
            }
        }
    }
    if session.builtin_names().iter().any(|b| b == root) {
        return json!({"found": true, "text": format!("{root}: built-in")});
    }
    json!({"found": false, "text": ""})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_before_cursor() {
        let c: Vec<char> = "y = mod.fo".chars().collect();
        assert_eq!(word_before(&c, c.len()), (4, "mod.fo".to_string()));
        let c: Vec<char> = "préfixe zer".chars().collect();
        assert_eq!(word_before(&c, c.len()), (8, "zer".to_string()));
    }
}
