//! `str` methods (`join`, `split`, `strip`, `startswith`, `replace`, `format`, ...) with
//! Python's results and errors.
use std::rc::Weak;

use super::eval::{Ctx, Shared};
use crate::error::{Error, ExcType, Result};
use crate::value::{Function, FunctionKind, Kwargs, Value};

/// The methods a str has here.
pub const STR_METHODS: &[&str] = &[
    "join", "split", "rsplit", "strip", "lstrip", "rstrip", "startswith", "endswith", "replace", "upper", "lower", "format",
    "find", "rfind", "index", "rindex", "count", "isdigit", "isalpha", "isalnum", "isspace", "isupper", "islower", "isidentifier",
    "title", "capitalize", "center", "ljust", "rjust", "zfill", "partition", "rpartition", "splitlines", "removeprefix",
    "removesuffix", "swapcase", "casefold", "isnumeric", "isdecimal",
];

fn arg_str(fname: &str, n: usize, v: &Value) -> Result<String> {
    match v {
        Value::Str(s) => Ok(s.to_string()),
        other => Err(Error::type_error("str::argument", format!("{fname}() argument {n} must be str, not {}", other.type_name()))),
    }
}

fn opt_str(fname: &str, n: usize, v: Option<&Value>) -> Result<Option<String>> {
    match v {
        None | Some(Value::None) => Ok(None),
        Some(v) => arg_str(fname, n, v).map(Some),
    }
}

fn arg_int(v: Option<&Value>, default: i64) -> Result<i64> {
    match v {
        None | Some(Value::None) => Ok(default),
        Some(Value::Int(i)) => Ok(*i),
        Some(Value::Bool(b)) => Ok(*b as i64),
        Some(other) => Err(Error::type_error("str::argument", format!("'{}' object cannot be interpreted as an integer", other.type_name()))),
    }
}

/// Positional and keyword arguments by name (str methods take few keywords).
fn get<'a>(pos: &'a [Value], kw: &'a Kwargs, i: usize, name: &str) -> Option<&'a Value> {
    pos.get(i).or_else(|| kw.iter().find(|(k, _)| k == name).map(|(_, v)| v))
}

fn check_count(q: &str, pos: &[Value], kw: &Kwargs, min: usize, max: usize, kw_names: &[&str]) -> Result<()> {
    if let Some((k, _)) = kw.iter().find(|(k, _)| !kw_names.contains(&k.as_str())) {
        let short = q.trim_start_matches("str.");
        return Err(Error::type_error(
            "call::unexpected_keyword",
            if kw_names.is_empty() { format!("{q}() takes no keyword arguments") } else { format!("{short}() got an unexpected keyword argument '{k}'") },
        ));
    }
    let n = pos.len() + kw.len();
    let short = q.trim_start_matches("str.");
    if max == 0 && n > 0 {
        return Err(Error::type_error("call::too_many_arguments", format!("{q}() takes no arguments ({n} given)")));
    }
    if min == 1 && max == 1 && n != 1 {
        return Err(Error::type_error("call::argument_count", format!("{q}() takes exactly one argument ({n} given)")));
    }
    if n < min {
        return Err(Error::type_error("call::missing_argument", format!("{short} expected at least {min} argument{}, got {n}", if min == 1 { "" } else { "s" })));
    }
    if n > max {
        return Err(Error::type_error("call::too_many_arguments", format!("{short} expected at most {max} argument{}, got {n}", if max == 1 { "" } else { "s" })));
    }
    Ok(())
}

/// Python's whitespace split (`sep=None`): runs of whitespace, no empty parts.
fn split_ws(s: &str, maxsplit: i64, from_right: bool) -> Vec<String> {
    let mut parts: Vec<String> = Vec::new();
    if !from_right {
        let mut rest = s.trim_start();
        while !rest.is_empty() {
            if maxsplit >= 0 && parts.len() as i64 == maxsplit {
                parts.push(rest.to_string());
                break;
            }
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            parts.push(rest[..end].to_string());
            rest = rest[end..].trim_start();
        }
    } else {
        let mut rest = s.trim_end();
        while !rest.is_empty() {
            if maxsplit >= 0 && parts.len() as i64 == maxsplit {
                parts.push(rest.to_string());
                break;
            }
            let start = rest.rfind(char::is_whitespace).map(|i| i + rest[i..].chars().next().map(char::len_utf8).unwrap_or(1)).unwrap_or(0);
            parts.push(rest[start..].to_string());
            rest = rest[..start].trim_end();
        }
        parts.reverse();
    }
    parts
}

