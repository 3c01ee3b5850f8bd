//! G. Parametrizations (106-110), autograd and torch.func transforms (110, 112, 113, 115, 116, 118) and
//! misc (122-128).
use crate::harness::*;
use crate::modules::*;
use fcall::func::transforms::{grad, stack_module_state, vmap, Argnums};
use fcall::nn::layers::{batch_norm1d, BatchNormOptions};
use fcall::{Kwargs, Module, Result, TensorRef, Value};
use serde_json::json;
use std::cell::RefCell;
use std::rc::Rc;

#[test]
fn case_106_parametrization_original_key() {
    let _g = setup();
    let m = parametrized_linear(2, 1, &[-1.0, 2.0], clamp_pos());
    let dd = tdict(vec![("parametrizations.weight.original", &t(&[-5.0, 3.0], &[1, 2]))]);
    let mut obs = observe1(&m, &d(&dd), &tv(&t(&[1.0, 1.0], &[1, 2])));
    obs.insert("weight_property_after".into(), enc(&m.getattr("weight").unwrap()));
    assert_obs(&case(106, "parametrization_original_key"), &obs, &[], "case 106");
}

#[test]
fn case_107_parametrization_regular_name_sym() {
    let _g = setup();
    let m = parametrized_linear(2, 2, &[1.0, 2.0, 3.0, 4.0], sym());
    let orig = tensor_at(&m, "parametrizations.weight.original");
    let dd = tdict(vec![("weight", &t(&[10.0, 20.0, 30.0, 40.0], &[2, 2]))]);
    let mut obs = observe1(&m, &d(&dd), &tv(&t(&[1.0, 0.0], &[1, 2])));
    obs.insert("original_same_object".into(), json!(py_is(&tensor_at(&m, "parametrizations.weight.original"), &orig)));
    obs.insert("weight_property_after".into(), enc(&m.getattr("weight").unwrap()));
    assert_obs(&case(107, "parametrization_regular_name_sym"), &obs, &[], "case 107");
}

#[test]
fn case_109_parametrization_regular_name_no_right_inverse() {
    let _g = setup();
    let m = parametrized_linear(2, 2, &[1.0, 2.0, 3.0, 4.0], sym_no_inverse());
    let obs = observe1(&m, &d(&tdict(vec![("weight", &eye(2))])), &tv(&t(&[1.0, 1.0], &[1, 2])));
    assert_obs(&case(109, "parametrization_regular_name_no_right_inverse"), &obs, &[], "case 109");
}

#[test]
fn case_110_parametrization_grad_regular_name() {
    let _g = setup();
    let m = parametrized_linear(2, 1, &[-1.0, 2.0], clamp_pos());
    // `loss(p, x) = functional_call(m, p, x).sum()` under torch.func.grad: the right_inverse path
    // calls set_ on the captured `original`, which the grad transform rejects.
    let loss = |a: &[Value], _: &Kwargs| -> Result<Value> {
        let out = fcall::functional_call(&m, &a[0], &a[1], &no_kwargs(), default_opts()).result?;
        Ok(Value::Tensor(TensorRef::new(tensor_of(&out).tensor().f_sum(None)?)))
    };
    let args = [d(&tdict(vec![("weight", &t(&[-5.0, 3.0], &[1, 2]))])), tv(&t(&[1.0, 1.0], &[1, 2]))];
    let mut obs = serde_json::Map::new();
    match grad(&loss, &args, &no_kwargs(), &Argnums::One(0)) {
        Ok(g) => obs.insert("returned".into(), enc(&g)),
        Err(e) => obs.insert("raised".into(), err(&e)),
    };
    obs.insert("original_after".into(), enc(&tensor_at(&m, "parametrizations.weight.original")));
    assert_obs(&case(110, "parametrization_grad_regular_name"), &obs, &[], "case 110");
}

/// `compute_loss(params, x, t) = F.mse_loss(functional_call(model, params, x), t)` of
/// `doc_grad_setup()`.
fn doc_compute_loss(model: &Module) -> impl Fn(&[Value], &Kwargs) -> Result<Value> + '_ {
    move |a, _| {
        let y = fcall::functional_call(model, &a[0], &a[1], &no_kwargs(), default_opts()).result?;
        Ok(Value::Tensor(TensorRef::new(tensor_of(&y).tensor().f_mse_loss(tensor_of(&a[2]).tensor(), tch::Reduction::Mean)?)))
    }
}

