//! Property: whatever dict a caller passes (wrong keys, non-tensors, wrong shapes, paths through
//! missing submodules, None) and however the forward fails (early, halfway, inside libtorch,
//! after rebinding a slot), `functional_call` returns instead of panicking and the module is
//! exactly as before: the same objects in every slot, unchanged version counters, the same
//! attributes, and the same plain forward output.
use fcall::func::{functional_call, CallOptions};
use fcall::nn::layers::linear;
use fcall::tensor::{from_f32, to_f64_vec};
use fcall::{DictRef, Error, Module, TensorRef, Value};
use proptest::prelude::*;

fn t(values: &[f32], shape: &[i64]) -> TensorRef {
    TensorRef::new(from_f32(values, shape).unwrap())
}

/// A module with a submodule, a buffer, a tied parameter pair and a non-tensor attribute.
/// Its forward fails on request: kwargs `fail` = 0 never, 1 at once, 2 after reading,
/// 3 inside libtorch (shape mismatch), 4 after rebinding the buffer.
fn build() -> Module {
    let root = Module::user("Net", |m, args, kwargs| {
        let fail = kwargs.iter().find(|(k, _)| k == "fail").and_then(|(_, v)| match v {
            Value::Int(i) => Some(*i),
            _ => None,
        });
        let fail = fail.unwrap_or(0);
        if fail == 1 {
            return Err(Error::runtime("test::fail", "failed at once"));
        }
        let x = args[0].as_tensor().unwrap().clone();
        let l1 = m.getattr("l1")?.as_module().unwrap().clone();
        let h = l1.forward_t(&x)?;
        let buffer = m.tensor_attr("buffer")?.ok_or_else(|| Error::runtime("test::none", "buffer is None"))?;
        let scale = m.tensor_attr("scale")?.ok_or_else(|| Error::runtime("test::none", "scale is None"))?;
        let tied = m.tensor_attr("scale_tied")?.ok_or_else(|| Error::runtime("test::none", "scale_tied is None"))?;
        if fail == 2 {
            return Err(Error::runtime("test::fail", "failed halfway"));
        }
        if fail == 3 {
            let bad = TensorRef::new(from_f32(&[1.0; 6], &[3, 2])?);
            let _ = h.tensor().f_matmul(bad.tensor())?;
        }
        if fail == 4 {
            let rebound = TensorRef::new(buffer.tensor().f_add(&tch::Tensor::from(1.0f32))?);
            m.setattr("buffer", Value::Tensor(rebound))?;
            return Err(Error::runtime("test::fail", "failed after rebinding"));
        }
        let y = h.tensor().f_add(buffer.tensor())?.f_mul(scale.tensor())?.f_mul(tied.tensor())?;
        Ok(Value::Tensor(TensorRef::new(y)))
    });
    root.setattr("l1", Value::Module(linear(2, 2, true).unwrap())).unwrap();
    root.register_buffer("buffer", Some(t(&[1.0, 2.0], &[2])), true).unwrap();
    let scale = TensorRef::parameter(&from_f32(&[1.5], &[]).unwrap(), true).unwrap();
    root.setattr("scale", Value::Tensor(scale.clone())).unwrap();
    root.setattr("scale_tied", Value::Tensor(scale)).unwrap();
    root.setattr("foo", Value::Float(0.0)).unwrap();
    root
}

/// Everything observable about the module's state, without copying its tensors.
fn fingerprint(m: &Module) -> Vec<String> {
    let mut out = Vec::new();
    for (prefix, sub) in m.named_modules("", false).unwrap() {
        let d = sub.data();
        out.push(format!("{prefix}: class {} attrs {:?}", d.class_name, d.attrs.keys().collect::<Vec<_>>()));
        for (k, v) in d.parameters.iter().chain(d.buffers.iter()) {
            out.push(match v {
                Some(t) => format!("{prefix}.{k} #{} {} v{}", t.id(), t.type_name(), t.version()),
                None => format!("{prefix}.{k} None"),
            });
        }
    }
    out
}

