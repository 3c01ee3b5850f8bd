//! Values the engine passes around, with Python's `str()`, `repr()` and `type()` for each, since
//! PyTorch's error messages embed them (`3 is not an instance of torch.Tensor`).
use indexmap::IndexMap;
use std::cell::RefCell;
use std::fmt::Write as _;
use std::rc::Rc;

use crate::nn::Module;
use crate::tensor::{tensor_repr, TensorRef};

/// Keyword arguments in call order.
pub type Kwargs = Vec<(String, Value)>;

#[derive(Clone)]
pub enum Value {
    None,
    Bool(bool),
    /// An int that fits 64 bits (always this form when it fits: see [`crate::pyint`]).
    Int(i64),
    /// An int beyond 64 bits (Python's ints have no limit).
    BigInt(Rc<num_bigint::BigInt>),
    Float(f64),
    /// A Python complex number: its real and imaginary parts (see [`crate::pycomplex`]).
    Complex(f64, f64),
    Str(Rc<str>),
    Tensor(TensorRef),
    Module(Module),
    Dict(DictRef),
    /// A Python list: one shared, mutable object (`xs.append(v)` is seen through every name).
    List(Seq),
    /// A Python tuple (never mutated).
    Tuple(Seq),
    /// `torch.Size`: a tuple of ints (`t.shape`, `t.size()`) that prints as `torch.Size([3, 2])`.
    Size(Seq),
    /// A callable: a built-in, a user `def`, a class (calling it builds a module), a bound method.
    Function(Rc<Function>),
    /// A Python module object (`torch`, `torch.nn.functional`, `math`): a dotted name and its
    /// attributes, one shared object per module (`torch.nn.functional is F`).
    Namespace(Rc<Namespace>),
    /// A `torch.dtype` (`torch.float64`): one object per dtype, so `torch.float is torch.float32`.
    DType(tch::Kind),
    /// A class object made by a `class` statement (`class Foo:`, `class Foo(nn.Module):`), or
    /// one of the built-in classes of [`crate::object`] (`object`, `property`, ...).
    Class(Rc<crate::object::Class>),
    /// An instance of a plain class (an `nn.Module` subclass's instances are [`Value::Module`]s).
    Object(Rc<crate::object::Object>),
    /// A Python `set`: one shared, mutable object, iterated in CPython's order.
    Set(crate::pyset::SetRef),
}

/// A module object: what `import torch.nn as nn` binds (see `interp/imports.rs`).
pub struct Namespace {
    /// The dotted name (`torch.nn.functional`), as `__name__` and the error messages spell it.
    pub name: String,
    /// The attributes, in the order they were added (functions, classes, constants, submodules).
    pub attrs: RefCell<IndexMap<String, Value>>,
    /// Whether it is a package (`import math.pi`: "'math' is not a package").
    pub package: bool,
    /// Whether CPython 3.11 offers "Did you mean" for a missing attribute: it compares against
    /// `dir(module)` only when that has fewer than 750 names (not so for `torch`).
    pub suggests: bool,
}

impl Namespace {
    pub fn new(name: &str, package: bool, suggests: bool) -> Namespace {
        Namespace { name: name.to_string(), attrs: RefCell::new(IndexMap::new()), package, suggests }
    }
    pub fn get(&self, attr: &str) -> Option<Value> {
        self.attrs.borrow().get(attr).cloned()
    }
    pub fn set(&self, attr: &str, v: Value) {
        self.attrs.borrow_mut().insert(attr.to_string(), v);
    }
    /// `dir(module)`: the attribute names, sorted.
    pub fn dir(&self) -> Vec<String> {
        let mut v: Vec<String> = self.attrs.borrow().keys().cloned().collect();
        v.sort();
        v
    }
}

/// What a [`Function`] is, for `repr` and `type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FunctionKind {
    Builtin,
    User,
    Class,
    Method,
    /// An autograd node (`t.grad_fn`): its address, shown as `<AddBackward0 object at 0x..>`.
    Node(usize),
    /// A hook's `RemovableHandle` (its id): calling the function removes the hook.
    Handle(u64),
    /// A `typing` name (`typing.Optional`, `typing.Optional[int]`): for annotations only.
    Typing,
}

pub type NativeFn = dyn Fn(&[Value], &Kwargs) -> crate::error::Result<Value>;

