//! The modules of cases.py as fcall user modules: each forward closure does exactly what the
//! Python forward does, with Python's operator semantics where the cases observe them.
use fcall::nn::layers::linear as nn_linear;
use fcall::nn::module::Property;
use fcall::nn::parametrize::register_parametrization;
use fcall::{Error, Kwargs, Module, Result, TensorRef, Value};
use std::rc::Rc;
use tch::Tensor;

use super::harness::{buffer, param, setp, tv};

// ---------------------------------------------------------------- Python helpers

fn operand_name(v: &Value) -> String {
    v.type_name()
}


/// A Python number as the operand of a tensor op: Python passes it as a wrapped 0-dim tensor to
/// the Tensor overload (so `x * 10` records MulBackward0, not the Scalar overload's MulBackward1);
/// an int as int64 and a float as float32 give the same type promotion for these float32 cases.
fn number_tensor(v: &Value) -> Option<Tensor> {
    match v {
        Value::Int(i) => Some(Tensor::from(*i)),
        Value::Float(f) => Some(Tensor::from(*f as f32)),
        Value::Bool(b) => Some(Tensor::from(*b as i64)),
        _ => None,
    }
}

/// `a <op> b` for tensors and Python numbers, with Python's TypeError for anything else.
fn binop(op: &str, a: &Value, b: &Value) -> Result<Value> {
    let operand = |v: &Value| -> Option<Tensor> {
        match v {
            Value::Tensor(x) => Some(x.tensor().shallow_clone()),
            other => number_tensor(other),
        }
    };
    let (Some(x), Some(y)) = (operand(a), operand(b)) else {
        return Err(type_error(op, a, b));
    };
    if !matches!(a, Value::Tensor(_)) && !matches!(b, Value::Tensor(_)) {
        return Err(type_error(op, a, b));
    }
    let r = match op {
        "+" => x.f_add(&y)?,
        "*" => x.f_mul(&y)?,
        "@" if matches!((a, b), (Value::Tensor(_), Value::Tensor(_))) => x.f_matmul(&y)?,
        _ => return Err(type_error(op, a, b)),
    };
    Ok(Value::Tensor(TensorRef::new(r)))
}

fn type_error(op: &str, a: &Value, b: &Value) -> Error {
    Error::type_error(
        "py::operand",
        format!("unsupported operand type(s) for {op}: '{}' and '{}'", operand_name(a), operand_name(b)),
    )
}
pub fn add(a: &Value, b: &Value) -> Result<Value> {
    binop("+", a, b)
}
pub fn mul(a: &Value, b: &Value) -> Result<Value> {
    binop("*", a, b)
}
pub fn matmul(a: &Value, b: &Value) -> Result<Value> {
    binop("@", a, b)
}

/// Python's binding of `forward(self, <positional>, *, <kwonly>)` with its TypeErrors.
pub fn bind(class: &str, args: &[Value], kwargs: &Kwargs, positional: &[&str], kwonly: &[&str]) -> Result<Vec<Value>> {
    let f = format!("{class}.forward()");
    if args.len() > positional.len() {
        return Err(Error::type_error(
            "py::too_many",
            format!("{f} takes {} positional argument{} but {} were given", positional.len() + 1,
                if positional.is_empty() { "" } else { "s" }, args.len() + 1),
        ));
    }
    let mut slots: Vec<Option<Value>> = positional.iter().chain(kwonly).map(|_| None).collect();
    for (i, a) in args.iter().enumerate() {
        slots[i] = Some(a.clone());
    }
    for (k, v) in kwargs {
        let Some(i) = positional.iter().chain(kwonly).position(|n| n == k) else {
            return Err(Error::type_error("py::unexpected_kw", format!("{f} got an unexpected keyword argument '{k}'")));
        };
        if slots[i].is_some() {
            return Err(Error::type_error("py::multiple", format!("{f} got multiple values for argument '{k}'")));
        }
        slots[i] = Some(v.clone());
    }
    for (names, start, what) in [(positional, 0, "positional"), (kwonly, positional.len(), "keyword-only")] {
        let missing: Vec<String> =
            names.iter().enumerate().filter(|(i, _)| slots[start + i].is_none()).map(|(_, n)| format!("'{n}'")).collect();
        if !missing.is_empty() {
            let list = match missing.len() {
                1 => missing[0].clone(),
                2 => format!("{} and {}", missing[0], missing[1]),
                _ => format!("{}, and {}", missing[..missing.len() - 1].join(", "), missing[missing.len() - 1]),
            };
            return Err(Error::type_error(
                "py::missing",
                format!("{f} missing {} required {what} argument{}: {list}", missing.len(), if missing.len() == 1 { "" } else { "s" }),
            ));
        }
    }
    Ok(slots.into_iter().map(Option::unwrap).collect())
}

