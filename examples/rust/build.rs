// The one line README's "From Rust" asks of a crate whose binaries run by themselves (`cargo run`
// and `cargo test` find libtorch without it): an rpath to the libtorch fcall was built with.
fn main() { println!("cargo:rustc-link-arg=-Wl,-rpath,{}", std::env::var("DEP_FCALL_LIBTORCH_LIB").unwrap()); }
