//! Binding call arguments the way Python does for a signature `f(a, b, c=default)`: positional
//! then keyword, with Python's TypeErrors for missing, duplicate, unexpected or surplus ones.
use crate::error::{Error, Result};
use crate::tensor::TensorRef;
use crate::value::{Kwargs, Value};

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
            Some(Value::Tuple(v)) | Some(Value::List(v)) => v
                .iter()
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
        [Value::Tuple(v)] | [Value::List(v)] => v.to_vec(),
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