/// `self.<name>(x)` for a submodule attribute.
pub fn call_sub(m: &Module, name: &str, x: &Value) -> Result<Value> {
    let sub = m.getattr(name)?;
    let sub = sub.as_module().expect("a submodule").clone();
    sub.call(&[x.clone()], &Vec::new())
}

pub fn tensor_of(v: &Value) -> &TensorRef {
    v.as_tensor().expect("a tensor")
}

// ---------------------------------------------------------------- modules

/// `linear(in_f, out_f, w, b, bias)`.
pub fn linear(in_f: i64, out_f: i64, w: &[f32], b: Option<&[f32]>) -> Module {
    let m = nn_linear(in_f, out_f, b.is_some()).unwrap();
    setp(tensor_of(&m.getattr("weight").unwrap()), w);
    if let Some(b) = b {
        setp(tensor_of(&m.getattr("bias").unwrap()), b);
    }
    m
}

/// `doc_grad_setup()`'s model: Linear(3, 3), weight diag(1, 2, 3), bias (0, 1, 0); and its
/// `x` (4, 3) and target `t` (4, 3).
pub fn doc_grad_setup() -> (Module, TensorRef, TensorRef) {
    let model = linear(3, 3, &[1.0, 0.0, 0.0, 0.0, 2.0, 0.0, 0.0, 0.0, 3.0], Some(&[0.0, 1.0, 0.0]));
    let x = super::harness::t(&[1.0, 2.0, 3.0, 0.0, 1.0, 0.0, 1.0, 1.0, 1.0, 2.0, 0.0, 1.0], &[4, 3]);
    let t = super::harness::t(&[0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 1.0, 2.0, 1.0, 0.0, 0.0], &[4, 3]);
    (model, x, t)
}

/// `nn.Linear(in, out)` with `bias=False`.
pub fn linear_no_bias(in_f: i64, out_f: i64, w: &[f32]) -> Module {
    let m = nn_linear(in_f, out_f, false).unwrap();
    setp(tensor_of(&m.getattr("weight").unwrap()), w);
    m
}

/// `MockModule`: l1 = Linear(1,1) (0.5, 0.25), buffer = ones(1), foo = 0.0.
pub fn mock_module() -> Module {
    let m = Module::user("MockModule", |m, args, kw| {
        let x = bind("MockModule", args, kw, &["x"], &[])?.remove(0);
        add(&call_sub(m, "l1", &x)?, &m.getattr("buffer")?)
    });
    m.setattr("l1", Value::Module(linear(1, 1, &[0.5], Some(&[0.25])))).unwrap();
    m.setattr("buffer", tv(&buffer(&[1.0], &[1]))).unwrap();
    m.setattr("foo", Value::Float(0.0)).unwrap();
    m
}

/// `MockTiedModule`: tied_bias is l1.bias, tied_buffer is buffer.
pub fn mock_tied_module() -> Module {
    let m = Module::user("MockTiedModule", |m, args, kw| {
        let x = bind("MockTiedModule", args, kw, &["x"], &[])?.remove(0);
        let r = add(&call_sub(m, "l1", &x)?, &m.getattr("tied_bias")?)?;
        let r = add(&r, &m.getattr("buffer")?)?;
        add(&r, &m.getattr("tied_buffer")?)
    });
    let l1 = nn_linear(1, 1, true).unwrap();
    m.setattr("l1", Value::Module(l1.clone())).unwrap();
    m.setattr("tied_bias", l1.getattr("bias").unwrap()).unwrap();
    m.setattr("buffer", tv(&buffer(&[1.0], &[1]))).unwrap();
    m.setattr("tied_buffer", m.getattr("buffer").unwrap()).unwrap();
    setp(tensor_of(&l1.getattr("weight").unwrap()), &[0.5]);
    setp(tensor_of(&l1.getattr("bias").unwrap()), &[0.25]);
    m
}