fn strs(items: Vec<String>) -> Value {
    Value::list(items.into_iter().map(|s| Value::str(&s)).collect())
}

/// Char-index slice bounds as Python's `str.find(sub, start, end)` takes them.
fn bounds(len: usize, start: Option<&Value>, end: Option<&Value>) -> Result<(usize, usize)> {
    let n = len as i64;
    let fix = |v: i64| if v < 0 { (v + n).max(0) } else { v.min(n) };
    let s = fix(arg_int(start, 0)?);
    let e = fix(arg_int(end, n)?);
    Ok((s as usize, e.max(s) as usize))
}

fn find(s: &str, sub: &str, start: Option<&Value>, end: Option<&Value>, right: bool) -> Result<i64> {
    let chars: Vec<char> = s.chars().collect();
    let (a, b) = bounds(chars.len(), start, end)?;
    let hay: String = chars[a..b].iter().collect();
    let found = if right { hay.rfind(sub) } else { hay.find(sub) };
    Ok(match found {
        Some(byte) => (a + hay[..byte].chars().count()) as i64,
        None => -1,
    })
}

fn prefixes(fname: &str, v: &Value) -> Result<Vec<String>> {
    match v {
        Value::Str(s) => Ok(vec![s.to_string()]),
        Value::Tuple(items) => items
            .borrow()
            .iter()
            .map(|x| match x {
                Value::Str(s) => Ok(s.to_string()),
                other => Err(Error::type_error("str::argument", format!("tuple for {fname} must only contain str, not {}", other.type_name()))),
            })
            .collect(),
        other => Err(Error::type_error("str::argument", format!("{fname} first arg must be str or a tuple of str, not {}", other.type_name()))),
    }
}

fn pad_arg(q: &str, pos: &[Value], kw: &Kwargs) -> Result<(usize, char)> {
    check_count(q, pos, kw, 1, 2, &[])?;
    let width = arg_int(pos.first(), 0)?.max(0) as usize;
    let fill = match pos.get(1) {
        None => ' ',
        Some(Value::Str(f)) if f.chars().count() == 1 => f.chars().next().unwrap_or(' '),
        Some(Value::Str(_)) => return Err(Error::type_error("str::argument", "The fill character must be exactly one character long")),
        Some(other) => return Err(Error::type_error("str::argument", format!("{q}() argument 2 must be str of length 1, not {}", other.type_name()))),
    };
    Ok((width, fill))
}

