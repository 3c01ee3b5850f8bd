//! Build script: find libtorch (through torch-sys), compile the small C++ shim that reads what
//! tch does not expose (autograd node names, the version counter without a dispatch), and bake
//! an rpath so binaries and tests find libtorch without LD_LIBRARY_PATH.
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=csrc/shim.cpp");
    println!("cargo:rerun-if-changed=csrc/ops.cpp");
    println!("cargo:rerun-if-changed=csrc/hooks.cpp");
    println!("cargo:rerun-if-changed=vendor/torch-sys/libtch/fcall_error_text.h");
    let lib = PathBuf::from(
        std::env::var("DEP_TCH_LIBTORCH_LIB").expect("torch-sys did not report DEP_TCH_LIBTORCH_LIB"),
    );
    let include = lib.parent().expect("libtorch lib dir has a parent").join("include");
    cc::Build::new()
        .cpp(true)
        .pic(true)
        .warnings(false)
        .flag("-std=c++17")
        .flag("-D_GLIBCXX_USE_CXX11_ABI=1")
        .include("csrc/include")
        .include("vendor/torch-sys/libtch")
        .include(&include)
        .include(include.join("torch/csrc/api/include"))
        .file("csrc/shim.cpp")
        .file("csrc/ops.cpp")
        .file("csrc/hooks.cpp")
        .compile("fcall_shim");
    println!("cargo:rustc-link-arg=-Wl,-rpath,{}", lib.display());
    println!("cargo:rustc-env=FCALL_LIBTORCH_LIB={}", lib.display());
    // The Python that tests use as the oracle: the one the build found torch with.
    if let Ok(venv) = std::env::var("VIRTUAL_ENV") {
        println!("cargo:rustc-env=FCALL_PYTHON={venv}/bin/python");
    }
    println!("cargo:rerun-if-env-changed=VIRTUAL_ENV");
}
