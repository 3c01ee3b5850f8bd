//! C. strict: cases 44-58.
use crate::harness::*;
use crate::modules::*;
use fcall::nn::layers::sequential;
use fcall::Value;
use serde_json::json;

fn x() -> Value {
    tv(&t(&[1.0], &[1, 1]))
}
fn strict() -> fcall::CallOptions {
    opts(true, true)
}

#[test]
fn case_044_strict_ok() {
    let _g = setup();
    let m = mock_module();
    let dd = tdict(vec![("l1.weight", &t(&[2.0], &[1, 1])), ("l1.bias", &t(&[5.0], &[1])), ("buffer", &t(&[3.0], &[1]))]);
    let (obs, _) = observe(&m, &d(&dd), &x(), &no_kwargs(), strict());
    assert_obs(&case(44, "strict_ok"), &obs, &[], "case 44");
}

#[test]
fn case_046_strict_unexpected() {
    let _g = setup();
    let m = mock_module();
    let dd = tdict(vec![
        ("l1.weight", &t(&[2.0], &[1, 1])),
        ("l1.bias", &t(&[5.0], &[1])),
        ("buffer", &t(&[3.0], &[1])),
        ("extra", &t(&[1.0], &[1])),
    ]);
    let (obs, _) = observe(&m, &d(&dd), &x(), &no_kwargs(), strict());
    assert_obs(&case(46, "strict_unexpected"), &obs, &[], "case 46");
}

#[test]
fn case_047_strict_both() {
    let _g = setup();
    let m = mock_module();
    let dd = tdict(vec![("l1.weight", &t(&[2.0], &[1, 1])), ("extra", &t(&[1.0], &[1]))]);
    let (obs, _) = observe(&m, &d(&dd), &x(), &no_kwargs(), strict());
    assert_obs(&case(47, "strict_both"), &obs, &[], "case 47");
}

#[test]
fn case_049_strict_tied_without_flag() {
    let _g = setup();
    let m = mock_tied_module();
    let dd = tdict(vec![("l1.weight", &t(&[2.0], &[1, 1])), ("l1.bias", &t(&[5.0], &[1])), ("buffer", &t(&[3.0], &[1]))]);
    let (obs, _) = observe(&m, &d(&dd), &x(), &no_kwargs(), opts(false, true));
    assert_obs(&case(49, "strict_tied_without_flag"), &obs, &[], "case 49");
}

#[test]
fn case_051_strict_sort_is_lexicographic() {
    let _g = setup();
    let m = sequential((0..12).map(|_| fcall::nn::layers::linear(1, 1, true).unwrap()).collect()).unwrap();
    let dd = tdict(vec![("a", &s(0.0)), ("_x", &s(0.0)), ("Z", &s(0.0)), ("1.weight", &t(&[1.0], &[1, 1]))]);
    let (obs, _) = observe(&m, &d(&dd), &x(), &no_kwargs(), strict());
    let actual = json!({"error_only": obs.get("raised").cloned().unwrap_or(serde_json::Value::Null)});
    assert_json(&case(51, "strict_sort_is_lexicographic"), &actual, "case 51");
}

#[test]
fn case_052_strict_nonpersistent_buffer_required() {
    let _g = setup();
    let m = fcall::Module::user("NP", |m, args, kw| {
        let x = bind("NP", args, kw, &["x"], &[])?.remove(0);
        add(&mul(&x, &m.getattr("w")?)?, &m.getattr("np_buf")?)
    });
    m.setattr("w", tv(&param(&[1.0], &[]))).unwrap();
    m.register_buffer("np_buf", Some(s(2.0)), false).unwrap();
    let state_dict_keys: Vec<String> = m.state_dict(false).unwrap().keys().cloned().collect();
    let named_buffers: Vec<String> = m.named_buffers().unwrap().into_iter().map(|(n, _)| n).collect();
    let without = observe(&m, &d(&tdict(vec![("w", &s(3.0))])), &tv(&s(1.0)), &no_kwargs(), strict()).0;
    let with = observe(&m, &d(&tdict(vec![("w", &s(3.0)), ("np_buf", &s(10.0))])), &tv(&s(1.0)), &no_kwargs(), strict()).0;
    let actual = json!({
        "state_dict_keys": state_dict_keys,
        "named_buffers": named_buffers,
        "without_np_buf": without,
        "with_np_buf": with,
    });
    assert_json(&case(52, "strict_nonpersistent_buffer_required"), &actual, "case 52");
}

#[test]
fn case_054_strict_precedence_tie_first() {
    let _g = setup();
    let m = mock_tied_module();
    let dd = tdict(vec![("l1.bias", &t(&[0.0], &[1])), ("tied_bias", &t(&[1.0], &[1])), ("extra", &s(0.0))]);
    let (obs, _) = observe(&m, &d(&dd), &x(), &no_kwargs(), strict());
    assert_obs(&case(54, "strict_precedence_tie_first"), &obs, &[], "case 54");
}

#[test]
fn case_055_strict_precedence_before_value_types() {
    let _g = setup();
    let m = mock_module();
    let dd = dict(vec![
        ("l1.weight", Value::Int(3)),
        ("l1.bias", tv(&t(&[0.0], &[1]))),
        ("buffer", tv(&t(&[0.0], &[1]))),
        ("extra", tv(&s(0.0))),
    ]);
    let (obs, _) = observe(&m, &d(&dd), &x(), &no_kwargs(), strict());
    assert_obs(&case(55, "strict_precedence_before_value_types"), &obs, &[], "case 55");
}

#[test]
fn case_057_strict_parametrized_regular_name() {
    let _g = setup();
    let m = parametrized_linear(2, 2, &[1.0, 2.0, 3.0, 4.0], sym());
    let (obs, _) = observe(&m, &d(&tdict(vec![("weight", &eye(2))])), &tv(&t(&[1.0, 1.0], &[1, 2])), &no_kwargs(), strict());
    assert_obs(&case(57, "strict_parametrized_regular_name"), &obs, &[], "case 57");
}

#[test]
fn case_058_strict_shared_submodule_aliases() {
    let _g = setup();
    let dd = || tdict(vec![("a.weight", &t(&[2.0], &[1, 1])), ("a.bias", &t(&[0.0], &[1]))]);
    let m = shared();
    let tie_false = observe(&m, &d(&dd()), &x(), &no_kwargs(), opts(false, true)).0;
    let m2 = shared();
    let tie_true = observe(&m2, &d(&dd()), &x(), &no_kwargs(), strict()).0;
    assert_json(&case(58, "strict_shared_submodule_aliases"), &json!({"tie_false": tie_false, "tie_true": tie_true}), "case 58");
}
