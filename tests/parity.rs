//! The parity suite: every applicable case of `shared/conformance/cases.jsonl` (real PyTorch
//! 2.13 observations of `torch.func.functional_call`) as a test asserting the recorded
//! observation. The harness encodes our results exactly as `cases.py` encodes PyTorch's.
//! Not-applicable cases and why: tests/parity/README.md (and `coverage.rs`, which checks it).
#[path = "parity/harness.rs"]
mod harness;
#[path = "parity/modules.rs"]
mod modules;

#[path = "parity/a_inputs.rs"]
mod a_inputs;
#[path = "parity/b_ties.rs"]
mod b_ties;
#[path = "parity/c_strict.rs"]
mod c_strict;
#[path = "parity/d_swapping.rs"]
mod d_swapping;
#[path = "parity/e_mutation.rs"]
mod e_mutation;
#[path = "parity/g_parametrize_grad_misc.rs"]
mod g_parametrize_grad_misc;
#[path = "parity/coverage.rs"]
mod coverage;
