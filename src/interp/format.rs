//! Python's format mini-language (`format(v, spec)`, f-string fields, `str.format`) for int,
//! float, str, bool and None, with CPython 3.11's results and error messages; a 0-dim tensor
//! formats through its item as `Tensor.__format__` does. Also `ascii()` and printf-style
//! `str % args`.
use crate::error::{Error, ExcType, Result};
use crate::value::{py_float_repr, Value};
use tch::Kind;

/// A parsed `[[fill]align][sign][z][#][0][width][grouping][.precision][type]`.
#[derive(Clone, Debug, Default)]
struct Spec {
    fill: Option<char>,
    align: Option<char>,
    sign: Option<char>,
    no_neg_zero: bool,
    alternate: bool,
    /// `0` before the width.
    zero: bool,
    width: usize,
    grouping: Option<char>,
    precision: Option<usize>,
    ty: Option<char>,
}

fn value_error(m: impl Into<String>) -> Error {
    Error::value("format::spec", m)
}

fn parse(spec: &str, type_name: &str) -> Result<Spec> {
    let c: Vec<char> = spec.chars().collect();
    let mut s = Spec::default();
    let mut i = 0;
    let is_align = |ch: char| matches!(ch, '<' | '>' | '=' | '^');
    if c.len() >= 2 && is_align(c[1]) {
        s.fill = Some(c[0]);
        s.align = Some(c[1]);
        i = 2;
    } else if !c.is_empty() && is_align(c[0]) {
        s.align = Some(c[0]);
        i = 1;
    }
    if i < c.len() && matches!(c[i], '+' | '-' | ' ') {
        s.sign = Some(c[i]);
        i += 1;
    }
    if i < c.len() && c[i] == 'z' {
        s.no_neg_zero = true;
        i += 1;
    }
    if i < c.len() && c[i] == '#' {
        s.alternate = true;
        i += 1;
    }
    if s.fill.is_none() && i < c.len() && c[i] == '0' {
        s.zero = true;
        i += 1;
    }
    let start = i;
    while i < c.len() && c[i].is_ascii_digit() {
        i += 1;
    }
    if i > start {
        s.width = c[start..i].iter().collect::<String>().parse().map_err(|_| value_error("Too many decimal digits in format string"))?;
    }
    if i < c.len() && (c[i] == ',' || c[i] == '_') {
        s.grouping = Some(c[i]);
        i += 1;
        if i < c.len() && (c[i] == ',' || c[i] == '_') {
            return Err(value_error("Cannot specify both ',' and '_'."));
        }
    }
    if i < c.len() && c[i] == '.' {
        i += 1;
        let start = i;
        while i < c.len() && c[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return Err(value_error("Format specifier missing precision"));
        }
        s.precision = Some(c[start..i].iter().collect::<String>().parse().map_err(|_| value_error("Too many decimal digits in format string"))?);
    }
    if c.len() - i > 1 {
        return Err(value_error(format!("Invalid format specifier '{spec}' for object of type '{type_name}'")));
    }
    if i < c.len() {
        s.ty = Some(c[i]);
    }
    if let Some(g) = s.grouping {
        let default = match type_name {
            "str" => 's',
            "int" | "bool" => 'd',
            _ => '\0',
        };
        let ty = s.ty.unwrap_or(default);
        let ok = matches!(ty, 'd' | 'e' | 'f' | 'g' | 'E' | 'G' | '%' | 'F' | '\0') || (g == '_' && matches!(ty, 'b' | 'o' | 'x' | 'X'));
        if !ok {
            return Err(value_error(format!("Cannot specify '{g}' with '{ty}'.")));
        }
    }
    Ok(s)
}

