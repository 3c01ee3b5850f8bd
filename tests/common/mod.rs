//! What the layer oracle tests share (tests/layers_oracle.rs, tests/layers_py_oracle.rs): the
//! run of the oracle script in the venv's PyTorch, the lock on libtorch's global generator, and
//! tensors and module state as the JSON both sides compare.
#![allow(dead_code)]
use std::process::Command;
use std::sync::{Mutex, MutexGuard};

use fcall::tensor::{dtype_name, to_f64_vec};
use fcall::{Module, TensorRef};
use serde_json::{json, Value as J};

/// Runs `script` in the project's Python (`FCALL_PYTHON`, torch 2.13): the JSON it prints.
pub fn run_oracle(script: &str) -> J {
    let out = Command::new(env!("FCALL_PYTHON")).arg("-c").arg(script).output().expect("start the oracle python");
    assert!(out.status.success(), "oracle python failed:\n{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("oracle prints JSON")
}

/// The global generator is process-wide: cases that seed it must not interleave.
pub fn rng_lock() -> MutexGuard<'static, ()> {
    static RNG: Mutex<()> = Mutex::new(());
    RNG.lock().unwrap_or_else(|e| e.into_inner())
}

/// A tensor as the oracle's `T(t)` writes it (non-finite values as null).
pub fn tj(t: &TensorRef) -> J {
    json!({
        "shape": t.shape(),
        "dtype": dtype_name(t.kind()),
        "requires_grad": t.requires_grad(),
        "data": to_f64_vec(t.tensor()).unwrap().into_iter().map(|x| if x.is_finite() { json!(x) } else { J::Null }).collect::<Vec<_>>(),
    })
}

/// A module's parameters and buffers as the oracle's `state(m)` writes them.
pub fn state(m: &Module) -> J {
    let p: Vec<J> = m.named_parameters().unwrap().iter().map(|(k, v)| json!([k, tj(v)])).collect();
    let b: Vec<J> = m.named_buffers().unwrap().iter().map(|(k, v)| json!([k, tj(v)])).collect();
    json!({"params": p, "buffers": b})
}
