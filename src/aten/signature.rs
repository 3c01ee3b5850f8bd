//! The signatures of torch's Python bindings, read from `signatures.tsv` (written by
//! scripts/gen_torch_api.py with torchgen, the generator PyTorch's own bindings come from): per
//! Python name its overloads in PyTorch's order, each a Python signature (parameter types,
//! names, defaults, keyword-only marker, as python_arg_parser.cpp reads them) and the ATen
//! schema it calls (argument order and the returns, with their alias annotations).
use std::collections::HashMap;
use std::rc::Rc;

/// Where a binding lives in Python.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Ns {
    /// `Tensor.name` methods.
    Tensor,
    /// `torch.name`.
    Torch,
    /// `torch._C._nn.name` (what `torch.nn.functional` calls).
    Nn,
    /// `torch.linalg`, `torch.special`, `torch.fft` (Python names without the prefix).
    Linalg,
    Special,
    Fft,
}

impl Ns {
    fn parse(s: &str) -> Option<Ns> {
        Some(match s {
            "Tensor" => Ns::Tensor,
            "torch" => Ns::Torch,
            "nn" => Ns::Nn,
            "linalg" => Ns::Linalg,
            "special" => Ns::Special,
            "fft" => Ns::Fft,
            _ => return None,
        })
    }
    /// The prefix the ATen name carries in this namespace (`linalg_vector_norm`).
    pub fn prefix(self) -> &'static str {
        match self {
            Ns::Linalg => "linalg_",
            Ns::Special => "special_",
            Ns::Fft => "fft_",
            _ => "",
        }
    }
}

/// A parameter's type, as python_arg_parser.cpp's ParameterType.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PType {
    Tensor,
    Scalar,
    Int,
    SymInt,
    Double,
    Complex,
    TensorList,
    /// `c10::List<optional<Tensor>>` (indices of `index`).
    OptTensorList,
    IntList,
    SymIntList,
    FloatList,
    Generator,
    Bool,
    ScalarType,
    Layout,
    MemoryFormat,
    Device,
    String,
    Dimname,
    DimnameList,
    ScalarList,
    Stream,
}

impl PType {
    fn parse(s: &str) -> Option<PType> {
        Some(match s {
            "Tensor" => PType::Tensor,
            "Scalar" => PType::Scalar,
            "int64_t" | "DeviceIndex" => PType::Int,
            "SymInt" => PType::SymInt,
            "double" => PType::Double,
            "complex" => PType::Complex,
            "TensorList" => PType::TensorList,
            "c10::List<::std::optional<Tensor>>" => PType::OptTensorList,
            "IntArrayRef" => PType::IntList,
            "SymIntArrayRef" => PType::SymIntList,
            "ArrayRef<double>" => PType::FloatList,
            "Generator" => PType::Generator,
            "bool" => PType::Bool,
            "ScalarType" => PType::ScalarType,
            "Layout" => PType::Layout,
            "MemoryFormat" => PType::MemoryFormat,
            "Device" => PType::Device,
            "c10::string_view" | "std::string" => PType::String,
            "Dimname" => PType::Dimname,
            "DimnameList" => PType::DimnameList,
            "ScalarList" => PType::ScalarList,
            "Stream" => PType::Stream,
            _ => return None,
        })
    }
    /// The name errors give the type (FunctionParameter::type_name).
    pub fn shown(self) -> &'static str {
        match self {
            PType::Tensor => "Tensor",
            PType::Scalar => "Number",
            PType::Int | PType::SymInt => "int",
            PType::Double => "float",
            PType::Complex => "complex",
            PType::TensorList | PType::OptTensorList => "tuple of Tensors",
            PType::IntList | PType::SymIntList => "tuple of ints",
            PType::FloatList => "tuple of floats",
            PType::Generator => "torch.Generator",
            PType::Bool => "bool",
            PType::ScalarType => "torch.dtype",
            PType::Layout => "torch.layout",
            PType::MemoryFormat => "torch.memory_format",
            PType::Device => "torch.device",
            PType::String => "str",
            PType::Dimname => "name",
            PType::DimnameList => "tuple of names",
            PType::ScalarList => "tuple of Scalars",
            PType::Stream => "torch.Stream",
        }
    }
}

/// One parameter of a Python signature.
#[derive(Clone, Debug)]
pub struct Param {
    pub name: String,
    pub ty: PType,
    /// `IntArrayRef[2]`: a single int stands for this many.
    pub size: usize,
    /// Has a default (may be left out).
    pub optional: bool,
    pub allow_none: bool,
    pub keyword_only: bool,
    /// The default's text (`False`, `1`, `None`, `torch.strided`), for the error listing.
    pub default: Option<String>,
}

