//! Inspection (Shift-Tab) against the live workspace (runs on the engine thread). Cursor
//! positions are in Unicode code points, as the protocol says.
use fcall::interp::{RunOptions, Session};
use fcall::value::Value;

use serde_json::{json, Value as Json};

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

/// `a.b.c` → the value of `b.c` inside `a` (modules' children and attributes, dict keys).
fn lookup(root: Value, path: &str) -> Option<Value> {
    let mut v = root;
    for part in path.split('.').skip(1) {
        v = match &v {
            Value::Module(m) => m.getattr(part).ok()?,
            Value::Dict(d) => d.borrow().get(part).cloned()?,
            Value::Namespace(ns) => ns.get(part)?,
            _ => return None,
        };
    }
    Some(v)
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