/// `TiedFoo`: foo and foo_tied are one Parameter (1.0); forward x + foo + foo_tied.
pub fn tied_foo() -> Module {
    let m = Module::user("TiedFoo", |m, args, kw| {
        let x = bind("TiedFoo", args, kw, &["x"], &[])?.remove(0);
        add(&add(&x, &m.getattr("foo")?)?, &m.getattr("foo_tied")?)
    });
    m.setattr("foo", tv(&param(&[1.0], &[]))).unwrap();
    m.setattr("foo_tied", m.getattr("foo").unwrap()).unwrap();
    m
}

/// `TiedFoo3`: x + foo + 10*foo_tied + 100*foo_tied2, all one Parameter.
pub fn tied_foo3() -> Module {
    let m = Module::user("TiedFoo3", |m, args, kw| {
        let x = bind("TiedFoo3", args, kw, &["x"], &[])?.remove(0);
        let r = add(&x, &m.getattr("foo")?)?;
        let r = add(&r, &mul(&Value::Int(10), &m.getattr("foo_tied")?)?)?;
        add(&r, &mul(&Value::Int(100), &m.getattr("foo_tied2")?)?)
    });
    m.setattr("foo", tv(&param(&[1.0], &[]))).unwrap();
    m.setattr("foo_tied", m.getattr("foo").unwrap()).unwrap();
    m.setattr("foo_tied2", m.getattr("foo").unwrap()).unwrap();
    m
}

/// `nn.Embedding(num, dim)`.
pub fn embedding(num: i64, dim: i64) -> Module {
    fcall::nn::layers::embedding(num, dim, None).unwrap()
}

/// `TinyLM`: emb = Embedding(3, 2); dec = Linear(2, 3, bias=False); dec.weight = emb.weight.
pub fn tiny_lm() -> Module {
    let m = Module::user("TinyLM", |m, args, kw| {
        let idx = bind("TinyLM", args, kw, &["idx"], &[])?.remove(0);
        call_sub(m, "dec", &call_sub(m, "emb", &idx)?)
    });
    let emb = embedding(3, 2);
    let dec = nn_linear(2, 3, false).unwrap();
    m.setattr("emb", Value::Module(emb.clone())).unwrap();
    m.setattr("dec", Value::Module(dec.clone())).unwrap();
    dec.setattr("weight", emb.getattr("weight").unwrap()).unwrap();
    setp(tensor_of(&emb.getattr("weight").unwrap()), &[1.0, 0.0, 0.0, 1.0, 1.0, 1.0]);
    m
}

/// `Shared`: the same Linear registered as a and b; forward a(x) + b(x).
pub fn shared() -> Module {
    let m = Module::user("Shared", |m, args, kw| {
        let x = bind("Shared", args, kw, &["x"], &[])?.remove(0);
        add(&call_sub(m, "a", &x)?, &call_sub(m, "b", &x)?)
    });
    let a = linear(1, 1, &[0.5], Some(&[0.25]));
    m.setattr("a", Value::Module(a.clone())).unwrap();
    m.setattr("b", Value::Module(a)).unwrap();
    m
}

/// `ArgsEcho`: returns n_args, arg_types and sorted kwarg names.
pub fn args_echo() -> Module {
    Module::user("ArgsEcho", |_m, args, kw| {
        let mut names: Vec<String> = kw.iter().map(|(k, _)| k.clone()).collect();
        names.sort();
        let out = fcall::DictRef::new();
        out.insert("n_args", Value::Int(args.len() as i64));
        out.insert("arg_types", Value::list(args.iter().map(|a| Value::str(&a.type_name())).collect()));
        out.insert("kwarg_names", Value::list(names.iter().map(|n| Value::str(n)).collect()));
        Ok(Value::Dict(out))
    })
}

#[derive(Clone, Copy)]
pub enum FooKind {
    Buffer,
    Param,
    Attr,
}

/// `RebindFoo(kind)`: forward does `self.foo = self.foo + 1; return x + self.foo`.
pub fn rebind_foo(kind: FooKind) -> Module {
    let m = Module::user("RebindFoo", |m, args, kw| {
        let x = bind("RebindFoo", args, kw, &["x"], &[])?.remove(0);
        m.setattr("foo", add(&m.getattr("foo")?, &Value::Int(1))?)?;
        add(&x, &m.getattr("foo")?)
    });
    let v = match kind {
        FooKind::Buffer => buffer(&[0.0], &[]),
        FooKind::Param => param(&[0.0], &[]),
        FooKind::Attr => super::harness::s(0.0),
    };
    m.setattr("foo", tv(&v)).unwrap();
    m
}