/// Pads `body` (sign and prefix already in `prefix`) to the width with the fill and alignment.
fn pad(s: &Spec, prefix: &str, body: &str, default_align: char) -> String {
    let fill = s.fill.unwrap_or(if s.zero { '0' } else { ' ' });
    let align = s.align.unwrap_or(if s.zero && default_align == '>' { '=' } else { default_align });
    let len = prefix.chars().count() + body.chars().count();
    if len >= s.width {
        return format!("{prefix}{body}");
    }
    let n = s.width - len;
    let f = |k: usize| fill.to_string().repeat(k);
    match align {
        '<' => format!("{prefix}{body}{}", f(n)),
        '^' => format!("{}{prefix}{body}{}", f(n / 2), f(n - n / 2)),
        '=' => format!("{prefix}{}{body}", f(n)),
        _ => format!("{}{prefix}{body}", f(n)),
    }
}

/// Inserts the grouping separator into a run of digits, every `every` digits from the right;
/// with zero padding the zeros are grouped too, up to `min_width` characters.
fn group(digits: &str, sep: char, every: usize, min_width: usize) -> String {
    let mut d: Vec<char> = digits.chars().collect();
    // Zero padding inside the grouping (format(1234, '010,') is '00,001,234').
    loop {
        let groups = d.len().div_ceil(every).max(1);
        let total = d.len() + groups - 1;
        if total >= min_width {
            break;
        }
        d.insert(0, '0');
    }
    let mut out = String::new();
    for (k, ch) in d.iter().enumerate() {
        if k > 0 && (d.len() - k) % every == 0 {
            out.push(sep);
        }
        out.push(*ch);
    }
    // A leading separator appears when the padding asked for one more character (Python gives
    // `0,001,234` for width 9 too).
    out
}

fn sign_str(negative: bool, sign: Option<char>) -> &'static str {
    match (negative, sign) {
        (true, _) => "-",
        (false, Some('+')) => "+",
        (false, Some(' ')) => " ",
        _ => "",
    }
}

/// Lays out a number: sign, prefix (`0x`), the digits of the integer part (grouped), the rest.
fn number(s: &Spec, negative: bool, prefix: &str, int_digits: &str, rest: &str, every: usize) -> String {
    let sign = format!("{}{prefix}", sign_str(negative, s.sign));
    // Zero padding (fill '0', align '='): the grouping runs into the zeros, as CPython's does.
    let fill = s.fill.unwrap_or(if s.zero { '0' } else { ' ' });
    let align = s.align.unwrap_or(if s.zero { '=' } else { '>' });
    let zero_pad = fill == '0' && align == '=';
    let digits = match s.grouping {
        Some(sep) => {
            let min = if zero_pad { s.width.saturating_sub(sign.chars().count() + rest.chars().count()) } else { 0 };
            group(int_digits, sep, every, min)
        }
        None => int_digits.to_string(),
    };
    pad(s, &sign, &format!("{digits}{rest}"), '>')
}

/// `format(n, spec)` for an int (any size) or bool.
fn format_int(n: &Value, spec: &str, type_name: &str) -> Result<String> {
    let s = parse(spec, type_name)?;
    let ty = s.ty.unwrap_or('d');
    if matches!(ty, 'e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%') {
        return format_float_spec(crate::pyint::to_f64(n).unwrap_or(Ok(0.0))?, &s);
    }
    if s.precision.is_some() {
        return Err(value_error("Precision not allowed in integer format specifier"));
    }
    if s.no_neg_zero {
        return Err(value_error("Negative zero coercion (z) not allowed in integer format specifier"));
    }
    let (prefix, radix, every) = match ty {
        'd' | 'n' => ("", 10, 3),
        'b' => ("0b", 2, 4),
        'o' => ("0o", 8, 4),
        'x' => ("0x", 16, 4),
        'X' => ("0X", 16, 4),
        'c' => {
            if s.sign.is_some() {
                return Err(value_error("Sign not allowed with integer format specifier 'c'"));
            }
            if s.alternate {
                return Err(value_error("Alternate form (#) not allowed with integer format specifier 'c'"));
            }
            let ch = match n {
                Value::Int(i) => u32::try_from(*i).ok().and_then(char::from_u32),
                Value::Bool(b) => char::from_u32(*b as u32),
                _ => None,
            };
            let ch = ch.ok_or_else(|| Error::new(ExcType::OverflowError, "format::chr", "%c arg not in range(0x110000)"))?;
            return Ok(pad(&s, "", &ch.to_string(), '<'));
        }
        other => return Err(value_error(format!("Unknown format code '{other}' for object of type '{type_name}'"))),
    };
    let (negative, digits) = crate::pyint::digits_in(n, radix)?;
    let digits = if ty == 'X' { digits.to_ascii_uppercase() } else { digits };
    let prefix = if s.alternate { prefix } else { "" };
    Ok(number(&s, negative, prefix, &digits, "", every))
}