#[test]
fn case_112_doc_grad_example() {
    let _g = setup();
    let (model, x, t) = doc_grad_setup();
    let compute_loss = doc_compute_loss(&model);
    // `grad(compute_loss)(dict(model.named_parameters()), x, t)`.
    let params = dict(model.named_parameters().unwrap().iter().map(|(n, p)| (n.as_str(), tv(p))).collect());
    let g = grad(&compute_loss, &[d(&params), tv(&x), tv(&t)], &no_kwargs(), &Argnums::One(0)).unwrap();
    let actual = json!({
        "grads": enc(&g),
        "module_weight_grad_attr": enc_raw(&tensor_of(&tensor_at(&model, "weight")).tensor().grad()),
    });
    assert_json(&case(112, "doc_grad_example"), &actual, "case 112");
}

#[test]
fn case_113_doc_grad_detached() {
    let _g = setup();
    let (model, x, t) = doc_grad_setup();
    let compute_loss = doc_compute_loss(&model);
    // `{k: v.detach() for k, v in model.named_parameters()}`.
    let detached = dict(model.named_parameters().unwrap().iter().map(|(n, p)| (n.as_str(), tv(&detach(p)))).collect());
    let g = grad(&compute_loss, &[d(&detached), tv(&x), tv(&t)], &no_kwargs(), &Argnums::One(0)).unwrap();
    assert_json(&case(113, "doc_grad_detached"), &json!({"grads": enc(&g)}), "case 113");
}

#[test]
fn case_115_detached_params_output_grad_fn() {
    let _g = setup();
    let m = Module::user("Foo", |m, args, kw| {
        let x = bind("Foo", args, kw, &["x"], &[])?.remove(0);
        add(&call_sub(m, "linear", &x)?, &m.getattr("buffer")?)
    });
    m.setattr("linear", Value::Module(linear(2, 2, &[1.0, 0.0, 0.0, 1.0], Some(&[0.0, 0.0])))).unwrap();
    m.setattr("buffer", tv(&buffer(&[1.0, 1.0], &[2]))).unwrap();
    let x = || tv(&t(&[1.0, 2.0], &[1, 2]));
    let params = m.named_parameters().unwrap();
    let bufs = || dict(m.named_buffers().unwrap().iter().map(|(n, b)| (n.as_str(), tv(b))).collect());
    let det = dict(params.iter().map(|(n, p)| (n.as_str(), tv(&detach(p)))).collect());
    let nondet = dict(params.iter().map(|(n, p)| (n.as_str(), tv(p))).collect());
    let detached = observe1(&m, &Value::tuple(vec![d(&det), d(&bufs())]), &x());
    let not_detached = observe1(&m, &Value::tuple(vec![d(&nondet), d(&bufs())]), &x());
    let actual = json!({"detached": detached["returned"], "not_detached": not_detached["returned"]});
    assert_json(&case(115, "detached_params_output_grad_fn"), &actual, "case 115");
}

#[test]
fn case_116_vmap_ensemble_stack_module_state() {
    let _g = setup();
    let models = [linear(2, 1, &[1.0, 0.0], Some(&[0.0])), linear(2, 1, &[0.0, 2.0], Some(&[1.0]))];
    let (params, buffers) = stack_module_state(&models).unwrap();
    let base = &models[0];
    // `f(p, b, x) = functional_call(base, (p, b), (x,))`, vmap(f, in_dims=(0, 0, None)).
    let f = |a: &[Value], _: &Kwargs| -> Result<Value> {
        fcall::functional_call(base, &Value::tuple(vec![a[0].clone(), a[1].clone()]), &Value::tuple(vec![a[2].clone()]), &no_kwargs(), default_opts())
            .result
    };
    let in_dims = Value::tuple(vec![Value::Int(0), Value::Int(0), Value::None]);
    let x = tv(&t(&[1.0, 2.0, 3.0, 4.0], &[2, 2]));
    let out = vmap(&f, "f", &[d(&params), d(&buffers), x], &no_kwargs(), &in_dims, &Value::Int(0), "error").unwrap();
    let actual = json!({
        "stacked_params": enc(&d(&params)),
        "stacked_buffers": enc(&d(&buffers)),
        "out": enc(&out),
        "base_weight_after": enc(&tensor_at(base, "weight")),
    });
    assert_json(&case(116, "vmap_ensemble_stack_module_state"), &actual, "case 116");
}

#[test]
fn case_118_vmap_batchnorm_train_error() {
    let _g = setup();
    let bn = batch_norm1d(2, BatchNormOptions::default()).unwrap();
    let dd = bn_dict();
    // `f(x) = functional_call(bn, d, (x,))`, vmap(f) over xs = T([BN_X, BN_X]).
    let f = |a: &[Value], _: &Kwargs| -> Result<Value> {
        fcall::functional_call(&bn, &d(&dd), &Value::tuple(vec![a[0].clone()]), &no_kwargs(), default_opts()).result
    };
    let bx = bn_x();
    let xs = tv(&TensorRef::new(tch::Tensor::stack(&[bx.tensor(), bx.tensor()], 0)));
    let run = |xs: &Value| match vmap(&f, "f", &[xs.clone()], &no_kwargs(), &Value::Int(0), &Value::Int(0), "error") {
        Ok(v) => json!({"returned": enc(&v)}),
        Err(e) => json!({"raised": err(&e)}),
    };
    bn.train(true).unwrap();
    let train = run(&xs);
    bn.eval().unwrap();
    let eval = run(&xs);
    let actual = json!({"train": train, "eval": eval, "dict_after": enc(&d(&dd))});
    assert_json(&case(118, "vmap_batchnorm_train_error"), &actual, "case 118");
}

