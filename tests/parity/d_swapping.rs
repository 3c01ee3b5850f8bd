//! D. Swapping details: cases 60-87.
use crate::harness::*;
use crate::modules::*;
use fcall::nn::layers::{module_dict, relu, sequential};
use fcall::{Module, TensorRef, Value};
use serde_json::json;
use std::cell::RefCell;
use std::rc::Rc;

fn x1() -> Value {
    tv(&t(&[3.0], &[1, 1]))
}

#[test]
fn case_060_unknown_key_plain_tensor() {
    let _g = setup();
    let m = mock_module();
    let dd = tdict(vec![("l1.weight", &t(&[2.0], &[1, 1])), ("extra", &t(&[1.0], &[1]))]);
    let mut obs = observe1(&m, &d(&dd), &x1());
    obs.insert("hasattr_extra_after".into(), json!(m.hasattr("extra")));
    assert_obs(&case(60, "unknown_key_plain_tensor"), &obs, &[], "case 60");
}

#[test]
fn case_061_unknown_key_read_in_forward() {
    let _g = setup();
    let m = Module::user("Bar", |m, args, kw| {
        let x = bind("Bar", args, kw, &["x"], &[])?.remove(0);
        add(&x, &m.getattr("extra")?)
    });
    let with = observe1(&m, &d(&tdict(vec![("extra", &s(0.0))])), &tv(&s(1.0)));
    let has = m.hasattr("extra");
    let without = observe1(&m, &d(&dict(vec![])), &tv(&s(1.0)));
    let actual = json!({"with_extra": with, "hasattr_extra_after": has, "without_extra": without});
    assert_json(&case(61, "unknown_key_read_in_forward"), &actual, "case 61");
}

#[test]
fn case_062_unknown_key_parameter_registered() {
    let _g = setup();
    let m = Module::user("M", |m, args, kw| {
        let x = bind("M", args, kw, &["x"], &[])?.remove(0);
        let out = fcall::DictRef::new();
        out.insert("out", call_sub(m, "l1", &x)?);
        let names = |v: Vec<(String, TensorRef)>| Value::list(v.into_iter().map(|(n, _)| Value::str(&n)).collect());
        out.insert("param_names", names(m.named_parameters()?));
        out.insert("buffer_names", names(m.named_buffers()?));
        Ok(Value::Dict(out))
    });
    m.setattr("l1", Value::Module(linear(1, 1, &[0.5], Some(&[0.25])))).unwrap();
    let x = || tv(&t(&[1.0], &[1, 1]));
    let p = observe1(&m, &d(&tdict(vec![("l1.extra", &param(&[1.0], &[1]))])), &x());
    let plain = observe1(&m, &d(&tdict(vec![("l1.extra", &t(&[1.0], &[1]))])), &x());
    let b = observe1(&m, &d(&tdict(vec![("l1.extra", &buffer(&[1.0], &[1]))])), &x());
    let after: Vec<String> = m.named_parameters().unwrap().into_iter().map(|(n, _)| n).collect();
    let l1 = m.getattr("l1").unwrap().as_module().unwrap().clone();
    let actual = json!({
        "parameter_value": p,
        "plain_value": plain,
        "buffer_value": b,
        "param_names_after": after,
        "hasattr_after": l1.hasattr("extra"),
    });
    assert_json(&case(62, "unknown_key_parameter_registered"), &actual, "case 62");
}

#[test]
fn case_064_non_tensor_attribute() {
    let _g = setup();
    let m = mock_module();
    let obs = observe1(&m, &d(&tdict(vec![("l1.weight", &t(&[2.0], &[1, 1])), ("foo", &t(&[1.0], &[1]))])), &x1());
    assert_obs(&case(64, "non_tensor_attribute"), &obs, &[], "case 64");
}

