//! Build script: find libtorch (through torch-sys), compile the small C++ shim that reads what
//! tch does not expose (autograd node names, the version counter without a dispatch), and make
//! libtorch findable at run time without LD_LIBRARY_PATH, here and in crates that depend on
//! fcall (see [`libtorch_for_dependents`]).
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=csrc/shim.cpp");
    println!("cargo:rerun-if-changed=csrc/ops.cpp");
    println!("cargo:rerun-if-changed=csrc/hooks.cpp");
    println!("cargo:rerun-if-changed=csrc/vmap_decomps.cpp");
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
        .file("csrc/vmap_decomps.cpp")
        .compile("fcall_shim");
    println!("cargo:rustc-link-arg=-Wl,-rpath,{}", lib.display());
    println!("cargo:rustc-env=FCALL_LIBTORCH_LIB={}", lib.display());
    libtorch_for_dependents(&lib);
    // The Python that tests use as the oracle: the one the build found torch with.
    if let Ok(venv) = std::env::var("VIRTUAL_ENV") {
        println!("cargo:rustc-env=FCALL_PYTHON={venv}/bin/python");
    }
    println!("cargo:rerun-if-env-changed=VIRTUAL_ENV");
}

/// Cargo passes `rustc-link-arg` to this package's own binaries and tests only, so a crate that
/// depends on fcall gets libtorch found at run time in these ways instead:
/// - `cargo run`, `cargo test` and doc tests of any dependent: cargo puts a build script's
///   library search paths on the loader path when they lie inside the target folder, so the
///   search path goes through a link in OUT_DIR to the folder two above libtorch's `lib` (pip's
///   `site-packages`, so that libtorch's own `$ORIGIN/../../nvidia/...` entries still resolve).
/// - cdylibs of dependents (evcxr's per-notebook crate, fcall's engine library): cargo passes a
///   dependency's `rustc-cdylib-link-arg` on to them, so they get an rpath to libtorch and need
///   its libraries themselves; those load first and the Rust libraries that need them reuse them.
/// - a dependent's binaries run directly: `DEP_FCALL_LIBTORCH_LIB` (the `links` key) for the
///   one-line build script of README's "From Rust".
fn libtorch_for_dependents(lib: &Path) {
    println!("cargo:libtorch_lib={}", lib.display());
    println!("cargo:rustc-cdylib-link-arg=-Wl,-rpath,{}", lib.display());
    println!("cargo:rustc-cdylib-link-arg=-Wl,--push-state,--no-as-needed,-ltorch_cpu,-ltorch,-lc10,--pop-state");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let Some(root) = lib.parent().and_then(Path::parent) else { return };
    let below = lib.strip_prefix(root).expect("root is above lib");
    let link = out.join("libtorch-root");
    let _ = std::fs::remove_file(&link);
    if std::os::unix::fs::symlink(root, &link).is_ok() {
        println!("cargo:rustc-link-search=native={}", link.join(below).display());
    }
}
