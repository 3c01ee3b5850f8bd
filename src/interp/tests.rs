//! Session-level unit tests of evaluator rules that are easy to get subtly wrong: copies that
//! really copy, Python's attribute built-ins, a missing dict key, clamp's Scalar overload,
//! alias names in `named_parameters`, the values before a call in its JSON record, and calls
//! shown from inside bodies.
use super::{OutKind, RunOptions, Session, StmtOutput, Targets};
use crate::error::ExcType;
use crate::value::Value;

fn run(code: &str) -> Vec<StmtOutput> {
    let mut s = Session::new();
    s.targets = Targets { json: true, ..Targets::default() };
    s.run(code, RunOptions { keep_going: true })
}

/// The value shown by the last statement, as Python's repr.
fn last(code: &str) -> String {
    let outs = run(code);
    let o = outs.last().expect("one output");
    assert_ne!(o.kind, OutKind::Error, "{code}: {}", o.text());
    o.value.as_ref().map(Value::py_repr).unwrap_or_default()
}

fn error_of(code: &str) -> (ExcType, String) {
    let outs = run(code);
    match &outs.last().expect("one output").failure {
        Some(super::Failure::Raised(e)) => (e.exc, e.message.clone()),
        _ => panic!("{code}: expected an error"),
    }
}

#[test]
fn clone_is_a_copy_with_its_own_storage() {
    assert_eq!(last("a = torch.tensor([1.0])\nb = a.clone()\nb.add_(1)\na"), "tensor([1.])");
    assert_eq!(last("p = {\"w\": torch.tensor([1.0])}\nc = {k: v.clone() for k, v in p.items()}\nc[\"w\"].add_(1)\np[\"w\"]"), "tensor([1.])");
    // A clone of a leaf that requires grad is differentiable and is not the leaf.
    assert_eq!(last("x = torch.tensor([2.0], requires_grad=True)\ny = x.clone()\ny is x"), "False");
    assert_eq!(last("x = torch.tensor([2.0], requires_grad=True)\nx.clone().requires_grad"), "True");
    // Under vmap and grad too.
    assert_eq!(last("def f(x):\n    return x.clone() * 2\nvmap(f)(torch.tensor([[1.0], [2.0]]))"), "tensor([[2.],\n        [4.]])");
    assert_eq!(last("def g(x):\n    return (x.clone() * x).sum()\nvmap(grad(g))(torch.tensor([[1.0], [2.0]]))"), "tensor([[2.],\n        [4.]])");
    assert_eq!(last("x = torch.tensor([2.0], requires_grad=True)\nwith torch.no_grad():\n    y = x.clone()\ny.requires_grad"), "False");
}

#[test]
fn hasattr_and_getattr_follow_python() {
    let m = "class P(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.w = nn.Parameter(torch.ones(1))\n\np = P()\n";
    assert_eq!(last(&format!("{m}hasattr(p, \"w\")")), "True");
    assert_eq!(last(&format!("{m}hasattr(p, \"extra\")")), "False");
    assert_eq!(last(&format!("{m}getattr(p, \"extra\", 5)")), "5");
    assert_eq!(last(&format!("{m}getattr(p, \"w\") is p.w")), "True");
    assert_eq!(error_of(&format!("{m}getattr(p, \"extra\")")).0, ExcType::AttributeError);
    assert_eq!(error_of("hasattr(1, 2)").1, "hasattr(): attribute name must be string, not 'int'");
}

#[test]
fn a_missing_key_is_a_key_error_and_dicts_have_no_key_attributes() {
    assert_eq!(error_of("g = {\"weight\": 1}\ng.grad_fn"), (ExcType::AttributeError, "'dict' object has no attribute 'grad_fn'".into()));
    assert_eq!(error_of("g = {\"weight\": 1}\ng[\"x\"]").0, ExcType::KeyError);
}

