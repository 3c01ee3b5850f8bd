//! fcall from another crate: a model whose two layers share one weight (a tie), called with
//! `functional_call` from Rust; the call's record as the REPL prints it; the gradient with
//! respect to the dict (`torch.func.grad`); then the same model handed to a `Session` and
//! called from fcall source, the result coming back as a `tch::Tensor`.
use fcall::api::{grad, layers, Argnums, CallOptions, DictRef, Kwargs, Session, TensorRef, Value};
use fcall::tch::{Kind, Tensor};

fn tensor(values: &[f32], shape: &[i64]) -> TensorRef {
    TensorRef::new(Tensor::from_slice(values).reshape(shape))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // nn.Sequential(nn.Linear(2, 2, bias=False), nn.Linear(2, 2, bias=False)); model[1].weight = model[0].weight
    let model = layers::sequential(vec![layers::linear(2, 2, false)?, layers::linear(2, 2, false)?])?;
    model.get_submodule("1")?.setattr("weight", model.get_submodule("0")?.getattr("weight")?)?;

    // functional_call(model, {"0.weight": W}, (x,)): tie_weights=True gives "1.weight" W too.
    let params = Value::Dict(DictRef::of_tensors([("0.weight", tensor(&[2.0, 0.0, 0.0, 3.0], &[2, 2]))]));
    let x = Value::Tensor(tensor(&[1.0, 1.0], &[2]));
    let call = fcall::call(&model, &params, &Value::tuple(vec![x.clone()]), &Kwargs::new(), CallOptions::default());
    print!("{}", call.text());
    println!("y = {:?}", Vec::<f32>::try_from(call.tensor().ok_or("the call failed")?)?);
    println!("tie groups: {:?}", call.record().tie_groups);

    // torch.func.grad(lambda p, x: functional_call(model, p, (x,)).sum())(params, x)
    let loss = |args: &[Value], _: &Kwargs| -> fcall::Result<Value> {
        let y = fcall::functional_call(&model, &args[0], &args[1], &Kwargs::new(), CallOptions::default()).result?;
        let y = y.as_tensor().ok_or_else(|| fcall::Error::type_error("example::loss", "forward returned no tensor"))?;
        Ok(Value::Tensor(TensorRef::new(y.tensor().sum(Kind::Float))))
    };
    let Value::Dict(g) = grad(&loss, &[params, x], &Kwargs::new(), &Argnums::One(0))? else {
        return Err("grad returned no dict".into());
    };
    let g0 = g.borrow().get("0.weight").and_then(Value::as_tensor).map(TensorRef::handle).ok_or("no 0.weight")?;
    println!("grad 0.weight = {:?}", Vec::<f32>::try_from(g0.flatten(0, -1))?);

    // The same model in a session: fcall source, outputs keyed by MIME type, a tensor out.
    let mut s = Session::new();
    s.set_value("model", Value::Module(model));
    s.set("x", Tensor::from_slice(&[1.0f32, 2.0]));
    let out = s.run("y = call model with {'0.weight': torch.eye(2)} (x)").into_result()?;
    let html = &out.result().ok_or("no result")?.html;
    println!("html table: {}", html.contains("<table") && html.contains("1.weight"));
    println!("y from the session = {:?}", Vec::<f32>::try_from(s.tensor("y")?)?);
    Ok(())
}
