//! Session-level unit tests of evaluator rules that are easy to get subtly wrong: copies that
//! really copy, Python's attribute built-ins, `a.key` on a missing key, clamp's Scalar
//! overload, alias names in `state(...)`, and the values before a call in its JSON record.
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
    assert_eq!(last("a = tensor([1.0])\nb = a.clone()\nb.add_(1)\na"), "tensor([1.])");
    assert_eq!(last("p = {w: tensor([1.0])}\nc = clone(p)\nc.w.add_(1)\np.w"), "tensor([1.])");
    // A clone of a leaf that requires grad is differentiable and is not the leaf.
    assert_eq!(last("x = tensor([2.0], requires_grad=true)\ny = x.clone()\ny is x"), "False");
    assert_eq!(last("x = tensor([2.0], requires_grad=true)\nx.clone().requires_grad"), "True");
    // Under vmap and grad too.
    assert_eq!(last("def f(x) { return x.clone() * 2 }\nvmap(f)(tensor([[1.0], [2.0]]))"), "tensor([[2.],\n        [4.]])");
    assert_eq!(last("def g(x) { return (x.clone() * x).sum() }\nvmap(grad(g))(tensor([[1.0], [2.0]]))"), "tensor([[2.],\n        [4.]])");
    assert_eq!(last("x = tensor([2.0], requires_grad=true)\nno_grad { y = x.clone() }\ny.requires_grad"), "False");
    // clone(p) of Parameters: new leaves that keep requires_grad.
    assert_eq!(last("m = Linear(1, 1)\nc = clone(params(m))\n(c.weight.requires_grad, c.weight.grad_fn, c.weight is m.weight)"), "(True, None, False)");
}

#[test]
fn hasattr_and_getattr_follow_python() {
    let m = "class P { def init() { self.w = param(ones(1)) } def forward(x) { return x } }\np = P()\n";
    assert_eq!(last(&format!("{m}hasattr(p, \"w\")")), "True");
    assert_eq!(last(&format!("{m}hasattr(p, \"extra\")")), "False");
    assert_eq!(last(&format!("{m}getattr(p, \"extra\", 5)")), "5");
    assert_eq!(last(&format!("{m}getattr(p, \"w\") is p.w")), "True");
    assert_eq!(error_of(&format!("{m}getattr(p, \"extra\")")).0, ExcType::AttributeError);
    assert_eq!(error_of("hasattr(1, 2)").1, "hasattr(): attribute name must be string, not 'int'");
}

#[test]
fn a_missing_key_read_as_an_attribute_is_an_attribute_error() {
    assert_eq!(error_of("g = {weight: 1}\ng.grad_fn"), (ExcType::AttributeError, "'dict' object has no attribute 'grad_fn'".into()));
    assert_eq!(error_of("g = {weight: 1}\ng[\"x\"]").0, ExcType::KeyError);
}

#[test]
fn clamp_with_numbers_takes_the_scalar_overload() {
    let x = "x = tensor([-1.0, 2.0], requires_grad=true)\n";
    assert_eq!(last(&format!("{x}x.clamp(min=0).grad_fn.name()")), "'ClampBackward1'");
    assert_eq!(last(&format!("{x}x.clamp(max=1)")), "tensor([-1.,  1.], grad_fn=<ClampBackward1>)");
    assert_eq!(last(&format!("{x}x.clamp(min=tensor(0.0)).grad_fn.name()")), "'ClampBackward0'");
    assert_eq!(last("tensor([-1, 5]).clamp(min=0)"), "tensor([0, 5])");
    assert_eq!(error_of(&format!("{x}x.clamp()")).1, "torch.clamp: At least one of 'min' or 'max' must not be None");
}

#[test]
fn state_lists_alias_names_on_request() {
    let m = "class T { def init() { self.a = param(ones(1))\n self.b = self.a } def forward(x) { return x } }\nt = T()\n";
    assert_eq!(last(&format!("{m}keys(state(t))")), "['a']");
    assert_eq!(last(&format!("{m}keys(state(t, remove_duplicate=false))")), "['a', 'b']");
    assert_eq!(last(&format!("{m}keys(params(t, remove_duplicate=false))")), "['a', 'b']");
}

#[test]
fn a_call_record_shows_the_values_before_the_call() {
    let code = "class Foo {\n def init() { self.register_buffer(\"foo\", zeros(())) }\n def forward(x) {\n self.foo.add_(1)\n return x + self.foo\n }\n}\nm = Foo()\na = {foo: zeros(())}\ncall m with a (ones(()))\ncall m with {} (ones(()))";
    let outs = run(code);
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
    let outs = run("m = Linear(1, 1)\ncall m with {} (ones(1, 1))");
    assert!(outs[1].text().starts_with("functional_call on Linear: no name was swapped"), "{}", outs[1].text());
}
