//! The functional call caches its walk of the module tree per structure generation: repeated
//! calls reuse it, any registration (including a new tie or an untie) invalidates it, plain
//! attribute writes do not, and a call nested inside another call's forward walks anew.
use std::rc::Rc;

use fcall::func::registry::registry;
use fcall::func::{functional_call, CallOptions};
use fcall::nn::layers::linear;
use fcall::nn::structure_generation;
use fcall::tensor::from_f32;
use fcall::{DictRef, Module, TensorRef, Value};

fn scalar(v: f32) -> TensorRef {
    TensorRef::new(from_f32(&[v], &[]).unwrap())
}

fn param(v: f32) -> TensorRef {
    TensorRef::parameter(&from_f32(&[v], &[]).unwrap(), true).unwrap()
}

fn tied() -> Module {
    let m = Module::user("Tied", |m, args, _| {
        let x = args[0].as_tensor().unwrap();
        let a = m.tensor_attr("foo")?.unwrap();
        let b = m.tensor_attr("foo_tied")?.unwrap();
        Ok(Value::Tensor(TensorRef::new(x.tensor().f_add(a.tensor())?.f_add(b.tensor())?)))
    });
    let p = param(1.0);
    m.setattr("foo", Value::Tensor(p.clone())).unwrap();
    m.setattr("foo_tied", Value::Tensor(p)).unwrap();
    m
}

fn call(m: &Module, d: &DictRef) -> fcall::CallOutcome {
    functional_call(m, &Value::Dict(d.clone()), &Value::Tensor(scalar(0.0)), &Vec::new(), CallOptions::default())
}

fn result(o: &fcall::CallOutcome) -> f64 {
    o.result.as_ref().unwrap().as_tensor().unwrap().tensor().double_value(&[])
}

#[test]
fn repeated_calls_reuse_one_walk() {
    let m = tied();
    let r1 = registry(&m, true).unwrap();
    let d = DictRef::of_tensors([("foo", scalar(0.0))]);
    call(&m, &d);
    call(&m, &d);
    let r2 = registry(&m, true).unwrap();
    assert!(Rc::ptr_eq(&r1, &r2), "no structural change: the cached walk is reused");
}

#[test]
fn untying_by_assignment_invalidates_the_cache() {
    let m = tied();
    let d = DictRef::of_tensors([("foo", scalar(0.0))]);
    let o = call(&m, &d);
    assert_eq!(result(&o), 0.0, "tied: foo_tied follows foo");
    assert_eq!(o.record.untie.len(), 1);
    // Give foo_tied its own Parameter: the names are no longer tied.
    m.setattr("foo_tied", Value::Tensor(param(1.0))).unwrap();
    let o = call(&m, &d);
    assert_eq!(result(&o), 1.0, "untied: foo_tied keeps the module's own value");
    assert!(o.record.untie.is_empty());
}

#[test]
fn plain_attribute_writes_keep_the_cache() {
    let m = tied();
    let g = structure_generation();
    m.setattr("note", Value::Float(1.0)).unwrap();
    m.setattr("cache", Value::Tensor(scalar(3.0))).unwrap();
    assert_eq!(structure_generation(), g);
    m.register_buffer("extra", None, true).unwrap();
    assert!(structure_generation() > g);
}

#[test]
fn a_call_nested_in_forward_sees_the_swapped_slots() {
    // The outer call swaps l.weight; the forward calls functional_call on itself again with
    // only the bias: the inner call must see (and restore to) the outer swapped weight.
    let inner_seen = Rc::new(std::cell::RefCell::new(None));
    let seen = inner_seen.clone();
    let root = Module::user("Outer", move |m, args, kwargs| {
        let l = m.getattr("l")?.as_module().unwrap().clone();
        if kwargs.is_empty() {
            return l.call(args, &Vec::new());
        }
        let b = DictRef::of_tensors([("l.bias", TensorRef::new(from_f32(&[10.0], &[1])?))]);
        let inner = functional_call(m, &Value::Dict(b), &Value::tuple(args.to_vec()), &Vec::new(), CallOptions::default());
        *seen.borrow_mut() = Some(l.tensor_attr("weight")?.unwrap().id());
        inner.result
    });
    root.setattr("l", Value::Module(linear(1, 1, true).unwrap())).unwrap();
    let w = TensorRef::new(from_f32(&[2.0], &[1, 1]).unwrap());
    let d = DictRef::of_tensors([("l.weight", w.clone())]);
    let x = Value::Tensor(TensorRef::new(from_f32(&[3.0], &[1, 1]).unwrap()));
    let out = functional_call(&root, &Value::Dict(d), &x, &vec![("nested".into(), Value::Bool(true))], CallOptions::default());
    let y = out.result.unwrap().as_tensor().unwrap().tensor().double_value(&[0, 0]);
    assert_eq!(y, 16.0, "3 * 2 (outer weight) + 10 (inner bias)");
    assert_eq!(*inner_seen.borrow(), Some(w.id()), "after the inner call the outer swap is still in place");
    assert!(out.record.permanent_changes.is_empty());
}
