//! B. Tied weights: cases 19-43.
use crate::harness::*;
use crate::modules::*;
use fcall::func::transforms::{grad, Argnums};
use fcall::{TensorRef, Value};
use serde_json::json;
use tch::Tensor;

fn zero() -> TensorRef {
    s(0.0)
}

#[test]
fn case_019_doc_tied_default() {
    let _g = setup();
    let m = tied_foo();
    let plain = m.call(&[tv(&zero())], &no_kwargs()).unwrap();
    let mut obs = observe1(&m, &d(&tdict(vec![("foo", &zero())])), &tv(&zero()));
    obs.insert("plain_module_call".into(), enc(&plain));
    assert_obs(&case(19, "doc_tied_default"), &obs, &[], "case 19");
}

#[test]
fn case_020_doc_tied_tie_weights_false() {
    let _g = setup();
    let m = tied_foo();
    let (obs, _) = observe(&m, &d(&tdict(vec![("foo", &zero())])), &tv(&zero()), &no_kwargs(), opts(false, false));
    assert_obs(&case(20, "doc_tied_tie_weights_false"), &obs, &[], "case 20");
}

#[test]
fn case_021_doc_tied_distinct_values_error() {
    let _g = setup();
    let m = tied_foo();
    let obs = observe1(&m, &d(&tdict(vec![("foo", &zero()), ("foo_tied", &zero())])), &tv(&zero()));
    assert_obs(
        &case(21, "doc_tied_distinct_values_error"),
        &obs,
        &[("docstring_literal_torch_zeros_no_args", "Python's torch.zeros() signature error, not functional_call")],
        "case 21",
    );
}

#[test]
fn case_022_tied_same_object_ok() {
    let _g = setup();
    let m = tied_foo();
    let z = zero();
    let obs = observe1(&m, &d(&tdict(vec![("foo", &z), ("foo_tied", &z)])), &tv(&zero()));
    assert_obs(&case(22, "tied_same_object_ok"), &obs, &[], "case 22");
}

#[test]
fn case_023_tied_view_is_distinct() {
    let _g = setup();
    let m = tied_foo();
    let z = zero();
    let view = TensorRef::new(z.tensor().f_view(&[] as &[i64]).unwrap());
    let obs = observe1(&m, &d(&tdict(vec![("foo", &z), ("foo_tied", &view)])), &tv(&zero()));
    assert_obs(&case(23, "tied_view_is_distinct"), &obs, &[], "case 23");
}

#[test]
fn case_024_tied_group_unhashable_values() {
    let _g = setup();
    let m = tied_foo();
    let l = || Value::list(vec![Value::Float(0.0)]);
    let obs = observe1(&m, &d(&dict(vec![("foo", l()), ("foo_tied", l())])), &tv(&zero()));
    assert_obs(&case(24, "tied_group_unhashable_values"), &obs, &[], "case 24");
}

fn mock_tied_dict(w: f32, b: f32, buf: f32) -> fcall::DictRef {
    tdict(vec![("l1.weight", &t(&[w], &[1, 1])), ("l1.bias", &t(&[b], &[1])), ("buffer", &t(&[buf], &[1]))])
}

#[test]
fn case_025_mock_tied_module() {
    let _g = setup();
    let m = mock_tied_module();
    let obs = observe1(&m, &d(&mock_tied_dict(2.0, 5.0, 3.0)), &tv(&t(&[1.0], &[1, 1])));
    assert_obs(&case(25, "mock_tied_module"), &obs, &[], "case 25");
}

#[test]
fn case_027_tied_buffer_conflict() {
    let _g = setup();
    let m = mock_tied_module();
    let dd = mock_tied_dict(1.0, 0.0, 0.0);
    dd.insert("tied_buffer", tv(&t(&[5.0], &[1])));
    let obs = observe1(&m, &d(&dd), &tv(&t(&[1.0], &[1, 1])));
    assert_obs(&case(27, "tied_buffer_conflict"), &obs, &[], "case 27");
}

