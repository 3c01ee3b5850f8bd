//! A. Input handling: cases 1-18.
use crate::harness::*;
use crate::modules::*;
use fcall::Value;
use serde_json::json;

fn x1() -> fcall::TensorRef {
    t(&[3.0], &[1, 1])
}

#[test]
fn case_001_single_dict_identity() {
    let _g = setup();
    let m = mock_module();
    let dd = tdict(vec![("l1.weight", &t(&[1.0], &[1, 1])), ("l1.bias", &t(&[0.0], &[1])), ("buffer", &t(&[0.0], &[1]))]);
    let obs = observe1(&m, &d(&dd), &tv(&x1()));
    assert_obs(&case(1, "single_dict_identity"), &obs, &[], "case 1");
}

#[test]
fn case_002_tuple_of_two_dicts() {
    let _g = setup();
    let m = mock_module();
    let p = tdict(vec![("l1.weight", &t(&[1.0], &[1, 1])), ("l1.bias", &t(&[1.0], &[1]))]);
    let b = tdict(vec![("buffer", &t(&[0.0], &[1]))]);
    let obs = observe1(&m, &Value::tuple(vec![d(&p), d(&b)]), &tv(&x1()));
    assert_obs(&case(2, "tuple_of_two_dicts"), &obs, &[], "case 2");
}

#[test]
fn case_004_empty_tuple() {
    let _g = setup();
    let m = mock_module();
    let obs = observe1(&m, &Value::tuple(vec![]), &tv(&x1()));
    assert_obs(&case(4, "empty_tuple"), &obs, &[], "case 4");
}

#[test]
fn case_005_empty_dict() {
    let _g = setup();
    let m = mock_module();
    let obs = observe1(&m, &d(&dict(vec![])), &tv(&x1()));
    assert_obs(&case(5, "empty_dict"), &obs, &[], "case 5");
}

#[test]
fn case_006_duplicate_key_across_dicts() {
    let _g = setup();
    let m = mock_module();
    let a = tdict(vec![("l1.weight", &t(&[0.0], &[1, 1])), ("l1.bias", &t(&[0.0], &[1]))]);
    let b = tdict(vec![("l1.weight", &t(&[1.0], &[1, 1]))]);
    let obs = observe1(&m, &Value::tuple(vec![d(&a), d(&b)]), &tv(&x1()));
    assert_obs(&case(6, "duplicate_key_across_dicts"), &obs, &[], "case 6");
}

#[test]
fn case_007_duplicate_keys_order() {
    let _g = setup();
    let m = mock_module();
    let a = tdict(vec![("buffer", &t(&[0.0], &[1])), ("l1.bias", &t(&[0.0], &[1]))]);
    let b = tdict(vec![("l1.weight", &t(&[1.0], &[1, 1])), ("l1.bias", &t(&[1.0], &[1])), ("buffer", &t(&[1.0], &[1]))]);
    let c = tdict(vec![("buffer", &t(&[2.0], &[1]))]);
    let obs = observe1(&m, &Value::tuple(vec![d(&a), d(&b), d(&c)]), &tv(&x1()));
    assert_obs(&case(7, "duplicate_keys_order"), &obs, &[], "case 7");
}

#[test]
fn case_008_non_dict_element() {
    let _g = setup();
    let m = mock_module();
    let a = tdict(vec![("l1.weight", &t(&[1.0], &[1, 1]))]);
    let pairs = Value::list(vec![Value::tuple(vec![Value::str("l1.bias"), tv(&t(&[0.0], &[1]))])]);
    let obs = observe1(&m, &Value::tuple(vec![d(&a), pairs]), &tv(&x1()));
    assert_obs(&case(8, "non_dict_element"), &obs, &[], "case 8");
}

#[test]
fn case_009_none_as_dicts() {
    let _g = setup();
    let m = mock_module();
    let obs = observe1(&m, &Value::None, &tv(&x1()));
    assert_obs(&case(9, "none_as_dicts"), &obs, &[], "case 9");
}

#[test]
fn case_011_str_is_a_sequence() {
    let _g = setup();
    let expected = case(11, "str_is_a_sequence");
    let m = mock_module();
    let empty = observe1(&m, &Value::str(""), &tv(&x1()));
    let ab = observe1(&m, &Value::str("ab"), &tv(&x1()));
    assert_obs(&expected["empty_string"], &empty, &[], "case 11 empty_string");
    assert_obs(&expected["string_ab"], &ab, &[], "case 11 string_ab");
}

#[test]
fn case_012_ordered_dict_single() {
    let _g = setup();
    let m = rebind_foo(FooKind::Buffer);
    let foo = s(2.0);
    let dd = tdict(vec![("foo", &foo)]);
    let mut obs = observe1(&m, &d(&dd), &tv(&s(0.0)));
    obs.insert("original_value_object_untouched".into(), enc_tensor(&foo));
    assert_obs(
        &case(12, "ordered_dict_single"),
        &obs,
        &[("dict_type_after", "Python's dict subclass OrderedDict: fcall has one ordered dict type")],
        "case 12",
    );
}

#[test]
fn case_013_args_single_tensor() {
    let _g = setup();
    let obs = observe1(&args_echo(), &d(&dict(vec![])), &tv(&t(&[1.0], &[1])));
    assert_obs(&case(13, "args_single_tensor"), &obs, &[], "case 13");
}

#[test]
fn case_014_args_list_is_one_argument() {
    let _g = setup();
    let args = Value::list(vec![tv(&t(&[1.0], &[1])), tv(&t(&[2.0], &[1]))]);
    let obs = observe1(&args_echo(), &d(&dict(vec![])), &args);
    assert_obs(&case(14, "args_list_is_one_argument"), &obs, &[], "case 14");
}

#[test]
fn case_016_args_none_kwargs_only() {
    let _g = setup();
    let kwargs = vec![("a".to_string(), tv(&t(&[1.0], &[1]))), ("b".to_string(), Value::Int(2))];
    let (obs, _) = observe(&args_echo(), &d(&dict(vec![])), &Value::None, &kwargs, default_opts());
    assert_obs(&case(16, "args_none_kwargs_only"), &obs, &[], "case 16");
}

#[test]
fn case_017_args_empty_tuple() {
    let _g = setup();
    let obs = observe1(&args_echo(), &d(&dict(vec![])), &Value::tuple(vec![]));
    assert_obs(&case(17, "args_empty_tuple"), &obs, &[], "case 17");
}

#[test]
fn case_018_kwargs_keyword_only_forward() {
    let _g = setup();
    let expected = case(18, "kwargs_keyword_only_forward");
    let x = t(&[1.0, 2.0], &[1, 2]);
    let m = kw_foo(&x);
    let (inp, other) = (t(&[3.0, 4.0], &[1, 2]), t(&[5.0, 6.0], &[1, 2]));
    let zeros = || d(&tdict(vec![("x", &full(&[1, 2], 0.0))]));
    let other_kw = vec![("other_inp".to_string(), tv(&other))];
    let all_kw = vec![("inp".to_string(), tv(&inp)), ("other_inp".to_string(), tv(&other))];
    let missing = observe(&m, &zeros(), &tv(&inp), &no_kwargs(), default_opts()).0;
    let with = observe(&m, &zeros(), &tv(&inp), &other_kw, default_opts()).0;
    let all = observe(&m, &zeros(), &Value::tuple(vec![]), &all_kw, default_opts()).0;
    let actual = json!({
        "missing_kwarg": missing,
        "with_kwargs": with,
        "all_via_kwargs": all,
        "module_x_after": enc(&m.getattr("x").unwrap()),
    });
    assert_json(&expected, &actual, "case 18");
}