#[test]
fn clamp_with_numbers_takes_the_scalar_overload() {
    let x = "x = torch.tensor([-1.0, 2.0], requires_grad=True)\n";
    assert_eq!(last(&format!("{x}x.clamp(min=0).grad_fn.name()")), "'ClampBackward1'");
    assert_eq!(last(&format!("{x}x.clamp(max=1)")), "tensor([-1.,  1.], grad_fn=<ClampBackward1>)");
    assert_eq!(last(&format!("{x}x.clamp(min=torch.tensor(0.0)).grad_fn.name()")), "'ClampBackward0'");
    assert_eq!(last("torch.tensor([-1, 5]).clamp(min=0)"), "tensor([0, 5])");
    assert_eq!(error_of(&format!("{x}x.clamp()")).1, "torch.clamp: At least one of 'min' or 'max' must not be None");
}

#[test]
fn named_parameters_lists_alias_names_on_request() {
    let m = "class T(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.a = nn.Parameter(torch.ones(1))\n        self.b = self.a\n\nt = T()\n";
    assert_eq!(last(&format!("{m}[k for k, _ in t.named_parameters()]")), "['a']");
    assert_eq!(last(&format!("{m}[k for k, _ in t.named_parameters(remove_duplicate=False)]")), "['a', 'b']");
}

const FOO: &str = "class Foo(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.register_buffer(\"foo\", torch.zeros(()))\n\n    def forward(self, x):\n        self.foo.add_(1)\n        return x + self.foo\n\n";

#[test]
fn a_call_record_shows_the_values_before_the_call() {
    let code = format!("{FOO}m = Foo()\na = {{\"foo\": torch.zeros(())}}\ncall m with a (torch.ones(()))\ncall m with {{}} (torch.ones(()))");
    let outs = run(&code);
    let swap = &outs[outs.len() - 2].json()["call"]["names"][0];
    // Forward wrote the dict's tensor in place: "swapped in" is still the value it had.
    assert_eq!(swap["swapped_in"]["value"], 0.0);
    assert_eq!(swap["dict_after"]["value"]["value"], 1.0);
    // Not passed: the module's own buffer, written in place; "before" is its old value.
    let own = &outs[outs.len() - 1].json()["call"]["names"][0];
    assert_eq!(own["before"]["value"], 0.0);
    assert!(outs[outs.len() - 1].text().contains("PERMANENT"), "{}", outs[outs.len() - 1].text());
}

#[test]
fn a_call_that_swaps_nothing_says_so() {
    let outs = run("m = nn.Linear(1, 1)\ncall m with {} (torch.ones(1, 1))");
    assert!(outs[1].text().starts_with("functional_call on Linear: no name was swapped"), "{}", outs[1].text());
}

// ---------------------------------------------------------------- the prelude, modules, dtypes

fn error_full(code: &str) -> crate::error::Error {
    let outs = run(code);
    match &outs.last().expect("one output").failure {
        Some(super::Failure::Raised(e)) => e.clone(),
        _ => panic!("{code}: expected an error"),
    }
}