/// A callable value.
pub struct Function {
    pub name: String,
    pub kind: FunctionKind,
    pub call: Box<NativeFn>,
    /// A bound method's `__self__` and `__func__` (a user class's method read through an
    /// instance): shown as `<bound method Foo.f of REPR>`.
    pub bound: Option<(Value, Value)>,
    /// A user function's parameters, in order (`None` for built-ins).
    pub params: Option<Rc<FnParams>>,
}

/// How a parameter binds (Python's `inspect.Parameter.kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamKind {
    PositionalOnly,
    PositionalOrKeyword,
    VarPositional,
    KeywordOnly,
    VarKeyword,
}

/// One parameter of a user function, as `inspect.signature` shows it: name, kind and the
/// default evaluated at definition.
pub struct ParamInfo {
    pub name: String,
    pub kind: ParamKind,
    pub default: Option<Value>,
}

/// A user function's parameters, in order, and whether any annotation was written (fcall does
/// not keep annotations).
pub struct FnParams {
    pub params: Vec<ParamInfo>,
    pub annotated: bool,
}

impl Function {
    pub fn new(name: impl Into<String>, kind: FunctionKind, call: impl Fn(&[Value], &Kwargs) -> crate::error::Result<Value> + 'static) -> Value {
        Value::Function(Rc::new(Function { name: name.into(), kind, call: Box::new(call), bound: None, params: None }))
    }
    /// A user function (`def`, `lambda`) with its parameters (for `inspect.signature`).
    pub fn with_params(name: impl Into<String>, params: FnParams, call: impl Fn(&[Value], &Kwargs) -> crate::error::Result<Value> + 'static) -> Value {
        Value::Function(Rc::new(Function { name: name.into(), kind: FunctionKind::User, call: Box::new(call), bound: None, params: Some(Rc::new(params)) }))
    }
    /// A bound method: `f(this, *args)` when called (see [`Function::bound`]).
    pub fn bound(name: impl Into<String>, this: Value, func: Value, call: impl Fn(&[Value], &Kwargs) -> crate::error::Result<Value> + 'static) -> Value {
        Value::Function(Rc::new(Function { name: name.into(), kind: FunctionKind::Method, call: Box::new(call), bound: Some((this, func)), params: None }))
    }
}

