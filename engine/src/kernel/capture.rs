//! Native (fd-level) capture of standard error while a cell runs: libtorch's C++ warnings
//! (`TORCH_WARN`) are written straight to fd 2, past any Rust-level redirection. An in-memory
//! file (memfd) replaces fd 2 for the cell; its text comes back as the cell's stderr stream.
//!
//! A crash is not swallowed by the capture: if the process gets a fatal signal (abort, segfault,
//! bus error, illegal instruction, arithmetic fault) while a cell runs, a handler puts the real
//! stderr back and copies what the cell had written there (the reason: "memory allocation of N
//! bytes failed", a C++ `terminate` message) to the kernel's log, then lets the signal take its
//! course.
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::os::fd::FromRawFd;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::Once;

/// The memfd standing in for fd 2 while a cell runs (-1: none).
static CAPTURE_FD: AtomicI32 = AtomicI32::new(-1);
/// The real stderr (the kernel's log) while a cell runs (-1: none).
static SAVED_FD: AtomicI32 = AtomicI32::new(-1);

const FATAL: [libc::c_int; 5] = [libc::SIGABRT, libc::SIGSEGV, libc::SIGBUS, libc::SIGILL, libc::SIGFPE];

/// The actions the fatal signals had before [`install`] (restored by the handler).
static mut PREVIOUS: [std::mem::MaybeUninit<libc::sigaction>; 5] = [const { std::mem::MaybeUninit::uninit() }; 5];
static INSTALL: Once = Once::new();

fn write_all(fd: i32, mut bytes: &[u8]) {
    while !bytes.is_empty() {
        // SAFETY: write(2) from a valid buffer.
        let n = unsafe { libc::write(fd, bytes.as_ptr().cast(), bytes.len()) };
        if n <= 0 {
            return;
        }
        bytes = &bytes[n as usize..];
    }
}

/// Async-signal-safe: dup2, write, pread, sigaction.
extern "C" fn on_fatal(sig: libc::c_int, _info: *mut libc::siginfo_t, _ctx: *mut libc::c_void) {
    let fd = CAPTURE_FD.swap(-1, Ordering::SeqCst);
    let saved = SAVED_FD.load(Ordering::SeqCst);
    // SAFETY: plain system calls on descriptors this module owns; PREVIOUS was filled by
    // `install` before any handler could run.
    unsafe {
        if fd >= 0 && saved >= 0 {
            libc::dup2(saved, 2);
            write_all(2, b"[fcall kernel] the engine crashed while running a cell; what it wrote to stderr:\n");
            let mut buf = [0u8; 4096];
            let mut off: libc::off_t = 0;
            loop {
                let n = libc::pread(fd, buf.as_mut_ptr().cast(), buf.len(), off);
                if n <= 0 {
                    break;
                }
                write_all(2, &buf[..n as usize]);
                off += n as libc::off_t;
            }
            write_all(2, b"\n");
        }
        // The previous action (Rust's stack-overflow report, or the default: death) takes the
        // signal again, raised now and delivered as this handler returns (a fault would also
        // repeat by itself; a `kill` would not).
        if let Some(i) = FATAL.iter().position(|s| *s == sig) {
            let prev = &*std::ptr::addr_of!(PREVIOUS[i]);
            libc::sigaction(sig, prev.as_ptr(), std::ptr::null_mut());
        }
        libc::raise(sig);
    }
}

fn install() {
    INSTALL.call_once(|| {
        // SAFETY: PREVIOUS is written here once, before the handler is installed.
        unsafe {
            for (i, sig) in FATAL.iter().enumerate() {
                let mut sa: libc::sigaction = std::mem::zeroed();
                sa.sa_sigaction = on_fatal as extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) as usize;
                sa.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
                libc::sigemptyset(&mut sa.sa_mask);
                let prev = &mut *std::ptr::addr_of_mut!(PREVIOUS[i]);
                libc::sigaction(*sig, &sa, prev.as_mut_ptr());
            }
        }
    });
}

pub struct Capture {
    saved: i32,
    file: File,
}

impl Capture {
    /// Starts capturing fd 2; `None` (nothing captured) if the memfd cannot be made.
    pub fn start() -> Option<Capture> {
        install();
        // SAFETY: plain POSIX calls on descriptors this function owns.
        unsafe {
            let fd = libc::memfd_create(c"fcall-cell-stderr".as_ptr(), libc::MFD_CLOEXEC);
            if fd < 0 {
                return None;
            }
            let saved = libc::dup(2);
            if saved < 0 || libc::dup2(fd, 2) < 0 {
                libc::close(fd);
                if saved >= 0 {
                    libc::close(saved);
                }
                return None;
            }
            SAVED_FD.store(saved, Ordering::SeqCst);
            CAPTURE_FD.store(fd, Ordering::SeqCst);
            Some(Capture { saved, file: File::from_raw_fd(fd) })
        }
    }

    /// Puts fd 2 back and returns what was written to it.
    pub fn finish(mut self) -> String {
        CAPTURE_FD.store(-1, Ordering::SeqCst);
        // SAFETY: restores the descriptor saved by `start`.
        unsafe {
            libc::dup2(self.saved, 2);
            SAVED_FD.store(-1, Ordering::SeqCst);
            libc::close(self.saved);
        }
        let mut buf = Vec::new();
        let _ = self.file.seek(SeekFrom::Start(0)).and_then(|_| self.file.read_to_end(&mut buf));
        String::from_utf8_lossy(&buf).into_owned()
    }
}