#[test]
fn prelude_modules_are_python_s_and_fcall_names_are_not_bare() {
    // The same objects wherever torch spells them; the functions are not bare names (Python
    // has no `zeros`), except torch.func's, which the session prelude imports.
    for (a, b) in [("torch.nn.functional.softmax", "F.softmax"), ("torch.func.functional_call", "functional_call"), ("torch.func.vmap", "vmap")] {
        assert_eq!(last(&format!("{a} is {b}")), "True", "{a}");
    }
    for bare in ["zeros", "tensor", "param", "params", "Linear", "relu", "mse_loss", "save"] {
        assert_eq!(error_of(bare), (ExcType::NameError, format!("name '{bare}' is not defined")), "{bare}");
    }
    assert_eq!(last("torch.nn.functional is F"), "True");
    assert_eq!(last("torch.nn is nn"), "True");
    assert_eq!(last("functional_call is torch.func.functional_call"), "True");
    assert_eq!(last("torch"), "<module 'torch'>");
    assert_eq!(last("F"), "<module 'torch.nn.functional'>");
    assert_eq!(last("type(torch)"), "<class 'module'>");
    assert_eq!(last("torch.nn.functional.__name__"), "'torch.nn.functional'");
    assert_eq!(last("nn.Linear"), "<class 'torch.nn.modules.linear.Linear'>");
    assert_eq!(last("nn.Parameter"), "<class 'torch.nn.parameter.Parameter'>");
    assert_eq!(last("type(nn.Linear(2, 2)) is nn.Linear"), "True");
    assert_eq!(last("nn.Linear(3, 3).weight.shape"), "torch.Size([3, 3])");
    assert_eq!(last("F.relu(torch.tensor([-1.0, 2.0]))"), "tensor([0., 2.])");
    assert_eq!(last("math.pi"), "3.141592653589793");
    assert_eq!(last("(math.sqrt(16), math.exp(0), math.log(math.e), math.inf, math.nan)"), "(4.0, 1.0, 1.0, inf, nan)");
    assert_eq!(last("math.isclose(1.0, 1.0 + 1e-10)"), "True");
    assert_eq!(last("math.floor(2.5)"), "2");
    assert_eq!(error_of("math.sqrt(-1)"), (ExcType::ValueError, "math domain error".into()));
    assert_eq!(error_of("math.exp(1000)"), (ExcType::OverflowError, "math range error".into()));
    assert_eq!(error_of("math.sqrt(\"a\")"), (ExcType::TypeError, "must be real number, not str".into()));
    // The seed is torch's: the same numbers as the `seed` command gives.
    assert_eq!(last("torch.manual_seed(0)\na = torch.randn(3)\ntorch.manual_seed(0)\n(a == torch.randn(3)).all()"), "tensor(True)");
}

#[test]
fn prelude_names_are_globals_that_reset_brings_back() {
    let mut s = Session::new();
    let outs = s.run("torch = 1", RunOptions { keep_going: true });
    assert_eq!(outs[0].kind, OutKind::None);
    assert!(matches!(s.get("torch"), Some(Value::Int(1))));
    let ctx = super::eval::Ctx { sh: s.sh.clone(), src: 0 };
    s.command(&ctx, &fcall_lang::ast::Command::Reset, &mut Vec::new()).expect("reset");
    for n in ["torch", "nn", "F", "math", "functional_call", "grad", "grad_and_value", "vmap", "stack_module_state"] {
        assert!(s.get(n).is_some(), "{n} after reset");
    }
    assert!(matches!(s.get("torch"), Some(Value::Namespace(_))));
    assert!(s.get("copy").is_none(), "copy is importable, not prebound");
}

#[test]
fn dtypes_are_objects() {
    assert_eq!(last("torch.zeros(2, dtype=torch.float64).dtype"), "torch.float64");
    assert_eq!(last("torch.ones(2, dtype=torch.float64)"), "tensor([1., 1.], dtype=torch.float64)");
    assert_eq!(last("torch.tensor([1, 2], dtype=torch.int32)"), "tensor([1, 2], dtype=torch.int32)");
    assert_eq!(last("torch.zeros(2).dtype"), "torch.float32");
    assert_eq!(last("str(torch.zeros(2).dtype)"), "'torch.float32'");
    assert_eq!(last("type(torch.float64)"), "<class 'torch.dtype'>");
    assert_eq!(last("torch.float is torch.float32"), "True");
    assert_eq!(last("torch.double == torch.float64"), "True");
    assert_eq!(last("torch.long is torch.int64"), "True");
    assert_eq!(last("torch.float32 == torch.float64"), "False");
    assert_eq!(last("torch.zeros(1).dtype == \"torch.float32\""), "False");
    assert_eq!(last("(torch.half, torch.int, torch.bool, torch.uint8, torch.bfloat16, torch.int8, torch.int16)"), "(torch.float16, torch.int32, torch.bool, torch.uint8, torch.bfloat16, torch.int8, torch.int16)");
    assert_eq!(last("(torch.float64.is_floating_point, torch.int64.itemsize, torch.uint8.is_signed)"), "(True, 8, False)");
    assert_eq!(last("torch.arange(3, dtype=torch.float64).dtype is torch.double"), "True");
    assert_eq!(last("torch.full((2,), 1, dtype=torch.int64).dtype"), "torch.int64");
    // A dtype is a torch.dtype, never its name.
    assert_eq!(error_of("torch.zeros(2, dtype=\"float64\")").1, "zeros(): argument 'dtype' must be torch.dtype, not str");
    assert_eq!(error_of("torch.zeros(2, dtype=3)"), (ExcType::TypeError, "zeros(): argument 'dtype' must be torch.dtype, not int".into()));
    assert_eq!(error_full("torch.float32.itemsiz").headline(), "AttributeError: 'torch.dtype' object has no attribute 'itemsiz'. Did you mean: 'itemsize'?");
}

