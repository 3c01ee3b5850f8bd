//! Binding call arguments the way Python does: [`Args`] for a built-in's signature
//! `f(a, b, c=default)`, [`Signature`] for a user `def` with `*args`, keyword-only parameters and
//! `**kwargs` (CPython 3.11's `initialize_locals`, in its order of checks), with Python's
//! TypeErrors for missing, duplicate, unexpected or surplus arguments.
use crate::error::{Error, Result};
use crate::tensor::TensorRef;
use crate::value::{Kwargs, Value};

/// `'a'`, `'a' and 'b'`, `'a', 'b', and 'c'` (CPython's `format_missing`).
pub(crate) fn name_list(names: &[&str]) -> String {
    let q: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    match q.len() {
        0 => String::new(),
        1 => q[0].clone(),
        2 => format!("{} and {}", q[0], q[1]),
        n => format!("{}, and {}", q[..n - 1].join(", "), q[n - 1]),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// A user function's parameters, as Python's code object describes them.
pub struct Signature<'a> {
    /// The name in error messages (`KwFoo.forward`).
    pub qualname: &'a str,
    /// Positional-or-keyword parameters, in order.
    pub positional: &'a [&'a str],
    /// How many of them have a default (the last ones).
    pub defaults: usize,
    /// Whether there is a `*args`.
    pub vararg: bool,
    /// Keyword-only parameters, with whether each has a default.
    pub kwonly: &'a [(&'a str, bool)],
    /// Whether there is a `**kwargs`.
    pub kwarg: bool,
    /// 1 for a method: `self` counts in "takes 2 positional arguments but 3 were given".
    pub implicit: usize,
}

/// Arguments bound to a [`Signature`]; a `None` slot takes its default.
pub struct Bound {
    pub positional: Vec<Option<Value>>,
    pub varargs: Vec<Value>,
    pub kwonly: Vec<Option<Value>>,
    pub kwargs: Kwargs,
}

impl Signature<'_> {
    pub fn bind(&self, pos: &[Value], kw: &Kwargs) -> Result<Bound> {
        let q = self.qualname;
        let np = self.positional.len();
        let mut b = Bound {
            positional: vec![None; np],
            varargs: Vec::new(),
            kwonly: vec![None; self.kwonly.len()],
            kwargs: Vec::new(),
        };
        for (slot, v) in b.positional.iter_mut().zip(pos) {
            *slot = Some(v.clone());
        }
        if self.vararg && pos.len() > np {
            b.varargs = pos[np..].to_vec();
        }
        for (k, v) in kw {
            let slot = match self.positional.iter().position(|n| n == k) {
                Some(i) => Some(&mut b.positional[i]),
                None => self.kwonly.iter().position(|(n, _)| n == k).map(|i| &mut b.kwonly[i]),
            };
            match slot {
                Some(Some(_)) => return Err(Error::type_error("call::duplicate_argument", format!("{q}() got multiple values for argument '{k}'"))),
                Some(slot) => *slot = Some(v.clone()),
                None if self.kwarg => b.kwargs.push((k.clone(), v.clone())),
                None => return Err(Error::type_error("call::unexpected_keyword", format!("{q}() got an unexpected keyword argument '{k}'"))),
            }
        }
        if pos.len() > np && !self.vararg {
            let argcount = np + self.implicit;
            let given = pos.len() + self.implicit;
            let (sig, plural_takes) = if self.defaults > 0 {
                (format!("from {} to {argcount}", argcount - self.defaults), true)
            } else {
                (argcount.to_string(), argcount != 1)
            };
            let kwonly_given = b.kwonly.iter().filter(|s| s.is_some()).count();
            let kwonly_sig = if kwonly_given > 0 {
                format!(" positional argument{} (and {kwonly_given} keyword-only argument{})", plural(given), plural(kwonly_given))
            } else {
                String::new()
            };
            let verb = if given == 1 && kwonly_given == 0 { "was" } else { "were" };
            return Err(Error::type_error(
                "call::too_many_arguments",
                format!("{q}() takes {sig} positional argument{} but {given}{kwonly_sig} {verb} given", if plural_takes { "s" } else { "" }),
            )
            .with_hint("pass the surplus by keyword, or give the def a `*args` parameter"));
        }
        let missing: Vec<&str> = (0..np - self.defaults).filter(|i| b.positional[*i].is_none()).map(|i| self.positional[i]).collect();
        if !missing.is_empty() {
            return Err(Error::type_error(
                "call::missing_argument",
                format!("{q}() missing {} required positional argument{}: {}", missing.len(), plural(missing.len()), name_list(&missing)),
            ));
        }
        let missing: Vec<&str> =
            self.kwonly.iter().zip(&b.kwonly).filter(|((_, has_default), v)| !has_default && v.is_none()).map(|((n, _), _)| *n).collect();
        if !missing.is_empty() {
            return Err(Error::type_error(
                "call::missing_argument",
                format!("{q}() missing {} required keyword-only argument{}: {}", missing.len(), plural(missing.len()), name_list(&missing)),
            )
            .with_hint(format!("keyword-only parameters are given by name: {q}(..., {}=...)", missing[0])));
        }
        Ok(b)
    }
}

pub struct Args<'a> {
    pub fname: &'a str,
    names: &'a [&'a str],
    slots: Vec<Option<Value>>,
}

