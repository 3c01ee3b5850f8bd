//! Native (fd-level) capture of standard error while a cell runs: libtorch's C++ warnings
//! (`TORCH_WARN`) are written straight to fd 2, past any Rust-level redirection. A pipe replaces
//! fd 2 for the cell; a reader thread drains it (so a chatty library never blocks on a full
//! pipe); the text comes back as the cell's stderr stream.
use std::fs::File;
use std::io::Read;
use std::os::fd::FromRawFd;

pub struct Capture {
    saved: i32,
    reader: std::thread::JoinHandle<String>,
}

impl Capture {
    /// Starts capturing fd 2; `None` (nothing captured) if the pipe cannot be made.
    pub fn start() -> Option<Capture> {
        let mut fds = [0i32; 2];
        // SAFETY: plain POSIX calls on descriptors this function owns.
        unsafe {
            if libc::pipe(fds.as_mut_ptr()) != 0 {
                return None;
            }
            let saved = libc::dup(2);
            if saved < 0 || libc::dup2(fds[1], 2) < 0 {
                libc::close(fds[0]);
                libc::close(fds[1]);
                if saved >= 0 {
                    libc::close(saved);
                }
                return None;
            }
            libc::close(fds[1]);
            let mut read_end = File::from_raw_fd(fds[0]);
            let reader = std::thread::spawn(move || {
                let mut buf = Vec::new();
                let _ = read_end.read_to_end(&mut buf);
                String::from_utf8_lossy(&buf).into_owned()
            });
            Some(Capture { saved, reader })
        }
    }

    /// Puts fd 2 back and returns what was written to it.
    pub fn finish(self) -> String {
        // SAFETY: restores the descriptor saved by `start`; the pipe's last write end closes
        // here, so the reader sees end of file.
        unsafe {
            libc::dup2(self.saved, 2);
            libc::close(self.saved);
        }
        self.reader.join().unwrap_or_default()
    }
}