/// `{:.Ne}` in Python's spelling: at least two exponent digits, with a sign.
fn exp_form(x: f64, precision: usize, alternate: bool) -> String {
    let r = format!("{:.*e}", precision, x);
    let (mant, exp) = r.split_once('e').unwrap_or((&r, "0"));
    let (esign, edigits) = match exp.strip_prefix('-') {
        Some(d) => ('-', d),
        None => ('+', exp),
    };
    let dot = if alternate && !mant.contains('.') { "." } else { "" };
    format!("{mant}{dot}e{esign}{edigits:0>2}")
}

fn strip_zeros(m: &str) -> String {
    if m.contains('.') {
        m.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        m.to_string()
    }
}

/// `'g'` (and the no-type form, `add_dot_0`): fixed or scientific by the exponent.
fn general(x: f64, p: usize, alternate: bool, sci_at: i32, add_dot_0: bool) -> String {
    let p = p.max(1);
    let e = format!("{:.*e}", p - 1, x);
    let exp: i32 = e.split_once('e').map(|(_, x)| x.parse().unwrap_or(0)).unwrap_or(0);
    if exp >= -4 && exp < sci_at {
        let f = format!("{:.*}", (p as i32 - 1 - exp).max(0) as usize, x);
        if alternate {
            return if f.contains('.') { f } else { format!("{f}.") };
        }
        let f = strip_zeros(&f);
        if add_dot_0 && !f.contains('.') {
            return format!("{f}.0");
        }
        f
    } else {
        let s = exp_form(x, p - 1, alternate);
        if alternate {
            return s;
        }
        let (m, ex) = s.split_once('e').unwrap_or((&s, ""));
        format!("{}e{ex}", strip_zeros(m))
    }
}

fn format_float_spec(f: f64, s: &Spec) -> Result<String> {
    let ty = s.ty;
    let mut negative = f.is_sign_negative() && !f.is_nan();
    let a = f.abs();
    let upper = matches!(ty, Some('E' | 'F' | 'G'));
    let mut body = if a.is_nan() || a.is_infinite() {
        let t = if a.is_nan() { "nan" } else { "inf" };
        let t = if upper { t.to_uppercase() } else { t.to_string() };
        if ty == Some('%') {
            format!("{t}%")
        } else {
            t
        }
    } else {
        match ty {
            None => match s.precision {
                None => py_float_repr(a),
                Some(p) => general(a, p, s.alternate, p.max(1) as i32 - 1, true),
            },
            Some('f' | 'F') => {
                let r = format!("{:.*}", s.precision.unwrap_or(6), a);
                if s.alternate && !r.contains('.') {
                    format!("{r}.")
                } else {
                    r
                }
            }
            Some('e' | 'E') => exp_form(a, s.precision.unwrap_or(6), s.alternate),
            Some('g' | 'G' | 'n') => general(a, s.precision.unwrap_or(6), s.alternate, s.precision.unwrap_or(6).max(1) as i32, false),
            Some('%') => {
                let r = format!("{:.*}", s.precision.unwrap_or(6), a * 100.0);
                format!("{}{}%", r, if s.alternate && !r.contains('.') { "." } else { "" })
            }
            Some(other) => return Err(value_error(format!("Unknown format code '{other}' for object of type 'float'"))),
        }
    };
    if upper {
        body = body.to_uppercase();
    }
    if s.no_neg_zero && negative && body.chars().all(|c| matches!(c, '0' | '.' | 'e' | 'E' | '+' | '-' | '%')) {
        negative = false;
    }
    // Group the integer part only.
    let split = body.find(|c: char| !c.is_ascii_digit()).unwrap_or(body.len());
    let (int_part, rest) = body.split_at(split);
    if int_part.is_empty() {
        // nan / inf
        return Ok(number(&Spec { grouping: None, ..s.clone() }, negative, "", "", rest, 3));
    }
    Ok(number(s, negative, "", int_part, rest, 3))
}