#[test]
fn case_065_key_names_submodule() {
    let _g = setup();
    let m = mock_module();
    let obs = observe1(&m, &d(&tdict(vec![("l1", &t(&[1.0], &[1]))])), &x1());
    assert_obs(&case(65, "key_names_submodule"), &obs, &[], "case 65");
}

#[test]
fn case_066_key_prefix_is_tensor() {
    let _g = setup();
    let m = mock_module();
    let obs = observe1(&m, &d(&tdict(vec![("l1.weight.x", &t(&[1.0], &[1]))])), &x1());
    assert_obs(&case(66, "key_prefix_is_tensor"), &obs, &[], "case 66");
}

#[test]
fn case_067_empty_key() {
    let _g = setup();
    let m = mock_module();
    let obs = observe1(&m, &d(&tdict(vec![("", &t(&[1.0], &[1]))])), &x1());
    assert_obs(&case(67, "empty_key"), &obs, &[], "case 67");
}

#[test]
fn case_069_training_attr_key() {
    let _g = setup();
    let m = mock_module();
    let obs = observe1(&m, &d(&tdict(vec![("training", &s(1.0))])), &x1());
    assert_obs(&case(69, "training_attr_key"), &obs, &[], "case 69");
}

#[test]
fn case_070_error_precedence_within_key() {
    let _g = setup();
    let m = mock_module();
    let raised = |dd: fcall::DictRef| observe1(&m, &d(&dd), &x1()).get("raised").cloned().expect("an error");
    let actual = json!({
        "empty_name_non_tensor_value": raised(dict(vec![("", Value::Int(3))])),
        "missing_path_non_tensor_value": raised(dict(vec![("nope.x", Value::Int(3))])),
        "non_tensor_attr_non_tensor_value": raised(dict(vec![("foo", Value::Int(3))])),
        "tensor_prefix_non_tensor_value": raised(dict(vec![("l1.weight.x", Value::Int(3))])),
        "first_bad_key_in_dict_order_wins": raised(tdict(vec![("foo", &s(1.0)), ("nope.x", &s(1.0))])),
    });
    assert_json(&case(70, "error_precedence_within_key"), &actual, "case 70");
}

#[test]
fn case_071_non_tensor_values() {
    let _g = setup();
    let m = mock_module();
    let int = observe1(&m, &d(&dict(vec![("l1.weight", Value::Int(3))])), &x1());
    let nested = Value::list(vec![Value::list(vec![Value::Float(1.0)])]);
    let list = observe1(&m, &d(&dict(vec![("l1.weight", nested)])), &x1());
    assert_json(&case(71, "non_tensor_values"), &json!({"int": int, "list": list}), "case 71");
}

#[test]
fn case_073_none_value_for_used_buffer() {
    let _g = setup();
    let m = mock_module();
    let obs = observe1(&m, &d(&dict(vec![("buffer", Value::None)])), &x1());
    assert_obs(&case(73, "none_value_for_used_buffer"), &obs, &[], "case 73");
}

#[test]
fn case_075_tensor_for_none_buffer() {
    let _g = setup();
    let m = Module::user("NBuf", |m, args, kw| {
        let x = bind("NBuf", args, kw, &["x"], &[])?.remove(0);
        let nb = m.getattr("nb")?;
        if nb.is_none() {
            Ok(x)
        } else {
            add(&x, &nb)
        }
    });
    m.register_buffer("nb", None, true).unwrap();
    let mut obs = observe1(&m, &d(&tdict(vec![("nb", &t(&[5.0], &[1]))])), &tv(&t(&[1.0], &[1])));
    obs.insert("nb_after".into(), json!(m.getattr("nb").unwrap().py_repr()));
    assert_obs(&case(75, "tensor_for_none_buffer"), &obs, &[], "case 75");
}

fn param_names(m: &Module) -> serde_json::Value {
    json!(m.named_parameters().unwrap().into_iter().map(|(n, _)| n).collect::<Vec<_>>())
}

