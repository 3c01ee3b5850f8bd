//! Runs the example program as a user would, with an empty environment: no LD_LIBRARY_PATH, so
//! libtorch is found through the rpath of build.rs's one line; checks what it printed.
use std::process::Command;

#[test]
fn the_example_runs_and_prints_the_call() {
    let out = Command::new(env!("CARGO_BIN_EXE_fcall-rust-example")).env_clear().output().expect("the example starts");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "exit {:?}\nstdout:\n{stdout}\nstderr:\n{}", out.status, String::from_utf8_lossy(&out.stderr));
    // The tie: "1.weight" got the dict's tensor too, so y = W (W x) with W = diag(2, 3).
    assert!(stdout.contains("y = [4.0, 9.0]\n"), "{stdout}");
    assert!(stdout.contains("tie groups: [[\"0.weight\", \"1.weight\"]]\n"), "{stdout}");
    // d/dW sum(W W x) for the shared W (both uses), as torch.func.grad gives it.
    assert!(stdout.contains("grad 0.weight = [4.0, 5.0, 5.0, 6.0]\n"), "{stdout}");
    assert!(stdout.contains("html table: true\n"), "{stdout}");
    assert!(stdout.contains("y from the session = [1.0, 2.0]\n"), "{stdout}");
    // The record's table as the REPL prints it: both names, one tie group.
    assert!(stdout.contains("0.weight") && stdout.contains("1.weight"), "{stdout}");
}