fn format_float(f: f64, spec: &str) -> Result<String> {
    let s = parse(spec, "float")?;
    if matches!(s.ty, Some(c) if !matches!(c, 'e' | 'E' | 'f' | 'F' | 'g' | 'G' | 'n' | '%')) {
        return Err(value_error(format!("Unknown format code '{}' for object of type 'float'", s.ty.unwrap_or(' '))));
    }
    format_float_spec(f, &s)
}

/// `complex.__format__` (CPython's format_complex_internal): each part as a float, the
/// imaginary part always signed; with no type, like `str(z)` (parentheses unless the real part
/// is +0), a precision meaning 'g'.
fn format_complex(re: f64, im: f64, spec: &str) -> Result<String> {
    let s = parse(spec, "complex")?;
    if matches!(s.ty, Some(c) if !matches!(c, 'e' | 'E' | 'f' | 'F' | 'g' | 'G' | 'n')) {
        return Err(value_error(format!("Unknown format code '{}' for object of type 'complex'", s.ty.unwrap_or(' '))));
    }
    if s.zero || s.fill == Some('0') {
        return Err(value_error("Zero padding is not allowed in complex format specifier"));
    }
    if s.align == Some('=') {
        return Err(value_error("'=' alignment flag is not allowed in complex format specifier"));
    }
    let omitted = s.ty.is_none();
    let skip_re = omitted && re == 0.0 && re.is_sign_positive();
    let parens = omitted && !skip_re;
    let part = |f: f64, sign: Option<char>| -> Result<String> {
        if omitted && s.precision.is_none() {
            let body = crate::pycomplex::part(f);
            let lead = match sign {
                _ if body.starts_with('-') => "",
                Some('+') => "+",
                Some(' ') => " ",
                _ => "",
            };
            return Ok(format!("{lead}{body}"));
        }
        let ty = if omitted || s.ty == Some('n') { Some('g') } else { s.ty };
        format_float_spec(f, &Spec { fill: None, align: None, width: 0, zero: false, sign, ty, ..s.clone() })
    };
    let re_text = if skip_re { String::new() } else { part(re, s.sign)? };
    let im_text = part(im, if skip_re { s.sign } else { Some('+') })?;
    let body = if parens { format!("({re_text}{im_text}j)") } else { format!("{re_text}{im_text}j") };
    Ok(pad(&Spec { grouping: None, ..s }, "", &body, '>'))
}

fn format_str(text: &str, spec: &str) -> Result<String> {
    let s = parse(spec, "str")?;
    match s.ty {
        None | Some('s') => {}
        Some(other) => return Err(value_error(format!("Unknown format code '{other}' for object of type 'str'"))),
    }
    if s.sign.is_some() {
        return Err(value_error("Sign not allowed in string format specifier"));
    }
    if s.no_neg_zero {
        return Err(value_error("Negative zero coercion (z) not allowed in string format specifier"));
    }
    if s.alternate {
        return Err(value_error("Alternate form (#) not allowed in string format specifier"));
    }
    if s.align == Some('=') {
        return Err(value_error("'=' alignment not allowed in string format specifier"));
    }
    let body: String = match s.precision {
        Some(p) => text.chars().take(p).collect(),
        None => text.to_string(),
    };
    Ok(pad(&s, "", &body, '<'))
}