impl<'a> Args<'a> {
    /// Binds `pos` and `kw` to `names`; the first `required` names must be given.
    pub fn bind(fname: &'a str, names: &'a [&'a str], required: usize, pos: &[Value], kw: &Kwargs) -> Result<Args<'a>> {
        if pos.len() > names.len() {
            let takes = if required == names.len() {
                format!("{} positional argument{}", names.len(), if names.len() == 1 { "" } else { "s" })
            } else {
                format!("from {} to {} positional arguments", required, names.len())
            };
            return Err(Error::type_error(
                "call::too_many_arguments",
                format!("{fname}() takes {takes} but {} {} given", pos.len(), if pos.len() == 1 { "was" } else { "were" }),
            ));
        }
        let mut slots: Vec<Option<Value>> = vec![None; names.len()];
        for (i, v) in pos.iter().enumerate() {
            slots[i] = Some(v.clone());
        }
        for (k, v) in kw {
            match names.iter().position(|n| n == k) {
                Some(i) if slots[i].is_some() => {
                    return Err(Error::type_error("call::duplicate_argument", format!("{fname}() got multiple values for argument '{k}'")))
                }
                Some(i) => slots[i] = Some(v.clone()),
                None => {
                    return Err(Error::type_error("call::unexpected_keyword", format!("{fname}() got an unexpected keyword argument '{k}'")))
                }
            }
        }
        let missing: Vec<String> = (0..required).filter(|i| slots[*i].is_none()).map(|i| format!("'{}'", names[i])).collect();
        if !missing.is_empty() {
            let list = match missing.len() {
                1 => missing[0].clone(),
                2 => format!("{} and {}", missing[0], missing[1]),
                _ => format!("{}, and {}", missing[..missing.len() - 1].join(", "), missing[missing.len() - 1]),
            };
            return Err(Error::type_error(
                "call::missing_argument",
                format!("{fname}() missing {} required positional argument{}: {list}", missing.len(), if missing.len() == 1 { "" } else { "s" }),
            ));
        }
        Ok(Args { fname, names, slots })
    }

    fn index(&self, name: &str) -> usize {
        self.names.iter().position(|n| *n == name).expect("argument name in the signature")
    }
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.slots[self.index(name)].as_ref()
    }
    pub fn value(&self, name: &str) -> Value {
        self.get(name).cloned().unwrap_or(Value::None)
    }
    fn wrong(&self, name: &str, want: &str, got: &Value) -> Error {
        Error::type_error(
            "call::argument_type",
            format!("{}(): argument '{name}' must be {want}, not {}", self.fname, got.type_name()),
        )
    }
    pub fn tensor(&self, name: &str) -> Result<TensorRef> {
        match self.get(name) {
            Some(Value::Tensor(t)) => Ok(t.clone()),
            Some(v) => Err(self.wrong(name, "Tensor", v)),
            None => Err(self.wrong(name, "Tensor", &Value::None)),
        }
    }
    pub fn int(&self, name: &str, default: i64) -> Result<i64> {
        match self.get(name) {
            None => Ok(default),
            Some(Value::Int(i)) => Ok(*i),
            Some(Value::Bool(b)) => Ok(*b as i64),
            Some(v) => Err(self.wrong(name, "int", v)),
        }
    }
    pub fn float(&self, name: &str, default: f64) -> Result<f64> {
        match self.get(name) {
            None => Ok(default),
            Some(Value::Int(i)) => Ok(*i as f64),
            Some(Value::Float(f)) => Ok(*f),
            Some(Value::Bool(b)) => Ok(*b as i64 as f64),
            Some(Value::Tensor(t)) if t.numel() == 1 => Ok(t.tensor().f_double_value(&[])?),
            Some(v) => Err(self.wrong(name, "float", v)),
        }
    }
    pub fn opt_float(&self, name: &str) -> Result<Option<f64>> {
        match self.get(name) {
            None | Some(Value::None) => Ok(None),
            Some(_) => self.float(name, 0.0).map(Some),
        }
    }
    pub fn boolean(&self, name: &str, default: bool) -> Result<bool> {
        match self.get(name) {
            None => Ok(default),
            Some(Value::Bool(b)) => Ok(*b),
            Some(v) => Err(self.wrong(name, "bool", v)),
        }
    }
    pub fn string(&self, name: &str, default: &str) -> Result<String> {
        match self.get(name) {
            None => Ok(default.to_string()),
            Some(Value::Str(s)) => Ok(s.to_string()),
            Some(v) => Err(self.wrong(name, "str", v)),
        }
    }
    /// An int or a tuple/list of ints (`kernel_size=3`, `(3, 3)`, a shape).
    pub fn ints(&self, name: &str) -> Result<Vec<i64>> {
        match self.get(name) {
            Some(Value::Int(i)) => Ok(vec![*i]),
            Some(Value::Tuple(v)) | Some(Value::List(v)) | Some(Value::Size(v)) => v
                .borrow().iter()
                .map(|x| match x {
                    Value::Int(i) => Ok(*i),
                    other => Err(self.wrong(name, "a tuple of ints", other)),
                })
                .collect(),
            Some(v) => Err(self.wrong(name, "int or tuple of ints", v)),
            None => Ok(vec![]),
        }
    }
}

/// Flattens `f(2, 3)` and `f((2, 3))` into a shape.
pub fn shape_of(fname: &str, pos: &[Value]) -> Result<Vec<i64>> {
    let items: Vec<Value> = match pos {
        [Value::Tuple(v)] | [Value::List(v)] | [Value::Size(v)] => v.to_vec(),
        other => other.to_vec(),
    };
    items
        .iter()
        .map(|v| match v {
            Value::Int(i) => Ok(*i),
            other => Err(Error::type_error(
                "call::argument_type",
                format!("{fname}(): argument 'size' must be tuple of ints, but found element of type {} at pos 0", other.type_name()),
            )),
        })
        .collect()
}
