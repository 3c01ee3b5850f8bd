//! Finds and opens the engine library, `libfcall_engine.so` (the evaluator on libtorch, built from
//! `engine/`), for both users of it in the `fcall` binary: the REPL and scripts
//! (`repl/src/loader.rs`) and the Jupyter kernel (`kernel/src/engine.rs`). Each of them keeps its
//! own entry points and threads; what is here is where the library is, `dlopen`, symbol lookup
//! and the interface-version check.
//!
//! This crate does not link libtorch (nor does the binary): libtorch's static initialisers run
//! when the library is opened, not before `main`.
use std::ffi::{c_int, c_void, CStr, CString};
use std::path::{Path, PathBuf};

/// The library's file name.
pub const LIB_NAME: &str = "libfcall_engine.so";

/// The environment variable that names the library's path, overriding the search.
pub const ENV_VAR: &str = "FCALL_ENGINE";

/// Where the library may be: `$FCALL_ENGINE` if set (then only there); else next to the binary,
/// in its `deps/` folder (where cargo builds it, as a dependency of the binary's package) or in
/// `../lib/`.
pub fn candidates() -> Vec<PathBuf> {
    if let Some(p) = std::env::var_os(ENV_VAR).filter(|p| !p.is_empty()) {
        return vec![PathBuf::from(p)];
    }
    let mut v = Vec::new();
    if let Ok(exe) = std::env::current_exe() {
        let exe = exe.canonicalize().unwrap_or(exe);
        if let Some(dir) = exe.parent() {
            v.push(dir.join(LIB_NAME));
            v.push(dir.join("deps").join(LIB_NAME));
            if let Some(up) = dir.parent() {
                v.push(up.join("lib").join(LIB_NAME));
            }
        }
    }
    v
}

/// The newest of `paths` that exist (a build folder may hold an older copy too).
pub fn newest(paths: &[PathBuf]) -> Option<PathBuf> {
    paths
        .iter()
        .filter_map(|p| Some((std::fs::metadata(p).ok()?.modified().ok()?, p)))
        .max_by_key(|(t, _)| *t)
        .map(|(_, p)| p.clone())
}

fn dlerror() -> String {
    // SAFETY: dlerror returns NULL or a NUL-terminated message owned by libc.
    unsafe {
        let e = libc::dlerror();
        if e.is_null() {
            "unknown error".into()
        } else {
            CStr::from_ptr(e).to_string_lossy().into_owned()
        }
    }
}

/// The opened engine library. The handle is never closed: the engine lives as long as the
/// process (one process opens it once).
#[derive(Debug)]
pub struct Library {
    handle: *mut c_void,
    path: PathBuf,
}

// SAFETY: a dlopen handle may be used from any thread.
unsafe impl Send for Library {}
unsafe impl Sync for Library {}

impl Library {
    /// Finds the library (see [`candidates`]) and opens it with `dlopen` `flags` (this runs
    /// libtorch's static initialisers: the slow part).
    pub fn open(flags: c_int) -> Result<Library, String> {
        let paths = candidates();
        let Some(path) = newest(&paths) else {
            return Err(format!(
                "cannot find the engine library {LIB_NAME} (looked in: {}); build it with `cargo build --release -p fcall-cli` or set {ENV_VAR}",
                paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
            ));
        };
        Library::open_at(&path, flags)
    }

    /// Opens the library at `path` with `dlopen` `flags`.
    pub fn open_at(path: &Path, flags: c_int) -> Result<Library, String> {
        let cpath = CString::new(path.as_os_str().as_encoded_bytes()).map_err(|_| format!("bad engine library path {}", path.display()))?;
        // SAFETY: dlopen on a path.
        let handle = unsafe { libc::dlopen(cpath.as_ptr(), flags) };
        if handle.is_null() {
            return Err(format!("cannot load {}: {}", path.display(), dlerror()));
        }
        Ok(Library { handle, path: path.to_path_buf() })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The address of symbol `name`, or "... has no symbol X; rebuild fcall".
    pub fn symbol(&self, name: &str) -> Result<*mut c_void, String> {
        let c = CString::new(name).map_err(|_| format!("bad symbol name {name:?}"))?;
        // SAFETY: dlsym on a live handle.
        let p = unsafe { libc::dlsym(self.handle, c.as_ptr()) };
        if p.is_null() {
            Err(format!("{} has no symbol {name}; rebuild fcall", self.path.display()))
        } else {
            Ok(p)
        }
    }

    /// Symbol `name` as a function pointer of type `F`.
    ///
    /// # Safety
    /// `F` is a function pointer type matching the symbol's real signature.
    pub unsafe fn function<F: Copy>(&self, name: &str) -> Result<F, String> {
        assert_eq!(std::mem::size_of::<F>(), std::mem::size_of::<*mut c_void>(), "F must be a function pointer");
        let p = self.symbol(name)?;
        Ok(std::mem::transmute_copy::<*mut c_void, F>(&p))
    }

    /// Calls `abi_symbol` (an `extern "C" fn() -> u32`) and checks it returns `expected`.
    pub fn check_abi(&self, abi_symbol: &str, expected: u32) -> Result<(), String> {
        // SAFETY: the interface-version functions all have this signature.
        let abi: extern "C" fn() -> u32 = unsafe { self.function(abi_symbol)? };
        let found = abi();
        if found != expected {
            return Err(format!(
                "{} is from another version of fcall (interface {expected} here, {found} there); rebuild fcall",
                self.path.display()
            ));
        }
        Ok(())
    }
}

/// Opens the library at the newest candidate with `flags` and checks its interface version.
pub fn open(flags: c_int, abi_symbol: &str, expected: u32) -> Result<Library, String> {
    let lib = Library::open(flags)?;
    lib.check_abi(abi_symbol, expected)?;
    Ok(lib)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_existing_candidate_wins() {
        let dir = std::env::temp_dir().join(format!("fcall-loader-test-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("deps")).unwrap();
        let (a, b, missing) = (dir.join(LIB_NAME), dir.join("deps").join(LIB_NAME), dir.join("nope").join(LIB_NAME));
        std::fs::write(&a, b"old").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&b, b"new").unwrap();
        assert_eq!(newest(&[a.clone(), b.clone(), missing.clone()]), Some(b.clone()));
        assert_eq!(newest(&[missing]), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn missing_symbol_says_rebuild() {
        // The C library is always there to dlopen.
        let lib = Library::open_at(Path::new("libc.so.6"), libc::RTLD_NOW | libc::RTLD_LOCAL).unwrap();
        assert!(lib.symbol("getpid").is_ok());
        let e = lib.symbol("fcall_no_such_symbol").unwrap_err();
        assert!(e.ends_with("has no symbol fcall_no_such_symbol; rebuild fcall"), "{e}");
        assert!(Library::open_at(Path::new("/nonexistent/libfcall_engine.so"), libc::RTLD_NOW).unwrap_err().starts_with("cannot load"));
    }
}