#[test]
fn case_076_sequential_naming() {
    let _g = setup();
    let m = sequential(vec![
        linear(2, 2, &[1.0, 0.0, 0.0, 1.0], Some(&[0.0, 0.0])),
        relu(),
        linear(2, 1, &[1.0, 1.0], Some(&[0.0])),
    ])
    .unwrap();
    let dd = tdict(vec![
        ("0.weight", &t(&[2.0, 0.0, 0.0, -1.0], &[2, 2])),
        ("0.bias", &t(&[1.0, 1.0], &[2])),
        ("2.bias", &t(&[10.0], &[1])),
    ]);
    let mut obs = observe1(&m, &d(&dd), &tv(&t(&[1.0, 1.0], &[1, 2])));
    obs.insert("names".into(), param_names(&m));
    assert_obs(&case(76, "sequential_naming"), &obs, &[], "case 76");
}

#[test]
fn case_077_moduledict_naming() {
    let _g = setup();
    let m = Module::user("MD", |m, args, kw| {
        let x = bind("MD", args, kw, &["x"], &[])?.remove(0);
        let layers = m.getattr("layers")?.as_module().unwrap().clone();
        call_sub(&layers, "dec", &call_sub(&layers, "enc", &x)?)
    });
    let layers = module_dict();
    layers.add_module("enc", Some(linear(1, 1, &[1.0], Some(&[0.0])))).unwrap();
    layers.add_module("dec", Some(linear(1, 1, &[1.0], Some(&[0.0])))).unwrap();
    m.setattr("layers", Value::Module(layers)).unwrap();
    let dd = tdict(vec![("layers.enc.weight", &t(&[3.0], &[1, 1])), ("layers.dec.bias", &t(&[1.0], &[1]))]);
    let mut obs = observe1(&m, &d(&dd), &tv(&t(&[2.0], &[1, 1])));
    obs.insert("names".into(), param_names(&m));
    assert_obs(&case(77, "moduledict_naming"), &obs, &[], "case 77");
}

#[test]
fn case_078_members_inside_forward() {
    let _g = setup();
    let dd = dict(vec![("l1.weight", tv(&t(&[2.0], &[1, 1]))), ("l1.bias", Value::None), ("buffer", tv(&t(&[3.0], &[1])))]);
    let seen: Rc<RefCell<serde_json::Value>> = Rc::new(RefCell::new(json!({})));
    let (seen_in, dd_in) = (seen.clone(), dd.clone());
    let m = Module::user("M", move |m, args, kw| {
        let x = bind("M", args, kw, &["x"], &[])?.remove(0);
        let rows = |v: Vec<(String, TensorRef)>| {
            v.into_iter()
                .map(|(n, p)| {
                    let is = dd_in.get(&n).is_some_and(|g| py_is(&tv(&p), &g));
                    json!([n, p.type_name(), is])
                })
                .collect::<Vec<_>>()
        };
        *seen_in.borrow_mut() = json!({"params": rows(m.named_parameters()?), "buffers": rows(m.named_buffers()?)});
        add(&call_sub(m, "l1", &x)?, &m.getattr("buffer")?)
    });
    m.setattr("l1", Value::Module(linear(1, 1, &[0.5], Some(&[0.25])))).unwrap();
    m.setattr("buffer", tv(&buffer(&[1.0], &[1]))).unwrap();
    let mut obs = observe1(&m, &d(&dd), &tv(&t(&[1.0], &[1, 1])));
    obs.insert("inside_forward".into(), seen.borrow().clone());
    assert_obs(&case(78, "members_inside_forward"), &obs, &[], "case 78");
}

#[test]
fn case_079_dtype_mismatch_not_checked() {
    let _g = setup();
    let m = linear(2, 1, &[1.0, 1.0], Some(&[0.0]));
    let obs = observe1(&m, &d(&tdict(vec![("weight", &t64(&[1.0, 2.0], &[1, 2]))])), &tv(&t(&[1.0, 1.0], &[1, 2])));
    assert_obs(&case(79, "dtype_mismatch_not_checked"), &obs, &[], "case 79");
}