impl Value {
    pub fn str(s: &str) -> Value {
        Value::Str(Rc::from(s))
    }
    pub fn tuple(items: Vec<Value>) -> Value {
        Value::Tuple(Seq::new(items))
    }
    /// A `torch.return_types.<name>` tuple whose items are named by `fields`.
    pub fn structseq(ty: Rc<StructSeqType>, items: Vec<Value>) -> Value {
        Value::Tuple(Seq(Rc::new(RefCell::new(items)), Some(ty)))
    }
    /// `torch.Size(dims)`.
    pub fn size(dims: &[i64]) -> Value {
        Value::Size(Seq::new(dims.iter().map(|d| Value::Int(*d)).collect()))
    }
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Seq::new(items))
    }
    pub fn as_tensor(&self) -> Option<&TensorRef> {
        match self {
            Value::Tensor(t) => Some(t),
            _ => None,
        }
    }
    pub fn as_module(&self) -> Option<&Module> {
        match self {
            Value::Module(m) => Some(m),
            _ => None,
        }
    }
    pub fn is_none(&self) -> bool {
        matches!(self, Value::None)
    }
    /// Python's `a is b` where it is meaningful (objects); small values compare by value.
    pub fn is(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::None, Value::None) => true,
            (Value::Tensor(a), Value::Tensor(b)) => a.is(b),
            (Value::Module(a), Value::Module(b)) => a.is(b),
            (Value::Dict(a), Value::Dict(b)) => Rc::ptr_eq(&a.0, &b.0),
            (Value::List(a), Value::List(b)) | (Value::Tuple(a), Value::Tuple(b)) | (Value::Size(a), Value::Size(b)) => a.is(b),
            (Value::Function(a), Value::Function(b)) => match (a.kind, b.kind) {
                (FunctionKind::Node(x), FunctionKind::Node(y)) => x == y,
                // Type objects made by `type(v)` stand for one class each: `type(m) is Foo`,
                // `type(1.0) is float`, `type(lin) is Linear` (the class or built-in of that name).
                (FunctionKind::Class, FunctionKind::Class | FunctionKind::Builtin) | (FunctionKind::Builtin, FunctionKind::Class) => {
                    Rc::ptr_eq(a, b) || Value::dunder_name(a) == Value::dunder_name(b)
                }
                _ => Rc::ptr_eq(a, b),
            },
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::BigInt(a), Value::BigInt(b)) => Rc::ptr_eq(a, b),
            (Value::Namespace(a), Value::Namespace(b)) => Rc::ptr_eq(a, b),
            (Value::DType(a), Value::DType(b)) => a == b,
            (Value::Class(a), Value::Class(b)) => Rc::ptr_eq(a, b),
            (Value::Object(a), Value::Object(b)) => Rc::ptr_eq(a, b),
            (Value::Set(a), Value::Set(b)) => a.is(b),
            _ => false,
        }
    }
    /// Python's `type(v).__name__`.
    pub fn type_name(&self) -> String {
        match self {
            Value::None => "NoneType".into(),
            Value::Bool(_) => "bool".into(),
            Value::Int(_) | Value::BigInt(_) => "int".into(),
            Value::Float(_) => "float".into(),
            Value::Complex(..) => "complex".into(),
            Value::Str(_) => "str".into(),
            Value::Tensor(t) => t.type_name().into(),
            Value::Module(m) => m.class_name(),
            Value::Dict(d) if d.is_ordered() => "OrderedDict".into(),
            Value::Dict(_) => "dict".into(),
            Value::List(_) => "list".into(),
            Value::Tuple(s) => s.structseq().map_or_else(|| "tuple".into(), |t| if t.namedtuple { t.name.clone() } else { format!("torch.return_types.{}", t.name) }),
            Value::Size(_) => "torch.Size".into(),
            Value::Namespace(_) => "module".into(),
            Value::DType(_) => "torch.dtype".into(),
            Value::Set(_) => "set".into(),
            Value::Class(_) => "type".into(),
            Value::Object(o) => o.class.name.clone(),
            Value::Function(f) => match f.kind {
                FunctionKind::Builtin => "builtin_function_or_method".into(),
                FunctionKind::User => "function".into(),
                FunctionKind::Class => "type".into(),
                FunctionKind::Method => "method".into(),
                FunctionKind::Node(_) => f.name.clone(),
                FunctionKind::Handle(_) => "RemovableHandle".into(),
                FunctionKind::Typing => "_SpecialForm".into(),
            },
        }
    }
    /// Python's `repr(type(v))`: `<class 'NoneType'>`, `<class 'torch.Tensor'>`, ...
    pub fn py_type_repr(&self) -> String {
        format!("<class '{}'>", self.qualified_type_name())
    }
    /// `type(v)`: a type object, shown as `<class 'torch.Tensor'>`, with `__name__` (`Tensor`).
    /// Two type objects of one type are the same object (`type(a) is type(b)`).
    pub fn type_object(&self) -> Value {
        if let Some(c) = crate::object::user_class_of(self) {
            return Value::Class(c);
        }
        let name = self.qualified_type_name();
        let shown = name.clone();
        Function::new(name, FunctionKind::Class, move |_, _| {
            Err(crate::error::Error::type_error(
                "eval::call_type",
                format!("fcall does not construct values from the type object <class '{shown}'>"),
            )
            .with_hint("call the built-in or class by its name (tensor(...), Linear(...), Foo())"))
        })
    }
    /// `f.__name__` of a function, class or type object: the name after the last `.`.
    pub fn dunder_name(f: &Function) -> String {
        f.name.rsplit('.').next().unwrap_or(&f.name).to_string()
    }
    /// `torch.typename(v)` (module path + qualname; tensors as `torch.FloatTensor`).
    pub fn torch_typename(&self) -> String {
        match self {
            Value::Tensor(t) => crate::tensor::torch_typename(t),
            other => other.qualified_type_name(),
        }
    }
    fn qualified_type_name(&self) -> String {
        match self {
            Value::Tensor(t) if t.is_parameter() => "torch.nn.parameter.Parameter".into(),
            Value::Tensor(_) => "torch.Tensor".into(),
            Value::Module(m) => m.qualified_class_name(),
            Value::Object(o) => o.class.qualified_name(),
            Value::Dict(d) if d.is_ordered() => "collections.OrderedDict".into(),
            Value::Tuple(s) if s.structseq().is_some_and(|t| t.namedtuple) => format!("__main__.{}", self.type_name()),
            other => other.type_name(),
        }
    }
    /// Python's `str(v)`.
    pub fn py_str(&self) -> String {
        match self {
            Value::Str(s) => s.to_string(),
            Value::Object(o) => crate::object::object_str(o),
            Value::Module(_) => crate::object::module_str(self).unwrap_or_else(|| self.py_repr()),
            other => other.py_repr(),
        }
    }
    /// Python's `repr(v)`.
    pub fn py_repr(&self) -> String {
        if let Some(ptr) = self.container_ptr() {
            let shown = match self {
                Value::Dict(_) => "{...}",
                Value::List(_) => "[...]",
                Value::Set(_) => "set(...)",
                _ => "(...)",
            };
            // Each level is a frame of CPython's `PyObject_Repr`: deep nesting is RecursionError
            // (kept for `try_repr`), never a stack overflow.
            let _frame = match crate::stack::enter(1, "while getting the repr of an object") {
                Ok(f) => f,
                Err(e) => {
                    crate::object::note_error(e);
                    return shown.to_string();
                }
            };
            return guard_recursion(ptr, || self.py_repr_inner()).unwrap_or_else(|| shown.to_string());
        }
        self.py_repr_inner()
    }

    fn py_repr_inner(&self) -> String {
        match self {
            Value::None => "None".into(),
            Value::Bool(b) => if *b { "True" } else { "False" }.into(),
            Value::Int(i) => i.to_string(),
            // Past 4300 digits CPython's repr raises ValueError (kept for `try_repr`).
            Value::BigInt(b) => crate::pyint::to_decimal(b).unwrap_or_else(|e| {
                crate::object::note_error(e);
                String::new()
            }),
            Value::Float(f) => py_float_repr(*f),
            Value::Complex(r, i) => crate::pycomplex::repr(*r, *i),
            Value::Str(s) => py_str_repr(s),
            Value::Tensor(t) => tensor_repr(t),
            Value::Module(m) => m.repr(),
            // CPython 3.11: `OrderedDict([('a', 1)])`, `OrderedDict()` when empty.
            Value::Dict(d) if d.is_ordered() => {
                let items = d.borrow().iter().map(|(k, v)| format!("({}, {})", py_str_repr(k), v.py_repr())).collect::<Vec<_>>();
                if items.is_empty() { "OrderedDict()".into() } else { format!("OrderedDict([{}])", items.join(", ")) }
            }
            Value::Dict(d) => {
                let mut s = String::from("{");
                for (i, (k, v)) in d.borrow().iter().enumerate() {
                    if i > 0 {
                        s.push_str(", ");
                    }
                    let _ = write!(s, "{}: {}", py_str_repr(k), v.py_repr());
                }
                s.push('}');
                s
            }
            Value::List(items) => format!("[{}]", join_repr(&items.borrow())),
            Value::Tuple(items) if items.structseq().is_some_and(|t| t.namedtuple) => {
                let ty = items.structseq().expect("checked");
                let fields = ty.fields.iter().zip(items.borrow().iter()).map(|(f, v)| format!("{f}={}", v.py_repr())).collect::<Vec<_>>();
                format!("{}({})", ty.name, fields.join(", "))
            }
            Value::Tuple(items) if items.structseq().is_some() => {
                let ty = items.structseq().expect("checked");
                let fields = ty.fields.iter().zip(items.borrow().iter()).map(|(f, v)| format!("{f}={}", v.py_repr())).collect::<Vec<_>>();
                format!("torch.return_types.{}(\n{})", ty.name, fields.join(",\n"))
            }
            Value::Tuple(items) if items.len() == 1 => format!("({},)", items.borrow()[0].py_repr()),
            Value::Tuple(items) => format!("({})", join_repr(&items.borrow())),
            Value::Size(items) => format!("torch.Size([{}])", join_repr(&items.borrow())),
            Value::Namespace(n) => format!("<module '{}'>", n.name),
            Value::DType(k) => format!("torch.{}", crate::tensor::dtype_name(*k)),
            Value::Class(c) => format!("<class '{}'>", c.qualified_name()),
            Value::Object(o) => crate::object::object_repr(o),
            Value::Set(items) if items.is_empty() => "set()".into(),
            Value::Set(items) => format!("{{{}}}", join_repr(&items.items())),
            Value::Function(f) => match f.kind {
                FunctionKind::Builtin => format!("<built-in function {}>", f.name),
                FunctionKind::User => format!("<function {} at {:#x}>", f.name, Rc::as_ptr(f) as *const u8 as usize),
                FunctionKind::Class => format!("<class '{}'>", f.name),
                FunctionKind::Method => match &f.bound {
                    Some((this, _)) => format!("<bound method {} of {}>", f.name, this.py_repr()),
                    None => format!("<bound method {}>", f.name),
                },
                FunctionKind::Node(addr) => format!("<{} object at {addr:#x}>", f.name),
                FunctionKind::Handle(_) => format!("<{} object at {:#x}>", f.name, Rc::as_ptr(f) as *const u8 as usize),
                FunctionKind::Typing => f.name.clone(),
            },
        }
    }
}