/// `format(v, spec)`: Python's `type(v).__format__(v, spec)`.
pub fn format_value(v: &Value, spec: &str) -> Result<String> {
    if let Some(r) = crate::object::call_dunder(v, "__format__", &[Value::str(spec)]) {
        return match r? {
            Value::Str(s) => Ok(s.to_string()),
            other => Err(Error::type_error("format::result", format!("__format__ must return a str, not {}", other.type_name()))),
        };
    }
    match v {
        Value::Str(s) => format_str(s, spec),
        Value::Bool(b) if spec.is_empty() => Ok(if *b { "True" } else { "False" }.into()),
        Value::Bool(_) => format_int(v, spec, "bool"),
        Value::Int(_) | Value::BigInt(_) => format_int(v, spec, "int"),
        Value::Float(f) => format_float(*f, spec),
        Value::Complex(r, i) if !spec.is_empty() => format_complex(*r, *i, spec),
        // `Tensor.__format__`: a 0-dim tensor formats as its item.
        Value::Tensor(t) if t.tensor().dim() == 0 => format_value(&tensor_item(t)?, spec),
        other if spec.is_empty() => crate::object::try_str(other),
        other => {
            let name = match other {
                Value::Tensor(t) if t.is_parameter() => "Parameter".to_string(),
                Value::Tensor(_) => "Tensor".to_string(),
                o => o.type_name(),
            };
            Err(Error::type_error("format::unsupported", format!("unsupported format string passed to {name}.__format__")))
        }
    }
}

/// `t.item()` as a Python number.
pub fn tensor_item(t: &crate::tensor::TensorRef) -> Result<Value> {
    let x = t.tensor();
    if let Some(parts) = crate::tensor::complex_parts(x) {
        let (re, im) = parts?;
        return Ok(Value::Complex(re[0], im[0]));
    }
    Ok(match x.kind() {
        Kind::Bool => Value::Bool(x.f_int64_value(&[])? != 0),
        Kind::Int64 | Kind::Int | Kind::Int16 | Kind::Int8 | Kind::Uint8 => Value::Int(x.f_int64_value(&[])?),
        _ => Value::Float(x.f_double_value(&[])?),
    })
}

/// `ascii(v)`: the repr with non-ASCII characters escaped.
pub fn ascii(v: &Value) -> Result<String> {
    let r = crate::object::try_repr(v)?;
    let mut out = String::with_capacity(r.len());
    for ch in r.chars() {
        let c = ch as u32;
        if c < 0x80 {
            out.push(ch);
        } else if c < 0x100 {
            out.push_str(&format!("\\x{c:02x}"));
        } else if c < 0x10000 {
            out.push_str(&format!("\\u{c:04x}"));
        } else {
            out.push_str(&format!("\\U{c:08x}"));
        }
    }
    Ok(out)
}

/// A conversion `!r`, `!s`, `!a` (or none) followed by the format spec: an f-string field or a
/// `str.format` replacement field.
pub fn convert_and_format(v: &Value, conversion: Option<char>, spec: &str) -> Result<String> {
    match conversion {
        None => format_value(v, spec),
        Some('r') => format_str(&crate::object::try_repr(v)?, spec),
        Some('s') => format_str(&crate::object::try_str(v)?, spec),
        Some('a') => format_str(&ascii(v)?, spec),
        Some(c) => Err(value_error(format!("Unknown conversion specifier {c}"))),
    }
}