#[test]
fn case_081_shape_mismatch_accepted() {
    let _g = setup();
    let m = linear(2, 2, &[1.0, 0.0, 0.0, 1.0], Some(&[0.0, 0.0]));
    let dd = tdict(vec![("weight", &t(&[1.0, 0.0, 0.0, 1.0, 1.0, 1.0], &[3, 2])), ("bias", &t(&[0.0, 0.0, 1.0], &[3]))]);
    let obs = observe1(&m, &d(&dd), &tv(&t(&[2.0, 3.0], &[1, 2])));
    assert_obs(&case(81, "shape_mismatch_accepted"), &obs, &[], "case 81");
}

#[test]
fn case_082_shape_mismatch_fails_in_forward() {
    let _g = setup();
    let m = linear(2, 2, &[1.0, 0.0, 0.0, 1.0], Some(&[0.0, 0.0]));
    let obs = observe1(&m, &d(&tdict(vec![("weight", &full(&[2, 3], 1.0))])), &tv(&t(&[2.0, 3.0], &[1, 2])));
    assert_obs(&case(82, "shape_mismatch_fails_in_forward"), &obs, &[], "case 82");
}

#[test]
fn case_084_output_grad_partial() {
    let _g = setup();
    let m = linear(1, 1, &[0.5], Some(&[0.25]));
    let obs = observe1(&m, &d(&tdict(vec![("weight", &t(&[2.0], &[1, 1]))])), &tv(&t(&[1.0], &[1, 1])));
    assert_obs(&case(84, "output_grad_partial"), &obs, &[], "case 84");
}

#[test]
fn case_085_backward_to_dict_tensors() {
    let _g = setup();
    let m = mock_module();
    let (w, b, buf) = (leaf(&[1.0], &[1, 1]), leaf(&[0.0], &[1]), t(&[0.0], &[1]));
    let dd = tdict(vec![("l1.weight", &w), ("l1.bias", &b), ("buffer", &buf)]);
    let (mut obs, out) = observe(&m, &d(&dd), &tv(&t(&[3.0], &[1, 1])), &no_kwargs(), default_opts());
    let out = out.expect("a result");
    out.as_tensor().unwrap().tensor().sum(None).f_backward().unwrap();
    let grad = |v: Value| enc_raw(&v.as_tensor().unwrap().tensor().grad());
    obs.insert(
        "grads".into(),
        json!({
            "dict_weight": enc_raw(&w.tensor().grad()),
            "dict_bias": enc_raw(&b.tensor().grad()),
            "dict_buffer": enc_raw(&buf.tensor().grad()),
            "module_weight": grad(tensor_at(&m, "l1.weight")),
            "module_bias": grad(tensor_at(&m, "l1.bias")),
        }),
    );
    assert_obs(&case(85, "backward_to_dict_tensors"), &obs, &[], "case 85");
}

#[test]
fn case_086_returned_tensor_is_dict_value() {
    let _g = setup();
    let m = Module::user("R", |m, args, kw| {
        bind("R", args, kw, &[], &[])?;
        m.getattr("w")
    });
    m.setattr("w", tv(&param(&[1.0], &[]))).unwrap();
    let v = s(4.0);
    let (mut obs, out) = observe(&m, &d(&tdict(vec![("w", &v)])), &Value::None, &no_kwargs(), default_opts());
    obs.insert("returned_is_supplied".into(), json!(out.is_some_and(|o| py_is(&o, &tv(&v)))));
    assert_obs(&case(86, "returned_tensor_is_dict_value"), &obs, &[], "case 86");
}

#[test]
fn case_087_property_without_setter_key() {
    let _g = setup();
    let m = prop();
    let obs = observe1(&m, &d(&tdict(vec![("scale", &s(5.0))])), &tv(&s(1.0)));
    assert_obs(&case(87, "property_without_setter_key"), &obs, &[], "case 87");
}
