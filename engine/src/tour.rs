//! `fcall tour`: the engine's API on the examples of PyTorch's functional_call documentation,
//! driven from Rust. `fcall tour` runs every demo; `fcall tour NAME` runs one; `--list` lists
//! them; `--explain` narrates each call stage by stage.
use fcall::func::explain::narrate;
use fcall::func::{functional_call, CallOptions};
use fcall::nn::layers::linear;
use fcall::tensor::from_f32;
use fcall::{DictRef, Error, Module, TensorRef, Value};

type Demo = (&'static str, &'static str, fn() -> Result<(), Error>);

const DEMOS: &[Demo] = &[
    ("inplace", "a forward that writes a buffer in place: the caller's dict sees it", demo_inplace),
    ("rebind", "a forward that rebinds `self.foo = self.foo + 1`: the write-back", demo_rebind),
    ("tied", "tied weights with tie_weights=True and False", demo_tied),
    ("tied-distinct", "the docs' {'foo': zeros, 'foo_tied': zeros}: really a ValueError", demo_tied_distinct),
    ("shared-submodule", "one Linear at two paths: PyTorch 2.13 leaves the module changed", demo_shared),
];

fn scalar(v: f32) -> TensorRef {
    TensorRef::new(from_f32(&[v], &[]).expect("a scalar tensor"))
}

fn show_call(code: &str, module: &Module, dicts: Value, x: TensorRef, opts: CallOptions) {
    println!(">>> {code}");
    // As the `call` command does: small values copied before, writes compared by value.
    let before = fcall::interp::snapshot::take(&dicts);
    let out = fcall::func::watch::compare_by_value(|| functional_call(module, &dicts, &Value::Tensor(x), &Vec::new(), opts));
    if std::env::args().any(|a| a == "--explain") {
        for line in narrate(&out.record) {
            println!("    {line}");
        }
    } else if out.record.forward_ran {
        let width = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()).unwrap_or(100);
        let then = fcall::interp::snapshot::settle(before, &out.record);
        let table = fcall::render::call_table::table(&out.record, &then, fcall::render::call_table::Rows::default());
        println!("{}", fcall::render::text::render(&table, width, false));
    }
    match out.result {
        Ok(v) => println!("    result: {}", v.py_repr()),
        Err(e) => {
            println!("    {}: {}", e.exc.name(), e.message);
            if let Some(h) = e.hint {
                println!("    hint: {h}");
            }
        }
    }
    println!();
}

/// `class Foo: foo buffer; forward(x): self.foo.add_(1); return x + self.foo`.
fn demo_inplace() -> Result<(), Error> {
    let m = Module::user("Foo", |m, args, _| {
        let foo = m.tensor_attr("foo")?.expect("foo is a tensor");
        let _ = foo.handle().f_add_(&tch::Tensor::from(1.0f32))?;
        let x = args[0].as_tensor().expect("x is a tensor");
        Ok(Value::Tensor(TensorRef::new(x.tensor().f_add(foo.tensor())?)))
    });
    foo_call(&m, 2.0, "functional_call(Foo(), a, torch.ones(()))   # a = {'foo': tensor(2.)}")
}

fn demo_rebind() -> Result<(), Error> {
    let m = Module::user("Foo", |m, args, _| {
        let foo = m.tensor_attr("foo")?.expect("foo is a tensor");
        m.setattr("foo", Value::Tensor(TensorRef::new(foo.tensor().f_add(&tch::Tensor::from(1.0f32))?)))?;
        let foo = m.tensor_attr("foo")?.expect("foo is a tensor");
        let x = args[0].as_tensor().expect("x is a tensor");
        Ok(Value::Tensor(TensorRef::new(x.tensor().f_add(foo.tensor())?)))
    });
    foo_call(&m, 0.0, "functional_call(Foo(), a, torch.ones(()))   # forward: self.foo = self.foo + 1")
}

/// Gives `m` a buffer `foo` = 0, calls it with `a = {'foo': tensor(start)}` and shows what the
/// call left in `a`.
fn foo_call(m: &Module, start: f32, code: &str) -> Result<(), Error> {
    m.register_buffer("foo", Some(scalar(0.0)), true)?;
    let a = DictRef::of_tensors([("foo", scalar(start))]);
    show_call(code, m, Value::Dict(a.clone()), scalar(1.0), CallOptions::default());
    println!("    a['foo'] is now {}\n", a.get("foo").map(|v| v.py_repr()).unwrap_or_default());
    Ok(())
}

fn tied_module() -> Result<Module, Error> {
    let m = Module::user("Foo", |m, args, _| {
        let x = args[0].as_tensor().expect("x is a tensor");
        let foo = m.tensor_attr("foo")?.expect("foo");
        let tied = m.tensor_attr("foo_tied")?.expect("foo_tied");
        Ok(Value::Tensor(TensorRef::new(x.tensor().f_add(foo.tensor())?.f_add(tied.tensor())?)))
    });
    let p = TensorRef::parameter(&from_f32(&[1.0], &[])?, true)?;
    m.setattr("foo", Value::Tensor(p.clone()))?;
    m.setattr("foo_tied", Value::Tensor(p))?;
    Ok(m)
}

fn demo_tied() -> Result<(), Error> {
    let m = tied_module()?;
    let a = DictRef::of_tensors([("foo", scalar(0.0))]);
    show_call("functional_call(mod, {'foo': zeros}, zeros)", &m, Value::Dict(a.clone()), scalar(0.0), CallOptions::default());
    show_call(
        "functional_call(mod, {'foo': zeros}, zeros, tie_weights=False)",
        &m,
        Value::Dict(a),
        scalar(0.0),
        CallOptions { tie_weights: false, strict: false },
    );
    Ok(())
}

fn demo_tied_distinct() -> Result<(), Error> {
    let m = tied_module()?;
    let a = DictRef::of_tensors([("foo", scalar(0.0)), ("foo_tied", scalar(0.0))]);
    show_call("functional_call(mod, {'foo': zeros, 'foo_tied': zeros}, zeros)   # the docs say tensor(0.)", &m, Value::Dict(a), scalar(0.0), CallOptions::default());
    Ok(())
}

fn demo_shared() -> Result<(), Error> {
    let m = Module::user("Shared", |m, args, _| {
        let a = m.getattr("a")?.as_module().cloned().expect("a");
        a.call(args, &Vec::new())
    });
    let lin = linear(1, 1, true)?;
    m.setattr("a", Value::Module(lin.clone()))?;
    m.setattr("b", Value::Module(lin))?;
    let w = TensorRef::new(from_f32(&[2.0], &[1, 1])?);
    let a = DictRef::of_tensors([("a.weight", w)]);
    show_call("functional_call(model, {'a.weight': w}, x)   # model.b is model.a", &m, Value::Dict(a), TensorRef::new(from_f32(&[1.0], &[1, 1])?), CallOptions::default());
    Ok(())
}

pub fn main(args: &[String]) -> i32 {
    let arg = args.iter().find(|a| !a.starts_with("--") || *a == "--list").cloned();
    if arg.as_deref() == Some("--list") {
        for (name, what, _) in DEMOS {
            println!("{name:18} {what}");
        }
        return 0;
    }
    tch::manual_seed(0);
    let mut status = 0;
    for (name, what, run) in DEMOS {
        if arg.as_deref().is_some_and(|a| a != *name) {
            continue;
        }
        println!("== {name}: {what}\n");
        if let Err(e) = run() {
            eprintln!("demo {name} failed: {e}");
            status = 1;
        }
    }
    status
}
