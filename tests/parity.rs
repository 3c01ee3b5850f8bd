//! The parity suite: every applicable case of `shared/conformance/cases.jsonl` (real PyTorch
//! 2.13 observations of `torch.func.functional_call`) as a test asserting the recorded
//! observation. The harness encodes our results exactly as `cases.py` encodes PyTorch's.
//! Not-applicable cases and why: tests/parity/README.md (and `coverage.rs`, which checks it).
mod harness;
mod modules;

mod a_inputs;
mod b_ties;
mod c_strict;
mod d_swapping;
mod e_mutation;
mod g_parametrize_grad_misc;
mod coverage;