/// `InplaceFoo(param)`: forward does `self.foo.add_(1); return x + self.foo`.
pub fn inplace_foo(is_param: bool) -> Module {
    let m = Module::user("InplaceFoo", |m, args, kw| {
        let x = bind("InplaceFoo", args, kw, &["x"], &[])?.remove(0);
        let foo = m.getattr("foo")?;
        let _ = tensor_of(&foo).handle().f_add_(&number_tensor(&Value::Int(1)).unwrap())?;
        add(&x, &m.getattr("foo")?)
    });
    let v = if is_param { param(&[0.0], &[1]) } else { buffer(&[0.0], &[1]) };
    m.setattr("foo", tv(&v)).unwrap();
    m
}

/// `KwFoo(x)`: plain tensor attribute x; `forward(self, inp, *, other_inp)`.
pub fn kw_foo(x: &TensorRef) -> Module {
    let m = Module::user("KwFoo", |m, args, kw| {
        let a = bind("KwFoo", args, kw, &["inp"], &["other_inp"])?;
        add(&mul(&a[0], &m.getattr("x")?)?, &a[1])
    });
    m.setattr("x", tv(x)).unwrap();
    m
}

/// `Prop`: w = Parameter(2.0); read-only property scale = w * 3; forward x * scale.
pub fn prop() -> Module {
    let m = Module::user("Prop", |m, args, kw| {
        let x = bind("Prop", args, kw, &["x"], &[])?.remove(0);
        mul(&x, &m.getattr("scale")?)
    });
    m.setattr("w", tv(&param(&[2.0], &[]))).unwrap();
    m.add_property(
        "scale",
        Property::Custom { getter: Rc::new(|m: &Module| mul(&m.getattr("w")?, &Value::Int(3))), setter: None },
    );
    m
}

/// `Bar`: weight @ x + buffer.
pub fn bar() -> Module {
    let m = Module::user("Bar", |m, args, kw| {
        let x = bind("Bar", args, kw, &["x"], &[])?.remove(0);
        add(&matmul(&m.getattr("weight")?, &x)?, &m.getattr("buffer")?)
    });
    m.setattr("weight", tv(&param(&[0.5], &[1, 1]))).unwrap();
    m.setattr("buffer", tv(&buffer(&[1.0], &[1]))).unwrap();
    m
}

fn sym_forward(m: &Module, args: &[Value], kw: &Kwargs) -> Result<Value> {
    let x = bind(&m.class_name(), args, kw, &["X"], &[])?.remove(0);
    let x = tensor_of(&x).tensor();
    let r = x.f_triu(0)?.f_add(&x.f_triu(1)?.f_transpose(-1, -2)?)?;
    Ok(Value::Tensor(TensorRef::new(r)))
}

/// `Sym`: forward X.triu() + X.triu(1).transpose(-1, -2); right_inverse A.triu().
pub fn sym() -> Module {
    Module::user_parametrization(
        "Sym",
        sym_forward,
        Some(Rc::new(|_m: &Module, a: &Value| Ok(Value::Tensor(TensorRef::new(tensor_of(a).tensor().f_triu(0)?))))),
    )
}

/// `SymNoInverse`: Sym's forward, no right_inverse.
pub fn sym_no_inverse() -> Module {
    Module::user_parametrization("SymNoInverse", sym_forward, None)
}

/// `ClampPos`: forward X.clamp(min=0) (aten::clamp with no max, i.e. ClampBackward1); right_inverse identity.
pub fn clamp_pos() -> Module {
    Module::user_parametrization(
        "ClampPos",
        |m, args, kw| {
            let x = bind(&m.class_name(), args, kw, &["X"], &[])?.remove(0);
            Ok(Value::Tensor(TensorRef::new(tensor_of(&x).tensor().f_clamp(0.0, f64::INFINITY)?)))
        },
        Some(Rc::new(|_m: &Module, y: &Value| Ok(y.clone()))),
    )
}

/// `linear(...)` + `P.register_parametrization(m, "weight", p)`.
pub fn parametrized_linear(in_f: i64, out_f: i64, w: &[f32], p: Module) -> Module {
    let m = linear_no_bias(in_f, out_f, w);
    register_parametrization(&m, "weight", &p).unwrap();
    m
}
