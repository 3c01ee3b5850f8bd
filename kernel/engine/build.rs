//! Bakes an rpath to libtorch into libfcall_kernel.so, so Jupyter can start the kernel with no
//! LD_LIBRARY_PATH.
fn main() {
    if let Ok(lib) = std::env::var("DEP_TCH_LIBTORCH_LIB") {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{lib}");
    }
}