/// `template.format(*args, **kwargs)`.
pub fn str_format(template: &str, pos: &[Value], kw: &[(String, Value)], getattr: &dyn Fn(&Value, &str) -> Result<Value>) -> Result<String> {
    let chars: Vec<char> = template.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    let mut auto = 0usize;
    let mut manual = false;
    let mut used_auto = false;
    while i < chars.len() {
        let c = chars[i];
        if c == '}' {
            if chars.get(i + 1) == Some(&'}') {
                out.push('}');
                i += 2;
                continue;
            }
            return Err(value_error("Single '}' encountered in format string"));
        }
        if c != '{' {
            out.push(c);
            i += 1;
            continue;
        }
        if chars.get(i + 1) == Some(&'{') {
            out.push('{');
            i += 2;
            continue;
        }
        // A replacement field up to its matching '}' (nested fields in the spec).
        let mut depth = 1;
        let mut j = i + 1;
        while j < chars.len() && depth > 0 {
            match chars[j] {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
            j += 1;
        }
        if depth > 0 {
            return Err(value_error("expected '}' before end of string"));
        }
        let field: String = chars[i + 1..j - 1].iter().collect();
        i = j;
        let (head, spec) = match field.find(':') {
            Some(k) => (&field[..k], &field[k + 1..]),
            None => (&field[..], ""),
        };
        let (name, conversion) = match head.find('!') {
            Some(k) => {
                let conv: Vec<char> = head[k + 1..].chars().collect();
                if conv.len() != 1 {
                    return Err(value_error("expected ':' after conversion specifier"));
                }
                (&head[..k], Some(conv[0]))
            }
            None => (head, None),
        };
        let (first, rest) = match name.find(['.', '[']) {
            Some(k) => (&name[..k], &name[k..]),
            None => (name, ""),
        };
        let mut v = if first.is_empty() {
            if manual {
                return Err(value_error("cannot switch from manual field specification to automatic field numbering"));
            }
            used_auto = true;
            let v = pos.get(auto).cloned().ok_or_else(|| Error::new(ExcType::IndexError, "format::index", format!("Replacement index {auto} out of range for positional args tuple")))?;
            auto += 1;
            v
        } else if let Ok(n) = first.parse::<usize>() {
            if used_auto {
                return Err(value_error("cannot switch from automatic field numbering to manual field specification"));
            }
            manual = true;
            pos.get(n).cloned().ok_or_else(|| Error::new(ExcType::IndexError, "format::index", format!("Replacement index {n} out of range for positional args tuple")))?
        } else {
            kw.iter().find(|(k, _)| k == first).map(|(_, v)| v.clone()).ok_or_else(|| Error::key("format::key", first))?
        };
        // `.attr` and `[key]` parts.
        let mut r = rest;
        while !r.is_empty() {
            if let Some(after) = r.strip_prefix('.') {
                let k = after.find(['.', '[']).unwrap_or(after.len());
                v = getattr(&v, &after[..k])?;
                r = &after[k..];
            } else if let Some(after) = r.strip_prefix('[') {
                let k = after.find(']').ok_or_else(|| value_error("Missing ']' in format string"))?;
                let key = &after[..k];
                let idx = key.parse::<i64>().map(Value::Int).unwrap_or_else(|_| Value::str(key));
                v = super::members::index(&v, &idx)?;
                r = &after[k + 1..];
            } else {
                return Err(value_error("Only '.' or '[' may follow ']' in format field specifier"));
            }
        }
        let spec = if spec.contains('{') { str_format(spec, pos, kw, getattr)? } else { spec.to_string() };
        out.push_str(&convert_and_format(&v, conversion, &spec)?);
    }
    Ok(out)
}

/// printf-style `template % args`.
pub fn percent(template: &str, args: &Value) -> Result<String> {
    let items: Vec<Value> = match args {
        Value::Tuple(t) => t.to_vec(),
        other => vec![other.clone()],
    };
    let mapping = match args {
        Value::Dict(d) => Some(d.clone()),
        _ => None,
    };
    let chars: Vec<char> = template.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    let mut next = 0usize;
    let type_error = |m: &str| Error::type_error("format::percent", m.to_string());
    while i < chars.len() {
        if chars[i] != '%' {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        i += 1;
        let Some(&c0) = chars.get(i) else {
            return Err(value_error("incomplete format"));
        };
        if c0 == '%' {
            out.push('%');
            i += 1;
            continue;
        }
        // %(key)
        let mut keyed: Option<Value> = None;
        if c0 == '(' {
            let end = chars[i..].iter().position(|c| *c == ')').ok_or_else(|| value_error("incomplete format key"))? + i;
            let key: String = chars[i + 1..end].iter().collect();
            let d = mapping.clone().ok_or_else(|| type_error("format requires a mapping"))?;
            keyed = Some(d.get(&key).ok_or_else(|| Error::key("format::key", key.clone()))?);
            i = end + 1;
        }
        let mut flags = String::new();
        while i < chars.len() && matches!(chars[i], '-' | '+' | ' ' | '#' | '0') {
            flags.push(chars[i]);
            i += 1;
        }
        let mut width = String::new();
        while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '*') {
            width.push(chars[i]);
            i += 1;
        }
        let mut precision: Option<String> = None;
        if i < chars.len() && chars[i] == '.' {
            i += 1;
            let mut p = String::new();
            while i < chars.len() && chars[i].is_ascii_digit() {
                p.push(chars[i]);
                i += 1;
            }
            precision = Some(if p.is_empty() { "0".into() } else { p });
        }
        let Some(&conv) = chars.get(i) else {
            return Err(value_error("incomplete format"));
        };
        i += 1;
        let v = match keyed.take() {
            Some(v) => v,
            None => {
                let v = items.get(next).cloned().ok_or_else(|| type_error("not enough arguments for format string"))?;
                next += 1;
                v
            }
        };
        if width.contains('*') {
            return Err(type_error("* wants int"));
        }
        let is_text = matches!(conv, 's' | 'r' | 'a' | 'c');
        let align = if flags.contains('-') { "<" } else if is_text { ">" } else { "" };
        let spec_w = if is_text {
            format!("{align}{width}")
        } else {
            let sign = if flags.contains('+') { "+" } else if flags.contains(' ') { " " } else { "" };
            let alt = if flags.contains('#') { "#" } else { "" };
            let zero = if flags.contains('0') && !flags.contains('-') { "0" } else { "" };
            format!("{align}{sign}{alt}{zero}{width}")
        };
        let text = match conv {
            's' => format_str(&crate::object::try_str(&v)?, &format!("{spec_w}{}", precision.map(|p| format!(".{p}")).unwrap_or_default()))?,
            'r' => format_str(&crate::object::try_repr(&v)?, &format!("{spec_w}{}", precision.map(|p| format!(".{p}")).unwrap_or_default()))?,
            'a' => format_str(&ascii(&v)?, &spec_w)?,
            'd' | 'i' | 'u' => {
                let n = match &v {
                    Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => v.clone(),
                    Value::Float(f) => crate::pyint::from_f64(*f)?,
                    other => return Err(type_error(&format!("%{conv} format: a real number is required, not {}", other.type_name()))),
                };
                format_int(&n, &spec_w, "int")?
            }
            'x' | 'X' | 'o' => {
                if !crate::pyint::is_int(&v) {
                    return Err(type_error(&format!("%{conv} format: an integer is required, not {}", v.type_name())));
                }
                format_int(&v, &format!("{spec_w}{conv}"), "int")?
            }
            'e' | 'E' | 'f' | 'F' | 'g' | 'G' => {
                let f = match &v {
                    Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => crate::pyint::to_f64(&v).unwrap_or(Ok(0.0))?,
                    Value::Float(f) => *f,
                    Value::Tensor(t) if t.numel() == 1 => t.tensor().f_double_value(&[])?,
                    other => return Err(type_error(&format!("must be real number, not {}", other.type_name()))),
                };
                format_float(f, &format!("{spec_w}.{}{conv}", precision.filter(|p| !p.is_empty()).unwrap_or_else(|| "6".into())))?
            }
            'c' => match &v {
                Value::Int(_) => format_int(&v, &format!("{spec_w}c"), "int")?,
                Value::Str(s) if s.chars().count() == 1 => format_str(s, &spec_w)?,
                _ => return Err(type_error("%c requires int or char")),
            },
            other => {
                return Err(value_error(format!("unsupported format character '{other}' (0x{:x}) at index {}", other as u32, i - 1)));
            }
        };
        out.push_str(&text);
    }
    if mapping.is_none() && next < items.len() {
        return Err(type_error("not all arguments converted during string formatting"));
    }
    Ok(out)
}