thread_local! {
    /// The lists and dicts being shown right now (Python's `Py_ReprEnter`): a container that
    /// holds itself is shown as `[...]` / `{...}` instead of recursing forever.
    static SHOWING: RefCell<Vec<usize>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` for the container at `ptr` unless it is already being shown (then `None`).
pub fn guard_recursion<R>(ptr: usize, f: impl FnOnce() -> R) -> Option<R> {
    if SHOWING.with(|s| s.borrow().contains(&ptr)) {
        return None;
    }
    SHOWING.with(|s| s.borrow_mut().push(ptr));
    let r = f();
    SHOWING.with(|s| s.borrow_mut().pop());
    Some(r)
}

impl Value {
    /// The address of a list, tuple or dict object (for [`guard_recursion`]).
    pub fn container_ptr(&self) -> Option<usize> {
        match self {
            Value::List(s) | Value::Tuple(s) | Value::Size(s) => Some(Rc::as_ptr(&s.0) as *const u8 as usize),
            Value::Dict(d) => Some(Rc::as_ptr(&d.0) as *const u8 as usize),
            Value::Set(s) => Some(Rc::as_ptr(&s.0) as *const u8 as usize),
            _ => None,
        }
    }
}

fn join_repr(items: &[Value]) -> String {
    items.iter().map(Value::py_repr).collect::<Vec<_>>().join(", ")
}

/// Python's `repr(float)`: the fewest significant digits that round-trip, the nearest of them
/// (ties to even: 2**-25 is `2.9802322387695312e-08`, where Rust's shortest form ends in 3),
/// positional for decimal exponents -4 to 15, always with a `.` or an exponent.
pub fn py_float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0.0".into() } else { "0.0".into() };
    }
    // How many digits round-trip (Rust's shortest form); of the strings of that many digits
    // that round-trip, Python's is the nearest (ties to even), which Rust's shortest form is
    // not always: the correctly rounded one where it round-trips (it may not, just above a
    // power of two, where the gap below is half the gap above).
    let shortest = format!("{:e}", f.abs());
    let n = shortest.split_once('e').map_or(1, |(m, _)| m.chars().filter(char::is_ascii_digit).count());
    let rounded = format!("{:.*e}", n - 1, f.abs());
    let chosen = if rounded.parse::<f64>() == Ok(f.abs()) { rounded } else { shortest };
    let (mant, exp) = chosen.split_once('e').unwrap_or((&chosen, "0"));
    let digits: String = mant.chars().filter(char::is_ascii_digit).collect();
    let e: i64 = exp.parse().unwrap_or(0);
    let sign = if f < 0.0 { "-" } else { "" };
    if !(-4..16).contains(&e) {
        let (first, rest) = digits.split_at(1);
        let dot = if rest.is_empty() { String::new() } else { format!(".{rest}") };
        let esign = if e < 0 { '-' } else { '+' };
        return format!("{sign}{first}{dot}e{esign}{:02}", e.abs());
    }
    if e < 0 {
        return format!("{sign}0.{}{digits}", "0".repeat((-e - 1) as usize));
    }
    let int_len = e as usize + 1;
    if digits.len() <= int_len {
        format!("{sign}{digits}{}.0", "0".repeat(int_len - digits.len()))
    } else {
        format!("{sign}{}.{}", &digits[..int_len], &digits[int_len..])
    }
}

#[cfg(test)]
mod float_repr_tests {
    /// Values and CPython 3.11's repr of them.
    #[test]
    fn as_cpython() {
        let cases: &[(f64, &str)] = &[
            (2f64.powi(-25), "2.9802322387695312e-08"),
            (0.1, "0.1"),
            (1.0 / 3.0, "0.3333333333333333"),
            (1e16, "1e+16"),
            (1.5e-5, "1.5e-05"),
            (1e-4, "0.0001"),
            (123456789012345678.0, "1.2345678901234568e+17"),
            (9999999999999998.0, "9999999999999998.0"),
            (-2.5, "-2.5"),
            (100.0, "100.0"),
            (-0.0, "-0.0"),
            (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (0.30000000000000004, "0.30000000000000004"),
            (7.120236347223045e-307, "7.120236347223045e-307"),
        ];
        for (f, want) in cases {
            assert_eq!(super::py_float_repr(*f), *want);
        }
    }
}

/// Python's `repr(str)`: single quotes unless the text holds a single quote and no double quote.
pub fn py_str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            // Python escapes what is not printable (control characters, U+007F..U+00A0, U+00AD).
            c if (c as u32) < 0x20 || (0x7f..=0xa0).contains(&(c as u32)) || c as u32 == 0xad => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Deep structures are dropped with a work list instead of recursion (CPython's trashcan): a
/// 100,000-deep list goes away without overflowing the stack. A container only `v` holds gives
/// its items to the work list before it drops, so no drop recurses more than one level.
fn drop_all(mut work: Vec<Value>) {
    while let Some(v) = work.pop() {
        match &v {
            Value::List(s) | Value::Tuple(s) | Value::Size(s) if Rc::strong_count(&s.0) == 1 => {
                if let Ok(mut items) = s.0.try_borrow_mut() {
                    work.append(&mut items);
                }
            }
            Value::Dict(d) if Rc::strong_count(&d.0) == 1 => {
                if let Ok(mut entries) = d.0.entries.try_borrow_mut() {
                    work.extend(entries.drain(..).map(|(_, x)| x));
                }
            }
            _ => {}
        }
    }
}

fn holds_containers<'a>(mut items: impl Iterator<Item = &'a Value>) -> bool {
    items.any(|v| matches!(v, Value::List(_) | Value::Tuple(_) | Value::Size(_) | Value::Dict(_)))
}

impl Drop for Seq {
    fn drop(&mut self) {
        if Rc::strong_count(&self.0) == 1 {
            if let Ok(mut items) = self.0.try_borrow_mut() {
                if holds_containers(items.iter()) {
                    let work = std::mem::take(&mut *items);
                    drop(items);
                    drop_all(work);
                }
            }
        }
    }
}

impl Drop for DictRef {
    fn drop(&mut self) {
        if Rc::strong_count(&self.0) == 1 {
            if let Ok(mut entries) = self.0.entries.try_borrow_mut() {
                if holds_containers(entries.values()) {
                    let work = entries.drain(..).map(|(_, x)| x).collect();
                    drop(entries);
                    drop_all(work);
                }
            }
        }
    }
}

/// The items of a list or tuple, as a shared object: cloning is Python's `b = a` (the same
/// list). Only lists are ever changed (`append`, `extend`, item assignment).
#[derive(Clone)]
pub struct Seq(Rc<RefCell<Vec<Value>>>, Option<Rc<StructSeqType>>);

/// A structseq type of `torch.return_types` (`max`, `linalg_eigh`): a tuple subclass whose
/// items are also attributes by field name (`values`, `indices`), as torch returns an
/// operator's named results.
#[derive(Debug, PartialEq)]
pub struct StructSeqType {
    /// The operator's name (`max`, `linalg_slogdet`): `torch.return_types.<name>`.
    pub name: String,
    pub fields: Vec<String>,
    /// A `collections.namedtuple` class (`Point(x=1, y=2)`, type `__main__.Point`) rather than
    /// a `torch.return_types` one.
    pub namedtuple: bool,
}

impl Seq {
    pub fn new(items: Vec<Value>) -> Seq {
        Seq(Rc::new(RefCell::new(items)), None)
    }
    /// The structseq type of a tuple that is one (`torch.return_types.max`).
    pub fn structseq(&self) -> Option<&Rc<StructSeqType>> {
        self.1.as_ref()
    }
    /// The item of a structseq field (`r.values`).
    pub fn field(&self, name: &str) -> Option<Value> {
        let i = self.1.as_ref()?.fields.iter().position(|f| f == name)?;
        self.get(i)
    }
    /// The items, borrowed (do not hold this across a call that may change the list).
    pub fn borrow(&self) -> std::cell::Ref<'_, Vec<Value>> {
        self.0.borrow()
    }
    pub fn borrow_mut(&self) -> std::cell::RefMut<'_, Vec<Value>> {
        self.0.borrow_mut()
    }
    /// A copy of the items (the values themselves are shared, as in Python).
    pub fn to_vec(&self) -> Vec<Value> {
        self.0.borrow().clone()
    }
    pub fn len(&self) -> usize {
        self.0.borrow().len()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn get(&self, i: usize) -> Option<Value> {
        self.0.borrow().get(i).cloned()
    }
    /// The same object (`a is b`).
    pub fn is(&self, other: &Seq) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// A Python dict with string keys, as a shared object (write-back lands in it).
#[derive(Clone)]
pub struct DictRef(Rc<DictObj>);

pub struct DictObj {
    id: u64,
    entries: RefCell<IndexMap<String, Value>>,
    /// Rises whenever the key set may have changed (never on a value-only write through
    /// [`DictRef::set_value_at`]): caches keyed on a dict's keys check it.
    keys_version: std::cell::Cell<u64>,
    /// A `collections.OrderedDict` (shown and typed as one; `Sequential(od)` names children by key).
    ordered: std::cell::Cell<bool>,
}

impl DictRef {
    pub fn new() -> DictRef {
        DictRef::from_entries(IndexMap::new())
    }
    pub fn from_entries(entries: IndexMap<String, Value>) -> DictRef {
        DictRef(Rc::new(DictObj { id: crate::tensor::next_object_id(), entries: RefCell::new(entries), keys_version: std::cell::Cell::new(0), ordered: std::cell::Cell::new(false) }))
    }
    /// A dict of tensors, in the given order.
    pub fn of_tensors<'a>(items: impl IntoIterator<Item = (&'a str, TensorRef)>) -> DictRef {
        DictRef::from_entries(items.into_iter().map(|(k, t)| (k.to_string(), Value::Tensor(t))).collect())
    }
    pub fn id(&self) -> u64 {
        self.0.id
    }
    /// A `collections.OrderedDict` rather than a plain dict.
    pub fn is_ordered(&self) -> bool {
        self.0.ordered.get()
    }
    /// Marks a new dict as a `collections.OrderedDict`.
    pub fn set_ordered(&self) {
        self.0.ordered.set(true);
    }
    /// A new dict of these entries of the same type as this one (`d.copy()`, `copy.copy(d)`).
    pub fn copy_with(&self, entries: IndexMap<String, Value>) -> DictRef {
        let d = DictRef::from_entries(entries);
        d.0.ordered.set(self.is_ordered());
        d
    }
    pub fn is(&self, other: &DictRef) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
    pub fn borrow(&self) -> std::cell::Ref<'_, IndexMap<String, Value>> {
        self.0.entries.borrow()
    }
    /// Mutable access to the entries; counts as a possible change of the key set.
    pub fn borrow_mut(&self) -> std::cell::RefMut<'_, IndexMap<String, Value>> {
        self.0.keys_version.set(self.0.keys_version.get() + 1);
        self.0.entries.borrow_mut()
    }
    /// The key-set version (see [`DictObj`]).
    pub fn keys_version(&self) -> u64 {
        self.0.keys_version.get()
    }
    /// Replaces the value at position `i` (keys unchanged).
    pub fn set_value_at(&self, i: usize, v: Value) {
        if let Some((_, slot)) = self.0.entries.borrow_mut().get_index_mut(i) {
            *slot = v;
        }
    }
    pub fn get(&self, key: &str) -> Option<Value> {
        self.0.entries.borrow().get(key).cloned()
    }
    pub fn insert(&self, key: impl Into<String>, v: Value) {
        let key = key.into();
        let mut e = self.0.entries.borrow_mut();
        if let Some(slot) = e.get_mut(&key) {
            *slot = v;
        } else {
            e.insert(key, v);
            self.0.keys_version.set(self.0.keys_version.get() + 1);
        }
    }
    /// The entries, in order (a copy: the dict may change while they are used).
    pub fn items(&self) -> Vec<(String, Value)> {
        self.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }
    pub fn keys(&self) -> Vec<String> {
        self.0.entries.borrow().keys().cloned().collect()
    }
    pub fn len(&self) -> usize {
        self.0.entries.borrow().len()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Default for DictRef {
    fn default() -> Self {
        DictRef::new()
    }
}
