//! E. Mutation and write-back: cases 88-105 (BatchNorm 99, 101, 103; Dropout 104, 105).
use crate::harness::*;
use crate::modules::*;
use fcall::nn::layers::{batch_norm1d, dropout, sequential, BatchNormOptions};
use fcall::{TensorRef, Value};
use serde_json::json;
use tch::Tensor;

#[test]
fn case_088_doc_rebind_buffer() {
    let _g = setup();
    let m = rebind_foo(FooKind::Buffer);
    let a_foo = s(0.0);
    let mut obs = observe1(&m, &d(&tdict(vec![("foo", &a_foo)])), &tv(&s(1.0)));
    obs.insert("mod_foo_after".into(), enc(&m.getattr("foo").unwrap()));
    obs.insert("original_input_tensor_after".into(), enc_tensor(&a_foo));
    assert_obs(&case(88, "doc_rebind_buffer"), &obs, &[], "case 88");
}

#[test]
fn case_089_doc_rebind_parameter_typeerror() {
    let _g = setup();
    let m = rebind_foo(FooKind::Param);
    let obs = observe1(&m, &d(&tdict(vec![("foo", &s(0.0))])), &tv(&s(1.0)));
    assert_obs(&case(89, "doc_rebind_parameter_typeerror"), &obs, &[], "case 89");
}

#[test]
fn case_090_doc_rebind_plain_attribute() {
    let _g = setup();
    let m = rebind_foo(FooKind::Attr);
    let mut obs = observe1(&m, &d(&tdict(vec![("foo", &s(2.0))])), &tv(&s(1.0)));
    obs.insert("mod_foo_after".into(), enc(&m.getattr("foo").unwrap()));
    assert_obs(&case(90, "doc_rebind_plain_attribute"), &obs, &[], "case 90");
}

#[test]
fn case_091_inplace_buffer() {
    let _g = setup();
    let m = inplace_foo(false);
    let foo = t(&[2.0], &[1]);
    let mut obs = observe1(&m, &d(&tdict(vec![("foo", &foo)])), &tv(&t(&[1.0], &[1])));
    obs.insert("supplied_tensor_after".into(), enc_tensor(&foo));
    assert_obs(&case(91, "inplace_buffer"), &obs, &[], "case 91");
}

#[test]
fn case_092_inplace_param_slot() {
    let _g = setup();
    let m = inplace_foo(true);
    let x = || tv(&t(&[1.0], &[1]));
    let plain = observe1(&m, &d(&tdict(vec![("foo", &t(&[2.0], &[1]))])), &x());
    let leaf_rg = observe1(&m, &d(&tdict(vec![("foo", &leaf(&[2.0], &[1]))])), &x());
    let none = observe1(&m, &d(&dict(vec![])), &x());
    let actual = json!({"plain_tensor": plain, "leaf_requires_grad": leaf_rg, "no_dict_module_param": none});
    assert_json(&case(92, "inplace_param_slot"), &actual, "case 92");
}

#[test]
fn case_094_inplace_with_tuple_of_dicts() {
    let _g = setup();
    let m = inplace_foo(false);
    let dd = tdict(vec![("foo", &t(&[2.0], &[1]))]);
    let obs = observe1(&m, &Value::tuple(vec![d(&dd)]), &tv(&t(&[1.0], &[1])));
    assert_obs(&case(94, "inplace_with_tuple_of_dicts"), &obs, &[], "case 94");
}

#[test]
fn case_096_tied_names_not_added_to_dict() {
    let _g = setup();
    let m = mock_tied_module();
    let dd = tdict(vec![("l1.weight", &t(&[2.0], &[1, 1])), ("l1.bias", &t(&[5.0], &[1])), ("buffer", &t(&[3.0], &[1]))]);
    let obs = observe1(&m, &d(&dd), &tv(&t(&[1.0], &[1, 1])));
    assert_obs(&case(96, "tied_names_not_added_to_dict"), &obs, &[], "case 96");
}

#[test]
fn case_097_rebind_unknown_key() {
    let _g = setup();
    let m = fcall::Module::user("E", |m, args, kw| {
        let x = bind("E", args, kw, &["x"], &[])?.remove(0);
        m.setattr("extra", mul(&m.getattr("extra")?, &Value::Int(2))?)?;
        add(&x, &m.getattr("extra")?)
    });
    let mut obs = observe1(&m, &d(&tdict(vec![("extra", &s(3.0))])), &tv(&s(1.0)));
    obs.insert("hasattr_extra_after".into(), json!(m.hasattr("extra")));
    assert_obs(&case(97, "rebind_unknown_key"), &obs, &[], "case 97");
}

#[test]
fn case_099_batchnorm_train_full_dict() {
    let _g = setup();
    let m = batch_norm1d(2, BatchNormOptions::default()).unwrap();
    m.train(true).unwrap();
    let obs = observe1(&m, &d(&bn_dict()), &tv(&bn_x()));
    assert_obs(&case(99, "batchnorm_train_full_dict"), &obs, &[], "case 99");
}

#[test]
fn case_101_batchnorm_eval() {
    let _g = setup();
    let m = batch_norm1d(2, BatchNormOptions::default()).unwrap();
    m.eval().unwrap();
    let dd = bn_dict();
    dd.insert("running_mean", tv(&t(&[1.0, 2.0], &[2])));
    dd.insert("running_var", tv(&t(&[4.0, 9.0], &[2])));
    dd.insert("num_batches_tracked", tv(&TensorRef::new(Tensor::from(7i64))));
    let mut obs = observe1(&m, &d(&dd), &tv(&bn_x()));
    obs.insert("module_training_after".into(), json!(m.training()));
    assert_obs(&case(101, "batchnorm_eval"), &obs, &[], "case 101");
}

#[test]
fn case_103_batchnorm_running_mean_only() {
    let _g = setup();
    let m = batch_norm1d(3, BatchNormOptions::default()).unwrap();
    m.train(true).unwrap();
    let rm = full(&[3], 0.0);
    let obs = observe1(&m, &d(&tdict(vec![("running_mean", &rm)])), &tv(&full(&[4, 3], 128.0)));
    assert_obs(&case(103, "batchnorm_running_mean_only"), &obs, &[], "case 103");
}

#[test]
fn case_104_dropout_eval_identity() {
    let _g = setup();
    let m = sequential(vec![linear(2, 2, &[1.0, 0.0, 0.0, 1.0], Some(&[0.0, 0.0])), dropout(0.5).unwrap()]).unwrap();
    m.eval().unwrap();
    let obs = observe1(&m, &d(&tdict(vec![("0.weight", &t(&[2.0, 0.0, 0.0, 2.0], &[2, 2]))])), &tv(&t(&[1.0, 2.0], &[1, 2])));
    assert_obs(&case(104, "dropout_eval_identity"), &obs, &[], "case 104");
}

#[test]
fn case_105_dropout_train_seeded() {
    let _g = setup();
    let m = dropout(0.5).unwrap();
    m.train(true).unwrap();
    tch::manual_seed(0);
    let obs = observe1(&m, &d(&dict(vec![])), &tv(&full(&[8], 1.0)));
    assert_obs(&case(105, "dropout_train_seeded"), &obs, &[], "case 105");
}