fn call(sh: &Weak<Shared>, s: &str, name: &str, pos: &[Value], kw: &Kwargs) -> Result<Value> {
    let q = format!("str.{name}");
    let q = q.as_str();
    let len = s.chars().count();
    Ok(match name {
        "join" => {
            check_count(q, pos, kw, 1, 1, &[])?;
            let items = super::members::iterate(&pos[0])?;
            let mut parts = Vec::with_capacity(items.len());
            for (i, it) in items.iter().enumerate() {
                match it {
                    Value::Str(x) => parts.push(x.to_string()),
                    other => return Err(Error::type_error("str::join", format!("sequence item {i}: expected str instance, {} found", other.type_name()))),
                }
            }
            Value::str(&parts.join(s))
        }
        "split" | "rsplit" => {
            check_count(q, pos, kw, 0, 2, &["sep", "maxsplit"])?;
            let sep = opt_str(name, 1, get(pos, kw, 0, "sep"))?;
            let maxsplit = arg_int(get(pos, kw, 1, "maxsplit"), -1)?;
            match sep {
                None => strs(split_ws(s, maxsplit, name == "rsplit")),
                Some(sep) if sep.is_empty() => return Err(Error::value("str::split", "empty separator")),
                Some(sep) => {
                    let parts: Vec<String> = match (name, maxsplit) {
                        (_, m) if m < 0 => s.split(sep.as_str()).map(String::from).collect(),
                        ("split", m) => s.splitn(m as usize + 1, sep.as_str()).map(String::from).collect(),
                        (_, m) => {
                            let mut v: Vec<String> = s.rsplitn(m as usize + 1, sep.as_str()).map(String::from).collect();
                            v.reverse();
                            v
                        }
                    };
                    strs(parts)
                }
            }
        }
        "splitlines" => {
            check_count(q, pos, kw, 0, 1, &["keepends"])?;
            let keep = get(pos, kw, 0, "keepends").map(super::ops::truthy).transpose()?.unwrap_or(false);
            let mut out = Vec::new();
            let mut cur = String::new();
            let chars: Vec<char> = s.chars().collect();
            let mut i = 0;
            while i < chars.len() {
                let c = chars[i];
                if matches!(c, '\n' | '\r' | '\x0b' | '\x0c' | '\x1c' | '\x1d' | '\x1e' | '\u{85}' | '\u{2028}' | '\u{2029}') {
                    let mut end = c.to_string();
                    if c == '\r' && chars.get(i + 1) == Some(&'\n') {
                        end.push('\n');
                        i += 1;
                    }
                    if keep {
                        cur.push_str(&end);
                    }
                    out.push(std::mem::take(&mut cur));
                } else {
                    cur.push(c);
                }
                i += 1;
            }
            if !cur.is_empty() {
                out.push(cur);
            }
            strs(out)
        }
        "strip" | "lstrip" | "rstrip" => {
            check_count(q, pos, kw, 0, 1, &[])?;
            let chars = opt_str(name, 1, pos.first())?;
            let pred = |c: char| match &chars {
                Some(set) => set.contains(c),
                None => c.is_whitespace(),
            };
            Value::str(match name {
                "strip" => s.trim_matches(pred),
                "lstrip" => s.trim_start_matches(pred),
                _ => s.trim_end_matches(pred),
            })
        }
        "startswith" | "endswith" => {
            check_count(q, pos, kw, 1, 3, &[])?;
            let ps = prefixes(name, &pos[0])?;
            let chars: Vec<char> = s.chars().collect();
            let (a, b) = bounds(chars.len(), pos.get(1), pos.get(2))?;
            let hay: String = chars[a..b].iter().collect();
            Value::Bool(ps.iter().any(|p| if name == "startswith" { hay.starts_with(p.as_str()) } else { hay.ends_with(p.as_str()) }))
        }
        "replace" => {
            check_count(q, pos, kw, 2, 3, &[])?;
            let old = arg_str("replace", 1, &pos[0])?;
            let new = arg_str("replace", 2, &pos[1])?;
            let count = arg_int(pos.get(2), -1)?;
            Value::str(&if count < 0 { s.replace(&old, &new) } else { s.replacen(&old, &new, count as usize) })
        }
        "upper" => {
            check_count(q, pos, kw, 0, 0, &[])?;
            Value::str(&s.to_uppercase())
        }
        "lower" | "casefold" => {
            check_count(q, pos, kw, 0, 0, &[])?;
            Value::str(&s.to_lowercase())
        }
        "swapcase" => {
            check_count(q, pos, kw, 0, 0, &[])?;
            Value::str(&s.chars().map(|c| if c.is_uppercase() { c.to_lowercase().collect::<String>() } else { c.to_uppercase().collect() }).collect::<String>())
        }
        "title" => {
            check_count(q, pos, kw, 0, 0, &[])?;
            let mut out = String::new();
            let mut prev_cased = false;
            for c in s.chars() {
                if prev_cased {
                    out.extend(c.to_lowercase());
                } else {
                    out.extend(c.to_uppercase());
                }
                prev_cased = c.is_alphabetic();
            }
            Value::str(&out)
        }
        "capitalize" => {
            check_count(q, pos, kw, 0, 0, &[])?;
            let mut cs = s.chars();
            Value::str(&match cs.next() {
                Some(f) => f.to_uppercase().chain(cs.flat_map(|c| c.to_lowercase())).collect::<String>(),
                None => String::new(),
            })
        }
        "format" => {
            let weak = sh.clone();
            let getattr = move |v: &Value, attr: &str| -> Result<Value> {
                let sh = weak.upgrade().ok_or_else(|| Error::runtime("eval::session_gone", "the session that defined this function was reset"))?;
                super::members::getattr(&Ctx { sh, src: 0 }, v, attr)
            };
            Value::str(&super::format::str_format(s, pos, kw, &getattr)?)
        }
        "find" | "rfind" | "index" | "rindex" | "count" => {
            check_count(q, pos, kw, 1, 3, &[])?;
            let sub = match &pos[0] {
                Value::Str(x) => x.to_string(),
                other => return Err(Error::type_error("str::argument", format!("must be str, not {}", other.type_name()))),
            };
            if name == "count" {
                let chars: Vec<char> = s.chars().collect();
                let (a, b) = bounds(chars.len(), pos.get(1), pos.get(2))?;
                let hay: String = chars[a..b].iter().collect();
                let n = if sub.is_empty() { hay.chars().count() + 1 } else { hay.matches(sub.as_str()).count() };
                return Ok(Value::Int(n as i64));
            }
            let i = find(s, &sub, pos.get(1), pos.get(2), name.starts_with('r'))?;
            if i < 0 && name.ends_with("index") {
                return Err(Error::value("str::index", "substring not found"));
            }
            Value::Int(i)
        }
        "isdigit" | "isdecimal" | "isnumeric" | "isalpha" | "isalnum" | "isspace" | "isupper" | "islower" | "isidentifier" => {
            check_count(q, pos, kw, 0, 0, &[])?;
            let ne = !s.is_empty();
            Value::Bool(match name {
                "isdigit" | "isdecimal" | "isnumeric" => ne && s.chars().all(|c| c.is_numeric()),
                "isalpha" => ne && s.chars().all(char::is_alphabetic),
                "isalnum" => ne && s.chars().all(char::is_alphanumeric),
                "isspace" => ne && s.chars().all(char::is_whitespace),
                "isupper" => s.chars().any(char::is_uppercase) && !s.chars().any(char::is_lowercase),
                "islower" => s.chars().any(char::is_lowercase) && !s.chars().any(char::is_uppercase),
                _ => {
                    let mut cs = s.chars();
                    cs.next().is_some_and(|c| c == '_' || c.is_alphabetic()) && cs.all(|c| c == '_' || c.is_alphanumeric())
                }
            })
        }
        "center" | "ljust" | "rjust" => {
            let (width, fill) = pad_arg(name, pos, kw)?;
            if width <= len {
                return Ok(Value::str(s));
            }
            let n = width - len;
            let f = |k: usize| fill.to_string().repeat(k);
            Value::str(&match name {
                "ljust" => format!("{s}{}", f(n)),
                "rjust" => format!("{}{s}", f(n)),
                // CPython's centre puts the odd character on the left when the width is odd.
                _ => {
                    let left = n / 2 + (n & width & 1);
                    format!("{}{s}{}", f(left), f(n - left))
                }
            })
        }
        "zfill" => {
            check_count(q, pos, kw, 1, 1, &[])?;
            let width = arg_int(pos.first(), 0)?.max(0) as usize;
            if width <= len {
                return Ok(Value::str(s));
            }
            let zeros = "0".repeat(width - len);
            Value::str(&match s.chars().next() {
                Some(c @ ('+' | '-')) => format!("{c}{zeros}{}", &s[1..]),
                _ => format!("{zeros}{s}"),
            })
        }
        "partition" | "rpartition" => {
            check_count(q, pos, kw, 1, 1, &[])?;
            let sep = arg_str(name, 1, &pos[0])?;
            if sep.is_empty() {
                return Err(Error::value("str::partition", "empty separator"));
            }
            let found = if name == "partition" { s.find(&sep) } else { s.rfind(&sep) };
            let parts = match found {
                Some(i) => [&s[..i], sep.as_str(), &s[i + sep.len()..]],
                None if name == "partition" => [s, "", ""],
                None => ["", "", s],
            };
            Value::tuple(parts.iter().map(|p| Value::str(p)).collect())
        }
        "removeprefix" | "removesuffix" => {
            check_count(q, pos, kw, 1, 1, &[])?;
            let a = arg_str(name, 1, &pos[0])?;
            Value::str(if name == "removeprefix" { s.strip_prefix(a.as_str()).unwrap_or(s) } else { s.strip_suffix(a.as_str()).unwrap_or(s) })
        }
        _ => return Err(Error::new(ExcType::AttributeError, "eval::no_attribute", format!("'str' object has no attribute '{name}'"))),
    })
}

/// `s.name` for a str `s`.
pub fn attr(sh: &Weak<Shared>, s: &str, name: &str) -> Option<Value> {
    if !STR_METHODS.contains(&name) {
        return None;
    }
    let (s, n, weak) = (s.to_string(), name.to_string(), sh.clone());
    Some(Function::new(format!("str.{name}"), FunctionKind::Method, move |pos, kw| call(&weak, &s, &n, pos, kw)))
}