fn plain_output(m: &Module) -> Vec<f64> {
    let x = t(&[1.0, -1.0], &[1, 2]);
    let y = m.forward_t(&x).unwrap();
    to_f64_vec(y.tensor()).unwrap()
}

fn key_strategy() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "l1.weight", "l1.bias", "buffer", "scale", "scale_tied", "extra", "l2.weight", "l1.weight.x", "", "l1.",
        "foo", "training", "l1", "l1.l1.weight",
    ])
    .prop_map(String::from)
}

fn value_strategy() -> impl Strategy<Value = u8> {
    0u8..8
}

fn make_value(kind: u8, key: &str) -> Value {
    let shape: Vec<i64> = match key {
        "l1.weight" => vec![2, 2],
        "l1.bias" | "buffer" => vec![2],
        _ => vec![],
    };
    let n: i64 = shape.iter().product();
    let ones = |shape: &[i64]| Value::Tensor(TensorRef::new(from_f32(&vec![0.5; shape.iter().product::<i64>() as usize], shape).unwrap()));
    match kind {
        0 | 1 => ones(&shape),
        2 => ones(&[3, 3]),
        3 => Value::None,
        4 => Value::Int(3),
        5 => Value::list(vec![Value::Float(1.0)]),
        6 => Value::str("not a tensor"),
        _ => Value::Tensor(TensorRef::new(tch::Tensor::f_ones([n.max(1)], (tch::Kind::Double, tch::Device::Cpu)).unwrap())),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, .. ProptestConfig::default() })]

    #[test]
    fn failed_calls_leave_the_module_as_it_was(
        entries in prop::collection::vec((key_strategy(), value_strategy()), 0..5),
        several in any::<bool>(),
        fail in 0i64..5,
        tie_weights in any::<bool>(),
        strict in any::<bool>(),
    ) {
        tch::manual_seed(0);
        let m = build();
        let before = fingerprint(&m);
        let out_before = plain_output(&m);
        let dicts: Vec<DictRef> = entries.iter().map(|(k, v)| DictRef::from_entries([(k.clone(), make_value(*v, k))].into_iter().collect())).collect();
        let arg = if several {
            Value::tuple(dicts.iter().cloned().map(Value::Dict).collect())
        } else {
            let one = DictRef::new();
            for d in &dicts { for (k, v) in d.borrow().iter() { one.insert(k.clone(), v.clone()); } }
            Value::Dict(one)
        };
        let x = Value::Tensor(t(&[1.0, -1.0], &[1, 2]));
        let outcome = functional_call(&m, &arg, &x, &vec![("fail".to_string(), Value::Int(fail))], CallOptions { tie_weights, strict });
        if fail != 0 {
            prop_assert!(outcome.result.is_err());
        }
        let buffer_swapped = outcome.record.swaps.iter().any(|s| &*s.name == "buffer");
        let rebound = matches!(&outcome.result, Err(e) if e.message == "failed after rebinding");
        if rebound && !buffer_swapped {
            // PyTorch restores only what it swapped: a forward that rebinds a slot the caller did
            // not supply changes the module for good, and the record must say so.
            let changed: Vec<&str> = outcome.record.permanent_changes.iter().map(|c| c.name()).collect();
            prop_assert_eq!(changed, vec!["buffer"]);
        } else {
            prop_assert_eq!(fingerprint(&m), before);
            prop_assert!(outcome.record.permanent_changes.is_empty());
            prop_assert_eq!(plain_output(&m), out_before);
        }
    }
}

#[test]
fn the_property_sees_a_real_failure() {
    // A forward that fails inside libtorch reports PyTorch's RuntimeError text, not a panic.
    let m = build();
    let a = DictRef::new();
    let out = functional_call(&m, &Value::Dict(a), &Value::Tensor(t(&[1.0, -1.0], &[1, 2])), &vec![("fail".into(), Value::Int(3))], CallOptions::default());
    let e = out.result.err().expect("shape mismatch must fail");
    assert_eq!(e.exc, fcall::ExcType::RuntimeError);
    assert!(e.message.contains("cannot be multiplied"), "{}", e.message);
}
