//! README's "From Rust" example is the crate-level example of src/lib.rs, which `cargo test
//! --doc` compiles and runs: the two must stay the same text.
fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text.find(start).unwrap_or_else(|| panic!("no {start:?}")) + start.len();
    let len = text[from..].find(end).unwrap_or_else(|| panic!("no {end:?} after {start:?}"));
    &text[from..from + len]
}

#[test]
fn readme_example_is_the_tested_doc_example() {
    let root = env!("CARGO_MANIFEST_DIR");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    let lib = std::fs::read_to_string(format!("{root}/src/lib.rs")).unwrap();
    let readme_code = between(between(&readme, "## From Rust", "\n## "), "```rust\n", "```\n");
    let doc: String = between(&lib, "//! ```\n", "//! # Ok::<")
        .lines()
        .map(|l| format!("{}\n", l.strip_prefix("//! ").unwrap_or(l.trim_start_matches("//!"))))
        .collect();
    assert_eq!(readme_code, doc);
}