#[test]
fn missing_names_say_what_cpython_says() {
    assert_eq!(error_of("torch.foo"), (ExcType::AttributeError, "module 'torch' has no attribute 'foo'".into()));
    // CPython 3.11 suggests from dir(module), but not for torch (1,500 names).
    let e = error_full("torch.zeroes");
    assert_eq!(e.headline(), "AttributeError: module 'torch' has no attribute 'zeroes'");
    assert!(e.hint.as_deref().unwrap_or("").contains("torch.zeros"), "{:?}", e.hint);
    assert_eq!(error_full("F.relux").headline(), "AttributeError: module 'torch.nn.functional' has no attribute 'relux'. Did you mean: 'relu'?");
    assert_eq!(error_full("nn.Linearr").headline(), "AttributeError: module 'torch.nn' has no attribute 'Linearr'. Did you mean: 'Linear'?");
    assert_eq!(error_full("math.sqrtt").headline(), "AttributeError: module 'math' has no attribute 'sqrtt'. Did you mean: 'sqrt'?");
    let e = error_full("lenn");
    assert_eq!(e.message, "name 'lenn' is not defined");
    assert_eq!(e.headline(), "NameError: name 'lenn' is not defined. Did you mean: 'len'?");
    assert_eq!(error_full("tourch").headline(), "NameError: name 'tourch' is not defined. Did you mean: 'torch'?");
    assert_eq!(error_full("qqq").suggestion, None);
    // The rendered error shows the suggestion as Python's traceback does.
    let outs = run("F.relux");
    assert!(outs[0].text().contains("Did you mean: 'relu'?"), "{}", outs[0].text());
}

