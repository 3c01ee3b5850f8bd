//! Every case of cases.jsonl is either run by this suite or listed as not applicable with the
//! reason (the same table as tests/parity/README.md).
use crate::harness::all_cases;
use std::collections::BTreeSet;

/// Cases with a `case_NNN_*` test in this suite.
pub const RUN: &[u64] = &[
    1, 2, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 27, 28, 30, 31, 32, 34, 36, 37, 38,
    39, 40, 42, 43, 44, 46, 47, 49, 51, 52, 54, 55, 57, 58, 60, 61, 62, 64, 65, 66, 67, 69, 70, 71, 73, 75, 76, 77, 78,
    79, 81, 82, 84, 85, 86, 87, 88, 89, 90, 91, 92, 94, 96, 97, 99, 101, 103, 104, 105, 106, 107, 109, 110, 112, 113,
    115, 116, 118, 122, 123, 124, 125, 128,
];

/// Cases that have no meaning in fcall (yet), and why.
pub const NOT_APPLICABLE: &[(u64, &str)] = &[
    (10, "Python type system: a mappingproxy (a Mapping that is not a dict); fcall values have one dict type"),
    (15, "Python type system: namedtuple (a tuple subclass); fcall values have no tuple subclasses"),
    (119, "TorchScript (scripted/traced modules) does not exist in fcall"),
    (120, "nn.DataParallel does not exist in fcall"),
    (121, "the deprecated torch.nn.utils.stateless alias and its FutureWarning are Python API surface"),
    (126, "Python keyword-argument name of functional_call's docstring vs signature"),
];

#[test]
fn coverage_every_case_accounted_for() {
    let all: BTreeSet<u64> = all_cases().keys().copied().collect();
    let run: BTreeSet<u64> = RUN.iter().copied().collect();
    let na: BTreeSet<u64> = NOT_APPLICABLE.iter().map(|(id, _)| *id).collect();
    assert!(run.is_disjoint(&na), "listed both as run and not applicable: {:?}", run.intersection(&na).collect::<Vec<_>>());
    let listed: BTreeSet<u64> = run.union(&na).copied().collect();
    assert_eq!(listed, all, "cases.jsonl ids vs run + not applicable");
    for (id, (_, obs)) in all_cases() {
        if obs.get("harness_error").is_some() {
            assert!(na.contains(id), "case {id} has no observation but is listed as run");
        }
    }
    assert_eq!(all.len(), RUN.len() + NOT_APPLICABLE.len());
}