/// What a signature calls: an ATen operator and how its arguments and returns look.
#[derive(Debug)]
pub struct Target {
    pub name: String,
    pub overload: String,
    /// The schema's argument names in order (`self` for the input).
    pub args: Vec<String>,
    pub returns: Vec<Ret>,
}

#[derive(Debug)]
pub struct Ret {
    /// `Tensor`, `Tensor[]`, `int`, `float`, `bool`, `Scalar`, `ScalarType`, ...
    pub ty: String,
    pub name: Option<String>,
    /// `Tensor(a!)`: this return is the argument written in place with the same alias set.
    pub writes: Option<String>,
}

/// One Python signature of a binding.
#[derive(Debug)]
pub struct Signature {
    pub name: String,
    pub params: Vec<Param>,
    pub min_args: usize,
    pub max_args: usize,
    pub max_pos_args: usize,
    pub target: Target,
    /// The schema argument written in place for each alias set (`self` for `add_`).
    pub written: Vec<(String, String)>,
}

/// Splits `a, b(c, d), e` at top-level ", ".
fn split_top(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, 0usize);
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            b',' if depth == 0 => {
                out.push(s[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    let last = s[start..].trim();
    if !last.is_empty() {
        out.push(last);
    }
    out
}

/// The part between the first '(' and its matching ')', and what follows.
fn parens(s: &str) -> Option<(&str, &str, &str)> {
    let open = s.find('(')?;
    let mut depth = 0;
    for (i, c) in s[open..].char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some((&s[..open], &s[open + 1..open + i], &s[open + i + 1..]));
                }
            }
            _ => {}
        }
    }
    None
}

fn parse_param(text: &str, keyword_only: bool) -> Option<Param> {
    let (ty, rest) = text.split_once(' ')?;
    let (name, default) = match rest.split_once('=') {
        Some((n, d)) => (n.to_string(), Some(d.to_string())),
        None => (rest.to_string(), None),
    };
    let (ty, nullable) = match ty.strip_suffix('?') {
        Some(t) => (t, true),
        None => (ty, false),
    };
    let (base, size) = match ty.find('[') {
        Some(i) if ty.ends_with(']') => (&ty[..i], ty[i + 1..ty.len() - 1].parse().unwrap_or(0)),
        _ => (ty, 0),
    };
    Some(Param {
        ty: PType::parse(base)?,
        size,
        optional: default.is_some(),
        allow_none: nullable || default.as_deref() == Some("None"),
        keyword_only,
        default,
        name,
    })
}

/// `add(Tensor input, Tensor other, *, Scalar alpha=1, Tensor out=None)`.
fn parse_python(sig: &str) -> Option<(String, Vec<Param>)> {
    let (name, inner, _) = parens(sig)?;
    let mut params = Vec::new();
    let mut kw = false;
    for p in split_top(inner) {
        if p == "*" {
            kw = true;
            continue;
        }
        params.push(parse_param(p, kw)?);
    }
    Some((name.to_string(), params))
}

/// `max.dim(Tensor self, int dim, bool keepdim=False) -> (Tensor values, Tensor indices)`.
fn parse_schema(schema: &str) -> Option<Target> {
    let (full, inner, rest) = parens(schema)?;
    let (name, overload) = full.split_once('.').unwrap_or((full, ""));
    let args = split_top(inner)
        .into_iter()
        .filter(|a| *a != "*")
        .map(|a| {
            let before_default = a.split('=').next().unwrap_or(a);
            before_default.rsplit(' ').next().unwrap_or("").to_string()
        })
        .collect();
    let rets = rest.trim().strip_prefix("->")?.trim();
    let rets = match rets.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        Some(inner) => split_top(inner),
        None => vec![rets],
    };
    let returns = rets
        .into_iter()
        .filter(|r| !r.is_empty())
        .map(|r| {
            let (ty, name) = match r.rsplit_once(' ') {
                Some((t, n)) => (t, Some(n.to_string())),
                None => (r, None),
            };
            let writes = ty.find("(").and_then(|i| ty[i + 1..].strip_suffix(")")).and_then(|a| a.strip_suffix('!')).map(str::to_string);
            let base = ty.split('(').next().unwrap_or(ty).to_string();
            Ret { ty: base, name, writes }
        })
        .collect();
    Some(Target { name: name.to_string(), overload: overload.to_string(), args, returns })
}

/// The schema arguments written in place: (alias set, argument name) for `Tensor(a!) self`.
fn written_args(schema: &str) -> Vec<(String, String)> {
    let Some((_, inner, _)) = parens(schema) else { return Vec::new() };
    split_top(inner)
        .into_iter()
        .filter_map(|a| {
            let (ty, name) = a.split('=').next()?.rsplit_once(' ')?;
            let alias = ty.split_once('(')?.1.strip_suffix(')')?.strip_suffix('!')?;
            Some((alias.to_string(), name.to_string()))
        })
        .collect()
}