#[test]
fn imports_bind_what_cpython_binds() {
    use super::imports::{import, import_from, import_module};
    let s = Session::new();
    let sh = &s.sh;
    let f = import_module(sh, "torch.nn.functional").expect("F");
    assert!(f.is(&s.get("F").unwrap()));
    let (name, v) = import(sh, "torch.nn.functional", false).expect("import");
    assert_eq!(name, "torch");
    assert!(v.is(&s.get("torch").unwrap()));
    let (_, nn) = import(sh, "torch.nn", true).expect("import as");
    assert!(nn.is(&s.get("nn").unwrap()));
    assert!(import_from(sh, "torch.func", "grad").unwrap().is(&s.get("grad").unwrap()));
    assert!(import_from(sh, "torch.nn", "functional").unwrap().is(&f));
    for (m, n) in [("torch.nn.utils", "parametrize"), ("torch.nn.utils", "parametrizations"), ("torch.nn.utils", "stateless"), ("safetensors", "torch"), ("torch", "autograd")] {
        assert!(matches!(import_from(sh, m, n), Ok(Value::Namespace(_))), "from {m} import {n}");
    }
    for (m, n) in [("torch.nn.utils.parametrize", "register_parametrization"), ("torch.nn.utils.stateless", "functional_call"), ("safetensors.torch", "save_file"), ("safetensors.torch", "load_file"), ("copy", "deepcopy"), ("copy", "copy"), ("collections", "OrderedDict"), ("typing", "Optional"), ("math", "sqrt")] {
        assert!(matches!(import_from(sh, m, n), Ok(Value::Function(_))), "from {m} import {n}");
    }
    assert!(import_from(sh, "safetensors.torch", "load_file").unwrap().is(&s.sh.builtins.borrow()["load"]));
    let err = |r: crate::error::Result<Value>| match r {
        Err(e) => (e.exc, e.message),
        Ok(v) => panic!("expected an error, got {}", v.py_repr()),
    };
    assert_eq!(err(import_module(sh, "numpy")), (ExcType::ModuleNotFoundError, "No module named 'numpy'".into()));
    assert_eq!(err(import_module(sh, "torch.nosuch")), (ExcType::ModuleNotFoundError, "No module named 'torch.nosuch'".into()));
    assert_eq!(err(import_module(sh, "nosuch.sub")), (ExcType::ModuleNotFoundError, "No module named 'nosuch'".into()));
    assert_eq!(err(import_module(sh, "math.pi")), (ExcType::ModuleNotFoundError, "No module named 'math.pi'; 'math' is not a package".into()));
    assert_eq!(
        err(import_module(sh, "torch.nn.functional.relu")),
        (ExcType::ModuleNotFoundError, "No module named 'torch.nn.functional.relu'; 'torch.nn.functional' is not a package".into())
    );
    assert_eq!(err(import_from(sh, "torch", "nosuch")), (ExcType::ImportError, "cannot import name 'nosuch' from 'torch' (unknown location)".into()));
    let hint = import_module(sh, "numpy").err().unwrap().hint.unwrap();
    assert!(hint.contains("torch.nn.functional") && hint.contains("math"), "{hint}");
    // `import safetensors` alone does not load safetensors.torch; importing it attaches it.
    let s = Session::new();
    let sh = &s.sh;
    let st = import_module(sh, "safetensors").unwrap();
    let Value::Namespace(ns) = &st else { panic!() };
    assert!(ns.get("torch").is_none());
    import_module(sh, "safetensors.torch").unwrap();
    assert!(ns.get("torch").is_some());
}

#[test]
fn copy_and_typing_modules() {
    use super::eval::call_value;
    use super::imports::import_from;
    let s = Session::new();
    let deepcopy = import_from(&s.sh, "copy", "deepcopy").unwrap();
    let mut s2 = Session::new();
    s2.run("w = nn.Parameter(torch.ones(2))\nd = {\"a\": w, \"b\": [w, 3]}", RunOptions::default());
    let d = s2.get("d").unwrap();
    let c = call_value(&deepcopy, &[d.clone()], &Vec::new()).unwrap();
    let Value::Dict(c) = c else { panic!() };
    let a = c.get("a").unwrap();
    assert!(!a.is(&s2.get("w").unwrap()), "a new tensor");
    assert!(a.as_tensor().unwrap().is_parameter(), "still a Parameter");
    let Some(Value::List(b)) = c.get("b") else { panic!() };
    assert!(b.get(0).unwrap().is(&a), "shared objects stay shared");
    let optional = import_from(&s.sh, "typing", "Optional").unwrap();
    assert_eq!(optional.py_repr(), "typing.Optional");
    let t = s.get("torch").unwrap();
    let tensor_type = super::members::getattr(&super::eval::Ctx { sh: s.sh.clone(), src: 0 }, &t, "Tensor").unwrap();
    assert_eq!(super::members::index(&optional, &tensor_type).unwrap().py_repr(), "typing.Optional[torch.Tensor]");
}