#[test]
fn case_124_module_training_flag_untouched() {
    let _g = setup();
    let m = batch_norm1d(2, BatchNormOptions::default()).unwrap();
    m.eval().unwrap();
    observe1(&m, &d(&bn_dict()), &tv(&bn_x()));
    let actual = json!({"training_after": m.training(), "momentum_after": enc(&m.getattr("momentum").unwrap())});
    assert_json(&case(124, "module_training_flag_untouched"), &actual, "case 124");
}

#[test]
fn case_122_hooks_see_swapped_tensors() {
    let _g = setup();
    let m = linear(1, 1, &[0.5], Some(&[0.0]));
    let seen = Rc::new(RefCell::new(serde_json::Map::new()));
    let seen_in = seen.clone();
    m.register_forward_pre_hook(move |m, _args| {
        let w = m.getattr("weight")?;
        seen_in.borrow_mut().insert("weight_in_pre_hook".into(), nest(w.as_tensor().unwrap().tensor()));
        Ok(None)
    });
    m.register_forward_hook(|_m, _args, out| Ok(Some(mul(out, &Value::Int(10))?)));
    let mut obs = observe1(&m, &d(&tdict(vec![("weight", &t(&[2.0], &[1, 1]))])), &tv(&t(&[1.0], &[1, 1])));
    obs.insert("seen".into(), serde_json::Value::Object(seen.borrow().clone()));
    assert_obs(&case(122, "hooks_see_swapped_tensors"), &obs, &[], "case 122");
}

#[test]
fn case_123_circular_reference() {
    let _g = setup();
    let m = mock_module();
    let l1 = m.getattr("l1").unwrap().as_module().unwrap().clone();
    l1.setattr("m", Value::Module(m.clone())).unwrap();
    let dd = || {
        tdict(vec![("l1.m.l1.weight", &t(&[1.0], &[1, 1])), ("l1.bias", &t(&[0.0], &[1])), ("l1.m.buffer", &t(&[0.0], &[1]))])
    };
    let x = || tv(&t(&[2.0], &[1, 1]));
    let raised_type = |o: serde_json::Map<String, serde_json::Value>| json!({"raised": o["raised"]["type"]});
    let tie_false = observe(&m, &d(&dd()), &x(), &no_kwargs(), opts(false, false)).0;
    let tie_true = raised_type(observe(&m, &d(&dd()), &x(), &no_kwargs(), default_opts()).0);
    let tie_true_empty = raised_type(observe(&m, &d(&dict(vec![])), &x(), &no_kwargs(), default_opts()).0);
    let strict_tie_false = raised_type(observe(&m, &d(&dd()), &x(), &no_kwargs(), opts(false, true)).0);
    // Break the Rc cycle so the modules are freed.
    l1.delattr("m").unwrap();
    let actual = json!({
        "tie_false": tie_false,
        "tie_true": tie_true,
        "tie_true_empty_dict": tie_true_empty,
        "strict_tie_false": strict_tie_false,
    });
    assert_json(&case(123, "circular_reference"), &actual, "case 123");
}

#[test]
fn case_125_doc_multiple_dicts_example() {
    let _g = setup();
    let m = bar();
    let a = Value::tuple(vec![d(&tdict(vec![("weight", &full(&[1, 1], 1.0))])), d(&tdict(vec![("buffer", &full(&[1], 0.0))]))]);
    let obs = observe1(&m, &a, &tv(&t(&[2.5], &[1, 1])));
    assert_obs(&case(125, "doc_multiple_dicts_example"), &obs, &[], "case 125");
}

#[test]
fn case_128_submodule_relative_names() {
    let _g = setup();
    let m = mock_module();
    let l1 = m.getattr("l1").unwrap().as_module().unwrap().clone();
    let x = || tv(&t(&[3.0], &[1, 1]));
    let relative = observe1(&l1, &d(&tdict(vec![("weight", &t(&[2.0], &[1, 1]))])), &x());
    let root = observe1(&l1, &d(&tdict(vec![("l1.weight", &t(&[2.0], &[1, 1]))])), &x());
    let actual = json!({"relative": relative, "root_relative_name": root});
    assert_json(&case(128, "submodule_relative_names"), &actual, "case 128");
}
