//! Drives a program through a pseudo-terminal, as a person at a terminal would: the program's
//! stdin, stdout and stderr are the terminal, it is the session leader with the terminal as its
//! controlling terminal (so Ctrl-C typed into it is SIGINT while the program is not in raw mode),
//! and the window has a size. Used by the REPL tests and the start-up benchmark.
#![allow(dead_code)]

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

pub struct Pty {
    master: File,
    pub child: Child,
    /// Everything the program wrote.
    pub out: Vec<u8>,
    /// How much of `out` the `expect`s have consumed.
    pub seen: usize,
    eof: bool,
}

fn os_err() -> std::io::Error {
    std::io::Error::last_os_error()
}

impl Pty {
    /// Starts `cmd` on a new terminal of `cols` x `rows`.
    pub fn spawn(mut cmd: Command, cols: u16, rows: u16) -> std::io::Result<Pty> {
        let (mut m, mut s) = (0, 0);
        let ws = libc::winsize { ws_row: rows, ws_col: cols, ws_xpixel: 0, ws_ypixel: 0 };
        // SAFETY: openpty writes two descriptors; NULL name and termios are allowed.
        if unsafe { libc::openpty(&mut m, &mut s, std::ptr::null_mut(), std::ptr::null(), &ws) } != 0 {
            return Err(os_err());
        }
        // SAFETY: fresh descriptors from openpty, owned here.
        let (master, slave) = unsafe { (OwnedFd::from_raw_fd(m), OwnedFd::from_raw_fd(s)) };
        // SAFETY: plain fcntl on our descriptor.
        unsafe { libc::fcntl(master.as_raw_fd(), libc::F_SETFD, libc::FD_CLOEXEC) };
        cmd.stdin(Stdio::from(slave.try_clone()?)).stdout(Stdio::from(slave.try_clone()?)).stderr(Stdio::from(slave));
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                if libc::setsid() < 0 {
                    return Err(os_err());
                }
                if libc::ioctl(0, libc::TIOCSCTTY as _, 0) < 0 {
                    return Err(os_err());
                }
                Ok(())
            });
        }
        let child = cmd.spawn()?;
        drop(cmd); // closes our copies of the terminal's slave side
        Ok(Pty { master: File::from(master), child, out: Vec::new(), seen: 0, eof: false })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Reads what is there, waiting at most until `deadline`; false at the end of output.
    fn fill(&mut self, deadline: Instant) -> bool {
        if self.eof {
            return false;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        let mut pfd = libc::pollfd { fd: self.master.as_raw_fd(), events: libc::POLLIN, revents: 0 };
        let ms = left.as_millis().min(i32::MAX as u128) as i32;
        // SAFETY: one pollfd.
        let r = unsafe { libc::poll(&mut pfd, 1, ms) };
        if r <= 0 {
            return true;
        }
        let mut buf = [0u8; 65536];
        match self.master.read(&mut buf) {
            Ok(0) | Err(_) => {
                // EIO: the program closed the terminal (it exited).
                self.eof = true;
                false
            }
            Ok(n) => {
                self.out.extend_from_slice(&buf[..n]);
                true
            }
        }
    }

    /// Waits until `needle` appears after what was consumed; returns the text up to and
    /// including it, and consumes it.
    pub fn expect(&mut self, needle: &str, timeout: Duration) -> Result<String, String> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(i) = find(&self.out[self.seen..], needle.as_bytes()) {
                let end = self.seen + i + needle.len();
                let text = String::from_utf8_lossy(&self.out[self.seen..end]).into_owned();
                self.seen = end;
                return Ok(text);
            }
            if Instant::now() >= deadline || !self.fill(deadline) && self.eof {
                return Err(format!(
                    "waited {:?} for {needle:?}; the terminal shows since the last match:\n{}",
                    timeout,
                    visible(&self.out[self.seen..])
                ));
            }
        }
    }

    /// Reads for `d`, whatever comes.
    pub fn drain_for(&mut self, d: Duration) {
        let deadline = Instant::now() + d;
        while Instant::now() < deadline && self.fill(deadline) {}
    }

    pub fn send(&mut self, s: &str) {
        self.master.write_all(s.as_bytes()).expect("write to the terminal");
        self.master.flush().expect("flush the terminal");
    }

    /// Whether the terminal is in non-canonical ("raw") mode now, as a line editor sets it while
    /// it reads keys (on Linux the master side reports the terminal's settings).
    pub fn is_raw(&self) -> bool {
        // SAFETY: tcgetattr fills a termios.
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        unsafe { libc::tcgetattr(self.master.as_raw_fd(), &mut t) == 0 && t.c_lflag & libc::ICANON == 0 }
    }

    /// Waits until the program reads keys one by one (its line editor is up). Control keys
    /// typed before then are the terminal driver's (Ctrl-D ends a line, Ctrl-C is a signal).
    pub fn wait_raw(&mut self, timeout: Duration) -> Result<(), String> {
        let deadline = Instant::now() + timeout;
        while !self.is_raw() {
            if Instant::now() >= deadline {
                return Err(format!("the terminal never went to raw mode; it shows:\n{}", visible(&self.out[self.seen..])));
            }
            self.fill(Instant::now() + Duration::from_millis(20));
        }
        Ok(())
    }

    /// Sets the window size (the program gets SIGWINCH).
    pub fn resize(&mut self, cols: u16, rows: u16) {
        let ws = libc::winsize { ws_row: rows, ws_col: cols, ws_xpixel: 0, ws_ypixel: 0 };
        // SAFETY: TIOCSWINSZ reads a winsize.
        unsafe { libc::ioctl(self.master.as_raw_fd(), libc::TIOCSWINSZ, &ws) };
    }

    /// The program's resident memory now (VmRSS), in KiB.
    pub fn rss_kib(&self) -> Option<u64> {
        rss_kib(self.child.id())
    }

    /// Waits for the program to exit, reading its output meanwhile.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(st)) = self.child.try_wait() {
                self.drain_for(Duration::from_millis(50));
                return Some(st);
            }
            if Instant::now() >= deadline {
                return None;
            }
            if !self.fill(Instant::now() + Duration::from_millis(50)) {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }

    /// All the output so far, as text.
    pub fn all_text(&self) -> String {
        String::from_utf8_lossy(&self.out).into_owned()
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Output with escape sequences and control characters made visible, for failure messages.
pub fn visible(b: &[u8]) -> String {
    let s = String::from_utf8_lossy(b);
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '\x1b' => out.push_str("\\e"),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n\n"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Whether `b` has a colour (SGR) escape sequence: ESC [ digits/semicolons m.
pub fn has_sgr(b: &[u8]) -> bool {
    let mut i = 0;
    while i + 1 < b.len() {
        if b[i] == 0x1b && b[i + 1] == b'[' {
            let mut j = i + 2;
            while j < b.len() && (b[j].is_ascii_digit() || b[j] == b';') {
                j += 1;
            }
            if j < b.len() && b[j] == b'm' {
                return true;
            }
        }
        i += 1;
    }
    false
}