impl Signature {
    pub(crate) fn new(python: &str, schema: &str) -> Option<Signature> {
        let (name, params) = parse_python(python)?;
        let target = parse_schema(schema)?;
        let min_args = params.iter().filter(|p| !p.optional).count();
        let max_pos_args = params.iter().filter(|p| !p.keyword_only).count();
        Some(Signature { name, max_args: params.len(), min_args, max_pos_args, written: written_args(schema), params, target })
    }

    /// `(Tensor input, int dim, bool keepdim = False, *, tuple of Tensors out = None)`, as
    /// PyTorch lists the signatures it expected.
    pub fn shown(&self) -> String {
        let mut parts = Vec::new();
        let mut kw = false;
        for p in &self.params {
            if p.keyword_only && !kw {
                parts.push("*".to_string());
                kw = true;
            }
            let mut s = format!("{} {}", p.ty.shown(), p.name);
            if let Some(d) = &p.default {
                s.push_str(&format!(" = {d}"));
            }
            parts.push(s);
        }
        format!("({})", parts.join(", "))
    }
}

const TABLE: &str = include_str!("signatures.tsv");

/// The overloads of one Python name, in PyTorch's order.
pub type Overloads = Rc<Vec<Signature>>;

thread_local! {
    /// Line ranges of each (namespace, Python name): found once, parsed when first called.
    static INDEX: HashMap<(Ns, &'static str), Vec<(&'static str, &'static str)>> = index();
    static PARSED: std::cell::RefCell<HashMap<(Ns, String), Overloads>> = Default::default();
}

fn index() -> HashMap<(Ns, &'static str), Vec<(&'static str, &'static str)>> {
    let mut map: HashMap<(Ns, &'static str), Vec<(&'static str, &'static str)>> = HashMap::new();
    for line in TABLE.lines().filter(|l| !l.starts_with('#')) {
        let mut f = line.split('\t');
        let (Some(ns), Some(name), Some(sig), Some(schema)) = (f.next(), f.next(), f.next(), f.next()) else { continue };
        let Some(ns) = Ns::parse(ns) else { continue };
        let name = name.strip_prefix(ns.prefix()).unwrap_or(name);
        map.entry((ns, name)).or_default().push((sig, schema));
    }
    map
}

/// Every Python name of a namespace.
pub fn names(ns: Ns) -> Vec<&'static str> {
    INDEX.with(|i| {
        let mut v: Vec<&'static str> = i.keys().filter(|(n, _)| *n == ns).map(|(_, name)| *name).collect();
        v.sort_unstable();
        v
    })
}

/// The overloads of `ns.name`, or None when torch has no such binding.
pub fn lookup(ns: Ns, name: &str) -> Option<Overloads> {
    if let Some(o) = PARSED.with(|p| p.borrow().get(&(ns, name.to_string())).cloned()) {
        return Some(o);
    }
    let lines = INDEX.with(|i| i.get(&(ns, name)).cloned())?;
    let sigs: Vec<Signature> = lines.iter().filter_map(|(py, schema)| Signature::new(py, schema)).collect();
    if sigs.is_empty() {
        return None;
    }
    let o: Overloads = Rc::new(sigs);
    PARSED.with(|p| p.borrow_mut().insert((ns, name.to_string()), o.clone()));
    Some(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_parses() {
        let bad: Vec<&str> = TABLE
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                Signature::new(f[2], f[3]).is_none()
            })
            .collect();
        assert!(bad.is_empty(), "{} lines do not parse, e.g. {:?}", bad.len(), &bad[..bad.len().min(3)]);
    }

    #[test]
    fn max_overloads_in_pytorch_order() {
        let o = lookup(Ns::Torch, "max").unwrap();
        let shown: Vec<String> = o.iter().map(|s| s.shown()).collect();
        assert_eq!(shown[2], "(Tensor input, int dim, bool keepdim = False, *, tuple of Tensors out = None)");
        assert_eq!(o[2].target.overload, "dim");
        assert_eq!(o[2].target.returns.iter().map(|r| r.name.clone().unwrap()).collect::<Vec<_>>(), ["values", "indices"]);
        let add_ = lookup(Ns::Tensor, "add_").unwrap();
        assert_eq!(add_[0].target.returns[0].writes.as_deref(), Some("a"));
        assert_eq!(add_[0].written, [("a".to_string(), "self".to_string())]);
        assert!(lookup(Ns::Linalg, "vector_norm").is_some());
    }
}