#[test]
fn case_028_tie_false_distinct_values() {
    let _g = setup();
    let m = mock_tied_module();
    let dd = tdict(vec![("l1.weight", &t(&[1.0], &[1, 1])), ("l1.bias", &t(&[5.0], &[1])), ("tied_bias", &t(&[7.0], &[1]))]);
    let (obs, _) = observe(&m, &d(&dd), &tv(&t(&[1.0], &[1, 1])), &no_kwargs(), opts(false, false));
    assert_obs(&case(28, "tie_false_distinct_values"), &obs, &[], "case 28");
}

#[test]
fn case_030_three_way_tie_two_given_keyerror() {
    let _g = setup();
    let m = tied_foo3();
    let z = zero();
    let obs = observe1(&m, &d(&tdict(vec![("foo", &z), ("foo_tied", &z)])), &tv(&zero()));
    assert_obs(&case(30, "three_way_tie_two_given_keyerror"), &obs, &[], "case 30");
}

#[test]
fn case_031_three_way_tie_two_given_distinct_keyerror() {
    let _g = setup();
    let m = tied_foo3();
    let obs = observe1(&m, &d(&tdict(vec![("foo", &zero()), ("foo_tied", &s(1.0))])), &tv(&zero()));
    assert_obs(&case(31, "three_way_tie_two_given_distinct_keyerror"), &obs, &[], "case 31");
}

#[test]
fn case_032_three_way_tie_all_given_same() {
    let _g = setup();
    let m = tied_foo3();
    let z = zero();
    let obs = observe1(&m, &d(&tdict(vec![("foo", &z), ("foo_tied", &z), ("foo_tied2", &z)])), &tv(&zero()));
    assert_obs(&case(32, "three_way_tie_all_given_same"), &obs, &[], "case 32");
}

fn lm_w() -> TensorRef {
    t(&[2.0, 0.0, 0.0, 3.0, 1.0, -1.0], &[3, 2])
}
fn lm_idx() -> TensorRef {
    TensorRef::new(Tensor::from_slice(&[0i64, 2]))
}
fn names(v: Vec<(String, TensorRef)>) -> serde_json::Value {
    json!(v.into_iter().map(|(n, _)| n).collect::<Vec<_>>())
}

#[test]
fn case_034_embedding_decoder_tie_default() {
    let _g = setup();
    let m = tiny_lm();
    let mut obs = observe1(&m, &d(&tdict(vec![("emb.weight", &lm_w())])), &tv(&lm_idx()));
    obs.insert("named_parameters_default".into(), names(m.named_parameters().unwrap()));
    obs.insert("named_parameters_remove_duplicate_false".into(), names(m.named_parameters_with("", true, false).unwrap()));
    assert_obs(&case(34, "embedding_decoder_tie_default"), &obs, &[], "case 34");
}

#[test]
fn case_036_embedding_decoder_grad() {
    let _g = setup();
    let expected = case(36, "embedding_decoder_grad");
    let m = tiny_lm();
    let idx = tv(&lm_idx());
    // `loss(p, tie) = functional_call(m, p, idx, tie_weights=tie).sum()` under the real
    // torch.func.grad transform (fcall::func::transforms::grad), argnums=0.
    let loss = |a: &[Value], _: &fcall::Kwargs| -> fcall::Result<Value> {
        let tie = matches!(a[1], Value::Bool(true));
        let out = fcall::functional_call(&m, &a[0], &idx, &no_kwargs(), opts(tie, false)).result?;
        Ok(Value::Tensor(TensorRef::new(out.as_tensor().expect("a tensor").tensor().f_sum(None)?)))
    };
    let w = || d(&tdict(vec![("emb.weight", &lm_w())]));
    let g = |tie: bool| grad(&loss, &[w(), Value::Bool(tie)], &no_kwargs(), &Argnums::One(0)).unwrap();
    let actual = json!({
        "grad_tie_true": enc(&g(true)),
        "grad_tie_false": enc(&g(false)),
        "module_emb_weight_after": enc(&tensor_at(&m, "emb.weight")),
    });
    assert_json(&expected, &actual, "case 36");
}

