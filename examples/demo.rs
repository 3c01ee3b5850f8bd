//! A first look at fcall's engine: a tied module, a functional call, and its record.
use fcall::func::{functional_call, CallOptions};
use fcall::nn::layers::linear;
use fcall::{DictRef, TensorRef, Value};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    tch::manual_seed(0);
    let model = linear(3, 2, true)?;
    println!("{}", model.repr());
    for (name, t) in model.named_parameters()? {
        println!("{name} #{} {}", t.id(), fcall::tensor::tensor_repr(&t));
    }
    let w = TensorRef::new(tch::Tensor::f_zeros([2, 3], (tch::Kind::Float, tch::Device::Cpu))?);
    let a = DictRef::of_tensors([("weight", w)]);
    let x = TensorRef::new(tch::Tensor::f_ones([1, 3], (tch::Kind::Float, tch::Device::Cpu))?);
    let out = functional_call(&model, &Value::Dict(a), &Value::Tensor(x), &Vec::new(), CallOptions::default());
    println!("result: {}", out.result?.py_repr());
    for s in &out.record.swaps {
        println!("swap {} ({}) read={} in_place={:?} rebound={}", s.name, s.slot.name(), s.read, s.in_place, s.rebound);
    }
    Ok(())
}