/// Commands are statements inside bodies too: a `call` in a loop shows every iteration, with
/// the values of that moment (rendered as it finished, not at the end of the loop), and the
/// documentation's `functional_call(...)` at top level shows the same table.
#[test]
fn calls_in_bodies_show_each_iteration_as_it_was() {
    let code = format!("{FOO}mod = Foo()\na = {{\"foo\": torch.zeros(())}}\nfor i in range(2):\n    call mod with a (torch.ones(()))\n");
    let outs = run(&code);
    let o = outs.last().expect("the loop's output");
    assert_ne!(o.kind, OutKind::Error, "{}", o.text());
    let text = o.text();
    assert_eq!(text.matches("functional_call on Foo").count(), 2, "{text}");
    // The first iteration's dict entry after the call was 1.0 (the loop later made it 2.0).
    let first = &text[..text.find("result: tensor(2.)").expect("the first result")];
    assert!(first.contains("1.0 #") && !first.contains("2.0 #"), "{first}");
    assert!(text.contains("result: tensor(3.)"), "{text}");
    assert_eq!(o.json()["calls"].as_array().map(|c| c.len()), Some(2));
    // The documentation's form at top level: a call record, then the value.
    let outs = run(&format!("{code}functional_call(mod, a, (torch.ones(()),))\ny = functional_call(mod, a, (torch.ones(()),))\n"));
    let (shown, quiet) = (&outs[outs.len() - 2], &outs[outs.len() - 1]);
    assert_eq!(shown.kind, OutKind::Call, "{}", shown.text());
    assert!(shown.text().contains("functional_call on Foo") && shown.text().contains("result: tensor(4.)"), "{}", shown.text());
    assert_eq!(quiet.kind, OutKind::None, "an assignment stays quiet: {}", quiet.text());
    // Session-wide commands stay at top level.
    let (exc, msg) = error_of("def f():\n    reset\nf()");
    assert_eq!((exc, msg.as_str()), (ExcType::RuntimeError, "`reset` works only at top level"));
}

#[test]
fn import_statements_bind_cpythons_objects() {
    assert_eq!(last("import torch.nn.functional as G\nG is F"), "True");
    assert_eq!(last("torch = None\nimport torch.nn.functional\ntorch.nn.functional is F"), "True");
    assert_eq!(last("from torch.func import grad as g2, vmap\n(g2 is grad, vmap is torch.func.vmap)"), "(True, True)");
    assert_eq!(last("from torch.nn.utils import parametrize\nparametrize.register_parametrization.__name__"), "'register_parametrization'");
    assert_eq!(last("import copy, collections\n(copy, collections.OrderedDict is dict)"), "(<module 'copy'>, False)");
    // An OrderedDict is a dict subclass, shown as CPython 3.11 shows it.
    assert_eq!(last("import collections\nd = collections.OrderedDict([('a', 1)], b=2)\n(d, isinstance(d, dict), isinstance({}, collections.OrderedDict), collections.OrderedDict())"), "(OrderedDict([('a', 1), ('b', 2)]), True, False, OrderedDict())");
    assert_eq!(last("from math import *\nsqrt(pi * pi)"), "3.141592653589793");
    assert_eq!(last("import safetensors.torch as st\nst.load_file is torch.load"), "True");
    assert_eq!(last("def f():\n    import math as m\n    return m.pi\nf()"), "3.141592653589793");
    assert_eq!(error_of("import numpy"), (ExcType::ModuleNotFoundError, "No module named 'numpy'".into()));
    assert_eq!(error_of("import math.pi"), (ExcType::ModuleNotFoundError, "No module named 'math.pi'; 'math' is not a package".into()));
    assert_eq!(error_of("from torch import nosuch"), (ExcType::ImportError, "cannot import name 'nosuch' from 'torch' (unknown location)".into()));
    assert_eq!(error_of("from .x import y"), (ExcType::ImportError, "attempted relative import with no known parent package".into()));
    // A failed import binds nothing.
    let outs = run("import math, numpy\nmath");
    assert_eq!(outs.last().unwrap().value.as_ref().map(Value::py_repr).as_deref(), Some("<module 'math'>"));
}