#[test]
fn case_037_state_dict_of_tied_model() {
    let _g = setup();
    let expected = case(37, "state_dict_of_tied_model");
    let m = tiny_lm();
    let sd = |keep: bool| {
        let sd = m.state_dict(keep).unwrap();
        dict(sd.iter().map(|(k, v)| (k.as_str(), tv(v))).collect())
    };
    let first = m.state_dict(false).unwrap();
    let same = first["emb.weight"].is(&first["dec.weight"]);
    let default = observe1(&m, &d(&sd(false)), &tv(&lm_idx()));
    let keep_vars = observe1(&m, &d(&sd(true)), &tv(&lm_idx()));
    let tie_false = observe(&m, &d(&sd(false)), &tv(&lm_idx()), &no_kwargs(), opts(false, false)).0;
    let actual = json!({"state_dict_same_object": same, "default": default, "keep_vars": keep_vars, "tie_false": tie_false});
    assert_json(&expected, &actual, "case 37");
}

#[test]
fn case_038_shared_submodule_tie_true_corrupts() {
    let _g = setup();
    let m = shared();
    let v = t(&[5.0], &[1, 1]);
    let mut obs = observe1(&m, &d(&tdict(vec![("a.weight", &v)])), &tv(&t(&[1.0], &[1, 1])));
    obs.insert("module_weight_is_supplied_tensor".into(), json!(py_is(&tensor_at(&m, "a.weight"), &tv(&v))));
    obs.insert("names_remove_duplicate_false".into(), names(m.named_parameters_with("", true, false).unwrap()));
    assert_obs(&case(38, "shared_submodule_tie_true_corrupts"), &obs, &[], "case 38");
}

#[test]
fn case_039_shared_submodule_tie_false_ok() {
    let _g = setup();
    let m = shared();
    let dd = tdict(vec![("a.weight", &t(&[5.0], &[1, 1]))]);
    let (obs, _) = observe(&m, &d(&dd), &tv(&t(&[1.0], &[1, 1])), &no_kwargs(), opts(false, false));
    assert_obs(&case(39, "shared_submodule_tie_false_ok"), &obs, &[], "case 39");
}

#[test]
fn case_040_shared_submodule_both_aliases_tie_false() {
    let _g = setup();
    let m = shared();
    let v = t(&[5.0], &[1, 1]);
    let dd = tdict(vec![("a.weight", &v), ("b.weight", &v)]);
    let (mut obs, _) = observe(&m, &d(&dd), &tv(&t(&[1.0], &[1, 1])), &no_kwargs(), opts(false, false));
    obs.insert("module_weight_is_supplied_tensor".into(), json!(py_is(&tensor_at(&m, "a.weight"), &tv(&v))));
    assert_obs(&case(40, "shared_submodule_both_aliases_tie_false"), &obs, &[], "case 40");
}

#[test]
fn case_042_param_tied_with_buffer() {
    let _g = setup();
    let expected = case(42, "param_tied_with_buffer");
    let m = fcall::Module::user("PB", |m, args, kw| {
        let x = bind("PB", args, kw, &["x"], &[])?.remove(0);
        add(&add(&x, &m.getattr("w")?)?, &mul(&Value::Int(10), &m.getattr("wb")?)?)
    });
    m.setattr("w", tv(&param(&[1.0], &[]))).unwrap();
    let w = m.getattr("w").unwrap().as_tensor().unwrap().clone();
    m.register_buffer("wb", Some(w), true).unwrap();
    let one = observe1(&m, &d(&tdict(vec![("w", &s(2.0))])), &tv(&s(0.0)));
    let distinct = observe1(&m, &d(&tdict(vec![("w", &s(2.0)), ("wb", &s(3.0))])), &tv(&s(0.0)));
    assert_json(&expected, &json!({"one_name": one, "distinct_values": distinct}), "case 42");
}

#[test]
fn case_043_two_conflicting_groups() {
    let _g = setup();
    let m = mock_tied_module();
    let dd = tdict(vec![
        ("l1.bias", &t(&[0.0], &[1])),
        ("tied_bias", &t(&[1.0], &[1])),
        ("buffer", &t(&[0.0], &[1])),
        ("tied_buffer", &t(&[1.0], &[1])),
    ]);
    let obs = observe1(&m, &d(&dd), &tv(&t(&[1.0], &[1, 1])));
    assert_obs(&case(43, "two_conflicting_groups"), &obs, &[], "case 43");
}
